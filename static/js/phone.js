// The voter's phone (/j/<meeting_code>): join, wait for a round, fill the
// ballot, review, cast (casting.js), show the tracking code. Vietnamese, one
// hand, plain HTTP on the meeting LAN.
//
// The page asks GET /api/state for what concerns this voter, and listens to the
// meeting's public Socket.IO room to know when to ask again; a round that opens, or
// whose form changes, it follows from the room's push alone (docs/protocol.md).

import { ApiError, errorText, request } from "./api.js";
import * as store from "./ballot-store.js";
import { RetryLater, deliver, resumeSigning, signBallot } from "./casting.js";
import { verifyCommittee } from "./committee.js";
import { connectLive, statusBadge } from "./live.js";
import { $, LEVELS, LEVEL_NAMES, ROUND_KIND_NAMES, coalescing, h, replace, setText } from "./ui.js";

const page = {
  code: "",
  meetingId: null, // this page's meeting, once known
  committeeMeetings: new Set(), // meetings this phone saw announce a counting committee
  voter: null, // the last GET /api/state answer (its round followed from the room), or null
  owed: null, // what the next load brings: "state", or a push whose open round to follow
  notice: "", // shown on the join form (refused check-in, wrong code)
  joinMode: "code",
  choices: {},
  choicesRound: null,
  step: "form", // form | review | casting
  castNote: "",
  delivery: {}, // round id -> {attempt, failed, note, timer}
  resuming: null, // {round, note, attempt, timer}: asking again for a signature whose answer was lost
  refused: {}, // round id -> message: the server refused the ballot for good
  socket: null,
  // What of the last public push concerned this phone: its round (a draft leaves it as
  // it was) and the rest; null before the first push.
  lastRoundKey: null,
  lastOthersKey: null,
  lastVoters: null, // how many members the last push said may vote
  viewKey: null,
  committee: null, // {ceremony, committee, error}: the round's committee as this phone checked it
  form: null, // {version, form}: the current round's ballot form, as last fetched
};

let root;
let viewEl;

// --- state --------------------------------------------------------------------------

/** The state into the page: asked for, or followed from the room's push. */
async function load() {
  const owed = page.owed;
  page.owed = null;
  if (owed && owed !== "state" && page.voter) {
    await followRound(owed);
  } else {
    await loadState();
  }
}

/**
 * An open round as the room's push names it: what the state would answer, since an
 * opening or a form's new version moves nothing of the member's own (a new round
 * starts without this member's signature). Only the form is fetched, once a version.
 */
async function followRound(pub) {
  const voter = page.voter;
  const { id, number, kind, status, form } = pub.round;
  const round = { id, number, kind, status, form };
  try {
    const same = voter.round && voter.round.id === id;
    const me = { ...voter.me, has_signature: same && voter.me.has_signature };
    page.voter = { ...voter, round: { ...(await roundForm(round)), ...round }, me };
    page.stateError = "";
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      await loadState(); // the session ended: the state says why
    } else {
      page.stateError = errorText(error);
    }
  }
}

/** GET /api/state into the page (a refused session says why on the join form). */
async function loadState() {
  const before = page.voter;
  try {
    const voter = await request("GET", "/api/state");
    if (voter.round) {
      voter.round = { ...(await roundForm(voter.round)), ...voter.round };
    }
    page.voter = (await isThisMeeting(voter)) ? voter : null;
    page.stateError = "";
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      if (error.code === "moved_to_another_phone") {
        page.notice = error.message;
      } else if (before && before.me.check_in === "pending") {
        page.notice = "Chủ tọa chưa chấp nhận yêu cầu tham gia. "
          + "Hãy nhập mã cá nhân, hoặc chọn lại tên và báo chủ tọa.";
      }
      page.voter = null;
    } else {
      page.stateError = errorText(error);
    }
  }
}

/**
 * The round's ballot form (questions, round key, committee), the same for the whole
 * room: asked for once per version the state names, and then only revalidated, so a
 * room of phones refreshing their state does not fetch it again.
 */
async function roundForm(round) {
  if (!page.form || page.form.version !== round.form) {
    const form = await request("GET", `/api/rounds/${encodeURIComponent(round.id)}/form`, { cache: "no-cache" });
    page.form = { version: round.form, form };
  }
  return page.form.form;
}

/** The state, coalescing overlapping calls, then the live channel and the page. */
const reload = coalescing(load, () => {
  if (page.voter) {
    connect(page.voter.meeting.id);
  }
  render();
});

/** The state asked for afresh. */
function refresh() {
  page.owed = "state";
  return reload();
}

function connect(meetingId) {
  if (page.socket) {
    return;
  }
  const badge = statusBadge($("#net"));
  page.socket = connectLive({
    meetingId,
    role: "public",
    onState: onPublicState,
    onStatus: (online) => {
      badge(online);
      if (online) {
        flushPending();
      }
    },
  });
}

