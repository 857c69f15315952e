// The proposal as tables (projector after close, host console): the schema of
// `ballot classify` (ballot/rules/serialize.py). Counts only, never a ballot.

import { LEVELS, LEVEL_NAMES, RESULT_STATUS_NAMES, h, levelName, percent } from "./ui.js";

/** The members' table: votes per level, voted level, proposed level, status, reasons. */
export function resultsTable(results, { showShares = true, first = 0 } = {}) {
  const head = h("tr", null,
    h("th", { scope: "col", text: "#" }),
    h("th", { scope: "col", text: "Đảng viên" }),
    LEVELS.map((level) => h("th", { scope: "col", class: "num", title: LEVEL_NAMES[level], text: level })),
    h("th", { scope: "col", text: "Mức theo phiếu" }),
    h("th", { scope: "col", text: "Đề xuất" }),
    h("th", { scope: "col", text: "Lý do" }));
  const rows = results.members.map((m, i) => h("tr", { class: `st-${m.status}`, dataset: { member: m.id } },
    h("td", { class: "num", text: String(first + i + 1) }),
    h("th", { scope: "row", class: "name", text: m.name }),
    LEVELS.map((level) => h("td", { class: "num" }, String(m.votes[level]),
      showShares && m.votes[level] ? h("small", { text: ` ${percent(m.shares[level])}` }) : null)),
    h("td", { class: "level", text: m.voted_level || "—", title: levelName(m.voted_level) }),
    h("td", { class: "level final" }, m.status === "classified"
      ? h("strong", { text: m.level, title: levelName(m.level) })
      : h("span", { class: "status", text: RESULT_STATUS_NAMES[m.status] || m.status })),
    h("td", { class: "reasons" }, m.reasons ? reasonList(m.reasons) : noteList(m.notes))));
  const totals = results.totals;
  const foot = h("tr", null,
    h("td"), h("th", { scope: "row", text: `Tổng đã xếp loại: ${totals.classified}` }),
    LEVELS.map((level) => h("td", { class: "num", title: LEVEL_NAMES[level] }, h("strong", { text: String(totals[level]) }))),
    h("td", { colspan: "3", class: "muted", text: "(số đảng viên theo mức đề xuất)" }));
  return h("table", { class: "results" }, h("thead", null, head), h("tbody", null, rows), h("tfoot", null, foot));
}

/** The short public notes the projector shows instead of reasons (no roster fact). */
function noteList(notes) {
  return notes && notes.length ? h("ul", null, notes.map((note) => h("li", { text: note }))) : null;
}

export function reasonList(reasons) {
  if (!reasons || !reasons.length) {
    return null;
  }
  return h("ul", null, reasons.map((r) => h("li", null,
    h("span", { class: "section", text: `[${r.section}]` }), " ", r.message)));
}

/** The 20% cap (II.B.2.3.a, II.B.6) and the denominator, in one paragraph. */
export function capSummary(results) {
  const cap = results.cap;
  return h("div", { class: "cap" },
    h("p", null,
      "Giới hạn HTXSNV (không quá 20% số HTTNV): tối đa ", h("strong", { text: String(cap.max_excellent) }),
      ` — ${cap.candidates} đồng chí đạt HTXSNV theo phiếu, ${cap.good} đạt HTTNV; `,
      cap.binding ? "áp dụng ngay tại chi bộ (chi bộ cơ sở)." : "chỉ là khuyến nghị, đảng ủy cơ sở áp dụng (chi bộ trực thuộc)."),
    cap.tied && cap.tied.length
      ? h("p", { class: "warn" }, "Bằng phiếu ở ranh giới giới hạn: ", cap.tied.join(", "),
        " — chi bộ quyết định (có thể bỏ phiếu bổ sung).")
      : null,
    h("p", { class: "muted", text: `Mẫu số tính tỷ lệ: ${results.denominator}. Quy tắc: ${results.profile}.` }));
}

/** The chi bộ's own highest possible level (II.B.1.3). */
export function organisationSummary(results, vote = null) {
  const org = results.organisation;
  return h("div", { class: "org" },
    h("p", null, "Mức cao nhất chi bộ có thể đạt theo kết quả đảng viên: ",
      h("strong", { text: org.max_level ? `${org.max_level} (${levelName(org.max_level)})` : "chưa xác định" })),
    vote
      ? h("p", null, `Chi bộ tự bỏ phiếu (${vote.ballots} phiếu): `,
        LEVELS.map((level) => `${level} ${vote.votes[level] || 0}`).join(" · "))
      : null,
    org.reasons ? reasonList(org.reasons) : null);
}

/** A warning with the member it is about (its field "members[3].status"; the proposal keeps the roster's order). */
function warningText(warning, members) {
  const match = /^members\[(\d+)\]/.exec(warning.field || "");
  const member = match ? members[Number(match[1])] : null;
  return member ? `${member.name}: ${warning.message}` : warning.message;
}

const ACCUMULATION_CODES = ["khtnv_by_accumulation", "khtnv_by_accumulation_undetermined"];

/**
 * What the host must not miss (docs/rules.md): every KHTNV reached only by adding the
 * higher levels' votes ("chỉ đạt do cộng dồn"), the engine's warnings on the data, and
 * the reading of the rules (rules_version) that made the proposal.
 */
export function proposalFlags(results) {
  const accumulated = results.members.filter((m) => (m.reasons || []).some((r) => ACCUMULATION_CODES.includes(r.code)));
  const warnings = results.warnings || [];
  return h("div", { class: "flags" },
    accumulated.length
      ? h("div", { class: "warn", id: "accumulation-flags" },
        h("p", null, h("strong", { text: "“Không hoàn thành nhiệm vụ” chỉ đạt do cộng dồn: " }),
          `${accumulated.length} đồng chí — chi bộ cần xem xét kỹ trước khi thông qua.`),
        h("ul", null, accumulated.map((m) => h("li", null, h("strong", { text: m.name }), " — ",
          (m.reasons.find((r) => ACCUMULATION_CODES.includes(r.code)) || {}).message || ""))))
      : null,
    warnings.length
      ? h("div", { class: "warn", id: "proposal-warnings" },
        h("p", null, h("strong", { text: "Cần kiểm tra lại dữ liệu:" })),
        h("ul", null, warnings.map((w) => h("li", { text: warningText(w, results.members) }))))
      : null,
    h("p", { class: "muted small", id: "rules-version",
      text: `Bộ quy tắc ${results.profile}, phiên bản cách đọc quy tắc ${results.rules_version}.` }));
}

/** Tracking codes of a closed round, sorted as the server gives them. */
export function trackingCodes(codes) {
  return h("ol", { class: "codes" }, codes.map((code) => h("li", { text: code })));
}
