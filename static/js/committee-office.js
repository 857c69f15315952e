// The đảng ủy's office (/committee, docs/committee-bundle.md, “The web area”): log in,
// the registry of chi bộ, bundles received by upload (one line per file), the đảng bộ's
// proposal with a decision form on every line, and the certification with its
// documents. Every figure comes from the server's answers; the page only lays them out
// (textContent everywhere: a refused bundle's contents are untrusted).

import { ApiError, downloadFile, errorText, request } from "./api.js";
import { $, LEVELS, LEVEL_NAMES, RESULT_STATUS_NAMES, formatDate, h, levelName, replace, setText, show } from "./ui.js";

const app = { csrf: null };

const KIND_NAMES = { chi_bo_truc_thuoc: "Chi bộ trực thuộc", chi_bo_co_so: "Chi bộ cơ sở" };
const STATUS_NAMES = {
  ...RESULT_STATUS_NAMES,
  tie: "Bằng phiếu ở giới hạn toàn đảng bộ — đảng ủy quyết định",
  conflict: "Có trong hai gói — đảng ủy xem xét",
};

async function call(method, path, options = {}) {
  try {
    return await request(method, path, { ...options, csrf: app.csrf });
  } catch (error) {
    if (error instanceof ApiError && (error.code === "not_logged_in" || error.code === "bad_csrf")) {
      showLogin("Phiên đăng nhập đã hết; hãy đăng nhập lại.");
    }
    throw error;
  }
}

let flashTimer;
function flash(text, isError = false) {
  const el = $("#flash");
  el.textContent = text;
  el.classList.toggle("error", isError);
  el.hidden = false;
  clearTimeout(flashTimer);
  flashTimer = setTimeout(() => { el.hidden = true; }, isError ? 12000 : 5000);
}

// --- login ------------------------------------------------------------------------------

function showLogin(message = "") {
  app.csrf = null;
  setText($("#login-error"), message);
  show($("#work"), false);
  show($("#logout"), false);
  setText($("#clerk-name"), "");
  show($("#login"), true);
  $("#username").focus();
}

function showWork(clerk) {
  show($("#login"), false);
  show($("#work"), true);
  show($("#logout"), true);
  setText($("#clerk-name"), clerk);
  if (!$("#c-date").value) {
    $("#c-date").value = new Date().toISOString().slice(0, 10);
  }
  return reload();
}

async function onLogin(event) {
  event.preventDefault();
  const button = event.target.querySelector("button");
  button.disabled = true;
  try {
    const answer = await request("POST", "/api/committee/login", {
      body: { username: $("#username").value.trim(), password: $("#password").value },
    });
    app.csrf = answer.csrf_token;
    $("#password").value = "";
    setText($("#login-error"), "");
    await showWork(answer.clerk);
  } catch (error) {
    setText($("#login-error"), errorText(error));
  } finally {
    button.disabled = false;
  }
}

async function onLogout() {
  try {
    await call("POST", "/api/committee/logout");
  } catch {
    // already logged out
  }
  showLogin();
}

// --- the registry and the certifications ---------------------------------------------

async function reload() {
  const [state, report] = await Promise.all([call("GET", "/api/committee/workspace"),
    call("GET", "/api/committee/report")]);
  renderRegistry(state.branches);
  renderIssued(state.issued);
  renderReport(report);
}

function renderRegistry(branches) {
  const body = $("#registry tbody");
  replace(body, branches.length
    ? branches.map((b) => h("tr", { dataset: { branch: b.name } },
      h("td", { text: b.name }),
      h("td", { text: KIND_NAMES[b.kind] || b.kind }),
      h("td", null, b.fingerprints.map((fp) => h("div", { class: "fingerprint", text: fp })))))
    : h("tr", null, h("td", { colspan: 3, class: "muted", text: "Chưa đăng ký chi bộ nào." })));
}

async function register(body) {
  return call("POST", "/api/committee/branches", { body });
}

async function onRegister(event) {
  event.preventDefault();
  const form = event.target;
  const button = form.querySelector("button");
  button.disabled = true;
  try {
    const done = await register({
      name: $("#r-name").value, kind: $("#r-kind").value,
      fingerprint: $("#r-fingerprint").value, confirmation: $("#r-confirmation").value,
    });
    setText($("#register-error"), "");
    form.reset();
    flash(done.new ? `Đã đăng ký “${done.branch}”, khóa ${done.fingerprint}.`
      : `Khóa ${done.fingerprint} đã được đăng ký cho “${done.branch}” từ trước.`);
    renderRegistry(done.branches);
  } catch (error) {
    setText($("#register-error"), errorText(error));
  } finally {
    button.disabled = false;
  }
}

