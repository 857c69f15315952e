// Certification (docs/protocol.md, “Certification”): once the rounds are closed the host certifies the
// meeting, which freezes it; then the bundle, the minutes (PDF) and the
// proposal table (XLSX) can be downloaded, with the signer's fingerprint to
// read out or send to the đảng ủy.

import { downloadFile, errorText } from "./api.js";
import { h, replace } from "./ui.js";

const FILES = [
  ["bundle", "Gói chứng thực (.json)", "json"],
  ["minutes.pdf", "Biên bản và danh sách đề xuất (.pdf)", "pdf"],
  ["proposal.xlsx", "Bảng đề xuất (.xlsx)", "xlsx"],
];

export class CertifyPanel {
  /** ctx: {call, flash, meetingId, csrf()} */
  constructor(el, ctx) {
    this.el = el;
    this.ctx = ctx;
    this.key = "";
    this.fingerprint = null;
  }

  update(state) {
    this.lastState = state;
    const closedMemberRound = state.rounds.some(
      (r) => r.status === "closed" && (r.kind === "classification" || r.kind === "followup"));
    const openRound = state.rounds.some((r) => r.status === "open");
    const key = `${state.meeting.state}:${closedMemberRound}:${openRound}:${this.fingerprint}`;
    if (key === this.key) {
      return;
    }
    this.key = key;
    this.el.hidden = !closedMemberRound;
    if (state.meeting.state === "certified") {
      replace(this.el, ...this.certifiedView(state.meeting));
    } else {
      replace(this.el, ...this.readyView(openRound));
    }
    this.loadFingerprint();
  }

  readyView(openRound) {
    const button = h("button", { type: "button", class: "primary", disabled: openRound }, "Chứng thực kết quả");
    button.addEventListener("click", () => this.certify(button));
    return [
      h("h2", null, "Chứng thực kết quả"),
      h("p", { class: "hint" }, openRound
        ? "Hãy kết thúc vòng bỏ phiếu đang mở trước khi chứng thực."
        : "Chứng thực sẽ khóa cuộc họp: sau đó không thể sửa danh sách, có mặt hay mở vòng mới. "
          + "Hãy xử lý các đồng chí chưa xác định hoặc bằng phiếu (vòng bổ sung) trước."),
      this.fingerprintLine(),
      button,
    ];
  }

  certifiedView(meeting) {
    const buttons = FILES.map(([path, label, ext]) => {
      const button = h("button", { type: "button", class: "secondary" }, label);
      button.addEventListener("click", () => this.download(path, `phieukin-${meeting.code}.${ext}`));
      return button;
    });
    return [
      h("h2", null, "Đã chứng thực"),
      h("p", null, "Cuộc họp đã được khóa. Gửi các tệp dưới đây cho đảng ủy; đảng ủy kiểm tra bằng "
        + "“ballot verify” hoặc trang /verify với dấu vân tay khóa của chi bộ."),
      this.fingerprintLine(),
      h("div", { class: "inline wrap" }, ...buttons),
    ];
  }

  /** The key that signs (or signed) the bundle: the đảng ủy registers this fingerprint. */
  fingerprintLine() {
    return h("p", { class: "fingerprint" }, "Dấu vân tay khóa chứng thực của chi bộ: ",
      h("strong", { class: "mono" }, this.fingerprint || "…"));
  }

  async certify(button) {
    if (!window.confirm("Chứng thực và khóa cuộc họp? Việc này không thể hoàn tác.")) {
      return;
    }
    button.disabled = true;
    try {
      await this.ctx.call("POST", `/api/host/meetings/${this.ctx.meetingId()}/certify`);
      this.ctx.flash("Đã chứng thực. Có thể tải gói chứng thực, biên bản và bảng đề xuất.");
    } catch (error) {
      this.ctx.flash(errorText(error), true);
      button.disabled = false;
    }
  }

  async loadFingerprint() {
    if (this.fingerprint) {
      return;
    }
    try {
      this.fingerprint = (await this.ctx.call("GET", "/api/host/certification-key")).fingerprint;
      this.key = "";
      this.update(this.lastState);
    } catch (error) {
      this.ctx.flash(errorText(error), true);
    }
  }

  async download(path, filename) {
    try {
      await downloadFile(`/api/host/meetings/${this.ctx.meetingId()}/${path}`, filename, this.ctx.csrf());
    } catch (error) {
      this.ctx.flash(errorText(error), true);
    }
  }
}