/**
 * A public broadcast: ask for our own state again only if something that
 * concerns us moved. Turnout changes with every ballot and concerns nobody's
 * ballot form, so a room of phones does not refetch on each one; attendance
 * matters only to a phone that may not vote yet (the host may mark it present).
 */
function onPublicState(pub) {
  learnCommittee(pub);
  // A draft is the host's, not yet the room's: the state names the open round, else
  // the last closed one, so a draft leaves the phone's round as it was.
  const shown = pub.round && pub.round.status !== "draft" ? pub.round : null;
  const round = shown || {};
  const roundKey = shown
    ? JSON.stringify([shown.id, shown.status, shown.status === "open" ? shown.form : null])
    : page.lastRoundKey || "";
  const me = page.voter && page.voter.me;
  const watchAttendance = !me || !me.can_vote;
  // A new waiting check-in may be another phone asking to be this member.
  // A new committee may make this member a trustee (the link to the trustee page).
  const others = JSON.stringify([pub.meeting.state, watchAttendance ? pub.attendance : null,
    pub.check_ins_waiting, pub.committee && pub.committee.ceremony]);
  const waiting = me && me.check_in === "pending";
  // Fewer members may vote: perhaps this one no longer (marked absent, or no longer a
  // full member). Joining only adds voters, so a room joining asks nothing.
  const fewerVoters = Boolean(me && me.can_vote) && page.lastVoters !== null && pub.voters < page.lastVoters;
  page.lastVoters = pub.voters;
  const first = page.lastOthersKey === null;
  const othersMoved = others !== page.lastOthersKey;
  if (roundKey === page.lastRoundKey && !othersMoved && !waiting && !fewerVoters) {
    return;
  }
  // Only the round moved, and it is open: the push says all the state would.
  const follow = !first && !othersMoved && !waiting && !fewerVoters
    && round.status === "open" && Boolean(round.form) && me && me.check_in === "approved";
  page.lastRoundKey = roundKey;
  page.lastOthersKey = others;
  // A state already owed is asked for whole; else the round alone is followed.
  page.owed = follow && page.owed !== "state" ? pub : "state";
  setTimeout(reload, first ? 0 : Math.floor(Math.random() * refetchSpread(pub)));
}

/**
 * The whole room hears of a round at once. Its phones spread their requests over
 * about as long as a laptop takes to answer them (some 10 ms a phone for the state and
 * the form, with the first signatures beside them; bench/meeting_load.py), so that the
 * first to vote and the host's clicks are not held up behind a queue of them. At most
 * 2 s: a member waits no longer, and a larger room queues anyway.
 */
function refetchSpread(pub) {
  const present = (pub.attendance && pub.attendance.present) || 0;
  return Math.min(2000, Math.max(400, 10 * present));
}

/**
 * Once the committee has its key, this phone checks its record and shows the short
 * fingerprint before any round opens (docs/encrypted-ballots.md, 4.3). The same check
 * serves the round's ballot form (roundCommittee), whose transcript is the same.
 */
async function learnCommittee(pub) {
  const c = pub.committee;
  if (c) {
    rememberCommitteeMeeting(pub.meeting.id);
  }
  if (!c || c.state !== "complete" || (page.committee && page.committee.ceremony === c.ceremony)
      || page.learning === c.ceremony) {
    return;
  }
  page.learning = c.ceremony;
  try {
    const answer = await request("GET", `/api/meetings/${encodeURIComponent(pub.meeting.id)}/committee`);
    if (answer && answer.ceremony === c.ceremony && answer.state === "complete") {
      roundCommittee({ committee: answer.transcript });
      render();
    }
  } catch {
    // the ballot form carries the record too: nothing is lost
  } finally {
    page.learning = null;
  }
}

// --- sending stored ballots -----------------------------------------------------------

const inFlight = new Set();

function flushPending() {
  for (const entry of store.pendingEntries()) {
    send(entry);
  }
}

async function send(entry) {
  if (inFlight.has(entry.round)) {
    return;
  }
  inFlight.add(entry.round);
  const d = page.delivery[entry.round] || (page.delivery[entry.round] = { attempt: 0 });
  clearTimeout(d.timer);
  d.attempt += 1;
  d.failed = false;
  d.note = "Đang gửi phiếu…";
  render();
  try {
    await deliver(entry);
    delete page.delivery[entry.round];
  } catch (error) {
    if (error instanceof RetryLater) {
      d.failed = true;
      d.note = error.message;
      d.timer = setTimeout(() => send(entry), Math.min(2000 * 2 ** (d.attempt - 1), 20000));
    } else {
      delete page.delivery[entry.round];
      page.refused[entry.round] = errorText(error);
    }
  } finally {
    inFlight.delete(entry.round);
  }
  render();
}

/**
 * The server issued this member's signature but the answer was lost (Wi-Fi,
 * crash): ask again with the same blinded ballot; the server answers it with the
 * same signature and no second one is issued (docs/protocol.md).
 */
