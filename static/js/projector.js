// The projector (/projector/<meeting_id>), read-only and public: the join QR before
// voting (and whenever asked), turnout during a round, and once it closes the
// results, the cap and the tracking codes as pages that fit the screen, turned
// automatically. Never a ballot, never a roster fact (docs/threat-model.md).
//
// Everything fits the screen without scrolling, whatever the number of members:
// each view is measured off screen at the screen's size and cut into pages.

import { errorText, request } from "./api.js";
import { TallyBars, legend } from "./bars.js";
import { connectLive, statusBadge } from "./live.js";
import { verifyCommittee } from "./committee.js";
import { capSummary, organisationSummary, resultsTable, trackingCodes } from "./results.js";
import { $, ROUND_KIND_NAMES, formatDate, h, loopbackWarning, replace, setText, show } from "./ui.js";

const THEME_KEY = "phieukin:projector-theme";

const view = {
  state: null,
  slides: [], // functions building each page of the closed round's views
  slidesKey: "",
  index: 0,
  paused: false,
  timer: null,
  countdownEnd: 0,
  countdownTimer: null,
  committee: null, // {ceremony, short, error}: the committee as this screen checked it
  committeeFetch: "",
};

function roundTitle(round) {
  return `Vòng ${round.number}: ${ROUND_KIND_NAMES[round.kind] || round.kind}`;
}

function phaseOf(state) {
  const round = state.round;
  if (round && round.status === "open") {
    return "voting";
  }
  if (round && round.status === "counting") {
    return "counting";
  }
  if ((round && round.status === "closed") || state.results) {
    return "closed";
  }
  return "lobby";
}

function render(state) {
  view.state = state;
  const { meeting, attendance } = state;
  setText($("#title"), meeting.title);
  setText($("#branch"), `${meeting.branch_name} · ${formatDate(meeting.date)}`);
  setText($("#attendance"), `Đã có mặt ${attendance.present}/${attendance.members} đảng viên`
    + ` (chính thức ${attendance.full_members_present}/${attendance.full_members_expected})`);
  const certified = state.certificate;
  show($("#certified"), Boolean(certified));
  setText($("#certified"), certified ? `✓ Đã chứng thực · mã gói ${certified.short_hash}` : "");
  const phase = phaseOf(state);
  document.body.dataset.phase = phase;
  const joining = phase === "lobby" || document.body.dataset.join === "1";
  show($("#lobby"), joining);
  show($("#voting"), !joining && phase === "voting");
  show($("#counting"), !joining && phase === "counting");
  show($("#closed"), !joining && phase === "closed");
  renderCommittee(state);
  if (phase === "voting") {
    renderVoting(state);
  }
  if (phase === "counting") {
    setText($("#counting-title"), `${roundTitle(state.round)}: đã kết thúc bỏ phiếu`);
    replace($("#counting-ballots"), h("span", { class: "count", text: String(state.round.ballots_cast) }),
      " ", h("span", { class: "label", text: "phiếu đã bỏ" }));
  }
  if (phase !== "closed") {
    setSlides([], "");
  } else if (!joining) {
    renderClosed(state); // measured only while shown: a hidden slide has no size
  }
}

function renderVoting(state) {
  const round = state.round;
  setText($("#round-title"), roundTitle(round));
  replace($("#turnout"), h("span", { class: "count", text: `${round.ballots_cast}/${state.voters}` }),
    " ", h("span", { class: "label", text: "đã bỏ phiếu" }));
  const share = state.voters ? Math.min(100, (100 * round.ballots_cast) / state.voters) : 0;
  $("#turnout-bar").style.width = `${share}%`;
  const remaining = Math.max(0, state.voters - round.ballots_cast);
  setText($("#remaining"), remaining
    ? `Còn ${remaining} đồng chí chưa bỏ phiếu`
    : "Tất cả đồng chí có quyền biểu quyết đã bỏ phiếu");
}

// --- the counting committee ------------------------------------------------------------

