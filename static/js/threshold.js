// Decrypting totals with t of n trustees (docs/encrypted-ballots.md, section 8);
// twin of ballot/crypto/threshold.py.
//
//   partialDecryption(trustee, share, committee, tally) -> envelope (trustee's phone)
//   checkPartialDecryption(committee, tally, envelope)  -> {who, shares}, or throws InvalidShare
//   combine(committee, tally, envelopes)                -> {counts, used, refused}

import { openEnvelope } from "./committee.js";
import { LEVELS, tallyDigest } from "./encrypted-ballot.js";
import { b64urlEncode, bytesEqual } from "./encoding.js";
import { CountOutOfRange, CryptoError, InvalidShare, NotEnoughShares } from "./errors.js";
import { Fn, G, IDENTITY, elementB64, elementFromB64, elementSum, mul } from "./ristretto.js";
import { challengeResponseB64, challengeResponseFromB64, proveDleq, verifyDleq } from "./zkp.js";

export const MAX_BALLOTS = 2000;

export const decryptionContext = (tally, digest, question, level, trustee, ct) =>
  ["decryption", tally.roundId, digest, question, level, trustee, ct.beta];

export function partialDecryption(trustee, share, committee, tally, nonces = undefined) {
  if (!bytesEqual(tally.key.toBytes(), committee.jointKey.toBytes())) {
    throw new CryptoError("the tally is not under this committee's key");
  }
  const digest = tallyDigest(tally);
  const draws = nonces ? nonces[Symbol.iterator]() : null;
  const shares = {};
  for (const [q, cts] of Object.entries(tally.totals)) {
    shares[q] = cts.map((ct, i) => {
      const nonce = draws ? draws.next().value : undefined;
      const { d, proof } = proveDleq(share, ct.alpha, decryptionContext(tally, digest, q, LEVELS[i], trustee.index, ct), nonce);
      return { share: elementB64(d), proof: challengeResponseB64(proof) };
    });
  }
  return trustee.sign({
    type: "partial-decryption", context: b64urlEncode(trustee.ctx), trustee: trustee.index,
    round: tally.roundId, tally: b64urlEncode(digest), shares,
  });
}

function refused(who, detail) {
  return new InvalidShare(`trustee ${who}: ${detail}`,
    `Phần giải mã của thành viên ${who} của ban kiểm phiếu không đúng nên bị từ chối.`);
}

export function checkPartialDecryption(committee, tally, envelope) {
  const who = envelope?.message?.trustee;
  if (!committee.signKeys.has(who)) throw new InvalidShare(`unknown trustee ${who}`);
  const ctx = committee.contextHash;
  let msg;
  try {
    msg = openEnvelope(envelope, committee.signKeys.get(who), { kind: "partial-decryption", ctx, who });
  } catch (err) {
    throw refused(who, err.detail);
  }
  const digest = tallyDigest(tally);
  if (msg.round !== tally.roundId || msg.tally !== b64urlEncode(digest)) throw refused(who, "share of another round or tally");
  const questions = Object.keys(tally.totals);
  if (!msg.shares || Object.keys(msg.shares).length !== questions.length || !questions.every((q) => Object.hasOwn(msg.shares, q))) {
    throw refused(who, "shares do not cover exactly the tally's questions");
  }
  const y = committee.verificationKeys.get(who);
  const shares = {};
  for (const q of questions) {
    const row = msg.shares[q];
    if (!Array.isArray(row) || row.length !== LEVELS.length) throw refused(who, `${q}: needs 4 shares`);
    shares[q] = tally.totals[q].map((ct, i) => {
      try {
        const d = elementFromB64(row[i].share, { allowIdentity: true });
        verifyDleq(y, ct.alpha, d, challengeResponseFromB64(row[i].proof), decryptionContext(tally, digest, q, LEVELS[i], who, ct));
        return d;
      } catch {
        throw refused(who, `${q}/${LEVELS[i]}: proof of correct decryption fails`);
      }
    });
  }
  return { who, shares };
}

export function lagrangeAtZero(indices) {
  const out = new Map();
  for (const j of indices) {
    let num = 1n;
    let den = 1n;
    for (const k of indices) {
      if (k !== j) {
        num = Fn.mul(num, BigInt(k));
        den = Fn.mul(den, Fn.create(BigInt(k - j)));
      }
    }
    out.set(j, Fn.mul(num, Fn.inv(den)));
  }
  return out;
}

export class DiscreteLog {
  constructor(bound) {
    if (!(bound >= 0 && bound <= MAX_BALLOTS)) throw new CryptoError(`counts are bounded by ${MAX_BALLOTS}`);
    this.bound = bound;
    this.table = new Map([[elementB64(IDENTITY), 0]]);
    let point = IDENTITY;
    for (let m = 1; m <= bound; m++) {
      point = point.add(G);
      this.table.set(elementB64(point), m);
    }
  }

  of(point) {
    const m = this.table.get(elementB64(point));
    if (m === undefined) throw new CountOutOfRange(`no count in 0..${this.bound}`);
    return m;
  }
}

/** Counts from the first t valid shares (lowest indices). */
export function combine(committee, tally, envelopes) {
  const valid = new Map();
  const refusedBy = {};
  for (const env of envelopes) {
    try {
      const { who, shares } = checkPartialDecryption(committee, tally, env);
      if (!valid.has(who)) valid.set(who, shares);
    } catch (err) {
      if (!(err instanceof InvalidShare)) throw err;
      refusedBy[env?.message?.trustee ?? -1] = err.userMessage;
    }
  }
  if (valid.size < committee.t) {
    const missing = [];
    for (let i = 1; i <= committee.n; i++) if (!valid.has(i)) missing.push(i);
    const err = new NotEnoughShares(`${valid.size} valid shares, ${committee.t} needed`,
      `Mới có ${valid.size} trên ${committee.t} phần giải mã hợp lệ cần thiết; còn chờ thành viên ${missing.join(", ")} của ban kiểm phiếu.`);
    err.missing = missing;
    throw err;
  }
  const used = [...valid.keys()].sort((a, b) => a - b).slice(0, committee.t);
  const lambdas = lagrangeAtZero(used);
  const dlog = new DiscreteLog(tally.ballots);
  const counts = {};
  for (const [q, cts] of Object.entries(tally.totals)) {
    counts[q] = {};
    cts.forEach((ct, i) => {
      const mask = elementSum(used.map((j) => mul(valid.get(j)[q][i], lambdas.get(j))));
      counts[q][LEVELS[i]] = dlog.of(ct.beta.subtract(mask));
    });
    if (Object.values(counts[q]).reduce((a, b) => a + b, 0) > tally.ballots) {
      throw new CountOutOfRange(`${q}: more votes than ballots`);
    }
  }
  return { counts, used, refused: refusedBy };
}