async function resumeSignature(round) {
  const r = page.resuming;
  if (r && r.round === round.id && (r.busy || r.timer)) {
    return;
  }
  const state = page.resuming = { round: round.id, note: "Đang xin lại chữ ký cho phiếu đã gửi…",
    attempt: r && r.round === round.id ? r.attempt + 1 : 1, busy: true, timer: null };
  try {
    const entry = await resumeSigning(round);
    page.resuming = null;
    if (entry) {
      page.unstored = !entry.stored;
      send(entry);
    }
  } catch (error) {
    state.busy = false;
    state.note = errorText(error);
    if (store.signingFor(round.id)) {
      state.timer = setTimeout(() => { state.timer = null; render(); },
        Math.min(2000 * 2 ** (state.attempt - 1), 20000));
    }
  }
  render();
}

// --- rendering --------------------------------------------------------------------------

/** Rebuild the main view only when its key changes (the ballot form keeps its ticks). */
function view(key, build) {
  if (page.viewKey === key) {
    return;
  }
  page.viewKey = key;
  replace(viewEl, build());
  viewEl.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}

/**
 * The committee of an encrypted round, checked by this phone from the transcript the
 * ballot form carries (docs/encrypted-ballots.md, 4.3): {committee} or {error}.
 * Null for a round with plaintext ballots.
 */
function roundCommittee(round) {
  const transcript = round && round.committee;
  if (!transcript) {
    return null;
  }
  if (page.meetingId) {
    rememberCommitteeMeeting(page.meetingId);
  }
  const ceremony = transcript.context && transcript.context.ceremony;
  const record = JSON.stringify(transcript); // exactly the record checked, not only its ceremony
  if (!page.committee || page.committee.record !== record) {
    page.committee = { ceremony, record, committee: null, error: "" };
    try {
      page.committee.committee = verifyCommittee(transcript);
    } catch (error) {
      page.committee.error = errorText(error);
    }
  }
  return page.committee;
}

function render() {
  const v = page.voter;
  setText($("#who"), v ? `${v.me.name} · ${v.meeting.title}` : "");
  const link = $("#trustee-link");
  if (link) {
    link.hidden = !(v && v.me.trustee);
  }
  setText($("#state-error"), page.stateError
    || (v && v.me.other_phone_waiting
      ? "Một điện thoại khác đã vào bằng tên của đồng chí; hãy báo chủ tọa." : ""));
  if (!v) {
    return page.joinMode === "names"
      ? view("names", namesView)
      : view(`join:${page.notice}`, joinView);
  }
  const { me, round } = v;
  if (me.check_in === "pending") {
    return view("pending", pendingView);
  }
  if (!round) {
    const known = page.committee && page.committee.committee ? page.committee.committee.shortFingerprint : "";
    return view(`wait:${me.status}:${known}`, waitView);
  }
  if (me.status === "du_bi") {
    return view(`observer:${round.id}:${round.status}`, observerView);
  }
  const receipt = store.receiptFor(round.id);
  if (round.status !== "open") {
    store.removeSigning(round.id); // the blinding factor is of no use once the round closed
    store.removeDraft(round.id);
    return view(`closed:${round.id}:${round.status}:${receipt ? receipt.tracking_code : ""}:`
      + `${page.refused[round.id] || ""}`, closedView);
  }
  if (receipt) {
    return view(`done:${round.id}`, doneView);
  }
  if (page.step === "casting" && page.choicesRound === round.id) {
    return view(`casting:${page.castNote}`, castingView);
  }
  if (store.pendingFor(round.id)) {
    const d = page.delivery[round.id] || {};
    return view(`sending:${round.id}:${d.attempt}:${d.failed}`, sendingView);
  }
  if (page.refused[round.id]) {
    return view(`refused:${round.id}`, refusedView);
  }
  if (!me.can_vote) {
    return view(`novote:${round.id}`, noVoteView);
  }
  if (me.has_signature && store.signingFor(round.id)) {
    resumeSignature(round);
    return view(`resume:${round.id}:${page.resuming.note}`, resumeView);
  }
  if (me.has_signature) {
    return view(`lost:${round.id}`, lostView);
  }
  const checked = roundCommittee(round);
  if (checked && checked.error) {
    return view(`bad-committee:${round.id}:${checked.error}`, badCommitteeView);
  }
  if (page.choicesRound !== round.id) {
    page.choicesRound = round.id;
    page.choices = validDraft(round);
    page.step = "form";
  }
  return page.step === "review"
    ? view(`review:${round.id}`, reviewView)
    : view(`form:${round.id}`, formView);
}

function roundTitle(round) {
  return `Vòng ${round.number}: ${ROUND_KIND_NAMES[round.kind] || round.kind}`;
}

// --- joining -------------------------------------------------------------------------

