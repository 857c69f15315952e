// The host's rounds: create, open, close; turnout; the projector switch; the
// rounds so far; and the proposal once a member round has closed.

import { errorText } from "./api.js";
import { capSummary, organisationSummary, proposalFlags, resultsTable } from "./results.js";
import { ROUND_KIND_NAMES, ROUND_STATUS_NAMES, h, replace, setText } from "./ui.js";

const MEMBER_ROUNDS = ["classification", "followup"];

export class RoundsPanel {
  /** ctx: {call, meetingId, flash, chosenMembers(), chooseMembers(ids)} */
  constructor(els, ctx) {
    this.els = els; // {panel, notOnBallot, history, proposal, proposalCard}
    this.ctx = ctx;
    this.panelKey = null;
    this.bars = null;
    this.barsRound = null;
    this.proposalKey = "";
    this.proposal = null;
    this.confirming = false;
    this.turnout = null;
  }

  update(state) {
    this.state = state;
    const round = state.round;
    const key = JSON.stringify([round && round.id, round && round.status, round && round.decryption, this.confirming,
      this.confirming && round.ballots_cast, state.refusals, state.meeting.state, state.rounds.length]);
    if (key !== this.panelKey) {
      this.panelKey = key;
      replace(this.els.panel, this.panel(state));
    }
    if (this.turnout && round) {
      setText(this.turnout, `${round.ballots_cast}/${state.voters} đã bỏ phiếu · `
        + `${round.participants} đã nhận phiếu`);
      const waiting = round.waiting || [];
      setText(this.waiting, waiting.length
        ? `Còn ${waiting.length} đồng chí chưa nhận phiếu: ${waiting.map((m) => m.name).join(", ")}.`
        : "Mọi đồng chí có quyền biểu quyết đã nhận phiếu.");
    }
    this.notOnBallot(state);
    this.history(state.rounds);
    this.maybeFetchProposal(state);
  }

  panel(state) {
    const round = state.round;
    this.turnout = null;
    if (state.meeting.state === "certified") {
      return h("p", { class: "muted", text: "Cuộc họp đã được chứng thực: không tạo hay mở thêm vòng bỏ phiếu." });
    }
    if (round && round.status === "draft") {
      return this.draftPanel(state, round);
    }
    if (round && round.status === "open") {
      return this.openPanel(state, round);
    }
    if (round && round.status === "counting") {
      return this.countingPanel(round);
    }
    return this.createPanel(state);
  }

  draftPanel(state, round) {
    const refusal = state.refusals.open;
    return [
      h("p", null, h("strong", { text: `Vòng ${round.number}: ${ROUND_KIND_NAMES[round.kind]}` }),
        ` — đã tạo với ${round.questions.length} mục, chưa mở.`),
      h("div", { class: "row wrap" },
        h("button", { type: "button", class: "primary big", id: "open-round", text: "Mở vòng bỏ phiếu",
          disabled: Boolean(refusal), "aria-describedby": refusal ? "open-refusal" : null,
          onclick: (e) => this.act(e.target, "POST", `/api/host/rounds/${round.id}/open`) }),
        h("button", { type: "button", class: "secondary", id: "delete-round", text: "Xóa vòng này",
          onclick: (e) => this.act(e.target, "DELETE", `/api/host/rounds/${round.id}`) })),
      refusal ? h("p", { class: "warn", id: "open-refusal", text: refusal }) : null,
    ];
  }

