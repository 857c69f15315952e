// The trustee's phone (/trustee): the counting committee's key ceremony, the
// fingerprint read aloud, the backup code, and the decryption of each round's
// totals (docs/encrypted-ballots.md, section 14). Vietnamese, one hand, plain HTTP.
//
// The page asks GET /api/trustee for everything; it listens to the meeting's public
// Socket.IO room and polls slowly only to know when to ask again. The seed never
// leaves the phone (local storage); nor does the backup code.

import { ApiError, errorText, request } from "./api.js";
import { decodeBackup, encodeBackup, needsPin, restoreTrustee } from "./backup.js";
import { Trustee, verifyCommittee } from "./committee.js";
import { connectLive, statusBadge } from "./live.js";
import {
  TallyRefused, backupKey, ceremonyStep, checkTally, checkTallyIsSum, decryptionFor, loadSeed, recheckable,
  refusalOf, roundStatus, saveSeed, seedKey,
} from "./trustee-core.js";
import { $, ROUND_KIND_NAMES, coalescing, h, replace, setText } from "./ui.js";

const FAST_POLL_MS = 3000; // while the ceremony runs or a round waits for its count
const SLOW_POLL_MS = 20000;

const page = {
  answer: null, // the last GET /api/trustee answer
  gone: "", // why this phone has no trustee page (not a trustee, not checked in)
  error: "",
  storage: null,
  trustee: null, // Trustee of the current ceremony, from the seed in storage
  trusteeFor: "",
  lost: "", // "" | "seed": the seed that spoke is not on this phone
  step: null, // the last ceremonyStep
  stepError: "",
  committee: null,
  committeeFor: "",
  committeeError: "",
  share: null,
  sending: false,
  rounds: {}, // round id -> {state: "checking" | "sending" | "refused" | "failed" | "retry", message}
  backup: null, // {code, pin}: shown until hidden; never stored, never sent
  seen: new Map(), // round id -> the last summary of a round that waited for its count
  socket: null,
  timer: null,
  keys: {},
};

function storage() {
  try {
    const s = globalThis.localStorage;
    s.setItem("phieukin:probe", "1");
    s.removeItem("phieukin:probe");
    return s;
  } catch {
    return null;
  }
}

// --- state ---------------------------------------------------------------------------

/** GET /api/trustee, then whatever the ceremony or a counting round asks of this phone. */
async function load() {
  try {
    page.answer = await request("GET", "/api/trustee");
    page.gone = "";
    page.error = "";
  } catch (error) {
    if (error instanceof ApiError && [401, 403, 404].includes(error.status)) {
      page.answer = null;
      page.gone = error.message;
    } else {
      page.error = errorText(error);
    }
  }
  if (page.answer) {
    await advance();
  }
}

const refresh = coalescing(load, () => {
  render();
  schedule();
});

function schedule() {
  clearTimeout(page.timer);
  const a = page.answer;
  const busy = a && a.ceremony && (a.ceremony.state === "running"
    || (a.rounds || []).some((r) => r.status === "counting"));
  page.timer = setTimeout(refresh, busy ? FAST_POLL_MS : SLOW_POLL_MS);
}

function connect(meetingId) {
  if (page.socket || !meetingId) {
    return;
  }
  const badge = statusBadge($("#net"));
  // Every change of the meeting is announced on its public room: ask again.
  page.socket = connectLive({ meetingId, role: "public", onStatus: badge,
    onState: () => setTimeout(refresh, Math.floor(Math.random() * 300)) });
}

/** After each answer: send what the ceremony needs from this phone, decrypt what waits. */
async function advance() {
  const { ceremony, me } = page.answer;
  if (!ceremony) {
    return;
  }
  if (ceremony.state === "running") {
    await runCeremony(ceremony, me);
  }
  const now = page.answer.ceremony; // the last confirmation sent completes it
  if (now.state === "complete") {
    haveCommittee(now, me);
    for (const round of page.answer.rounds || []) {
      page.seen.set(round.id, round);
    }
    if (page.committee && page.trustee && !page.lost) {
      for (const round of page.answer.rounds || []) {
        await maybeDecrypt(round);
      }
    }
  }
}