function joinView() {
  const input = h("input", {
    id: "personal-code", name: "personal_code", required: true, maxlength: "64",
    autocomplete: "off", autocapitalize: "characters", spellcheck: "false",
    value: root.dataset.personalCode || "",
  });
  const error = h("p", { class: "error", role: "alert", text: page.notice });
  const button = h("button", { type: "submit", class: "primary big", text: "Vào cuộc họp" });
  const form = h("form", { class: "stack", onsubmit: async (event) => {
    event.preventDefault();
    button.disabled = true;
    error.textContent = "";
    try {
      const answer = await request("POST", "/api/join", {
        body: { meeting_code: page.code, personal_code: input.value.trim() },
      });
      rememberMeeting(answer.meeting.id);
      page.notice = "";
      forgetCodeInAddress();
      await refresh();
    } catch (err) {
      error.textContent = errorText(err);
      button.disabled = false;
    }
  } },
  h("label", { for: "personal-code", text: "Mã cá nhân (in trên phiếu tham gia của đồng chí)" }),
  input, button);
  return [
    h("h1", { text: "Tham gia cuộc họp" }),
    h("p", null, "Mã cuộc họp: ", h("strong", { class: "code", text: page.code })),
    form, error,
    h("p", { class: "muted" }, "Không có mã cá nhân?"),
    h("button", { type: "button", class: "secondary", id: "choose-name",
      text: "Chọn tên của tôi (chủ tọa sẽ xác nhận)",
      onclick: () => { page.joinMode = "names"; render(); } }),
  ];
}

/** The link's meeting code belongs to no meeting: said before any personal code is typed. */
function wrongCodeView() {
  const input = h("input", { id: "meeting-code", name: "meeting_code", required: true, maxlength: "16",
    autocomplete: "off", autocapitalize: "characters", spellcheck: "false" });
  return [
    h("h1", { text: "Không có cuộc họp với mã này" }),
    h("p", { class: "error", role: "alert" }, "Mã cuộc họp ", h("strong", { class: "code", text: page.code }),
      " không đúng. Hãy quét lại mã QR trên màn hình chiếu, hoặc nhập mã cuộc họp chủ tọa đọc:"),
    h("form", { class: "stack", onsubmit: (event) => {
      event.preventDefault();
      const code = input.value.toUpperCase().replace(/[^0-9A-Z]/g, "");
      if (code) {
        location.assign(`/j/${encodeURIComponent(code)}`);
      }
    } },
    h("label", { for: "meeting-code", text: "Mã cuộc họp" }), input,
    h("button", { type: "submit", class: "primary big", text: "Tiếp tục" })),
  ];
}

function fold(text) {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d")
    .replace(/Đ/g, "D").toLowerCase();
}

function namesView() {
  const list = h("ul", { class: "names" }, h("li", { class: "muted", text: "Đang tải danh sách…" }));
  const error = h("p", { class: "error", role: "alert" });
  const search = h("input", { type: "search", id: "name-search", placeholder: "Gõ để tìm tên…",
    autocomplete: "off", oninput: () => {
      const q = fold(search.value.trim());
      for (const li of list.children) {
        // The "loading…" placeholder has no folded name: typing before the list arrives hides it.
        li.hidden = Boolean(q) && !(li.dataset.fold ?? "").includes(q);
      }
    } });
  request("GET", `/api/meetings/${encodeURIComponent(page.code)}/names`).then((answer) => {
    rememberMeeting(answer.meeting.id);
    replace(list, answer.members.map((m) => h("li", { dataset: { fold: fold(m.name) } },
      h("button", { type: "button", class: "name", text: m.name,
        onclick: () => confirmName(list, m, error) }))));
  }, (err) => { error.textContent = errorText(err); });
  return [
    h("h1", { text: "Chọn tên của đồng chí" }),
    h("p", { text: "Sau khi chọn, chờ chủ tọa xác nhận rồi mới được bỏ phiếu." }),
    h("label", { for: "name-search", text: "Tìm tên" }), search, error, list,
    h("button", { type: "button", class: "secondary", text: "← Nhập mã cá nhân",
      onclick: () => { page.joinMode = "code"; render(); } }),
  ];
}

function confirmName(list, member, error) {
  for (const box of list.querySelectorAll(".confirm")) {
    box.remove();
  }
  const li = [...list.children].find((el) => el.dataset.fold === fold(member.name)) || list;
  const yes = h("button", { type: "button", class: "primary", text: "Đúng, gửi yêu cầu",
    onclick: async () => {
      yes.disabled = true;
      try {
        await request("POST", "/api/join-by-name",
          { body: { meeting_code: page.code, member_id: member.id } });
        page.joinMode = "code";
        page.notice = "";
        await refresh();
      } catch (err) {
        error.textContent = errorText(err);
        yes.disabled = false;
      }
    } });
  li.append(h("div", { class: "confirm" },
    h("p", null, "Đồng chí là ", h("strong", { text: member.name }), "?"), yes));
}

/**
 * That this meeting has a counting committee, kept on the phone: from then on it never
 * builds a plaintext ballot in the meeting, whatever a later ballot form says.
 */