/**
 * "Ban kiểm phiếu: t/n · Mã ban kiểm phiếu XXXX XXXX XXXX XXXX": the fingerprint this
 * screen computed itself from the committee's transcript (docs/encrypted-ballots.md,
 * 4.3), which the trustees read aloud and every voter's phone shows beside its ballot.
 */
function renderCommittee(state) {
  const el = $("#committee");
  const c = state.committee;
  if (!c) {
    show(el, false);
    return;
  }
  show(el, true);
  const seen = view.committee && view.committee.ceremony === c.ceremony ? view.committee : null;
  el.classList.toggle("bad", Boolean(seen && seen.error));
  if (c.state === "running") {
    replace(el, `Ban kiểm phiếu: ${c.t}/${c.n} · đang tạo khóa…`);
  } else if (c.state === "failed") {
    replace(el, `Ban kiểm phiếu: tạo khóa không thành, chờ chọn lại`);
  } else if (seen && seen.error) {
    replace(el, `Ban kiểm phiếu: hồ sơ khóa không hợp lệ — không bỏ phiếu. ${seen.error}`);
  } else if (seen) {
    replace(el, `Ban kiểm phiếu: ${c.t}/${c.n} · Mã ban kiểm phiếu `, h("strong", { id: "committee-fingerprint",
      text: seen.short }));
  } else {
    replace(el, `Ban kiểm phiếu: ${c.t}/${c.n} · đang kiểm tra khóa…`);
    fetchCommittee(state.meeting.id, c.ceremony);
  }
}

async function fetchCommittee(meetingId, ceremony) {
  if (view.committeeFetch === ceremony) {
    return;
  }
  view.committeeFetch = ceremony;
  try {
    const answer = await request("GET", `/api/meetings/${encodeURIComponent(meetingId)}/committee`);
    if (answer.ceremony !== ceremony || answer.state !== "complete") {
      view.committeeFetch = ""; // designated again meanwhile: the next state asks again
      return;
    }
    let short = "";
    let error = "";
    try {
      short = verifyCommittee(answer.transcript).shortFingerprint;
    } catch (err) {
      error = errorText(err);
    }
    view.committee = { ceremony, short, error };
  } catch {
    view.committeeFetch = ""; // try again with the next state
    return;
  }
  if (view.state) {
    render(view.state);
  }
}

// --- the closed round: pages ---------------------------------------------------------

function renderClosed(state) {
  const round = state.round;
  setText($("#closed-title"), round && round.status === "closed"
    ? `${roundTitle(round)} đã kết thúc: ${round.ballots_cast} phiếu`
    : "Kết quả các vòng đã kết thúc");
  const slide = $("#slide");
  const key = JSON.stringify([state.results, round && round.id, round && round.tally,
    round && round.tracking_codes, slide.clientWidth, slide.clientHeight]);
  if (key !== view.slidesKey) {
    setSlides(buildSlides(state), key);
  }
}

function buildSlides(state) {
  const round = state.round;
  const results = state.results;
  const slides = [];
  if (round && round.status === "closed" && round.kind === "organisation" && round.tally) {
    slides.push(() => [h("h3", { text: "Chi bộ tự đánh giá, xếp loại" }), organisationBars(round)]);
  }
  if (results && results.members.length) {
    const pages = paginateRows(results);
    pages.forEach((members, i) => slides.push(() => [
      h("h3", { text: pages.length > 1
        ? `Kết quả xếp loại (đề xuất của chi bộ) · ${i + 1}/${pages.length}`
        : "Kết quả xếp loại (đề xuất của chi bộ)" }),
      resultsTable({ ...results, members: members.rows }, { showShares: false, first: members.first }),
    ]));
    slides.push(() => [h("h3", { text: "Giới hạn xuất sắc và mức của chi bộ" }),
      capSummary(results), organisationSummary(results)]);
  }
  const codes = round && round.status === "closed" ? round.tracking_codes || [] : null;
  if (codes && codes.length) {
    const pages = paginateCodes(codes);
    pages.forEach((page, i) => slides.push(() => [
      h("h3", { text: `Mã theo dõi của ${codes.length} phiếu đã ghi nhận`
        + (pages.length > 1 ? ` · ${i + 1}/${pages.length}` : "") }),
      h("p", { class: "muted", text: "Mỗi đồng chí tìm mã điện thoại của mình đã hiện. "
        + "Mã chỉ chứng tỏ phiếu đã được đếm, không cho biết nội dung phiếu." }),
      trackingCodes(page)]));
  }
  return slides;
}