function holdTrustee(ceremony, me, { create }) {
  const key = `${ceremony.id}:${me.index}`;
  if (page.trusteeFor === key && page.trustee) {
    return page.trustee;
  }
  page.trustee = null;
  page.trusteeFor = key;
  page.share = null;
  let seed = loadSeed(page.storage, ceremony.id, me.index);
  if (!seed && create) {
    seed = Trustee.newSeed();
    if (!saveSeed(page.storage, ceremony.id, me.index, seed)) {
      page.stepError = "Trình duyệt không lưu được khóa của đồng chí (chế độ ẩn danh, hoặc bộ nhớ đầy). "
        + "Hãy mở trang này bằng trình duyệt thường của điện thoại.";
      return null;
    }
  }
  if (seed) {
    page.trustee = new Trustee(seed, ceremony.transcript.context, me.index);
  }
  return page.trustee;
}

async function runCeremony(ceremony, me) {
  const mine = (list) => (ceremony.transcript[list] || []).some((e) => e.message && e.message.trustee === me.index);
  // A phone that has no seed but whose index already spoke must not draw a new one.
  const trustee = holdTrustee(ceremony, me, { create: !mine("announcements") });
  if (!trustee) {
    page.lost = page.stepError ? "" : "seed";
    return;
  }
  for (let guard = 0; guard < 4 && !page.sending; guard++) {
    let step;
    try {
      step = ceremonyStep(trustee, page.answer.ceremony.transcript);
      page.stepError = "";
    } catch (error) {
      page.stepError = errorText(error);
      return;
    }
    page.step = step;
    page.lost = step.conflict ? "seed" : "";
    if (!step.send.length || step.conflict) {
      return;
    }
    page.sending = true;
    render();
    try {
      for (const envelope of step.send) {
        page.answer = await request("POST", "/api/trustee/messages", { body: { envelope } });
      }
    } catch (error) {
      page.stepError = errorText(error);
      return;
    } finally {
      page.sending = false;
    }
    if (page.answer.ceremony.state !== "running") {
      return;
    }
  }
}

function haveCommittee(ceremony, me) {
  if (page.committeeFor !== ceremony.id) {
    page.committeeFor = ceremony.id;
    page.committee = null;
    page.committeeError = "";
    try {
      page.committee = verifyCommittee(ceremony.transcript);
    } catch (error) {
      page.committeeError = errorText(error);
    }
  }
  if (!page.committee) {
    return;
  }
  const trustee = holdTrustee(ceremony, me, { create: false });
  const signKey = page.committee.signKeys.get(me.index);
  page.lost = trustee && signKey && trustee.signKey.every((b, i) => b === signKey[i]) ? "" : "seed";
}

async function maybeDecrypt(round) {
  const { ceremony, me } = page.answer;
  const status = roundStatus(round, me.index);
  const local = page.rounds[round.id];
  if (status !== "to_decrypt" || (local && local.state !== "retry")) {
    return;
  }
  const mark = (state, message = "") => {
    page.rounds[round.id] = { state, message };
    render();
  };
  try {
    const checked = checkTally(round, page.committee, page.storage, ceremony.id, me.index);
    if (recheckable(checked.tally)) {
      mark("checking");
      await nextPaint();
      const published = await request("GET", `/api/rounds/${encodeURIComponent(round.id)}/encrypted-ballots`);
      await nextPaint();
      checkTallyIsSum(checked.tally, published);
    }
    mark("sending");
    await nextPaint();
    if (!page.share) {
      page.share = page.trustee.secretShare(ceremony.transcript);
    }
    const envelope = decryptionFor(page.trustee, page.share, page.committee, checked, page.storage, ceremony.id,
      round.id);
    page.answer = await request("POST", `/api/trustee/rounds/${encodeURIComponent(round.id)}/decryption`,
      { body: { envelope } });
    delete page.rounds[round.id];
  } catch (error) {
    if (error instanceof TallyRefused) {
      mark("refused", error.userMessage);
    } else if (error instanceof ApiError && (error.code === "network" || error.status >= 500 || error.status === 429)) {
      mark("retry", errorText(error));
    } else {
      mark("failed", errorText(error));
    }
  }
}

