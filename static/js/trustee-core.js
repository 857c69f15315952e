// The trustee page's decisions, apart from the page (static/js/trustee.js) so that
// they can be tested without a browser (tests/js/trustee.test.mjs): which ceremony
// message to send next (docs/encrypted-ballots.md, 4.2, section 14 "Ceremony"),
// and whether a round's encrypted tally may be decrypted (section 8).
//
// Everything a trustee holds follows from the seed kept in the phone's storage, so
// a reload re-sends byte-identical messages: what the server already holds is
// skipped, and a message of this index that differs means the phone holds another
// seed than the one that spoke first (it must not speak again).

import { canonicalJson } from "./canonical.js";
import { verify } from "./blind-rsa.js";
import { b64urlDecode, b64urlEncode, concatBytes, utf8Encode } from "./encoding.js";
import { parseEncryptedBallot, tallyDigest, tallyFromJson, tallyOf } from "./encrypted-ballot.js";
import { partialDecryption } from "./threshold.js";

/** Above this many ballots × questions the phone does not re-add the ballots (section 8). */
export const RECHECK_LIMIT = 2500;

const PREFIX = "phieukin:trustee:";
export const seedKey = (ceremonyId, index) => `${PREFIX}${ceremonyId}:${index}`;
export const tallyKey = (ceremonyId, index, roundId) => `${PREFIX}${ceremonyId}:${index}:round:${roundId}`;
export const backupKey = (ceremonyId, index) => `${PREFIX}${ceremonyId}:${index}:backup-shown`;

// --- the seed --------------------------------------------------------------------

export function loadSeed(storage, ceremonyId, index) {
  const text = storage.getItem(seedKey(ceremonyId, index));
  if (!text) {
    return null;
  }
  try {
    const seed = b64urlDecode(text);
    return seed.length === 32 ? seed : null;
  } catch {
    return null;
  }
}

/** Keep the seed; false when the storage did not keep it (the page must not go on). */
export function saveSeed(storage, ceremonyId, index, seed) {
  const text = b64urlEncode(seed);
  try {
    storage.setItem(seedKey(ceremonyId, index), text);
    return storage.getItem(seedKey(ceremonyId, index)) === text;
  } catch {
    return false;
  }
}

// --- the ceremony ------------------------------------------------------------------

const senderOf = (envelope) => envelope && envelope.message && envelope.message.trustee;
const same = (a, b) => canonicalJson(a) === canonicalJson(b);

function missingFrom(envelopes, n) {
  const have = new Set(envelopes.map(senderOf));
  const missing = [];
  for (let i = 1; i <= n; i++) {
    if (!have.has(i)) {
      missing.push(i);
    }
  }
  return missing;
}

/**
 * What this trustee sends next, given the ceremony's transcript so far:
 * {send: [envelopes], stage, waitingFor: [indices], conflict, complaints: [dealers]}.
 * stage: "announce" | "deal" | "respond" (what is being done or awaited) | "done".
 * conflict: "announce" | "dealing" | "response" when the server holds, for this
 * index, a message this seed would not write: nothing is sent.
 */
