// The phone's half of the ballot protocol (docs/protocol.md):
// build the canonical ballot (in a round with a counting committee, the encrypted
// ballot of docs/encrypted-ballots.md section 6, never the plaintext), blind it, have it signed on the voter's session,
// unblind (Finalize verifies), store it, then cast it with no cookie after a
// short random delay, and check the tracking code the server answers.

import { blind, finalize, prepare, randomBytes } from "./blind-rsa.js";
import { canonicalJson } from "./canonical.js";
import { b64urlDecode, b64urlEncode, utf8Encode } from "./encoding.js";
import { encryptBallot } from "./encrypted-ballot.js";
import { CommitteeError } from "./errors.js";
import { trackingCode } from "./tracking.js";
import { ApiError, NETWORK_MESSAGE, request } from "./api.js";
import * as store from "./ballot-store.js";

/** Random wait before casting, so the cast does not follow the signing in time. */
export const MIN_DELAY_MS = 500;
export const MAX_DELAY_MS = 3000;

/** A failure worth retrying (network, server busy): the ballot stays stored. */
export class RetryLater extends Error {
  constructor(message) {
    super(message);
    this.name = "RetryLater";
  }
}

/** The canonical ballot text: only the questions with a choice; a fresh nonce. */
export function ballotText(roundId, choices) {
  const chosen = {};
  for (const [question, option] of Object.entries(choices)) {
    if (option) {
      chosen[question] = option;
    }
  }
  return canonicalJson({ round: roundId, choices: chosen, nonce: b64urlEncode(randomBytes(16)) });
}

/**
 * The canonical encrypted ballot of a round with a committee: every question of the
 * round in the form's order, a blank where no level is chosen, encrypted to the joint
 * key of `committee` (what verifyCommittee computed from the round's transcript).
 */
export function encryptedBallotText(committee, round, choices) {
  const chosen = {};
  for (const [question, option] of Object.entries(choices)) {
    if (option) {
      chosen[question] = option;
    }
  }
  const questionIds = round.questions.map((q) => q.id);
  return canonicalJson(encryptBallot(committee.jointKey, round.id, questionIds, chosen));
}

/**
 * The ballot text for this round: encrypted when the round has a committee.
 * `committeeMeeting`: this phone has seen the meeting announce a counting committee;
 * a round of that meeting without one is a server asking for a plaintext ballot,
 * which an honest server never does once the committee exists (docs/encrypted-ballots.md, 14).
 */
export function ballotTextFor(round, choices, committee = null, committeeMeeting = false) {
  if (!round.committee && committeeMeeting) {
    throw new CommitteeError("plaintext round in a meeting with a committee",
      "Cuộc họp có ban kiểm phiếu nhưng vòng này không mã hóa phiếu: điện thoại không bỏ phiếu "
      + "để lộ lựa chọn. Hãy báo ngay chủ tọa và ban kiểm phiếu.");
  }
  if (!round.committee) {
    return ballotText(round.id, choices);
  }
  // Never a plaintext ballot in an encrypted round, and only to the committee of this round.
  if (!committee || !round.committee.context || committee.context.ceremony !== round.committee.context.ceremony) {
    throw new CommitteeError("no verified committee for this round",
      "Điện thoại chưa kiểm tra được ban kiểm phiếu của vòng này: không bỏ phiếu được. Hãy tải lại trang.");
  }
  return encryptedBallotText(committee, round, choices);
}

/**
 * Build, blind, get signed and unblind a ballot for an open round
 * ({id, public_key, questions, committee?}); the signed ballot is in storage when
 * this returns. `committee` is verifyCommittee(round.committee) where the round has one.
 * The blinded ballot is stored before the signature is asked for, so that a lost
 * answer can be asked again with resumeSigning.
 */
