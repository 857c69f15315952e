// The host console (/host): log in, pick or create a meeting, import the
// roster, check members in, run rounds, see the proposal. The meeting shown is
// in the address (#m=<meeting_id>), so a reload keeps it.

import { ApiError, errorText, request } from "./api.js";
import { MembersTable, rosterErrors } from "./host-members.js";
import { CertifyPanel } from "./host-certify.js";
import { CommitteePanel } from "./host-committee.js";
import { DetailsPanel, committeeNames } from "./host-details.js";
import { RoundsPanel } from "./host-rounds.js";
import { connectLive, statusBadge } from "./live.js";
import {
  $, DENOMINATOR_NAMES, GRADE_NAMES, KHTNV_BY_ACCUMULATION_NAMES, LEVELS, LEVEL_NAMES, ORGANISATION_KIND_NAMES,
  formatDate, h, loopbackWarning, replace, setText, show,
} from "./ui.js";

const app = {
  csrf: null,
  meetingId: null,
  state: null,
  socket: null,
  members: null,
  rounds: null,
};

// --- calls ----------------------------------------------------------------------------

async function call(method, path, body) {
  try {
    return await request(method, path, { body, csrf: app.csrf });
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

// --- screens --------------------------------------------------------------------------

function screen(name) {
  for (const id of ["login", "picker", "meeting"]) {
    show($(`#${id}`), id === name);
  }
  show($("#logout"), name !== "login");
}

function showLogin(message = "") {
  disconnect();
  app.csrf = null;
  setText($("#login-error"), message);
  screen("login");
  $("#username").focus();
}

async function onLogin(event) {
  event.preventDefault();
  const button = event.target.querySelector("button");
  button.disabled = true;
  try {
    const answer = await request("POST", "/api/host/login", {
      body: { username: $("#username").value.trim(), password: $("#password").value },
    });
    app.csrf = answer.csrf_token;
    $("#password").value = "";
    setText($("#login-error"), "");
    await route();
  } catch (error) {
    setText($("#login-error"), errorText(error));
  } finally {
    button.disabled = false;
  }
}

async function onLogout() {
  try {
    await call("POST", "/api/host/logout");
  } catch {
    // already logged out
  }
  showLogin();
}

async function showPicker() {
  disconnect();
  app.meetingId = null;
  if (!$("#f-date").value) {
    $("#f-date").value = new Date().toISOString().slice(0, 10);
  }
  screen("picker");
  try {
    const { meetings } = await call("GET", "/api/host/meetings");
    replace($("#recent"), meetings.length
      ? meetings.map((m) => h("li", { dataset: { meeting: m.id } },
        h("a", { href: `#m=${m.id}`, text: m.title }),
        ` · ${m.branch_name} · ${formatDate(m.date)} · mã ${m.code}`,
        m.state === "certified" ? h("span", { class: "badge", text: " · đã chứng thực" }) : null))
      : h("li", { class: "muted", text: "Đồng chí chưa tạo cuộc họp nào." }));
  } catch (error) {
    replace($("#recent"), h("li", { class: "error", text: errorText(error) }));
  }
}

async function onOpenByCode(event) {
  event.preventDefault();
  const code = $("#open-code").value.trim();
  try {
    const answer = await request("GET", `/api/meetings/${encodeURIComponent(code)}/names`);
    location.hash = `m=${answer.meeting.id}`;
  } catch (error) {
    flash(errorText(error), true);
  }
}

/**
 * The meeting form as the API's NewMeeting (ballot/services/commands.py): a field left
 * empty is left out (the server's default, never an empty string), the chi bộ's facts
 * grouped as the rules read them (docs/rules.md, “Dữ liệu đầu vào”).
 */
function meetingBody(form) {
  const value = (name) => (form.elements[name] ? form.elements[name].value.trim() : "");
  const body = {};
  for (const name of ["branch_name", "title", "date", "profile", "denominator", "organisation_kind", "founded_on",
    "khtnv_by_accumulation", "place", "timezone"]) {
    if (value(name)) {
      body[name] = value(name);
    }
  }
  for (const name of ["organisation_disciplined", "discipline_self_remedied"]) {
    if (form.elements[name].checked) {
      body[name] = true;
    }
  }
  const committee = committeeNames(form);
  if (committee.length) {
    body.counting_committee = committee;
  }
  if (value("cap_percent")) {
    body.cap_percent = Number(value("cap_percent"));
  }
  if (value("criteria_tasks") || value("criteria_other")) {
    body.organisation_criteria = { tasks: value("criteria_tasks"), other: value("criteria_other") };
  }
  const bodies = [...form.querySelectorAll(".body-row")]
    .map((row) => ({ kind: row.dataset.kind,
      name: row.querySelector("[name=body_name]").value.trim() || row.querySelector("label").textContent.trim(),
      level: row.querySelector("[name=body_level]").value }))
    .filter((b) => b.level);
  if (bodies.length) {
    body.bodies = bodies;
  }
  const thresholds = {};
  for (const level of LEVELS.slice(0, 3)) {
    const share = value(`threshold_${level}`).replace(",", ".");
    if (share) {
      thresholds[level] = share.includes("/") || Number.isNaN(Number(share)) ? share : Number(share);
    }
  }
  if (Object.keys(thresholds).length) {
    body.thresholds = thresholds;
  }
  return body;
}

function fillFormChoices() {
  for (const select of document.querySelectorAll("#create-form select.grade")) {
    replace(select, h("option", { value: "", text: "— (không ghi)" }),
      Object.entries(GRADE_NAMES).map(([grade, name]) => h("option", { value: grade, text: name })));
  }
  for (const select of document.querySelectorAll("#create-form select.level")) {
    replace(select, h("option", { value: "", text: "—" }),
      LEVELS.map((level) => h("option", { value: level, text: `${level} (${LEVEL_NAMES[level]})` })));
  }
  replace($("#f-accumulation"), h("option", { value: "", text: "Theo bộ quy tắc (giữ mức, ghi rõ “chỉ đạt do cộng dồn”)" }),
    Object.entries(KHTNV_BY_ACCUMULATION_NAMES).map(([key, name]) => h("option", { value: key, text: name })));
}

async function onCreate(event) {
  event.preventDefault();
  const form = event.target;
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const state = await call("POST", "/api/host/meetings", meetingBody(form));
    flash("Đã tạo cuộc họp. Hãy nhập danh sách đảng viên.");
    location.hash = `m=${state.meeting.id}`;
  } catch (error) {
    flash(errorText(error), true);
  } finally {
    button.disabled = false;
  }
}

// --- the meeting ------------------------------------------------------------------------

function disconnect() {
  if (app.socket) {
    app.socket.disconnect();
    app.socket = null;
  }
}

async function openMeeting(meetingId) {
  if (app.meetingId !== meetingId) {
    disconnect();
    app.meetingId = meetingId;
    app.state = null;
    app.members = new MembersTable($("#members"), context);
    app.rounds = new RoundsPanel({
      panel: $("#round-panel"), notOnBallot: $("#not-on-ballot"), history: $("#rounds-history"), proposal: $("#proposal"), proposalCard: $("#proposal-card"),
    }, context);
    app.certify = new CertifyPanel($("#certify-card"), context);
    app.committee = new CommitteePanel($("#committee-panel"), context);
    app.details = new DetailsPanel($("#details-form"), context);
  }
  try {
    render(await call("GET", `/api/host/meetings/${encodeURIComponent(meetingId)}`));
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) {
      flash(errorText(error), true);
      location.hash = "";
    }
    return;
  }
  screen("meeting");
  if (!app.socket) {
    app.socket = connectLive({
      meetingId,
      role: "host",
      onState: (state) => state.meeting.id === app.meetingId && receive(state),
      onStatus: statusBadge($("#net")),
      onError: (error) => flash(error.message, true),
    });
  }
}