function rememberCommitteeMeeting(meetingId) {
  try {
    localStorage.setItem(`phieukin:committee-meeting:${meetingId}`, "1");
  } catch {
    // private mode: the page's memory still holds it
  }
  page.committeeMeetings.add(meetingId);
}

function committeeMeeting(meetingId) {
  if (page.committeeMeetings.has(meetingId)) {
    return true;
  }
  try {
    return localStorage.getItem(`phieukin:committee-meeting:${meetingId}`) === "1";
  } catch {
    return false;
  }
}

function rememberMeeting(meetingId) {
  page.meetingId = meetingId;
  try {
    localStorage.setItem(`phieukin:meeting:${page.code}`, meetingId);
  } catch {
    // storage unavailable: the check below simply trusts the session
  }
}

/** The personal code must not linger in the address bar, history or a Referer. */
function forgetCodeInAddress() {
  if (location.search) {
    history.replaceState(null, "", location.pathname);
  }
}

/**
 * A session cookie from another meeting (an earlier QR code) does not count on
 * this meeting's page: the voter joins again here.
 */
async function isThisMeeting(voter) {
  if (!page.meetingId) {
    try {
      page.meetingId = localStorage.getItem(`phieukin:meeting:${page.code}`);
    } catch {
      page.meetingId = null;
    }
  }
  if (!page.meetingId) {
    try {
      const answer = await request("GET", `/api/meetings/${encodeURIComponent(page.code)}/names`);
      rememberMeeting(answer.meeting.id);
    } catch {
      return true; // cannot tell: trust the session
    }
  }
  return page.meetingId === voter.meeting.id;
}

// --- waiting ---------------------------------------------------------------------------

function pendingView() {
  return [
    h("h1", { text: "Đang chờ chủ tọa xác nhận" }),
    h("p", { class: "spinner" }, "Đồng chí vào với tên ",
      h("strong", { text: page.voter.me.name }), ". Khi chủ tọa xác nhận, trang này tự chuyển tiếp."),
    page.voter.me.other_phone
      ? h("p", { class: "note", id: "other-phone" },
        "Đồng chí đã có mặt trên một điện thoại khác. Mỗi đảng viên chỉ dùng một điện thoại: "
        + "chủ tọa sẽ quyết định chuyển sang điện thoại này hay không.")
      : null,
  ];
}

function probationNote() {
  return h("p", { class: "note", id: "probation" },
    "Đồng chí là đảng viên dự bị: được tham dự, thảo luận và được xếp loại, ",
    h("strong", { text: "nhưng không biểu quyết" }), " (Điều lệ Đảng, Điều 3).");
}

function waitView() {
  const { me } = page.voter;
  return [
    h("h1", { text: `Xin chào đồng chí ${me.name}` }),
    h("p", { class: "ok", text: "Đồng chí đã có mặt trong cuộc họp." }),
    me.status === "du_bi" ? probationNote() : null,
    certified()
      ? finishedNote()
      : h("p", { class: "spinner", id: "waiting", text: "Chờ chủ tọa mở vòng bỏ phiếu…" }),
    page.committee && page.committee.committee
      ? h("p", { class: "committee-line", id: "committee-fingerprint" },
        "Mã ban kiểm phiếu — đối chiếu với màn chiếu: ",
        h("strong", { text: page.committee.committee.shortFingerprint }))
      : null,
  ];
}

function certified() {
  return page.voter.meeting.state === "certified";
}

function finishedNote() {
  return h("p", { class: "ok", id: "finished", text: "Cuộc họp đã kết thúc, kết quả đã được chứng thực "
    + "để gửi đảng ủy. Cảm ơn đồng chí. Có thể đóng trang này." });
}

function observerView() {
  const { round } = page.voter;
  return [
    h("h1", { text: roundTitle(round) }),
    probationNote(),
    h("p", { text: round.status === "open"
      ? "Vòng bỏ phiếu đang mở cho các đảng viên chính thức."
      : "Vòng bỏ phiếu đã kết thúc. Kết quả hiện trên màn hình chiếu." }),
    certified() ? finishedNote() : null,
  ];
}

function noVoteView() {
  const { round, me } = page.voter;
  return [
    h("h1", { text: roundTitle(round) }),
    h("p", { class: "note", id: "no-vote" }, "Đồng chí ", h("strong", { text: "không có quyền biểu quyết" }),
      " trong vòng này: chỉ đảng viên chính thức có mặt mới biểu quyết.",
      me.check_in !== "approved" ? " Chủ tọa chưa xác nhận đồng chí." : " Nếu đồng chí đang có mặt, hãy báo chủ tọa."),
  ];
}

function resumeView() {
  return [
    h("h1", { text: "Đang lấy lại phiếu đã ký" }),
    h("p", { class: "note", id: "resume", role: "status", text: page.resuming.note }),
    h("p", { text: "Máy chủ đã ký phiếu của đồng chí nhưng câu trả lời chưa về tới điện thoại. "
      + "Điện thoại vẫn giữ phiếu và đang xin lại đúng chữ ký ấy; đồng chí không cần chọn lại." }),
  ];
}