export async function signBallot(round, choices, committee = null, committeeMeeting = false) {
  const text = ballotTextFor(round, choices, committee, committeeMeeting);
  const { prefix, prepared } = prepare(utf8Encode(text));
  const { blinded, inv } = blind(round.public_key, prepared);
  const signing = {
    round: round.id,
    ballot: text,
    prefix: b64urlEncode(prefix),
    blinded: b64urlEncode(blinded),
    inv: b64urlEncode(inv),
  };
  store.saveSigning(signing);
  return askSignature(round, signing);
}

/**
 * The member's signature was issued but its answer never reached this phone:
 * ask again with the stored blinded ballot. Null when this phone kept none.
 */
export async function resumeSigning(round) {
  const signing = store.signingFor(round.id);
  return signing ? askSignature(round, signing) : null;
}

async function askSignature(round, signing) {
  let answer;
  try {
    answer = await request("POST", `/api/rounds/${encodeURIComponent(round.id)}/sign`, {
      body: { blinded: signing.blinded },
    });
  } catch (error) {
    if (error instanceof ApiError && error.code !== "network" && error.status < 500
        && error.status !== 429) {
      store.removeSigning(round.id); // refused for good: nothing to ask again
    }
    throw error;
  }
  const { prepared } = prepare(utf8Encode(signing.ballot), b64urlDecode(signing.prefix));
  const signature = finalize(round.public_key, prepared, b64urlDecode(answer.blind_signature),
    b64urlDecode(signing.inv));
  const entry = {
    round: round.id,
    ballot: signing.ballot,
    prefix: signing.prefix,
    signature: b64urlEncode(signature),
  };
  entry.stored = store.savePending(entry);
  store.removeSigning(round.id); // the signed ballot replaces it
  return entry;
}

/** The tracking code the server must answer for this signed ballot. */
export function expectedTrackingCode(entry) {
  return trackingCode(b64urlDecode(entry.prefix), utf8Encode(entry.ballot),
    b64urlDecode(entry.signature));
}

export function castDelay() {
  const [x] = globalThis.crypto.getRandomValues(new Uint32Array(1));
  return MIN_DELAY_MS + (x % (MAX_DELAY_MS - MIN_DELAY_MS + 1));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Cast a stored signed ballot: wait a random moment, POST it with no cookie,
 * and on 200/201 keep only the receipt. Returns {tracking_code, verified}.
 * Throws RetryLater (ballot kept) or ApiError (refused for good: ballot dropped).
 */
export async function deliver(entry, delay = castDelay()) {
  await sleep(delay);
  let response;
  try {
    response = await fetch(`/api/rounds/${encodeURIComponent(entry.round)}/ballots`, {
      method: "POST",
      credentials: "omit", // the ballot arrives from nobody: no session cookie
      referrerPolicy: "no-referrer",
      cache: "no-store",
      headers: { "Content-Type": "application/json", Accept: "application/json" },
      body: JSON.stringify({ ballot: entry.ballot, prefix: entry.prefix, signature: entry.signature }),
    });
  } catch {
    throw new RetryLater(NETWORK_MESSAGE);
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (response.ok && !(data && data.tracking_code)) {
    throw new RetryLater("Máy chủ trả lời không rõ ràng; sẽ gửi lại.");
  }
  if (response.ok) {
    const receipt = {
      tracking_code: data.tracking_code,
      verified: data.tracking_code === expectedTrackingCode(entry),
    };
    store.saveReceipt(entry.round, receipt);
    store.removePending(entry.round);
    return receipt;
  }
  if (response.status >= 500 || response.status === 408 || response.status === 429 || !data) {
    // Not a refusal of the ballot itself: keep it and try again.
    throw new RetryLater(`Máy chủ chưa nhận phiếu (mã ${response.status}).`);
  }
  // A definite refusal (for example the round closed before the ballot arrived).
  store.removePending(entry.round);
  const error = data.error || {};
  throw new ApiError(response.status, error.code || `http_${response.status}`,
    error.message || `Máy chủ từ chối phiếu (mã ${response.status}).`);
}
