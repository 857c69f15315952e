// The host's roster: import from CSV/XLSX, and the members' table with
// presence, levels, personal codes and who has received a signature.
// Rows are built once per roster; live updates change only the cells that moved.

import { errorText } from "./api.js";
import { LEVELS, LEVEL_NAMES, MEMBERSHIP_NAMES, h, replace, setText } from "./ui.js";

const PRESENCE = [
  ["present", "Có mặt"],
  ["leave", "Vắng có phép"],
  ["absent", "Vắng"],
];

function presenceOf(member) {
  if (member.present) {
    return "present";
  }
  return member.absent_with_leave ? "leave" : "absent";
}

/** "HQVTBYVX" -> "HQVT BYVX": easier to read aloud; spaces do not matter when typed. */
export function spaced(code) {
  return code.length === 8 ? `${code.slice(0, 4)} ${code.slice(4)}` : code;
}

/**
 * Reminders the roster's facts call for before the vote (docs/rules.md: II.B.6's civil
 * servants, temporary registration and transfers; the bí thư). Procedural notes only:
 * no discipline or rating is shown here, as this screen may be on the projector.
 */
export function factNotes(facts) {
  const f = facts || {};
  const notes = [];
  if (f.is_secretary) {
    notes.push("bí thư chi bộ");
  }
  if (f.civil_servant_rating_pending) {
    notes.push("chờ kết quả xếp loại công chức, viên chức: xếp loại sau");
  }
  if (f.temporary_registration === "here") {
    notes.push("sinh hoạt tạm thời tại chi bộ: xếp loại ở nơi sinh hoạt chính thức, chi bộ gửi nhận xét");
  } else if (f.temporary_registration === "elsewhere") {
    notes.push(f.other_branch_comments_received ? "sinh hoạt tạm thời nơi khác: đã có nhận xét"
      : "sinh hoạt tạm thời nơi khác: cần nhận xét của chi bộ nơi sinh hoạt tạm thời");
  }
  if (typeof f.months_at_previous_branch === "number" && f.months_at_previous_branch >= 6) {
    notes.push(f.other_branch_comments_received ? "chuyển đến: đã có ý kiến của chi bộ nơi chuyển đi"
      : "chuyển đến: cần lấy ý kiến nhận xét của chi bộ nơi chuyển đi");
  }
  if (f.committee_activity_suspended) {
    notes.push("đình chỉ sinh hoạt cấp ủy: vẫn xếp loại");
  }
  return notes.join(" · ");
}

function levelSelect(name, label) {
  return h("select", { name, "aria-label": label },
    h("option", { value: "", text: "—" }),
    LEVELS.map((level) => h("option", { value: level, text: level, title: LEVEL_NAMES[level] })));
}

function setValue(select, value) {
  if (document.activeElement !== select && select.value !== value) {
    select.value = value;
  }
}

export class MembersTable {
  /** ctx: {call(method, path, body), meetingId(), flash(text, isError)} */
  constructor(container, ctx) {
    this.container = container;
    this.ctx = ctx;
    this.key = null;
    this.rows = new Map();
    this.chosen = new Set(); // members ticked for a follow-up round
  }

  update(state) {
    this.last = state;
    const key = state.members.map((m) => `${m.id}\u0001${m.name}\u0001${m.status}`).join("\u0002");
    if (key !== this.key) {
      this.key = key;
      this.build(state.members);
    }
    const round = state.round;
    const waiting = new Set(round && round.status === "open" ? (round.waiting || []).map((m) => m.id) : []);
    for (const member of state.members) {
      this.rows.get(member.id).update(member, waiting.has(member.id));
    }
  }

  build(members) {
    this.rows.clear();
    this.chosen = new Set([...this.chosen].filter((id) => members.some((m) => m.id === id)));
    if (!members.length) {
      replace(this.container, h("p", { class: "muted", text: "Chưa có danh sách: hãy nhập tệp CSV hoặc XLSX." }));
      return;
    }
    const body = h("tbody", null, members.map((m, i) => this.row(m, i)));
    replace(this.container, h("div", { class: "table-wrap" }, h("table", { class: "members" },
      h("thead", null, h("tr", null,
        ["#", "Họ và tên", "Đảng viên", "Tự nhận", "Chi ủy đề xuất", "Mã cá nhân", "Điểm danh",
          "Biểu quyết", "Chưa nhận phiếu", "Vòng bổ sung"].map((t) => h("th", { scope: "col", text: t })))),
      body)));
  }