  openPanel(state, round) {
    this.turnout = h("p", { class: "turnout", id: "host-turnout" });
    // Who has not yet taken part, in roster order (a paper sign-in sheet's blanks).
    this.waiting = h("p", { class: "waiting", id: "host-waiting" });
    const missing = Math.max(0, state.voters - round.ballots_cast);
    const close = this.confirming
      ? h("div", { class: "confirm", role: "alertdialog", "aria-labelledby": "close-question" },
        h("p", { id: "close-question" }, h("strong", { text: missing
          ? `Còn ${missing} đồng chí chưa bỏ phiếu (${round.ballots_cast}/${state.voters} đã bỏ).`
          : `Mọi đồng chí có quyền biểu quyết đã bỏ phiếu (${round.ballots_cast}/${state.voters}).` }),
        " Kết thúc vòng? Phiếu gửi đến sau khi kết thúc sẽ không được tính."),
        h("button", { type: "button", class: "danger", id: "confirm-close", text: "Kết thúc vòng",
          onclick: (e) => { this.confirming = false; this.act(e.target, "POST", `/api/host/rounds/${round.id}/close`); } }),
        h("button", { type: "button", class: "secondary", text: "Chưa",
          onclick: () => { this.confirming = false; this.update(this.state); } }))
      : h("button", { type: "button", class: "danger big", id: "close-round", text: "Kết thúc vòng bỏ phiếu",
        onclick: () => { this.confirming = true; this.update(this.state); } });
    return [
      h("p", null, h("strong", { text: `Vòng ${round.number}: ${ROUND_KIND_NAMES[round.kind]}` }), " — đang mở."),
      this.turnout,
      this.waiting,
      close,
    ];
  }

  /** An encrypted round closed to ballots, waiting for the committee's shares. */
  countingPanel(round) {
    const d = round.decryption || { needed: 0, shares: [] };
    return [
      h("p", null, h("strong", { text: `Vòng ${round.number}: ${ROUND_KIND_NAMES[round.kind]}` }),
        ` — đã kết thúc bỏ phiếu (${round.ballots_cast} phiếu), đang chờ ban kiểm phiếu giải mã.`),
      h("p", { id: "host-counting", text: `Đã có ${d.shares.length}/${d.needed} phần giải mã. Kết quả hiện ngay khi đủ; `
        + "xem ai đã gửi ở thẻ “Ban kiểm phiếu”." }),
    ];
  }

  createPanel(state) {
    const id = this.ctx.meetingId();
    const refusals = state.refusals.create;
    const create = (kind, label) => {
      const refusal = refusals[kind];
      return h("button", { type: "button", class: "primary", dataset: { kind }, text: label,
        disabled: Boolean(refusal), title: refusal || null,
        onclick: (e) => {
          const body = { kind };
          if (kind === "followup") {
            body.member_ids = this.ctx.chosenMembers();
            if (!body.member_ids.length) {
              this.ctx.flash("Hãy đánh dấu các đồng chí cần bỏ phiếu bổ sung ở cột “Vòng bổ sung” trong danh sách.", true);
              return;
            }
          }
          this.act(e.target, "POST", `/api/host/meetings/${id}/rounds`, body);
        } });
    };
    const reasons = [...new Set(Object.values(refusals).filter(Boolean))];
    return [
      state.attendance.reached ? null
        : h("p", { class: "warn", text: "Chưa quá nửa đảng viên chính thức có mặt: cuộc họp chưa đủ điều kiện biểu quyết." }),
      h("div", { class: "row wrap" },
        create("classification", "Tạo vòng xếp loại đảng viên"),
        create("followup", "Tạo vòng bổ sung (đồng chí đã đánh dấu)"),
        create("organisation", "Tạo vòng xếp loại chi bộ")),
      reasons.map((text) => h("p", { class: "muted small refusal", text })),
      h("p", { class: "muted", text: "Vòng xếp loại gồm mọi đảng viên có mặt thuộc diện xếp loại. Tạo xong, kiểm tra rồi bấm “Mở vòng bỏ phiếu”." }),
    ];
  }