const nextPaint = () => new Promise((resolve) => setTimeout(resolve, 30));

// --- rendering -----------------------------------------------------------------------------

/** Rebuild a part only when its key changes (forms keep what is typed). */
function part(el, key, build) {
  if (page.keys[el.id] === key) {
    return;
  }
  replace(el, build());
  page.keys[el.id] = key;
}

function render() {
  const a = page.answer;
  setText($("#who"), a ? `${a.me.name} · thành viên số ${a.me.index}` : "");
  setText($("#state-error"), page.error);
  const view = $("#view");
  if (!page.storage) {
    part(view, "no-storage", () => [h("h1", { text: "Trình duyệt không lưu được dữ liệu" }),
      h("p", { class: "error", role: "alert", text: "Trang ban kiểm phiếu cần lưu khóa của đồng chí trên điện thoại. "
        + "Hãy mở bằng trình duyệt thường (không dùng chế độ ẩn danh)." })]);
    return;
  }
  if (!a) {
    part(view, `gone:${page.gone}`, goneView);
    part($("#rounds"), "", () => []);
    part($("#backup"), "", () => []);
    return;
  }
  connect(a.meeting && a.meeting.id);
  const c = a.ceremony;
  if (!c) {
    part(view, "none", () => [h("h1", { text: "Chưa có ban kiểm phiếu" }),
      h("p", { class: "spinner", text: "Chờ chủ tọa chọn ban kiểm phiếu…" })]);
  } else if (c.state === "failed") {
    part(view, `failed:${c.id}:${c.failure}`, () => failedView(c));
  } else if (page.lost === "seed" && c.state === "running") {
    part(view, `lost-running:${c.id}`, lostRunningView);
  } else if (c.state === "running") {
    const s = page.step;
    part(view, JSON.stringify(["running", c.id, page.sending, page.stepError, s && [s.stage, s.waitingFor, s.complaints],
      progressOf(c, a.me.index)]), () => runningView(c, a.me));
  } else if (!page.committee && !page.committeeError) {
    part(view, "checking", () => [h("p", { class: "spinner", text: "Đang kiểm tra hồ sơ khóa…" })]);
  } else if (page.committeeError) {
    part(view, `bad-committee:${page.committeeError}`, () => [h("h1", { text: "Hồ sơ ban kiểm phiếu không hợp lệ" }),
      h("p", { class: "error", role: "alert", id: "committee-error" }, page.committeeError,
        " Không dùng được hồ sơ này. Hãy báo ngay chủ tọa.")]);
  } else if (page.lost === "seed" && a.meeting && a.meeting.state === "certified") {
    part(view, `erased:${c.id}`, () => [h("h1", { text: "Cuộc họp đã được chứng thực" }),
      h("p", { class: "ok", id: "erased", text: "Điện thoại này không còn giữ khóa của ban kiểm phiếu. "
        + "Không còn gì cần giải mã; có thể hủy tờ mã sao lưu và đóng trang này." })]);
  } else if (page.lost === "seed") {
    part(view, `restore:${c.id}`, () => restoreView(c, a.me));
  } else {
    part(view, `complete:${c.id}:${a.meeting && a.meeting.state}:${c.confirmed_aloud}`, () => completeView(c, a));
  }
  const ready = c && c.state === "complete" && page.committee && !page.lost;
  part($("#rounds"), ready ? JSON.stringify([a.rounds, page.rounds, [...page.seen.keys()]]) : "",
    () => (ready ? roundsView(a) : []));
  part($("#backup"), ready ? `${c.id}:${page.backup ? page.backup.code : ""}:${backedUp()}` : "",
    () => (ready ? backupView(c, a.me) : []));
}

function goneView() {
  return [
    h("h1", { text: "Trang dành cho ban kiểm phiếu" }),
    h("p", { class: "note", id: "not-trustee" }, page.gone || "Điện thoại này chưa vào cuộc họp.",
      " Trang này chỉ mở được trên điện thoại mà thành viên ban kiểm phiếu đã dùng để vào cuộc họp "
      + "(bằng mã cá nhân). Hãy vào cuộc họp trước, rồi bấm “Trang ban kiểm phiếu”."),
  ];
}