// A live push leaves out the parts that grow with the roster (members, results; each
// round's questions, a closed round's tally and tracking codes) and names them by digest
// (services/views.py, compact_host_state): while they match what the console holds it
// renders the push with them; otherwise it fetches the whole state.
const HEAVY_PARTS = ["members", "results"];
const HEAVY_ROUND_PARTS = ["questions", "tally", "tracking_codes"];

function receive(push) {
  if ("members" in push) {
    render(push);  // a whole state (the one sent on joining)
    return;
  }
  const held = app.state;
  if (held && [...HEAVY_PARTS, "rounds"].every((part) => held.digests?.[part] === push.digests[part])) {
    const heldRounds = new Map(held.rounds.map((round) => [round.id, round]));
    const withHeld = (round) => {
      const before = round && heldRounds.get(round.id);
      if (!before) return round;
      const parts = HEAVY_ROUND_PARTS.filter((part) => part in before).map((part) => [part, before[part]]);
      return { ...round, ...Object.fromEntries(parts) };
    };
    render({ ...push, members: held.members, results: held.results,
             rounds: push.rounds.map(withHeld), round: withHeld(push.round) });
  } else {
    refresh();
  }
}

async function refresh() {
  if (app.refreshing) {
    app.refreshAgain = true;  // a newer change arrived during the fetch
    return;
  }
  app.refreshing = true;
  try {
    do {
      app.refreshAgain = false;
      const state = await call("GET", `/api/host/meetings/${encodeURIComponent(app.meetingId)}`);
      if (state.meeting.id === app.meetingId) render(state);
    } while (app.refreshAgain);
  } catch (error) {
    flash(errorText(error), true);
  } finally {
    app.refreshing = false;
  }
}

