// The đảng ủy's verification page: send the bundle to POST /api/verify and show
// the verdict, each check (✓/✗/⚠) and, unless a check failed, the proposal table. Every figure comes from the server's
// answer; the page only lays it out (textContent everywhere: the bundle is untrusted).
import { request, ApiError } from "./api.js";
import { LEVELS, LEVEL_NAMES } from "./vocabulary.js";

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

const VERDICT_CLASS = { valid: "passed", signer_unconfirmed: "unconfirmed", failed: "failed" };

function show(answer) {
  document.getElementById("result").hidden = false;
  const verdict = document.getElementById("verdict");
  verdict.className = "verdict " + VERDICT_CLASS[answer.verdict];
  verdict.textContent = answer.verdict_vi;
  const area = document.getElementById("checks-area");
  const failed = answer.checks.filter((check) => check.status === "fail");
  if (failed.length) {
    // A failed bundle: what failed, first and alone; the rest folded; no results.
    const others = el("details", null, "other-checks");
    others.append(el("summary", "Các kiểm tra khác (" + (answer.checks.length - failed.length) + ")"),
                  checkList(answer.checks.filter((check) => check.status !== "fail")));
    area.replaceChildren(el("h2", "Kiểm tra không đạt"), checkList(failed, "failed-checks"), others);
  } else {
    area.replaceChildren(checkList(answer.checks));
  }
  const details = document.getElementById("details");
  details.replaceChildren();
  if (answer.bundle) details.append(...bundleDetails(answer.bundle, answer.bundle_hash));
  verdict.scrollIntoView({ block: "start" });
}

function checkList(checks, className) {
  const list = el("ul", null, "checks" + (className ? " " + className : ""));
  list.append(...checks.map((check) => {
    const item = el("li", null, check.status);
    item.append(el("span", MARKS[check.status], "mark"), el("strong", check.title_vi),
                el("span", check.detail_vi, "detail"));
    return item;
  }));
  return list;
}

function bundleDetails(bundle, hash) {
  const organisation = bundle.organisation_level;
  const vote = bundle.organisation_vote;
  return [
    el("h2", bundle.organisation + " — " + bundle.title),
    el("p", "Ngày xếp loại " + bundle.review_date + "; theo " + bundle.rules +
            "; chứng thực lúc " + bundle.certified_at + "."),
    el("p", "Mã băm của gói: " + hash, "fingerprint small"),
    el("p", "Dấu vân tay người ký: " + bundle.signer_fingerprint, "fingerprint small"),
    proposalTable(bundle.rows),
    totalsTable(bundle.totals),
    el("p", bundle.cap, "small"),
    el("p", "Mức cao nhất chi bộ có thể đạt theo kết quả đảng viên: " +
            levelName(organisation.max_level) +
            (vote ? "; chi bộ bỏ phiếu: " + levelName(vote.voted_level) +
             "; mức của chi bộ: " + levelName(vote.level) : "") + "."),
  ];
}

function levelName(level) {
  return level ? LEVEL_NAMES[level] + " (" + level + ")" : "—";
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