function failedView(c) {
  return [
    h("h1", { text: "Lễ tạo khóa không thành" }),
    h("p", { class: "error", role: "alert", id: "ceremony-failed", text: c.failure || "Lễ tạo khóa đã thất bại." }),
    h("p", { text: "Chủ tọa sẽ chọn lại ban kiểm phiếu và tạo khóa lại. Nếu đồng chí vẫn ở trong ban, "
      + "trang này tự bắt đầu lại; hãy giữ trang mở." }),
  ];
}

function lostRunningView() {
  return [
    h("h1", { text: "Điện thoại này không giữ khóa của đồng chí" }),
    h("div", { class: "note", id: "seed-lost", role: "alert" },
      h("p", { text: "Đồng chí đã bắt đầu tạo khóa, nhưng trình duyệt này không còn lưu khóa bí mật ấy "
        + "(có thể do đã xóa dữ liệu duyệt web, hoặc mở bằng trình duyệt hay điện thoại khác)." }),
      h("p", { text: "Không thể tiếp tục lễ tạo khóa này. Hãy báo chủ tọa chọn lại ban kiểm phiếu để tạo khóa lại." })),
  ];
}

/** {announced, dealt, confirmed} of this index on the server. */
function progressOf(c, index) {
  const has = (list) => (c.transcript[list] || []).some((e) => e.message && e.message.trustee === index);
  return { announced: has("announcements"), dealt: has("dealings"),
    confirmed: has("confirmations") || has("complaints") };
}

function runningView(c, me) {
  const done = progressOf(c, me.index);
  const s = page.step;
  const others = s && s.waitingFor.length ? `Đang chờ thành viên số ${s.waitingFor.join(", ")}…` : "";
  const item = (ok, text, id) => h("li", { class: ok ? "done" : "todo", id },
    h("span", { class: "mark", "aria-hidden": "true", text: ok ? "✓" : "…" }), text);
  return [
    h("h1", { text: "Tạo khóa của ban kiểm phiếu" }),
    h("p", null, "Đồng chí là ", h("strong", { text: `thành viên số ${me.index}` }),
      ` trong ban ${c.n} người; cần ${c.t} người để giải mã kết quả.`),
    h("ol", { class: "steps", id: "ceremony-steps" },
      item(done.announced, "Gửi khóa công khai của đồng chí", "step-announce"),
      item(done.dealt, "Chia phần khóa cho các thành viên khác", "step-deal"),
      item(done.confirmed, "Kiểm tra phần khóa nhận được và xác nhận", "step-confirm")),
    page.sending ? h("p", { class: "spinner", text: "Đang gửi…" }) : null,
    others ? h("p", { class: "spinner", id: "waiting-for", text: others }) : null,
    s && s.complaints.length
      ? h("p", { class: "error", role: "alert", text: `Phần khóa thành viên số ${s.complaints.join(", ")} gửi cho `
        + "đồng chí không đúng. Điện thoại đã báo lên máy chủ; lễ tạo khóa sẽ phải làm lại." })
      : null,
    page.stepError ? h("p", { class: "error", role: "alert", id: "step-error", text: page.stepError }) : null,
    h("p", { class: "muted", text: "Giữ trang này mở. Điện thoại tự làm từng bước khi các thành viên khác sẵn sàng." }),
  ];
}

function fingerprintBlock(short) {
  const [a, b, c, d] = short.split(" ");
  return h("p", { class: "fingerprint-big", id: "fingerprint", "aria-label": short },
    h("span", { text: `${a} ${b}` }), " ", h("span", { text: `${c} ${d}` }));
}

function completeView(c, a) {
  const certified = a.meeting && a.meeting.state === "certified";
  return [
    h("h1", { text: "Ban kiểm phiếu đã có khóa chung" }),
    h("p", { class: "lead", text: "Mã ban kiểm phiếu" }),
    fingerprintBlock(page.committee.shortFingerprint),
    h("div", { class: "note", id: "read-aloud" },
      h("p", null, h("strong", { text: "Đọc to mã này" }), " và so với mã trên màn hình chiếu và trên điện thoại "
        + "của các thành viên khác. Nếu khớp, báo chủ tọa để ghi nhận."),
      h("p", { text: "Nếu có một chữ khác, báo ngay chủ tọa: không được mở vòng bỏ phiếu." })),
    c.confirmed_aloud
      ? h("p", { class: "ok", id: "confirmed-aloud", text: "✓ Chủ tọa đã ghi nhận: các thành viên đã đọc mã và khớp." })
      : null,
    h("p", { class: "muted", text: `Ban ${c.n} người; cần ${c.t} người gửi phần giải mã thì ra kết quả.` }),
    certified ? eraseBlock(c, a.me) : null,
  ];
}

