// The console's card for the counting committee (ban kiểm phiếu): designate its
// members and threshold, follow the key ceremony, record that the fingerprints read
// aloud match, and, for a round waiting for its count, who has sent a decryption share,
// who is missing, which share was refused, and voiding a round that cannot be counted
// (docs/encrypted-ballots.md, section 14).

import { errorText } from "./api.js";
import { ROUND_KIND_NAMES, h, replace } from "./ui.js";

const MAX_TRUSTEES = 7;

export class CommitteePanel {
  /** ctx: {call, meetingId, flash, reload} */
  constructor(el, ctx) {
    this.el = el;
    this.ctx = ctx;
    this.key = null;
    this.chosen = new Set(); // member ids ticked in the form, kept across updates
    this.threshold = 2;
    this.formOpen = false; // the "choose again" form of a committee already designated
    this.voiding = null; // id of the round whose voiding waits for a confirmation
  }

  update(state) {
    this.state = state;
    const counting = state.rounds.filter((r) => r.status === "counting");
    const eligible = state.members.filter((m) => m.may_vote).map((m) => [m.id, m.name]);
    const key = JSON.stringify([state.committee, counting.map((r) => [r.id, r.ballots_cast, r.decryption]),
      eligible, this.formOpen, this.voiding, state.meeting.state]);
    if (key === this.key) {
      return;
    }
    this.key = key;
    this.el.classList.toggle("has-counting", counting.length > 0);
    replace(this.el, this.render(state, counting));
  }

  render(state, counting) {
    const c = state.committee;
    const certified = state.meeting.state === "certified";
    const parts = [
      h("p", { class: "muted", id: "committee-why" }, "Khi có ban kiểm phiếu, mỗi lá phiếu được mã hóa ngay trên điện "
        + "thoại người bỏ phiếu: không ai, kể cả chủ tọa, đọc được một lá phiếu; chỉ tổng số phiếu của mỗi vòng "
        + "được giải mã, khi đủ ", h("strong", { text: c ? `${c.t} trong ${c.n}` : "t trong n" }),
      " thành viên của ban cùng giải mã trên điện thoại của mình."),
    ];
    if (!c) {
      parts.push(h("p", { id: "committee-none", text: "Chưa có ban kiểm phiếu: phiếu chỉ được làm mù, không được mã hóa. "
        + "Nên chọn ban trước khi tạo vòng bỏ phiếu đầu tiên." }));
      if (!certified) {
        parts.push(this.designateForm(state, "Bắt đầu tạo khóa"));
      }
      return parts;
    }
    const ceremony = h("div", { class: "committee-ceremony" }, this.ceremonyView(c));
    parts.push(ceremony);
    if (!certified && !counting.length && !(state.round && state.round.status === "open")) {
      if (c.state === "failed") {
        ceremony.append(this.designateForm(state, "Chọn lại và tạo khóa lại"));
      } else {
        ceremony.append(h("details", { class: "designate-again", open: this.formOpen,
          ontoggle: (e) => { this.formOpen = e.target.open; } },
        h("summary", { text: "Chọn lại ban kiểm phiếu" }),
        h("p", { class: "muted small", text: "Chọn lại sẽ tạo khóa mới; các vòng đã kết thúc vẫn giữ khóa cũ." }),
        this.designateForm(state, "Chọn lại và tạo khóa lại")));
      }
    }
    if (counting.length) {
      parts.push(h("div", { class: "committee-counting" }, counting.map((round) => this.countingView(c, round))));
    }
    return parts;
  }