function organisationBars(round) {
  const bars = new TallyBars(round.questions);
  bars.update(round.tally);
  return h("div", null, legend(), bars.el);
}

/** Lay `content` out off screen at the slide's size; returns the measuring box. */
function measure(content) {
  const box = $("#measure");
  box.style.width = `${$("#slide").clientWidth}px`;
  replace(box, content);
  return box;
}

/** The members' rows cut into pages that fit the slide, header and totals included. */
function paginateRows(results) {
  const available = $("#slide").clientHeight;
  const box = measure([h("h3", { text: "Kết quả xếp loại · 1/1" }),
    resultsTable(results, { showShares: false })]);
  const table = box.querySelector("table");
  // A margin for rounding: a row cut at the bottom would be worse than one page more.
  const fixed = box.querySelector("h3").offsetHeight + table.tHead.offsetHeight + table.tFoot.offsetHeight + 12;
  const heights = [...table.tBodies[0].rows].map((row) => row.offsetHeight);
  const pages = [];
  let current = { first: 0, rows: [] };
  let used = fixed;
  results.members.forEach((member, i) => {
    if (current.rows.length && used + heights[i] > available) {
      pages.push(current);
      current = { first: i, rows: [] };
      used = fixed;
    }
    current.rows.push(member);
    used += heights[i];
  });
  pages.push(current);
  replace(box);
  return pages;
}

/** The sorted codes cut into pages of whole rows of the grid. */
function paginateCodes(codes) {
  const available = $("#slide").clientHeight;
  const box = measure([h("h3", { text: "Mã theo dõi · 1/1" }), h("p", { class: "muted", text: "Mỗi đồng chí "
    + "tìm mã điện thoại của mình đã hiện. Mã chỉ chứng tỏ phiếu đã được đếm, không cho biết nội dung phiếu." }),
  trackingCodes(codes)]);
  const items = [...box.querySelectorAll(".codes li")];
  const top = items[0].offsetTop;
  const columns = Math.max(1, items.filter((li) => li.offsetTop === top).length);
  const next = items.find((li) => li.offsetTop > top);
  const pitch = next ? next.offsetTop - top : items[0].offsetHeight;
  const rows = Math.max(1, Math.floor((available - (top - box.offsetTop) - 8) / pitch));
  replace(box);
  const size = rows * columns;
  const pages = [];
  for (let i = 0; i < codes.length; i += size) {
    pages.push(codes.slice(i, i + size));
  }
  return pages;
}

function setSlides(slides, key) {
  const sameCount = slides.length === view.slides.length;
  view.slides = slides;
  view.slidesKey = key;
  if (!sameCount || view.index >= slides.length) {
    view.index = 0;
  }
  showSlide();
}

function showSlide() {
  clearTimeout(view.timer);
  const count = view.slides.length;
  replace($("#slide"), count ? view.slides[view.index]() : []);
  setText($("#page-info"), count > 1 ? `Trang ${view.index + 1}/${count}` : "");
  for (const id of ["#prev", "#next", "#pause"]) {
    $(id).disabled = count < 2;
  }
  setText($("#pause"), view.paused ? "Tiếp tục lật trang" : "Dừng lật trang");
  if (count > 1 && !view.paused) {
    view.timer = setTimeout(() => step(1), Number($("#seconds").value) * 1000);
  }
}

