// The đảng ủy's verification page: send the bundle to POST /api/verify and show
// each check (✓/✗/⚠) and the proposal table. Every figure comes from the server's
// answer; the page only lays it out (textContent everywhere: the bundle is untrusted).
import { request, ApiError } from "./api.js";
import { LEVELS } from "./vocabulary.js";

const MARKS = { pass: "✓", fail: "✗", manual: "⚠" };

const form = document.getElementById("verify-form");
const errorLine = document.getElementById("verify-error");

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  errorLine.textContent = "";
  const button = form.querySelector("button");
  button.disabled = true;
  try {
    const answer = await request("POST", "/api/verify", { form: new FormData(form) });
    show(answer);
  } catch (error) {
    errorLine.textContent = error instanceof ApiError ? error.message : String(error);
  } finally {
    button.disabled = false;
  }
});

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (className) node.className = className;
  return node;
}

function show(answer) {
  document.getElementById("result").hidden = false;
  const verdict = document.getElementById("verdict");
  const failed = answer.checks.find((check) => check.name === answer.first_failure);
  verdict.className = "verdict " + (answer.ok ? "passed" : "failed");
  verdict.textContent = answer.ok
    ? "ĐẠT — mọi kiểm tra đều đúng."
    : "KHÔNG ĐẠT — kiểm tra đầu tiên không đạt: " + failed.title_vi + ".";
  const list = document.getElementById("checks");
  list.replaceChildren(...answer.checks.map((check) => {
    const item = el("li", null, check.status);
    item.append(el("span", MARKS[check.status], "mark"), el("strong", check.title_vi),
                el("span", check.detail_vi, "detail"));
    return item;
  }));
  const details = document.getElementById("details");
  details.replaceChildren();
  if (answer.bundle) details.append(...bundleDetails(answer.bundle, answer.bundle_hash));
}

function bundleDetails(bundle, hash) {
  const parts = [
    el("h2", bundle.organisation.name + " — " + bundle.meeting.title),
    el("p", "Ngày xếp loại " + bundle.meeting.review_date + "; hồ sơ quy tắc " + bundle.profile +
            "; chứng thực lúc " + bundle.meeting.certified_at + "."),
    el("p", "Mã băm của gói: " + hash, "fingerprint small"),
    el("p", "Dấu vân tay người ký: " + bundle.signer.fingerprint, "fingerprint small"),
    proposalTable(bundle.rows),
    totalsTable(bundle.totals),
    el("p", bundle.cap, "small"),
    el("p", "Mức cao nhất chi bộ có thể đạt theo kết quả đảng viên: " +
            (bundle.organisation_level.max_level || "—") +
            (bundle.organisation_vote ? "; chi bộ bỏ phiếu: " + (bundle.organisation_vote.voted_level || "—") +
             "; mức của chi bộ: " + (bundle.organisation_vote.level || "—") : "") + "."),
  ];
  return parts;
}

function table(headings, rows, className) {
  const wrap = el("div", null, "table-wrap");
  const node = el("table", null, className);
  const head = el("tr");
  head.append(...headings.map((text) => el("th", text)));
  node.append(el("thead"));
  node.tHead.append(head);
  const body = el("tbody");
  for (const cells of rows) {
    const row = el("tr");
    row.append(...cells.map((cell) => (cell instanceof Node ? cell : el("td", cell))));
    body.append(row);
  }
  node.append(body);
  wrap.append(node);
  return wrap;
}

function proposalTable(rows) {
  return table(
    ["STT", "Họ và tên", "Chức vụ", "Đảng viên", "Tự nhận", "Chi ủy đề xuất",
     "Phiếu " + LEVELS.join("/"), "Theo phiếu", "Đề xuất", "Lý do"],
    rows.map((row) => {
      const reasons = el("td", null, "reasons");
      for (const reason of row.reasons) reasons.append(el("div", "[" + reason.section + "] " + reason.message));
      return [row.number, row.name, row.role, row.membership, row.self_level || "—",
              row.committee_level || "—", LEVELS.map((level) => row.votes[level]).join("/"),
              row.voted_level || "—", row.level || row.outcome_vi, reasons];
    }),
    "results proposal",
  );
}

function totalsTable(totals) {
  return table(["Mức xếp loại", "Số lượng", "Tỷ lệ"],
               totals.map((total) => [total.name + " (" + total.level + ")", total.count, total.percent]));
}