export function ceremonyStep(trustee, transcript) {
  const n = trustee.n;
  const me = trustee.index;
  const announcements = transcript.announcements || [];
  const dealings = transcript.dealings || [];
  const confirmations = transcript.confirmations || [];
  const complaints = transcript.complaints || [];
  const out = { send: [], stage: "announce", waitingFor: [], conflict: null, complaints: [] };

  const ownAnnounce = trustee.announce();
  const heldAnnounce = announcements.find((e) => senderOf(e) === me);
  if (heldAnnounce && !same(heldAnnounce, ownAnnounce)) {
    return { ...out, conflict: "announce" };
  }
  if (!heldAnnounce) {
    return { ...out, send: [ownAnnounce] };
  }
  if (announcements.length < n) {
    return { ...out, waitingFor: missingFrom(announcements, n) };
  }

  out.stage = "deal";
  const ownDealing = trustee.deal(announcements);
  const heldDealing = dealings.find((e) => senderOf(e) === me);
  if (heldDealing && !same(heldDealing, ownDealing)) {
    return { ...out, conflict: "dealing" };
  }
  if (!heldDealing) {
    return { ...out, send: [ownDealing] };
  }
  if (dealings.length < n) {
    return { ...out, waitingFor: missingFrom(dealings, n) };
  }

  out.stage = "respond";
  const responses = trustee.respond(announcements, dealings);
  out.complaints = responses.filter((e) => e.message.type === "complaint").map((e) => e.message.against);
  const held = [...confirmations, ...complaints].filter((e) => senderOf(e) === me);
  for (const envelope of responses) {
    if (!held.some((e) => same(e, envelope))) {
      out.send.push(envelope);
    }
  }
  if (out.send.length && held.length) {
    return { ...out, send: [], conflict: "response" };
  }
  if (out.send.length) {
    return out;
  }
  const waiting = missingFrom(confirmations, n);
  if (waiting.length) {
    return { ...out, waitingFor: waiting };
  }
  return { ...out, stage: "done" };
}

// --- counting ----------------------------------------------------------------------

/** Why a tally is not decrypted: a Vietnamese sentence, with a code for the page and tests. */
export class TallyRefused extends Error {
  constructor(code, message) {
    super(message);
    this.name = "TallyRefused";
    this.code = code;
    this.userMessage = message;
  }
}

/** True when the phone downloads the round's ballots and re-adds them before decrypting. */
export const recheckable = (tallyObject) =>
  tallyObject.ballots * Object.keys(tallyObject.totals || {}).length <= RECHECK_LIMIT;

/**
 * The round's tally, parsed and checked against what the board says and what this
 * phone decrypted before: {tally, digest}. Throws TallyRefused.
 */
export function checkTally(round, committee, storage, ceremonyId, index) {
  if (round.status !== "counting" || !round.tally) {
    throw new TallyRefused("not_counting", "Vòng này chưa ở bước kiểm phiếu.");
  }
  let tally;
  try {
    tally = tallyFromJson(round.tally);
  } catch {
    throw new TallyRefused("bad_tally", "Tổng phiếu mã hóa máy chủ gửi không đọc được.");
  }
  if (tally.roundId !== round.id) {
    throw new TallyRefused("other_round", "Tổng phiếu máy chủ gửi thuộc một vòng khác.");
  }
  if (tally.ballots !== round.ballots) {
    throw new TallyRefused("count", `Tổng phiếu mã hóa gồm ${tally.ballots} phiếu, nhưng vòng có `
      + `${round.ballots} phiếu. Không giải mã; hãy báo chủ tọa.`);
  }
  if (b64urlEncode(tally.key.toBytes()) !== b64urlEncode(committee.jointKey.toBytes())) {
    throw new TallyRefused("key", "Tổng phiếu không được mã hóa bằng khóa chung của ban kiểm phiếu này.");
  }
  const digest = b64urlEncode(tallyDigest(tally));
  const before = storage.getItem(tallyKey(ceremonyId, index, round.id));
  if (before && before !== digest) {
    throw new TallyRefused("second_tally", "Điện thoại này đã giải mã một tổng phiếu khác của vòng này. "
      + "Mỗi vòng chỉ giải mã một lần: không giải mã tổng thứ hai. Hãy báo chủ tọa.");
  }
  return { tally, digest };
}

/**
 * The ballots the server published ({round, public_key, ballots: [{text, prefix,
 * signature}]}) add up to this tally: each is blindly signed with the round's key (as
 * the verifier checks it), appears once, and is a ballot of this round, under this key,
 * with exactly the tally's questions. Throws TallyRefused.
 */