  ceremonyView(c) {
    const mark = (ok) => h("td", { class: ok ? "yes" : "no", text: ok ? "✓" : "…" });
    const table = h("table", { class: "trustees", id: "trustee-progress" },
      h("thead", null, h("tr", null, ["Số", "Thành viên", "Gửi khóa", "Chia khóa", "Xác nhận"]
        .map((t) => h("th", { scope: "col", text: t })))),
      h("tbody", null, c.trustees.map((tr) => h("tr", { dataset: { trustee: String(tr.index), member: tr.id } },
        h("td", { class: "num", text: String(tr.index) }), h("td", { text: tr.name }),
        mark(tr.announced), mark(tr.dealt), mark(tr.confirmed)))));
    const out = [h("p", { id: "committee-state" }, h("strong", { text: `Ban ${c.n} người, cần ${c.t} người để giải mã` }),
      " · ", stateText(c))];
    if (c.state === "failed") {
      out.push(h("p", { class: "error", role: "alert", id: "committee-failure",
        text: `Lễ tạo khóa không thành: ${c.failure || "không rõ lý do"}. Hãy chọn lại ban kiểm phiếu.` }));
    }
    if (c.state === "running") {
      out.push(h("p", { class: "muted small", text: "Mỗi thành viên mở “Trang ban kiểm phiếu” trên điện thoại đã vào "
        + "cuộc họp và giữ trang mở; điện thoại tự làm từng bước." }));
    }
    out.push(table);
    if (c.state === "complete") {
      out.push(h("p", { class: "lead", text: "Mã ban kiểm phiếu (máy chủ tính):" }),
        fingerprint(c.short_fingerprint));
      if (c.confirmed_aloud_at) {
        out.push(h("p", { class: "ok", id: "confirmed-aloud",
          text: `✓ Lúc ${c.confirmed_aloud_at}: các thành viên đã đọc mã và khớp (ghi vào biên bản).` }));
      } else {
        out.push(h("p", { class: "note", text: "Mời từng thành viên đọc to mã trên điện thoại của mình. Mọi người so "
          + "với mã trên màn hình chiếu và trên điện thoại. Chỉ khi tất cả khớp mới ghi nhận; nếu có mã khác, chọn "
          + "lại ban kiểm phiếu." }),
        h("button", { type: "button", class: "primary big", id: "confirm-aloud",
          text: "Các thành viên đã đọc mã và khớp",
          onclick: (e) => this.act(e.target, `/api/host/meetings/${this.ctx.meetingId()}/trustees/confirm`, {},
            "Đã ghi nhận: mã ban kiểm phiếu khớp.") }));
      }
    }
    return out;
  }

  countingView(c, round) {
    const d = round.decryption || { needed: c.t, shares: [], refused: [] };
    const name = (index) => {
      const tr = c.trustees.find((x) => x.index === index);
      return tr ? `${tr.index}. ${tr.name}` : `thành viên số ${index}`;
    };
    const refused = new Set(d.refused.map((r) => r.index));
    const missing = c.trustees.map((tr) => tr.index).filter((i) => !d.shares.includes(i) && !refused.has(i));
    const title = `Vòng ${round.number}: ${ROUND_KIND_NAMES[round.kind] || round.kind}`;
    const voidPath = `/api/host/rounds/${round.id}/void`;
    const voidControl = this.voiding === round.id
      ? h("div", { class: "confirm", role: "alertdialog", "aria-labelledby": `void-question-${round.id}` },
        h("p", { id: `void-question-${round.id}` }, h("strong", { text: `Hủy ${title.toLowerCase()}?` }),
          " Các phiếu của vòng vẫn được giữ trong hồ sơ nhưng không được tính; biên bản ghi rõ vòng bị hủy "
          + "vì không kiểm được. Sau đó có thể tạo lại một vòng cùng loại."),
        h("button", { type: "button", class: "danger", id: "confirm-void", text: "Hủy vòng",
          onclick: (e) => { this.voiding = null; this.act(e.target, voidPath, {}, `Đã hủy ${title.toLowerCase()}.`); } }),
        h("button", { type: "button", class: "secondary", text: "Chưa",
          onclick: () => { this.voiding = null; this.update(this.state); } }))
      : h("button", { type: "button", class: "danger", id: "void-round", dataset: { round: round.id },
        text: "Hủy vòng (không kiểm được)",
        onclick: () => { this.voiding = round.id; this.update(this.state); } });
    return h("div", { class: "counting-round", dataset: { round: round.id } },
      h("h3", { text: `${title} — đang chờ giải mã (${round.ballots_cast} phiếu)` }),
      h("p", { class: "decryption-count", text: `Đã có ${d.shares.length}/${d.needed} phần giải mã cần thiết.` }),
      h("ul", { class: "plain decryption" },
        h("li", { class: "sent" }, "Đã gửi: ", d.shares.length ? d.shares.map(name).join(", ") : "chưa ai"),
        h("li", { class: "missing" }, "Chưa gửi: ", missing.length ? missing.map(name).join(", ") : "không còn ai"),
        d.refused.map((r) => h("li", { class: "error refused" }, `Bị từ chối: ${name(r.index)} — ${r.reason}`))),
      d.shares.length + missing.length < d.needed
        ? h("p", { class: "warn", text: "Không còn đủ thành viên để giải mã vòng này. Có thể hủy vòng rồi tạo lại." })
        : h("p", { class: "muted small", text: "Cần đủ số phần giải mã thì kết quả mới hiện. Nếu không đủ thành viên "
          + "có mặt để giải mã, có thể hủy vòng rồi tạo lại." }),
      voidControl);
  }