function eraseBlock(c, me) {
  return h("div", { class: "note", id: "erase" },
    h("p", { text: "Cuộc họp đã được chứng thực: không còn gì cần giải mã. Có thể xóa khóa khỏi điện thoại này "
      + "và hủy tờ mã sao lưu." }),
    h("button", { type: "button", class: "secondary", id: "erase-key", text: "Xóa khóa khỏi điện thoại này",
      onclick: () => {
        if (!globalThis.confirm("Xóa khóa của ban kiểm phiếu khỏi điện thoại này?")) {
          return;
        }
        // The seed, and what this phone remembered of the ceremony (backup made, tallies decrypted).
        // The keys are listed first, then removed: removing reorders the storage's keys,
        // and removing while walking them skipped some (the seed among them).
        const mine = seedKey(c.id, me.index);
        const keys = [];
        for (let i = 0; i < page.storage.length; i++) {
          keys.push(page.storage.key(i));
        }
        for (const key of keys.filter((k) => k === mine || (k && k.startsWith(`${mine}:`)))) {
          page.storage.removeItem(key);
        }
        page.trustee = null;
        page.trusteeFor = "";
        page.share = null;
        refresh();
      } }));
}

function restoreView(c, me) {
  const code = h("textarea", { id: "restore-code", rows: "4", autocomplete: "off", autocapitalize: "characters",
    spellcheck: "false", placeholder: "ABCD-EFGH-…" });
  const pin = h("input", { id: "restore-pin", type: "password", inputmode: "numeric", autocomplete: "off" });
  const error = h("p", { class: "error", role: "alert", id: "restore-error" });
  const button = h("button", { type: "submit", class: "primary big", text: "Khôi phục khóa" });
  const form = h("form", { class: "stack", id: "restore-form", onsubmit: async (event) => {
    event.preventDefault();
    error.textContent = "";
    let withPin;
    try {
      withPin = needsPin(code.value);
    } catch (err) {
      error.textContent = errorText(err);
      return;
    }
    if (withPin && !pin.value) {
      error.textContent = "Mã sao lưu này có mã PIN: hãy nhập mã PIN.";
      return;
    }
    button.disabled = true;
    setText(button, "Đang kiểm tra…");
    await nextPaint();
    try {
      const pinValue = withPin ? pin.value : undefined;
      const { trustee } = restoreTrustee(code.value, pinValue, c.transcript);
      if (trustee.index !== me.index) {
        throw new Error(`Mã sao lưu này của thành viên số ${trustee.index}, không phải của đồng chí.`);
      }
      const { seed } = decodeBackup(code.value, pinValue);
      if (!saveSeed(page.storage, c.id, me.index, seed)) {
        throw new Error("Trình duyệt không lưu được khóa.");
      }
      page.trusteeFor = "";
      page.lost = "";
      page.storage.setItem(backupKey(c.id, me.index), "1");
      await refresh();
    } catch (err) {
      error.textContent = err instanceof Error && !err.userMessage && !(err instanceof ApiError)
        ? err.message : errorText(err);
      button.disabled = false;
      setText(button, "Khôi phục khóa");
    }
  } },
  h("label", { for: "restore-code", text: "Mã sao lưu (16 nhóm 4 ký tự, như trên tờ giấy)" }), code,
  h("label", { for: "restore-pin", text: "Mã PIN (nếu có)" }), pin, button, error);
  return [
    h("h1", { text: "Khôi phục khóa của đồng chí" }),
    h("p", { class: "note", id: "need-restore", text: "Điện thoại này không giữ khóa của đồng chí cho ban kiểm phiếu "
      + "này. Nếu đồng chí đã chép hoặc in mã sao lưu, hãy nhập lại dưới đây. Mã chỉ dùng trên điện thoại này, "
      + "không gửi lên máy chủ." }),
    form,
    h("p", { class: "muted", text: `Không có mã sao lưu: ban vẫn giải mã được nếu đủ ${c.t} thành viên khác. `
      + "Hãy báo chủ tọa." }),
    h("p", { class: "muted", text: "Mã ban kiểm phiếu: " + page.committee.shortFingerprint }),
  ];
}