function step(by) {
  const count = view.slides.length;
  if (count) {
    view.index = (view.index + by + count) % count;
    showSlide();
  }
}

// --- the controls ----------------------------------------------------------------------

function togglePause() {
  view.paused = !view.paused;
  showSlide();
}

function toggleJoin() {
  document.body.dataset.join = document.body.dataset.join === "1" ? "" : "1";
  setText($("#show-join"), document.body.dataset.join === "1" ? "Ẩn mã QR" : "Mã QR tham gia");
  if (view.state) {
    render(view.state);
  }
}

function applyTheme(theme) {
  document.body.dataset.theme = theme;
  setText($("#theme"), theme === "dark" ? "Nền sáng" : "Nền tối");
  try {
    localStorage.setItem(THEME_KEY, theme);
  } catch {
    // storage unavailable: the theme lasts as long as the page
  }
}

function toggleTheme() {
  applyTheme(document.body.dataset.theme === "dark" ? "light" : "dark");
}

async function toggleFullscreen() {
  try {
    if (document.fullscreenElement) {
      await document.exitFullscreen();
    } else {
      await document.documentElement.requestFullscreen();
    }
  } catch {
    // refused by the browser (not from a click): nothing to do
  }
}

function startCountdown() {
  clearInterval(view.countdownTimer);
  const seconds = Number($("#countdown").value);
  view.countdownEnd = seconds ? Date.now() + seconds * 1000 : 0;
  tickCountdown();
  if (seconds) {
    view.countdownTimer = setInterval(tickCountdown, 250);
  }
}

function tickCountdown() {
  const el = $("#countdown-view");
  if (!view.countdownEnd) {
    show(el, false);
    return;
  }
  const left = Math.max(0, Math.ceil((view.countdownEnd - Date.now()) / 1000));
  const mm = String(Math.floor(left / 60)).padStart(2, "0");
  const ss = String(left % 60).padStart(2, "0");
  setText(el, left ? `Còn ${mm}:${ss}` : "Hết giờ");
  el.classList.toggle("over", !left);
  show(el, true);
  if (!left) {
    clearInterval(view.countdownTimer);
  }
}

function bindControls() {
  $("#prev").addEventListener("click", () => step(-1));
  $("#next").addEventListener("click", () => step(1));
  $("#pause").addEventListener("click", togglePause);
  $("#seconds").addEventListener("change", showSlide);
  $("#countdown").addEventListener("change", startCountdown);
  $("#show-join").addEventListener("click", toggleJoin);
  $("#theme").addEventListener("click", toggleTheme);
  $("#fullscreen").addEventListener("click", toggleFullscreen);
  document.addEventListener("fullscreenchange", () => {
    setText($("#fullscreen"), document.fullscreenElement ? "Thoát toàn màn hình" : "Toàn màn hình");
  });
  document.addEventListener("keydown", (event) => {
    if (event.target.closest && event.target.closest("select")) {
      return;
    }
    const actions = { ArrowRight: () => step(1), ArrowLeft: () => step(-1), " ": togglePause,
      f: toggleFullscreen, t: toggleTheme, q: toggleJoin };
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  });
  let pending = 0;
  window.addEventListener("resize", () => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => view.state && render(view.state));
  });
}

async function boot() {
  const root = $("#projector");
  const meetingId = root.dataset.meetingId;
  let theme = "light";
  try {
    theme = localStorage.getItem(THEME_KEY) || "light";
  } catch {
    theme = "light";
  }
  applyTheme(theme);
  bindControls();
  const warning = loopbackWarning(root.dataset.publicUrl);
  if (warning) {
    $("#lobby .join").append(warning);
  }
  try {
    render(await request("GET", `/api/meetings/${encodeURIComponent(meetingId)}/public`));
  } catch (error) {
    setText($("#net"), errorText(error));
  }
  // Joining the room answers with the current state at once, then every change.
  connectLive({ meetingId, role: "public", onState: render, onStatus: statusBadge($("#net")) });
}

if (globalThis.document) {
  boot();
}