const context = {
  call,
  flash,
  csrf: () => app.csrf,
  meetingId: () => app.meetingId,
  reload: () => openMeeting(app.meetingId),
  chosenMembers: () => [...app.members.chosen],
  chooseMembers: (ids) => {
    app.members.choose(ids);
    flash(`Đã đánh dấu ${ids.length} đồng chí; bấm “Tạo vòng bổ sung”.`);
  },
};

function render(state) {
  app.state = state;
  const { meeting, attendance } = state;
  setText($("#m-title"), meeting.title);
  setText($("#m-sub"), `${meeting.branch_name} · ${formatDate(meeting.date)} · quy tắc ${meeting.profile}`
    + ` · ${ORGANISATION_KIND_NAMES[meeting.organisation_kind] || meeting.organisation_kind}`
    + ` · mẫu số: ${(DENOMINATOR_NAMES[meeting.denominator] || meeting.denominator).toLowerCase()}`);
  setText($("#m-settings"), settingsSummary(meeting));
  setText($("#meeting-code"), meeting.code);
  const joinUrl = `${$("#host").dataset.publicUrl}/j/${meeting.code}`;
  const link = $("#join-link");
  setText(link, joinUrl);
  link.href = joinUrl;
  $("#projector-link").href = `/projector/${meeting.id}`;
  $("#slips-link").href = `/host/meetings/${meeting.id}/slips`;
  renderQuorum(attendance, state.voters, state.members.filter((m) => !m.present && !m.absent_with_leave).length);
  renderCheckIns(state.pending_check_ins);
  app.members.update(state);
  app.committee.update(state);
  app.rounds.update(state);
  app.certify.update(state);
  app.details.update(state);
  setText($("#sample-profile"), meeting.profile);
  for (const kind of ["csv", "xlsx"]) {
    $(`#sample-${kind}`).href = `/host/roster-sample/${encodeURIComponent(meeting.profile)}.${kind}`;
  }
  const locked = state.rounds.length > 0;
  $("#roster-file").disabled = locked;
  $("#roster-form button").disabled = locked;
  show($("#roster-locked"), locked);
  freezeIfCertified(meeting.state === "certified");
}

const FROZEN_REASON = "Cuộc họp đã được chứng thực: số liệu đã khóa, không thay đổi được nữa.";

/** A certified meeting is frozen (docs/protocol.md, “Certification”): every control that
 * would change it is disabled and says why; the documents stay at hand. */
function freezeIfCertified(certified) {
  show($("#frozen"), certified);
  setText($("#frozen"), certified ? FROZEN_REASON : "");
  if (!certified) {
    return;
  }
  for (const card of ["#attendance-card", "#checkins-card", "#committee-card", "#rounds-card", "#proposal-card",
    "#roster-card", "#details-card"]) {
    for (const control of $(card).querySelectorAll("button, select, input")) {
      control.disabled = true;
      control.title = FROZEN_REASON;
    }
  }
}

/** The chi bộ's facts and the counting settings the rules read, in one line. */
function settingsSummary(meeting) {
  const org = meeting.organisation || {};
  const settings = meeting.settings || {};
  const parts = [];
  if (org.disciplined) {
    parts.push(org.discipline_self_remedied ? "chi bộ bị kỷ luật, tự phát hiện và khắc phục xong hậu quả"
      : "chi bộ bị kỷ luật trong năm");
  }
  if (org.founded_on) {
    parts.push(`thành lập ngày ${formatDate(org.founded_on)}`);
  }
  if (org.criteria) {
    parts.push(`Mẫu 01: nhiệm vụ ${GRADE_NAMES[org.criteria.tasks]}, tiêu chí khác ${GRADE_NAMES[org.criteria.other]}`);
  }
  for (const body of org.bodies || []) {
    parts.push(`${body.name}: ${body.level}`);
  }
  if (org.cap_percent) {
    parts.push(`giới hạn xuất sắc ${org.cap_percent}%`);
  }
  const thresholds = Object.entries(settings.thresholds || {});
  if (thresholds.length) {
    parts.push(`ngưỡng phiếu ${thresholds.map(([level, share]) => `${level} quá ${share}`).join(", ")}`);
  }
  if (settings.khtnv_by_accumulation) {
    parts.push(`KHTNV chỉ do cộng dồn: ${KHTNV_BY_ACCUMULATION_NAMES[settings.khtnv_by_accumulation]}`);
  }
  return parts.length ? `Dữ kiện và cách đếm: ${parts.join(" · ")}.` : "";
}