export function checkTallyIsSum(tally, published) {
  const entries = published && Array.isArray(published.ballots) ? published.ballots : [];
  if (entries.length !== tally.ballots) {
    throw new TallyRefused("sum_count", `Máy chủ công bố ${entries.length} phiếu `
      + `nhưng tổng gồm ${tally.ballots} phiếu. Không giải mã; hãy báo chủ tọa.`);
  }
  const questions = Object.keys(tally.totals);
  const key = b64urlEncode(tally.key.toBytes());
  const seen = new Set();
  const ballots = entries.map((entry) => {
    let ballot;
    try {
      verify(published.public_key, concatBytes(b64urlDecode(entry.prefix), utf8Encode(entry.text)),
        b64urlDecode(entry.signature));
      ballot = parseEncryptedBallot(JSON.parse(entry.text));
    } catch {
      throw new TallyRefused("bad_ballot", "Một phiếu máy chủ công bố không có chữ ký hợp lệ của vòng hoặc "
        + "không đọc được. Không giải mã; hãy báo chủ tọa.");
    }
    const have = Object.keys(ballot.choices);
    if (ballot.roundId !== tally.roundId || b64urlEncode(ballot.key.toBytes()) !== key || seen.has(entry.text)
        || have.length !== questions.length || !questions.every((q) => Object.hasOwn(ballot.choices, q))) {
      throw new TallyRefused("bad_ballot", "Một phiếu máy chủ công bố không thuộc vòng này. Không giải mã; hãy báo chủ tọa.");
    }
    seen.add(entry.text);
    return ballot;
  });
  // One ballot's ciphertexts under fresh nonces (their proofs are not checked here) would
  // make the "sum" a multiple of that ballot: no ciphertext may appear in two ballots.
  const ciphertexts = new Set();
  for (const entry of entries) {
    for (const question of Object.values(JSON.parse(entry.text).choices)) {
      for (const ct of question.ciphertexts) {
        if (ciphertexts.has(ct)) {
          throw new TallyRefused("copied_ballot", "Hai phiếu máy chủ công bố có cùng một bản mã: có thể là phiếu "
            + "sao chép. Không giải mã; hãy báo chủ tọa.");
        }
        ciphertexts.add(ct);
      }
    }
  }
  const sum = tallyOf(tally.roundId, tally.key, questions, ballots);
  if (b64urlEncode(tallyDigest(sum)) !== b64urlEncode(tallyDigest(tally))) {
    throw new TallyRefused("not_sum", "Tổng phiếu máy chủ gửi không bằng tổng các phiếu đã bỏ. "
      + "Không giải mã; hãy báo chủ tọa.");
  }
}

/**
 * This trustee's decryption share of a checked tally. The tally's digest is kept
 * before the share leaves the phone: whatever happens next, this phone never
 * decrypts another tally of the same round.
 */
export function decryptionFor(trustee, share, committee, checked, storage, ceremonyId, roundId) {
  storage.setItem(tallyKey(ceremonyId, trustee.index, roundId), checked.digest);
  if (storage.getItem(tallyKey(ceremonyId, trustee.index, roundId)) !== checked.digest) {
    throw new TallyRefused("storage", "Điện thoại không ghi nhớ được vòng đã giải mã; không giải mã.");
  }
  return partialDecryption(trustee, share, committee, checked.tally);
}

/** The server's reason for refusing this trustee's share of the round, or null. */
export function refusalOf(round, index) {
  for (const entry of round.refused || []) {
    if (entry === index) {
      return "";
    }
    if (entry && typeof entry === "object" && entry.index === index) {
      return entry.reason || "";
    }
  }
  return null;
}

/** What the page says of a round: "sent" | "refused" | "to_decrypt" | "waiting" | "closed" | "void". */
export function roundStatus(round, index) {
  if (round.status === "void") {
    return "void";
  }
  if (round.status === "closed") {
    return (round.shares || []).includes(index) ? "sent" : "closed";
  }
  if (round.status !== "counting") {
    return "waiting";
  }
  if ((round.shares || []).includes(index)) {
    return "sent";
  }
  if (refusalOf(round, index) !== null) {
    return "refused";
  }
  return "to_decrypt";
}
