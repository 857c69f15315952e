// The host console (/host): log in, pick or create a meeting, import the
// roster, check members in, run rounds, see the proposal. The meeting shown is
// in the address (#m=<meeting_id>), so a reload keeps it.

import { ApiError, errorText, request } from "./api.js";
import { MembersTable, rosterErrors } from "./host-members.js";
import { CertifyPanel } from "./host-certify.js";
import { RoundsPanel } from "./host-rounds.js";
import { connectLive, statusBadge } from "./live.js";
import { $, DENOMINATOR_NAMES, ORGANISATION_KIND_NAMES, formatDate, h, loopbackWarning, replace, setText, show } from "./ui.js";

const RECENT_KEY = "phieukin:host:recent";

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

function recentMeetings() {
  try {
    return JSON.parse(localStorage.getItem(RECENT_KEY) || "[]");
  } catch {
    return [];
  }
}

function remember(meeting) {
  const list = [{ id: meeting.id, title: meeting.title, code: meeting.code, date: meeting.date },
    ...recentMeetings().filter((m) => m.id !== meeting.id)].slice(0, 10);
  try {
    localStorage.setItem(RECENT_KEY, JSON.stringify(list));
  } catch {
    // nothing to do: the list is a convenience
  }
}

function showPicker() {
  disconnect();
  app.meetingId = null;
  const recent = recentMeetings();
  replace($("#recent"), recent.length
    ? recent.map((m) => h("li", null, h("a", { href: `#m=${m.id}`, text: m.title }),
      ` · ${formatDate(m.date)} · mã ${m.code}`))
    : h("li", { class: "muted", text: "Máy này chưa mở cuộc họp nào." }));
  if (!$("#f-date").value) {
    $("#f-date").value = new Date().toISOString().slice(0, 10);
  }
  screen("picker");
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

async function onCreate(event) {
  event.preventDefault();
  const form = event.target;
  const fields = Object.fromEntries(new FormData(form).entries());
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  try {
    const state = await call("POST", "/api/host/meetings", fields);
    remember(state.meeting);
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
      panel: $("#round-panel"), history: $("#rounds-history"), proposal: $("#proposal"), proposalCard: $("#proposal-card"),
    }, context);
    app.certify = new CertifyPanel($("#certify-card"), context);
  }
  try {
    render(await call("GET", `/api/host/meetings/${encodeURIComponent(meetingId)}`));
    remember(app.state.meeting);
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
      onState: (state) => state.meeting.id === app.meetingId && render(state),
      onStatus: statusBadge($("#net")),
      onError: (error) => flash(error.message, true),
    });
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
  setText($("#meeting-code"), meeting.code);
  const joinUrl = `${$("#host").dataset.publicUrl}/j/${meeting.code}`;
  const link = $("#join-link");
  setText(link, joinUrl);
  link.href = joinUrl;
  $("#projector-link").href = `/projector/${meeting.id}`;
  $("#slips-link").href = `/host/meetings/${meeting.id}/slips`;
  renderQuorum(attendance, state.voters);
  renderCheckIns(state.pending_check_ins);
  app.members.update(state);
  app.rounds.update(state);
  app.certify.update(state);
  const locked = state.rounds.length > 0;
  $("#roster-file").disabled = locked;
  $("#roster-form button").disabled = locked;
  show($("#roster-locked"), locked);
}

function renderQuorum(a, voters) {
  replace($("#quorum"),
    h("p", { class: "big-number", id: "present-count", text: `${a.present}/${a.members}` }),
    h("p", { text: "đảng viên có mặt" }),
    h("p", null, `Chính thức có mặt: ${a.full_members_present}/${a.full_members_expected} `,
      h("small", { class: "muted", text: "(không tính người vắng có phép, miễn sinh hoạt, đình chỉ)" })),
    h("p", { class: a.reached ? "ok" : "warn", id: "quorum-state",
      text: a.reached ? "Đủ điều kiện: quá nửa đảng viên chính thức có mặt." : "Chưa đủ quá nửa đảng viên chính thức." }),
    h("p", { text: `Người được biểu quyết: ${voters}` }));
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
  replace(errors);
  if (!file) {
    replace(errors, h("p", { text: "Hãy chọn tệp .csv hoặc .xlsx." }));
    return;
  }
  const form = new FormData();
  form.append("file", file, file.name);
  try {
    const answer = await request("POST", `/api/host/meetings/${app.meetingId}/roster`, { form, csrf: app.csrf });
    flash(`Đã nhập ${answer.imported} đảng viên.`);
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