function renderQuorum(a, voters, unmarked) {
  replace($("#quorum"),
    h("p", { class: "big-number", id: "present-count", text: `${a.present}/${a.members}` }),
    h("p", { text: "đảng viên có mặt" }),
    h("p", null, `Chính thức có mặt: ${a.full_members_present}/${a.full_members_expected} `,
      h("small", { class: "muted", text: "(không tính người vắng có phép, miễn sinh hoạt, đình chỉ)" })),
    h("p", { class: a.reached ? "ok" : "warn", id: "quorum-state",
      text: a.reached ? "Đủ điều kiện: quá nửa đảng viên chính thức có mặt." : "Chưa đủ quá nửa đảng viên chính thức." }),
    h("p", { text: `Người được biểu quyết: ${voters}` }),
    unmarked
      ? h("button", { type: "button", class: "secondary", id: "mark-all-present",
        text: `Đánh dấu ${unmarked} đồng chí còn lại có mặt`, title: "Trừ các đồng chí vắng có phép", onclick: markAllPresent })
      : null);
}

async function markAllPresent(event) {
  event.target.disabled = true;
  try {
    const { marked } = await call("POST", `/api/host/meetings/${app.meetingId}/presence/all`, {});
    flash(`Đã đánh dấu ${marked} đồng chí có mặt.`);
  } catch (error) {
    flash(errorText(error), true);
    event.target.disabled = false;
  }
}

function renderCheckIns(pending) {
  const list = $("#checkins");
  const key = pending.map((c) => `${c.id}:${c.other_phone_since}`).join(",");
  if (list.dataset.key === key) {
    return;
  }
  list.dataset.key = key;
  replace(list, pending.length
    ? pending.map((c) => h("li", { dataset: { checkIn: c.id }, class: c.other_phone_since ? "second-phone" : null },
      h("span", { class: "name", text: c.name }),
      // One member, one phone: approving moves the member to this phone.
      c.other_phone_since
        ? h("strong", { class: "warn", text: ` đã có mặt trên một điện thoại khác từ ${c.other_phone_since}` })
        : null,
      h("button", { type: "button", class: "primary",
        text: c.other_phone_since ? "Chuyển sang điện thoại này" : "Xác nhận",
        onclick: (e) => decide(e, c, true) }),
      h("button", { type: "button", class: "secondary", text: "Từ chối", onclick: (e) => decide(e, c, false) })))
    : h("li", { class: "muted", text: "Không có ai đang chờ." }));
}

async function decide(event, checkIn, approve) {
  event.target.disabled = true;
  try {
    await call("POST", `/api/host/meetings/${app.meetingId}/check-ins/${checkIn.id}`, { approve });
    await openMeeting(app.meetingId);
  } catch (error) {
    flash(errorText(error), true);
  }
}

async function onImport(event) {
  event.preventDefault();
  const file = $("#roster-file").files[0];
  const errors = $("#roster-error");
  const notice = $("#roster-notice");
  replace(errors);
  setText(notice, "");
  show(notice, false);
  if (!file) {
    replace(errors, h("p", { text: "Hãy chọn tệp .csv hoặc .xlsx." }));
    return;
  }
  const form = new FormData();
  form.append("file", file, file.name);
  try {
    const answer = await request("POST", `/api/host/meetings/${app.meetingId}/roster`, { form, csrf: app.csrf });
    flash(`Đã nhập ${answer.imported} đảng viên.`);
    // Columns no field needs were ignored: the host sees which ("Cột không dùng: …").
    setText(notice, (answer.notices || []).join(" "));
    show(notice, (answer.notices || []).length > 0);
    $("#roster-file").value = "";
    await openMeeting(app.meetingId);
  } catch (error) {
    rosterErrors(errors, error);
  }
}

// --- routing ---------------------------------------------------------------------------

async function route() {
  if (!app.csrf) {
    try {
      app.csrf = (await request("GET", "/api/host/session")).csrf_token;
    } catch {
      showLogin();
      return;
    }
  }
  const match = /^#m=([0-9a-f]+)$/.exec(location.hash);
  if (match) {
    await openMeeting(match[1]);
  } else {
    showPicker();
  }
}

function boot() {
  $("#login-form").addEventListener("submit", onLogin);
  $("#logout").addEventListener("click", onLogout);
  $("#open-form").addEventListener("submit", onOpenByCode);
  fillFormChoices();
  $("#create-form").addEventListener("submit", onCreate);
  $("#roster-form").addEventListener("submit", onImport);
  $("#switch-meeting").addEventListener("click", () => { location.hash = ""; });
  window.addEventListener("hashchange", route);
  const warning = loopbackWarning($("#host").dataset.publicUrl);
  if (warning) {
    $("#meeting-links").after(warning);
  }
  route();
}

if (globalThis.document) {
  boot();
}