function lostView() {
  return [
    h("h1", { text: "Điện thoại này không còn giữ phiếu của đồng chí" }),
    h("div", { class: "note", id: "lost" },
      h("p", { text: "Máy chủ đã cấp chữ ký cho đồng chí trong vòng này, nhưng trình duyệt không còn "
        + "lưu phiếu đã ký (có thể do đã xóa dữ liệu duyệt web, dùng chế độ ẩn danh, hoặc mở bằng "
        + "trình duyệt hay điện thoại khác)." }),
      h("p", { text: "Mỗi đảng viên chỉ được cấp một chữ ký cho mỗi vòng, nên không thể bỏ phiếu lại "
        + "trong vòng này. Nếu phiếu đã gửi đi trước đó, mã theo dõi của nó vẫn có trên màn hình chiếu. "
        + "Hãy báo chủ tọa." })),
  ];
}

function closedView() {
  const { round, me } = page.voter;
  const receipt = store.receiptFor(round.id);
  let outcome;
  if (receipt) {
    outcome = [h("p", { class: "ok big-note", id: "counted", text: "Phiếu của đồng chí đã được tính ✓" }),
      trackingBlock(receipt)];
  } else if (me.can_vote && round.status !== "void") {
    outcome = h("div", { class: "note", id: "not-counted", role: "alert" },
      h("p", null, h("strong", { text: "Phiếu của đồng chí không được tính trong vòng này" }),
        ": vòng đã kết thúc trước khi phiếu của đồng chí tới máy chủ."),
      page.refused[round.id] ? h("p", { text: `Máy chủ trả lời: ${page.refused[round.id]}` }) : null,
      h("p", { text: "Nếu đồng chí đã bấm “Bỏ phiếu”, hãy báo chủ tọa." }));
  }
  if (receipt && round.status === "counting") {
    outcome = [h("p", { class: "ok big-note", id: "counted", text: "Phiếu của đồng chí đã được ghi nhận ✓" }),
      trackingBlock(receipt)];
  }
  let next = h("p", { text: "Kết quả hiện trên màn hình chiếu. Chờ chủ tọa mở vòng tiếp theo (nếu có)." });
  if (round.status === "counting") {
    next = h("p", { class: "spinner", id: "counting",
      text: "Đã kết thúc bỏ phiếu — đang chờ ban kiểm phiếu giải mã kết quả." });
  } else if (round.status === "void") {
    next = h("p", { class: "note", id: "voided", text: "Vòng này đã bị hủy vì không kiểm được phiếu: các phiếu "
      + "không được tính. Chờ chủ tọa mở lại vòng bỏ phiếu." });
  }
  return [
    h("h1", { text: round.status === "counting" ? `${roundTitle(round)}: đã kết thúc bỏ phiếu`
      : round.status === "void" ? `${roundTitle(round)} đã bị hủy` : `${roundTitle(round)} đã kết thúc` }),
    outcome,
    certified() ? finishedNote() : next,
  ];
}

/** The committee of this round does not check out: this phone does not vote in it. */
function badCommitteeView() {
  const { round } = page.voter;
  return [
    h("h1", { text: roundTitle(round) }),
    h("div", { class: "note", id: "bad-committee", role: "alert" },
      h("p", null, h("strong", { text: "Điện thoại không bỏ phiếu trong vòng này" }),
        ": hồ sơ khóa của ban kiểm phiếu mà máy chủ gửi không hợp lệ, nên phiếu có thể bị người khác đọc."),
      h("p", { class: "muted", text: page.committee.error }),
      h("p", { text: "Hãy báo ngay chủ tọa." })),
  ];
}

/** The committee's short fingerprint beside the ballot, to compare with the projector. */
function committeeLine(round) {
  const checked = roundCommittee(round);
  if (!checked || !checked.committee) {
    return null;
  }
  return h("p", { class: "committee-line", id: "committee-fingerprint" },
    "Mã ban kiểm phiếu — đối chiếu với màn chiếu: ",
    h("strong", { text: checked.committee.shortFingerprint }));
}

function trackingBlock(receipt) {
  return h("div", { class: "receipt" },
    h("p", { text: "Mã theo dõi phiếu của đồng chí:" }),
    h("p", { class: "tracking", id: "tracking-code", text: receipt.tracking_code }),
    h("p", { class: "muted", text: "Tìm mã này trong danh sách trên màn hình chiếu khi vòng kết thúc. "
      + "Mã không cho biết đồng chí đã chọn gì." }),
    receipt.verified === false
      ? h("p", { class: "error", text: "Cảnh báo: mã máy chủ trả về khác mã điện thoại tự tính. Hãy báo chủ tọa." })
      : null);
}

// --- the ballot ------------------------------------------------------------------------

/** The stored ticks of this round, keeping only questions and levels it has. */
function validDraft(round) {
  const draft = store.draftFor(round.id) || {};
  const kept = {};
  for (const q of round.questions) {
    if (LEVELS.includes(draft[q.id])) {
      kept[q.id] = draft[q.id];
    }
  }
  return kept;
}