  row(member, index) {
    const presence = h("select", { name: "presence", "aria-label": `Điểm danh ${member.name}`,
      onchange: () => this.setPresence(member.id, presence) },
    PRESENCE.map(([value, label]) => h("option", { value, text: label })));
    const self = levelSelect("self_level", `Tự nhận của ${member.name}`);
    const committee = levelSelect("committee_level", `Chi ủy đề xuất cho ${member.name}`);
    for (const select of [self, committee]) {
      select.addEventListener("change", () => this.setLevel(member.id, select));
    }
    const mayVote = h("td", { class: "center may-vote" });
    const waiting = h("td", { class: "center waiting" });
    // The personal code is never in the table (this laptop is on the projector):
    // shown on request, for reprinting one slip, and hidden again.
    const code = h("code", { class: "personal-code", hidden: true });
    const show = h("button", { type: "button", class: "secondary small show-code", text: "Xem mã",
      onclick: () => this.toggleCode(member.id, code, show) });
    const choose = h("input", { type: "checkbox", name: "followup", "aria-label": `Chọn ${member.name} cho vòng bổ sung`,
      checked: this.chosen.has(member.id),
      onchange: () => (choose.checked ? this.chosen.add(member.id) : this.chosen.delete(member.id)) });
    const role = h("small", { class: "muted" });
    const notes = h("small", { class: "fact-notes" });
    const tr = h("tr", { dataset: { member: member.id } },
      h("td", { class: "num", text: String(index + 1) }),
      h("th", { scope: "row" }, h("span", { class: "name", text: member.name }), " ", role, notes),
      h("td", { text: MEMBERSHIP_NAMES[member.status] || member.status, class: `ms-${member.status}` }),
      h("td", null, self), h("td", null, committee),
      h("td", null, show, " ", code),
      h("td", null, presence), mayVote, waiting,
      h("td", { class: "center" }, choose));
    this.rows.set(member.id, {
      update: (m, notYet) => {
        setValue(presence, presenceOf(m));
        setValue(self, m.self_level || "");
        setValue(committee, m.committee_level || "");
        setText(role, m.role || "");
        setText(notes, factNotes(m.facts));
        setText(mayVote, m.may_vote ? "✓" : "—");
        setText(waiting, notYet ? "●" : "");
        tr.classList.toggle("is-present", m.present);
        choose.checked = this.chosen.has(m.id);
      },
    });
    return tr;
  }

  async toggleCode(memberId, code, button) {
    if (!code.hidden) {
      code.hidden = true;
      setText(code, "");
      setText(button, "Xem mã");
      return;
    }
    try {
      const member = await this.ctx.call("GET",
        `/api/host/meetings/${this.ctx.meetingId()}/members/${encodeURIComponent(memberId)}/personal-code`);
      setText(code, spaced(member.personal_code));
      code.hidden = false;
      setText(button, "Ẩn mã");
    } catch (error) {
      this.ctx.flash(errorText(error), true);
    }
  }

  /** Tick the given members for a follow-up round (e.g. those still undetermined). */
  choose(ids) {
    this.chosen = new Set(ids);
    for (const tr of this.container.querySelectorAll("tr[data-member]")) {
      tr.querySelector("input[name=followup]").checked = this.chosen.has(tr.dataset.member);
    }
  }

  async setPresence(memberId, select) {
    const value = select.value;
    try {
      await this.ctx.call("POST", `/api/host/meetings/${this.ctx.meetingId()}/presence`, {
        member_id: memberId, present: value === "present", absent_with_leave: value === "leave",
      });
      select.blur();
    } catch (error) {
      this.ctx.flash(errorText(error), true);
      this.restore(select);
    }
  }

  /** After a refused change nothing new arrives: show the stored value again. */
  restore(select) {
    select.blur();
    if (this.last) {
      this.update(this.last);
    }
  }

  async setLevel(memberId, select) {
    try {
      await this.ctx.call("PATCH", `/api/host/meetings/${this.ctx.meetingId()}/members/${encodeURIComponent(memberId)}`,
        { [select.name]: select.value || null });
      select.blur();
    } catch (error) {
      this.ctx.flash(errorText(error), true);
      this.restore(select);
    }
  }
}

/** Show a roster refusal with one line per faulty row. */
export function rosterErrors(el, error) {
  const message = errorText(error);
  const cut = message.indexOf(": ");
  if (error.code !== "bad_roster" || cut < 0) {
    replace(el, h("p", { text: message }));
    return;
  }
  // Every error of every row, one per line (the server lists them in error.details).
  const lines = Array.isArray(error.details) ? error.details : message.slice(cut + 2).split("; ");
  replace(el, h("p", { text: `${message.slice(0, cut)}:` }),
    h("ul", null, lines.map((line) => h("li", { text: line }))));
}