  designateForm(state, label) {
    const eligible = state.members.filter((m) => m.may_vote);
    for (const id of [...this.chosen]) {
      if (!eligible.some((m) => m.id === id)) {
        this.chosen.delete(id);
      }
    }
    const threshold = h("select", { id: "committee-threshold", name: "threshold" });
    const start = h("button", { type: "submit", class: "primary", id: "start-committee", text: label });
    const count = h("span", { class: "muted", id: "committee-chosen" });
    const sync = () => {
      const n = this.chosen.size;
      const t = Math.min(Math.max(1, this.threshold), Math.max(1, n));
      replace(threshold, Array.from({ length: Math.max(1, n) }, (_, i) =>
        h("option", { value: String(i + 1), text: `${i + 1} trong ${Math.max(1, n)}`, selected: i + 1 === t })));
      threshold.value = String(t);
      count.textContent = `Đã chọn ${n}/${MAX_TRUSTEES} người.`;
      start.disabled = n < 1 || n > MAX_TRUSTEES;
    };
    threshold.addEventListener("change", () => { this.threshold = Number(threshold.value); });
    const boxes = eligible.map((m) => h("label", { class: "check" },
      h("input", { type: "checkbox", name: "trustee", value: m.id, checked: this.chosen.has(m.id),
        onchange: (e) => {
          if (e.target.checked && this.chosen.size >= MAX_TRUSTEES) {
            e.target.checked = false;
            this.ctx.flash(`Ban kiểm phiếu có nhiều nhất ${MAX_TRUSTEES} người.`, true);
            return;
          }
          if (e.target.checked) {
            this.chosen.add(m.id);
          } else {
            this.chosen.delete(m.id);
          }
          sync();
        } }),
      m.name));
    sync();
    return h("form", { class: "stack designate", id: "committee-form", onsubmit: (e) => {
      e.preventDefault();
      // In roster order: the trustees' numbers follow it.
      const ids = eligible.map((m) => m.id).filter((id) => this.chosen.has(id));
      this.act(start, `/api/host/meetings/${this.ctx.meetingId()}/trustees`,
        { member_ids: ids, threshold: Number(threshold.value) },
        "Đã chọn ban kiểm phiếu. Mời các thành viên mở “Trang ban kiểm phiếu” trên điện thoại.",
        () => { this.chosen.clear(); this.formOpen = false; });
    } },
    h("p", { text: "Chọn từ 1 đến 7 đảng viên chính thức có mặt, mỗi người có điện thoại đã vào cuộc họp bằng mã cá nhân." }),
    eligible.length
      ? h("div", { class: "committee-members", role: "group", "aria-label": "Thành viên ban kiểm phiếu" }, boxes)
      : h("p", { class: "warn", text: "Chưa có đảng viên chính thức nào có mặt." }),
    h("div", { class: "row wrap" }, count,
      h("label", { for: "committee-threshold", text: "Số người cần để giải mã" }), threshold, start));
  }

  async act(button, path, body, done, after = null) {
    button.disabled = true;
    try {
      await this.ctx.call("POST", path, body);
      if (after) {
        after();
      }
      this.ctx.flash(done);
      await this.ctx.reload();
    } catch (error) {
      this.ctx.flash(errorText(error), true);
      button.disabled = false;
    }
  }
}

function stateText(c) {
  if (c.state === "running") {
    const done = c.trustees.filter((tr) => tr.confirmed).length;
    return `đang tạo khóa (${done}/${c.n} đã xác nhận)…`;
  }
  if (c.state === "failed") {
    return "tạo khóa không thành";
  }
  return c.confirmed_aloud_at ? "đã có khóa chung, mã đã được đọc và khớp" : "đã có khóa chung, chờ đọc mã";
}

function fingerprint(short) {
  const [a, b, c, d] = (short || "").split(" ");
  return h("p", { class: "fingerprint-big", id: "host-fingerprint", "aria-label": short },
    h("span", { text: `${a} ${b}` }), " ", h("span", { text: `${c} ${d}` }));
}