function backedUp() {
  const { ceremony, me } = page.answer;
  return page.storage.getItem(backupKey(ceremony.id, me.index)) === "1";
}

function backupView(c, me) {
  if (page.backup) {
    const groups = page.backup.code.split("-");
    const lines = [];
    for (let i = 0; i < groups.length; i += 4) {
      lines.push(h("span", { class: "line", text: groups.slice(i, i + 4).join("-") }));
    }
    return h("section", { class: "card backup", id: "backup-sheet" },
      h("h2", { text: "Mã sao lưu khóa" }),
      h("p", { class: "print-only", text: `Ban kiểm phiếu · thành viên số ${me.index} · mã ban kiểm phiếu `
        + page.committee.shortFingerprint }),
      h("p", { class: "backup-code", id: "backup-code", "aria-label": page.backup.code }, lines),
      page.backup.pin ? h("p", { class: "muted", text: "Mã này có mã PIN. Nhớ mã PIN; đừng viết PIN lên cùng tờ giấy." })
        : null,
      h("div", { class: "note no-print" },
        h("p", { text: "Chép mã này ra giấy hoặc in ra, rồi giữ như chìa khóa hòm phiếu. Không chụp ảnh, "
          + "không gửi qua tin nhắn. Mã không được gửi lên máy chủ." }),
        h("p", { text: "Nếu điện thoại mất khóa (xóa dữ liệu, hỏng máy), nhập mã này trên trang ban kiểm phiếu "
          + "để khôi phục. Sau khi cuộc họp được chứng thực, hủy tờ giấy." })),
      h("div", { class: "stack no-print" },
        h("button", { type: "button", class: "secondary", id: "print-backup", text: "In mã sao lưu",
          onclick: () => globalThis.print() }),
        h("button", { type: "button", class: "primary", id: "backup-done", text: "Đã chép xong, ẩn mã",
          onclick: () => {
            page.backup = null;
            page.storage.setItem(backupKey(c.id, me.index), "1");
            render();
          } })));
  }
  const pin = h("input", { id: "backup-pin", type: "password", inputmode: "numeric", autocomplete: "off",
    maxlength: "12" });
  const error = h("p", { class: "error", role: "alert" });
  const button = h("button", { type: "submit", class: backedUp() ? "secondary" : "primary", id: "make-backup",
    text: backedUp() ? "Tạo lại mã sao lưu" : "Tạo mã sao lưu" });
  return h("section", { class: "card backup no-print", id: "backup-offer" },
    h("h2", { text: "Sao lưu khóa" }),
    backedUp()
      ? h("p", { class: "ok", id: "backup-made", text: "Đồng chí đã tạo mã sao lưu." })
      : h("p", { text: "Nên tạo một mã sao lưu và chép ra giấy: nếu điện thoại mất khóa giữa cuộc họp, "
        + "mã này giúp khôi phục." }),
    h("form", { class: "stack", onsubmit: async (event) => {
      event.preventDefault();
      button.disabled = true;
      await nextPaint();
      try {
        const seed = loadSeed(page.storage, c.id, me.index);
        const code = encodeBackup(seed, me.index, page.committee.fingerprint, pin.value || undefined);
        page.backup = { code, pin: Boolean(pin.value) };
        render();
      } catch (err) {
        error.textContent = errorText(err);
        button.disabled = false;
      }
    } },
    h("label", { for: "backup-pin", text: "Mã PIN bảo vệ (không bắt buộc)" }), pin, button, error));
}

