// The projector (/projector/<meeting_id>), read-only and public: the join QR
// before voting, turnout (and live bars if the host allows) during a round,
// the results table and every tracking code after it closes. Never a ballot.

import { errorText, request } from "./api.js";
import { TallyBars, legend } from "./bars.js";
import { connectLive, statusBadge } from "./live.js";
import { capSummary, organisationSummary, resultsTable, trackingCodes } from "./results.js";
import { $, ROUND_KIND_NAMES, formatDate, h, loopbackWarning, replace, setText, show } from "./ui.js";

const view = {
  bars: null, // TallyBars of the open round
  barsRound: null,
  resultsKey: "",
  codesKey: "",
  closedBarsKey: "",
};

function roundTitle(round) {
  return `Vòng ${round.number}: ${ROUND_KIND_NAMES[round.kind] || round.kind}`;
}

function phaseOf(state) {
  const round = state.round;
  if (round && round.status === "open") {
    return "voting";
  }
  if ((round && round.status === "closed") || state.results) {
    return "closed";
  }
  return "lobby";
}

function render(state) {
  const { meeting, attendance } = state;
  setText($("#title"), meeting.title);
  setText($("#branch"), `${meeting.branch_name} · ${formatDate(meeting.date)}`);
  setText($("#attendance"), `Đã có mặt ${attendance.present}/${attendance.members} đảng viên`
    + ` (chính thức ${attendance.full_members_present}/${attendance.full_members_expected})`);
  const phase = phaseOf(state);
  show($("#lobby"), phase === "lobby");
  show($("#voting"), phase === "voting");
  show($("#closed"), phase === "closed");
  document.body.dataset.phase = phase;
  if (phase === "voting") {
    renderVoting(state);
  } else if (phase === "closed") {
    renderClosed(state);
  }
}

function renderVoting(state) {
  const round = state.round;
  setText($("#round-title"), roundTitle(round));
  setText($("#turnout"), `${round.ballots_cast}/${state.voters} đã bỏ phiếu`);
  const share = state.voters ? Math.min(100, (100 * round.ballots_cast) / state.voters) : 0;
  $("#turnout-bar").style.width = `${share}%`;
  const live = $("#live");
  if (!round.tally) {
    if (view.barsRound !== null) {
      replace(live);
      view.bars = null;
      view.barsRound = null;
    }
    show(live, false);
    return;
  }
  if (view.barsRound !== round.id) {
    view.bars = new TallyBars(round.questions);
    view.barsRound = round.id;
    replace(live, legend(), view.bars.el);
  }
  show(live, true);
  view.bars.update(round.tally);
}

function renderClosed(state) {
  const round = state.round;
  const results = state.results;
  setText($("#closed-title"), round && round.status === "closed"
    ? `${roundTitle(round)} đã kết thúc: ${round.ballots_cast} phiếu`
    : "Kết quả các vòng đã kết thúc");
  // The chi bộ's own round: its distribution; member rounds: the proposal table.
  const orgBars = $("#closed-bars");
  const barsKey = round && round.status === "closed" && round.kind === "organisation" && round.tally
    ? `${round.id}:${JSON.stringify(round.tally)}` : "";
  if (barsKey !== view.closedBarsKey) {
    view.closedBarsKey = barsKey;
    if (barsKey) {
      const bars = new TallyBars(round.questions);
      bars.update(round.tally);
      replace(orgBars, legend(), bars.el);
    } else {
      replace(orgBars);
    }
  }
  const resultsKey = results ? JSON.stringify(results) : "";
  if (resultsKey !== view.resultsKey) {
    view.resultsKey = resultsKey;
    replace($("#results"), results
      ? [h("h3", { text: "Kết quả xếp loại (đề xuất của chi bộ)" }), resultsTable(results),
        capSummary(results), organisationSummary(results)]
      : []);
  }
  const codes = round && round.status === "closed" ? round.tracking_codes || [] : null;
  const codesKey = codes ? `${round.id}:${codes.length}` : "";
  if (codesKey !== view.codesKey) {
    view.codesKey = codesKey;
    replace($("#codes"), codes
      ? [h("h3", { text: `Mã theo dõi của ${codes.length} phiếu đã ghi nhận` }),
        h("p", { class: "muted", text: "Mỗi đồng chí tìm mã điện thoại của mình đã hiện. "
          + "Mã chỉ chứng tỏ phiếu đã được đếm, không cho biết nội dung phiếu." }),
        trackingCodes(codes)]
      : []);
  }
}

async function boot() {
  const root = $("#projector");
  const meetingId = root.dataset.meetingId;
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