function renderIssued(issued) {
  replace($("#issued"), issued.length
    ? issued.map((entry) => h("li", { class: "issued", dataset: { issue: entry.name } },
      h("strong", { text: `Số ${entry.resolution.number}, ngày ${formatDate(entry.resolution.date)}` }),
      ` · ${entry.bundles} gói của chi bộ · mã băm `, h("span", { class: "fingerprint", text: entry.sha256 }), " ",
      ["json", "pdf", "xlsx"].map((kind) => h("button", {
        type: "button", class: "secondary small", text: DOWNLOAD_NAMES[kind],
        onclick: () => download(entry.name, kind),
      }))))
    : h("li", { class: "muted", text: "Chưa ký lần nào trên trang này." }));
}

const DOWNLOAD_NAMES = {
  json: "Tải gói của đảng ủy (.json)",
  pdf: "Tải danh sách và báo cáo (PDF)",
  xlsx: "Tải bảng thống kê (XLSX)",
};

async function download(name, kind) {
  try {
    await downloadFile(`/api/committee/issued/${encodeURIComponent(name)}/${kind}`, `dang-uy-${name}.${kind}`,
      app.csrf);
  } catch (error) {
    flash(errorText(error), true);
  }
}

async function onCertify(event) {
  event.preventDefault();
  const button = event.target.querySelector("button");
  button.disabled = true;
  try {
    const entry = await call("POST", "/api/committee/certify", {
      body: { resolution: $("#c-resolution").value, date: $("#c-date").value },
    });
    setText($("#certify-error"), "");
    flash(`Đã ký gói của đảng ủy (số ${entry.resolution.number}); tải tài liệu ở dưới.`);
    await reload();
  } catch (error) {
    setText($("#certify-error"), errorText(error));
  } finally {
    button.disabled = false;
  }
}

// --- receiving bundles ------------------------------------------------------------------

async function onUpload(event) {
  event.preventDefault();
  const form = event.target;
  const files = [...$("#u-files").files];
  const button = form.querySelector("button");
  button.disabled = true;
  try {
    const answer = await send(files);
    setText($("#upload-error"), "");
    replace($("#upload-results"), answer.results.map((result, i) => resultLine(result, files[i])));
    flash(`Đã nhận ${answer.accepted}/${files.length} gói.`, answer.accepted < files.length);
    form.reset();
    await reload();
  } catch (error) {
    setText($("#upload-error"), errorText(error));
  } finally {
    button.disabled = false;
  }
}

async function send(files) {
  const form = new FormData();
  for (const file of files) {
    form.append("bundles", file, file.name);
  }
  return call("POST", "/api/committee/bundles", { form });
}

function resultLine(result, file) {
  const line = h("li", { class: result.accepted ? "accepted" : "refused", dataset: { file: result.file } },
    h("strong", { text: result.accepted ? "✓ " : "✗ " }), h("span", { class: "file", text: result.file }), ": ",
    result.accepted ? null : h("strong", { text: "TỪ CHỐI — " }), h("span", { class: "why", text: result.message }));
  if (!result.accepted && result.unregistered_fingerprint && result.branch && file) {
    line.append(registerFromRefusal(line, result, file));
  }
  return line;
}

/** A key seen on a refused bundle: shown, and registered only once the clerk has compared
 * it with the chi bộ's own record and says how (recorded); then the same file is sent again. */
function registerFromRefusal(line, result, file) {
  const note = h("input", { name: "confirmation", required: true, maxlength: 500, class: "wide",
    placeholder: "Đã đối chiếu với … (ví dụ: bản in chi bộ gửi ngày 18/12)" });
  const error = h("p", { class: "error", role: "alert" });
  const form = h("form", { class: "stack confirm-key", hidden: true },
    h("p", null, "Dấu vân tay trên gói: ", h("span", { class: "fingerprint", text: result.unregistered_fingerprint })),
    h("p", { class: "small muted",
      text: `Chỉ đăng ký khi dấu vân tay này khớp với bản “ballot keys show” của “${result.branch}”.` }),
    h("label", null, "Đã đối chiếu thế nào (được ghi lại)", note),
    h("button", { type: "submit", class: "primary", text: "Đã đối chiếu, đăng ký khóa và nhận lại gói" }),
    error);
  const open = h("button", { type: "button", class: "secondary small", text: "Đăng ký khóa này…",
    onclick: () => { form.hidden = false; open.hidden = true; note.focus(); } });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      await register({
        name: result.branch, kind: result.unregistered_kind || "chi_bo_truc_thuoc",
        fingerprint: result.unregistered_fingerprint,
        confirmation: `Đối chiếu dấu vân tay trên gói bị từ chối “${result.file}”: ${note.value}`,
      });
      const again = await send([file]);
      line.replaceWith(resultLine(again.results[0], file));
      await reload();
    } catch (err) {
      setText(error, errorText(err));
    }
  });
  return h("div", { class: "unregistered" }, open, form);
}

// --- the proposal and the decisions -----------------------------------------------------