function roundsView(a) {
  const current = new Set((a.rounds || []).map((r) => r.id));
  // A round leaves the answer once counted (or voided): it stays listed here as done.
  const gone = [...page.seen.values()].filter((r) => !current.has(r.id)).map((r) => ({ ...r, status: "gone" }));
  const rounds = [...gone, ...(a.rounds || [])].sort((x, y) => x.number - y.number);
  if (!rounds.length) {
    return h("p", { class: "muted", id: "no-rounds", text: "Khi một vòng bỏ phiếu kết thúc, điện thoại này tự giải mã "
      + "tổng số phiếu của vòng. Giữ trang này mở." });
  }
  return h("section", { class: "card", id: "rounds-card" },
    h("h2", { text: "Giải mã kết quả" }),
    h("ul", { class: "plain trustee-rounds" }, rounds.slice().reverse().map((r) => roundItem(r, a.me.index))));
}

function roundItem(round, index) {
  const local = page.rounds[round.id];
  const status = roundStatus(round, index);
  const title = `Vòng ${round.number}: ${ROUND_KIND_NAMES[round.kind] || round.kind}`;
  let body;
  if (round.status === "gone") {
    body = h("p", { class: "ok", text: "Không còn chờ giải mã: kết quả (hoặc quyết định hủy vòng) hiện trên màn hình chiếu." });
  } else if (status === "sent" && round.status === "counting") {
    body = h("p", { class: "ok", text: `Đã gửi phần giải mã (${round.ballots} phiếu). Đang chờ các thành viên khác.` });
  } else if (status === "sent") {
    body = h("p", { class: "ok", text: `Đã giải mã xong: ${round.ballots} phiếu. Kết quả hiện trên màn hình chiếu.` });
  } else if (status === "closed") {
    body = h("p", { class: "muted", text: "Đã có kết quả (các thành viên khác đã giải mã)." });
  } else if (status === "void") {
    body = h("p", { class: "muted", text: "Vòng này đã bị chủ tọa hủy: không kiểm phiếu." });
  } else if (local && local.state === "checking") {
    body = h("p", { class: "spinner", text: `Đang kiểm tra tổng của ${round.ballots} phiếu…` });
  } else if (local && local.state === "sending") {
    body = h("p", { class: "spinner", text: "Đang giải mã tổng số phiếu và gửi…" });
  } else if (local && local.state === "refused") {
    body = h("p", { class: "error", role: "alert", text: local.message });
  } else if (local && (local.state === "failed" || local.state === "retry")) {
    body = [h("p", { class: "error", role: "alert", text: `Chưa gửi được phần giải mã: ${local.message}` }),
      h("button", { type: "button", class: "secondary", text: "Thử lại",
        onclick: () => { page.rounds[round.id] = { state: "retry" }; refresh(); } })];
  } else if (status === "refused") {
    body = [h("p", { class: "error", role: "alert", text: "Máy chủ đã từ chối phần giải mã của đồng chí cho vòng này"
      + `${refusalOf(round, index) ? `: ${refusalOf(round, index)}` : "."} Hãy báo chủ tọa.` }),
    h("button", { type: "button", class: "secondary", text: "Giải mã và gửi lại",
      onclick: () => { page.rounds[round.id] = { state: "retry" }; forceDecrypt(round); } })];
  } else {
    body = h("p", { class: "spinner", text: `Đã kết thúc bỏ phiếu: ${round.ballots} phiếu. Đang chuẩn bị giải mã…` });
  }
  return h("li", { dataset: { round: round.id, status }, class: "trustee-round" },
    h("strong", { text: title }),
    round.status === "counting"
      ? h("p", { class: "muted small", text: `Tổng gồm ${round.ballots} phiếu: đối chiếu với số phiếu trên màn hình chiếu.` })
      : null,
    body);
}

async function forceDecrypt(round) {
  const me = page.answer.me.index;
  const again = { ...round, refused: (round.refused || []).filter((r) => r !== me && !(r && r.index === me)) };
  await maybeDecrypt(again);
  await refresh();
}

// --- start ------------------------------------------------------------------------------

async function boot() {
  page.storage = storage();
  if (!page.storage) {
    render();
    return;
  }
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") {
      refresh();
    }
  });
  window.addEventListener("online", refresh);
  await refresh();
}

if (globalThis.document) {
  boot();
}