function choose(round, questionId, level) {
  if (level) {
    page.choices[questionId] = level;
  } else {
    delete page.choices[questionId];
  }
  store.saveDraft(round.id, page.choices);
}

function formView() {
  const { round } = page.voter;
  const total = round.questions.length;
  const counter = h("span", { id: "chosen-count" });
  const progress = h("span", { class: "progress", "aria-hidden": "true" }, h("span", { class: "progress-fill" }));
  const next = h("button", { type: "button", class: "secondary", id: "next-unanswered", text: "↓ Chưa chọn",
    "aria-label": "Tới đồng chí tiếp theo chưa chọn mức",
    onclick: () => goToQuestion(round.questions.find((q) => !page.choices[q.id])) });
  const updateCount = () => {
    const chosen = round.questions.filter((q) => page.choices[q.id]).length;
    setText(counter, `Đã chọn ${chosen}/${total}`);
    progress.firstChild.style.width = `${total ? (100 * chosen) / total : 100}%`;
    next.hidden = chosen === total;
  };
  const cards = round.questions.map((q, i) => questionCard(round, q, i, updateCount));
  updateCount();
  return [
    h("h1", { text: roundTitle(round) }),
    committeeLine(round),
    h("p", { class: "muted ballot-intro", text: "Chọn một mức cho mỗi đồng chí; chạm lần nữa để bỏ chọn "
      + "(để trống là không biểu quyết cho người đó). Lựa chọn được giữ trên máy này đến khi bỏ phiếu." }),
    h("details", { class: "level-key" }, h("summary", { text: "Ý nghĩa các mức" }),
      h("dl", null, LEVELS.map((level) => [h("dt", { class: `lvl-${level}`, text: level }),
        h("dd", { text: LEVEL_NAMES[level] })]))),
    h("form", { id: "ballot", class: "ballot", onsubmit: (e) => e.preventDefault() }, cards),
    h("div", { class: "bar-bottom" }, progress, counter, next,
      h("button", { type: "button", class: "primary big", id: "to-review", text: "Xem lại",
        onclick: () => { page.step = "review"; render(); } })),
  ];
}

/** Back to one member's line of the ballot, in view and focused. */
function goToQuestion(question) {
  if (!question) {
    return;
  }
  const card = viewEl.querySelector(`fieldset[data-question="${CSS.escape(question.id)}"]`);
  if (card) {
    card.scrollIntoView({ block: "center" });
    (card.querySelector('[aria-pressed="true"]') || card.querySelector("button")).focus({ preventScroll: true });
  }
}

function questionCard(round, q, index, onChange) {
  const buttons = [];
  const show = () => {
    for (const button of buttons) {
      button.setAttribute("aria-pressed", String(page.choices[q.id] === button.dataset.level));
    }
  };
  // Toggle buttons, not radios: tapping the chosen level again leaves the member blank.
  const option = (level) => {
    const button = h("button", { type: "button", class: `choice lvl-${level}`, dataset: { level },
      title: LEVEL_NAMES[level], "aria-label": `${level}: ${LEVEL_NAMES[level]}`,
      onclick: () => {
        choose(round, q.id, page.choices[q.id] === level ? "" : level);
        show();
        onChange();
      } }, h("span", { class: "lv", text: level }));
    buttons.push(button);
    return button;
  };
  const { self, committee } = q.proposals || {};
  return h("fieldset", { class: "question", dataset: { question: q.id } },
    h("legend", null, h("span", { class: "num", text: `${index + 1}.` }), " ", q.label,
      q.role ? h("span", { class: "role", text: ` · ${q.role}` }) : null),
    self || committee
      ? h("p", { class: "proposals" }, "Tự nhận: ", h("strong", { text: self || "—" }),
        " · Chi ủy đề xuất: ", h("strong", { text: committee || "—" }))
      : null,
    h("div", { class: "choices", role: "group", "aria-label": `Mức cho đồng chí ${q.label}` },
      LEVELS.map(option), show()));
}