function decideForm(branch, memberId, current) {
  const level = h("select", { name: "level", required: true, "aria-label": "Mức đảng ủy quyết định" },
    h("option", { value: "", text: "— chọn mức —" }),
    LEVELS.map((code) => h("option", { value: code, text: `${code} — ${LEVEL_NAMES[code]}` })));
  if (current) {
    level.value = current;
  }
  const reason = h("input", { name: "reason", required: true, maxlength: 1000, placeholder: "Lý do",
    "aria-label": "Lý do" });
  const error = h("span", { class: "error", role: "alert" });
  const form = h("form", { class: "row wrap decide" }, level, reason,
    h("button", { type: "submit", class: "secondary small", text: "Ghi quyết định" }), error);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const done = await call("POST", "/api/committee/decisions", {
        body: { branch, member_id: memberId, level: level.value, reason: reason.value },
      });
      flash(`Đã ghi quyết định của đảng ủy: ${done.target} — ${done.level}.`);
      await reload();
    } catch (err) {
      setText(error, errorText(err));
    }
  });
  return form;
}

function levelCell(level, decided) {
  return h("td", { class: "final" }, h("strong", { text: levelName(level) }),
    decided ? h("div", { class: "small muted", text: "đảng ủy đã quyết định" }) : null);
}

function renderReport(report) {
  const t = report.totals;
  setText($("#report-summary"), report.branches.length
    ? `${report.branches.length} chi bộ, ${report.members.length} đảng viên: HTXSNV ${t.HTXSNV}, HTTNV ${t.HTTNV}, `
      + `HTNV ${t.HTNV}, KHTNV ${t.KHTNV}; không xếp loại ${t.not_classified}, vắng mặt ${t.absent}. `
      + `Giới hạn trên toàn đảng bộ: giữ tối đa ${report.cap.max_excellent} HTXSNV.`
    : "Chưa nhận gói nào của chi bộ.");
  const pending = report.members.filter((m) => (m.status === "tie" || m.status === "conflict") && !m.decided);
  const noLevel = report.branches.filter((b) => b.level === null);
  replace($("#report-flags"),
    pending.length || noLevel.length
      ? h("span", { class: "warn", text: `Còn ${pending.length} đảng viên và ${noLevel.length} chi bộ đảng ủy cần `
        + "quyết định trước khi ký." })
      : report.branches.length ? h("span", { class: "ok", text: "Không còn trường hợp nào chờ quyết định." }) : null);
  replace($("#branch-levels tbody"), report.branches.map((b) => h("tr", {
    dataset: { branch: b.name }, class: b.level === null ? "flagged" : null,
  },
  h("td", { text: b.name }), h("td", { class: "num", text: b.members }),
  h("td", { text: levelName(b.proposed_level) }), levelCell(b.level, b.decided),
  h("td", null, decideForm(b.name, null, b.level)))));
  const byBranch = new Map();
  for (const m of report.members) {
    if (!byBranch.has(m.branch)) {
      byBranch.set(m.branch, []);
    }
    byBranch.get(m.branch).push(m);
  }
  replace($("#member-levels"), [...byBranch].map(([branch, members]) => {
    const flagged = members.filter((m) => (m.status === "tie" || m.status === "conflict") && !m.decided);
    return h("details", { class: "branch-members", open: flagged.length > 0, dataset: { branch } },
      h("summary", null, h("strong", { text: branch }), ` · ${members.length} đảng viên`,
        flagged.length ? h("span", { class: "warn", text: ` · ${flagged.length} chờ quyết định` }) : null),
      h("div", { class: "table-wrap" }, h("table", { class: "results" },
        h("thead", null, h("tr", null, ["Mã", "Họ và tên", "Tình trạng", "Chi bộ đề xuất", "Mức hiện tại",
          "Quyết định của đảng ủy"].map((title) => h("th", { text: title })))),
        h("tbody", null, members.map((m) => h("tr", {
          dataset: { member: m.id }, class: (m.status === "tie" || m.status === "conflict") && !m.decided
            ? "flagged" : null,
        },
        h("td", { text: m.id }), h("td", { text: m.name }),
        h("td", { class: "status", text: STATUS_NAMES[m.status] || m.status }),
        h("td", { text: levelName(m.proposed_level) }), levelCell(m.level, m.decided),
        h("td", null, decideForm(m.branch, m.id, m.level))))))));
  }));
}

// --- start ------------------------------------------------------------------------------

$("#login-form").addEventListener("submit", onLogin);
$("#logout").addEventListener("click", onLogout);
$("#register-form").addEventListener("submit", onRegister);
$("#upload-form").addEventListener("submit", onUpload);
$("#certify-form").addEventListener("submit", onCertify);

request("GET", "/api/committee/session").then((session) => {
  app.csrf = session.csrf_token;
  showWork(session.clerk).catch((error) => flash(errorText(error), true));
}, () => showLogin());