  /** Members now to be classified whom no round asks about (marked present late). */
  notOnBallot(state) {
    const missing = state.not_on_ballot || [];
    const key = JSON.stringify(missing);
    if (key === this.notOnBallotKey) {
      return;
    }
    this.notOnBallotKey = key;
    replace(this.els.notOnBallot, missing.length
      ? h("div", { class: "warn", role: "alert" },
        h("p", { text: `${missing.map((m) => `Đồng chí ${m.name}`).join(", ")} không có trong phiếu `
          + "của vòng xếp loại đã tạo; cần một vòng bổ sung cho "
          + `${missing.length > 1 ? "các đồng chí này" : "đồng chí"} sau khi vòng hiện tại kết thúc.` }),
        h("button", { type: "button", class: "secondary", id: "choose-not-on-ballot",
          text: "Đánh dấu cho vòng bổ sung", onclick: () => this.ctx.chooseMembers(missing.map((m) => m.id)) }))
      : null);
  }

  async act(button, method, path, body) {
    button.disabled = true;
    try {
      await this.ctx.call(method, path, body);
      await this.ctx.reload();
    } catch (error) {
      this.ctx.flash(errorText(error), true);
      button.disabled = false;
    }
  }

  history(rounds) {
    const key = JSON.stringify(rounds.map((r) => [r.id, r.status, r.ballots_cast, r.participants]));
    if (key === this.historyKey) {
      return;
    }
    this.historyKey = key;
    replace(this.els.history, rounds.length ? h("table", { class: "rounds" },
      h("thead", null, h("tr", null, ["Vòng", "Loại", "Trạng thái", "Phiếu", "Chữ ký đã cấp"]
        .map((t) => h("th", { scope: "col", text: t })))),
      h("tbody", null, rounds.map((r) => h("tr", { dataset: { round: r.id } },
        h("td", { text: String(r.number) }), h("td", { text: ROUND_KIND_NAMES[r.kind] || r.kind }),
        h("td", { text: ROUND_STATUS_NAMES[r.status] || r.status }),
        h("td", { class: "num", text: String(r.ballots_cast) }),
        h("td", { class: "num", text: String(r.participants) }))))) : null);
  }

  /** After a member round closes: GET the proposal (the rules engine's answer). */
  async maybeFetchProposal(state) {
    const closed = state.rounds.filter((r) => MEMBER_ROUNDS.includes(r.kind) && r.status === "closed");
    const key = closed.map((r) => r.id).join(",") + JSON.stringify(state.organisation_vote)
      + (closed.length ? JSON.stringify(state.members.map((m) => [m.present, m.absent_with_leave, m.self_level, m.committee_level, m.facts])) : "");
    if (key === this.proposalKey) {
      return;
    }
    this.proposalKey = key;
    if (!closed.length) {
      this.els.proposalCard.hidden = true;
      return;
    }
    try {
      const proposal = await this.ctx.call("GET", `/api/host/meetings/${this.ctx.meetingId()}/proposal`);
      if (key !== this.proposalKey) {
        return; // a newer request is on its way
      }
      this.proposal = proposal;
      this.renderProposal(proposal, state.organisation_vote);
    } catch (error) {
      this.proposalKey = "";
      this.ctx.flash(errorText(error), true);
    }
  }

  renderProposal(proposal, organisationVote) {
    const open = proposal.members.filter((m) => m.status === "undetermined" || m.status === "tie");
    replace(this.els.proposal,
      h("p", { class: "muted", text: "Tính bằng bộ quy tắc từ các vòng đã kết thúc (vòng bổ sung thay kết quả vòng trước cho các đồng chí được bỏ phiếu lại)." }),
      proposalFlags(proposal),
      resultsTable(proposal), capSummary(proposal), organisationSummary(proposal, organisationVote),
      open.length
        ? h("p", null, `${open.length} đồng chí chưa xác định hoặc bằng phiếu. `,
          h("button", { type: "button", class: "secondary", id: "choose-undetermined",
            text: "Đánh dấu các đồng chí này cho vòng bổ sung",
            onclick: () => this.ctx.chooseMembers(open.map((m) => m.id)) }))
        : null);
    this.els.proposalCard.hidden = false;
  }
}