function reviewView() {
  const { round } = page.voter;
  const blanks = round.questions.filter((q) => !page.choices[q.id]).length;
  const error = h("p", { class: "error", role: "alert", id: "cast-error" });
  const cast = h("button", { type: "button", class: "primary big", id: "cast", text: "Bỏ phiếu",
    onclick: () => castBallot(error) });
  const back = (q) => () => {
    page.step = "form";
    render();
    goToQuestion(q);
  };
  return [
    h("h1", { text: "Xem lại phiếu" }),
    h("p", { class: "muted", text: "Chạm vào một dòng để sửa." }),
    h("ol", { class: "review" }, round.questions.map((q) => {
      const level = page.choices[q.id];
      return h("li", { dataset: { question: q.id } },
        h("button", { type: "button", class: "review-line", onclick: back(q) },
          h("span", { class: "who", text: q.label }),
          level
            ? h("span", { class: `pick lvl-${level}`, text: `${level} · ${LEVEL_NAMES[level]}` })
            : h("span", { class: "pick blank", text: "Để trống" })));
    })),
    blanks ? h("p", { class: "note", text: `Còn ${blanks} đồng chí để trống; phiếu vẫn hợp lệ.` }) : null,
    round.committee
      ? h("p", { class: "muted", text: "Phiếu được mã hóa ngay trên điện thoại này rồi làm mù trước khi gửi: "
        + "không ai đọc được lá phiếu, kể cả chủ tọa; ban kiểm phiếu chỉ giải mã tổng số phiếu. "
        + "Sau khi bỏ phiếu không sửa được." })
      : h("p", { class: "muted", text: "Phiếu được làm mù trước khi gửi: máy chủ ký mà không biết nội dung, "
        + "và không ai biết phiếu nào của ai. Sau khi bỏ phiếu không sửa được." }),
    committeeLine(round),
    error,
    h("div", { class: "row" },
      h("button", { type: "button", class: "secondary big", id: "edit", text: "← Sửa lại",
        onclick: () => { page.step = "form"; render(); } }),
      cast),
  ];
}

function castingView() {
  return [
    h("h1", { text: "Đang bỏ phiếu…" }),
    h("p", { class: "spinner", id: "cast-note", text: page.castNote }),
    h("p", { class: "muted", text: "Đừng đóng trang. Nếu mất mạng, phiếu đã ký được giữ trên máy và tự gửi lại." }),
  ];
}

function sendingView() {
  const { round } = page.voter;
  const d = page.delivery[round.id] || {};
  return [
    h("h1", { text: "Phiếu đã được ký, đang gửi" }),
    page.unstored
      ? h("p", { class: "error", text: "Không lưu được phiếu vào bộ nhớ máy: đừng đóng hay tải lại trang cho đến khi gửi xong." })
      : h("p", { text: "Phiếu đã ký được lưu trên điện thoại này cho đến khi máy chủ xác nhận đã nhận." }),
    d.failed
      ? h("p", { class: "error", id: "send-retry" }, "Chưa gửi được: ", d.note, " Máy sẽ tự gửi lại.")
      : h("p", { class: "spinner", id: "sending", text: "Đang gửi phiếu…" }),
    d.failed ? h("button", { type: "button", class: "secondary", text: "Gửi lại ngay", onclick: flushPending }) : null,
  ];
}

function refusedView() {
  const { round } = page.voter;
  return [
    h("h1", { text: "Máy chủ không nhận phiếu" }),
    h("p", { class: "error", role: "alert", text: page.refused[round.id] }),
    h("p", { text: "Hãy báo chủ tọa." }),
  ];
}

function doneView() {
  const receipt = store.receiptFor(page.voter.round.id);
  return [
    h("h1", { class: "ok", text: "Phiếu của đồng chí đã được ghi nhận ✓" }),
    trackingBlock(receipt),
  ];
}

async function castBallot(errorEl) {
  const { round } = page.voter;
  page.step = "casting";
  const checked = roundCommittee(round);
  page.castNote = checked ? "Đang mã hóa phiếu, làm mù và xin chữ ký…" : "Đang làm mù phiếu và xin chữ ký…";
  render();
  try {
    if (checked) {
      await new Promise((resolve) => setTimeout(resolve, 30)); // the note is shown before the work
    }
    const entry = await signBallot(round, page.choices, checked && checked.committee,
      committeeMeeting(page.meetingId));
    store.removeDraft(round.id); // the signed ballot is stored in its place
    page.choices = {};
    page.step = "form";
    page.unstored = !entry.stored;
    await send(entry);
  } catch (error) {
    page.step = "review";
    page.viewKey = null;
    render();
    // Where the member is looking: at the button they pressed, announced (role=alert).
    const shown = $("#cast-error") || errorEl;
    setText(shown, `${errorText(error)} Các lựa chọn vẫn được giữ; bấm “Bỏ phiếu” để thử lại.`);
    shown.scrollIntoView({ block: "center" });
    if (error instanceof ApiError && (error.code === "network" || [401, 403, 409].includes(error.status))) {
      // The state says what moved: a signature issued whose answer was lost, the round
      // closed, or the member no longer a voter (the host marked them absent; a voter's
      // phone does not watch the room's attendance).
      await refresh();
    }
  }
}

// --- start -----------------------------------------------------------------------------

async function boot() {
  root = $("#phone");
  viewEl = $("#view");
  page.code = root.dataset.meetingCode;
  if (root.dataset.meetingKnown === "no") {
    view("wrong-code", wrongCodeView);
    return;
  }
  window.addEventListener("online", () => { flushPending(); refresh(); });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      flushPending();
      refresh();
    }
  });
  await refresh();
  if (page.voter) {
    forgetCodeInAddress();
  }
  flushPending(); // any signed ballot not yet acknowledged goes again, on every load
}

if (globalThis.document) {
  boot();
}
