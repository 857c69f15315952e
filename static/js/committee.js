// The counting committee's dealerless key generation on the trustee's phone and
// the committee check on every phone (docs/encrypted-ballots.md, section 4); twin
// of ballot/crypto/committee.py. Messages are canonical-JSON-ready objects wrapped
// in signed envelopes {message, signature}; the server only relays them.
//
//   const t = new Trustee(seed, context, index)
//   t.announce(); t.deal(announcements); t.respond(announcements, dealings)
//   verifyCommittee(transcript) -> {jointKey, fingerprint, shortFingerprint, ...}

import { ed25519 } from "../vendor/noble-curves/noble-curves.js";
import { sha256 } from "../vendor/noble-hashes/noble-hashes.js";
import { canonicalJsonBytes } from "./canonical.js";
import { b64urlDecode, b64urlEncode, bytesEqual, concatBytes, hexEncode, utf8Encode } from "./encoding.js";
import { CeremonyFailed, CommitteeError, CryptoError, InvalidProof } from "./errors.js";
import {
  Fn, baseTimes, elementB64, elementFromB64, elementSum, expandMessageXmd, hashToScalar, mul,
  scalarB64, scalarFromB64,
} from "./ristretto.js";
import {
  challengeResponseB64, challengeResponseFromB64, proveDleq, proveSchnorr, verifyDleq, verifySchnorr,
} from "./zkp.js";

export const MAX_TRUSTEES = 7;
export const SEED_SIZE = 32;
const CONTEXT_PREFIX = utf8Encode("phieukin-v1 committee-context\n");
const FINGERPRINT_PREFIX = utf8Encode("phieukin-v1 committee\n");
const MESSAGE_PREFIX = utf8Encode("phieukin-v1 trustee-message\n");
const DST_SIGN = utf8Encode("phieukin-v1-trustee-sign");
const DST_ENC = "phieukin-v1-trustee-enc";
const DST_POLY = "phieukin-v1-trustee-poly";
const DST_NONCE = "phieukin-v1-trustee-nonce";
const DST_PAD = "phieukin-v1-share-pad";

// --- context and envelopes -------------------------------------------------

export function checkContext(context) {
  if (context === null || typeof context !== "object" || !["ceremony", "n", "t"].every((k) => Object.hasOwn(context, k))) {
    throw new CommitteeError("context needs ceremony, n, t",
      "Hồ sơ ban kiểm phiếu thiếu mã lễ tạo khóa, số thành viên hoặc ngưỡng.");
  }
  const { n, t } = context;
  if (!Number.isInteger(n) || !Number.isInteger(t) || !(1 <= t && t <= n && n <= MAX_TRUSTEES)) {
    throw new CommitteeError(`need 1 <= t <= n <= ${MAX_TRUSTEES}`,
      `Ban kiểm phiếu phải có từ 1 đến ${MAX_TRUSTEES} người, ngưỡng từ 1 đến số người.`);
  }
  if (typeof context.ceremony !== "string" || !context.ceremony) {
    throw new CommitteeError("ceremony id must be a non-empty string");
  }
  return { n, t };
}

export const contextHash = (context) => sha256(concatBytes(CONTEXT_PREFIX, canonicalJsonBytes(context)));

export function signMessage(secretKey, message) {
  const sig = ed25519.sign(concatBytes(MESSAGE_PREFIX, canonicalJsonBytes(message)), secretKey);
  return { message, signature: b64urlEncode(sig) };
}

/** The message of `envelope` if its signature, type, context and sender hold. */
export function openEnvelope(envelope, signKey, { kind, ctx, who }) {
  if (envelope === null || typeof envelope !== "object" || !envelope.message || !envelope.signature) {
    throw new CommitteeError(`${kind} from trustee ${who}: not an envelope`);
  }
  const message = envelope.message;
  if (message.type !== kind) throw new CommitteeError(`${kind} from trustee ${who}: wrong type`);
  if (message.context !== b64urlEncode(ctx) || message.trustee !== who) {
    throw new CommitteeError(`${kind} from trustee ${who}: another ceremony or sender`,
      `Thông điệp của thành viên ${who} thuộc một lễ tạo khóa khác.`);
  }
  let ok = false;
  try {
    // zip215: false — strict RFC 8032, as the server's `cryptography` verifies.
    ok = ed25519.verify(b64urlDecode(envelope.signature), concatBytes(MESSAGE_PREFIX, canonicalJsonBytes(message)),
      signKey, { zip215: false });
  } catch {
    ok = false;
  }
  if (!ok) {
    throw new CommitteeError(`${kind} from trustee ${who}: bad signature`,
      `Chữ ký trên thông điệp của thành viên ${who} không đúng.`);
  }
  return message;
}

// --- shared computations ----------------------------------------------------

export const sharePad = (ctx, dealer, recipient, eph, dh) => hashToScalar(DST_PAD, ctx, dealer, recipient, eph, dh);

export function evaluate(coefficients, x) {
  let acc = 0n;
  for (let k = coefficients.length - 1; k >= 0; k--) acc = Fn.add(Fn.mul(acc, BigInt(x)), coefficients[k]);
  return acc;
}

export const commitmentAt = (commitments, x) =>
  elementSum(commitments.map((a, k) => mul(a, Fn.create(BigInt(x) ** BigInt(k)))));

export const feldmanHolds = (commitments, x, value) =>
  bytesEqual(baseTimes(value).toBytes(), commitmentAt(commitments, x).toBytes());

function bySender(envelopes, n, kind) {
  if (!Array.isArray(envelopes)) throw new CommitteeError(`${kind}s must be a list`);
  const out = new Map();
  for (const env of envelopes) {
    const who = env?.message?.trustee;
    if (!Number.isInteger(who) || who < 1 || who > n || out.has(who)) {
      throw new CommitteeError(`${kind}: unknown or repeated trustee ${who}`);
    }
    out.set(who, env);
  }
  const missing = [];
  for (let i = 1; i <= n; i++) if (!out.has(i)) missing.push(i);
  if (missing.length) {
    throw new CommitteeError(`${kind}: missing from trustees ${missing}`,
      `Còn thiếu thông điệp của thành viên ${missing.join(", ")}.`);
  }
  return new Map([...out].sort((a, b) => a[0] - b[0]));
}

export function checkAnnouncements(context, announcements) {
  const { n } = checkContext(context);
  const ctx = contextHash(context);
  const keys = new Map();
  for (const [i, env] of bySender(announcements, n, "announce")) {
    const msg = env.message;
    let signKey;
    let encKey;
    try {
      signKey = b64urlDecode(msg.sign_key);
      encKey = elementFromB64(msg.enc_key);
      verifySchnorr(encKey, challengeResponseFromB64(msg.enc_proof), ["enc-key", ctx, i]);
    } catch (err) {
      throw new CommitteeError(`announce from trustee ${i}: ${err.message}`, `Khóa công khai của thành viên ${i} không hợp lệ.`);
    }
    if (signKey.length !== 32) throw new CommitteeError(`announce from trustee ${i}: signing key is 32 bytes`);
    openEnvelope(env, signKey, { kind: "announce", ctx, who: i });
    keys.set(i, { signKey, encKey });
  }
  const distinct = (f) => new Set([...keys.values()].map(f)).size === n;
  if (!distinct((k) => b64urlEncode(k.signKey)) || !distinct((k) => elementB64(k.encKey))) {
    throw new CommitteeError("two trustees announced the same key", "Hai thành viên ban kiểm phiếu có cùng một khóa.");
  }
  return keys;
}

export function checkDealings(context, keys, dealings) {
  const { n, t } = checkContext(context);
  const ctx = contextHash(context);
  const out = new Map();
  for (const [i, env] of bySender(dealings, n, "dealing")) {
    const msg = openEnvelope(env, keys.get(i).signKey, { kind: "dealing", ctx, who: i });
    try {
      if (msg.commitments.length !== t || msg.proofs.length !== t) throw new CommitteeError(`needs ${t} commitments`);
      const commitments = msg.commitments.map((c) => elementFromB64(c));
      commitments.forEach((a, k) => verifySchnorr(a, challengeResponseFromB64(msg.proofs[k]), ["coefficient", ctx, i, k]));
      const expected = [];
      for (let j = 1; j <= n; j++) if (j !== i) expected.push(j);
      if (msg.shares.map((s) => s.to).join() !== expected.join()) throw new CommitteeError("shares out of order");
      const shares = new Map(msg.shares.map((s) => [s.to, { eph: elementFromB64(s.eph), masked: scalarFromB64(s.share) }]));
      out.set(i, { commitments, shares });
    } catch (err) {
      throw new CommitteeError(`dealing from trustee ${i}: ${err.message}`, `Phần chia khóa của thành viên ${i} không hợp lệ.`);
    }
  }
  return out;
}

export function committeeRecord(context, keys, deals) {
  return {
    context,
    trustees: [...keys.keys()].sort((a, b) => a - b).map((i) => ({
      trustee: i,
      sign_key: b64urlEncode(keys.get(i).signKey),
      enc_key: elementB64(keys.get(i).encKey),
      commitments: deals.get(i).commitments.map(elementB64),
    })),
  };
}

export const fingerprint = (record) => sha256(concatBytes(FINGERPRINT_PREFIX, canonicalJsonBytes(record)));

/** "3F2A 9C01 77DE 42B0": what the trustees read aloud. */
export function shortFingerprint(full) {
  const hex = hexEncode(full.subarray(0, 8)).toUpperCase();
  return hex.match(/.{4}/g).join(" ");
}

export function dealingsDigest(dealings) {
  const ordered = [...dealings].sort((a, b) => a.message.trustee - b.message.trustee);
  return sha256(canonicalJsonBytes({ dealings: ordered }));
}

/** The trustee at fault: the dealer if the disclosed share is wrong, else the complainer. */
export function settleComplaint(context, keys, deals, envelope) {
  const ctx = contextHash(context);
  const j = envelope?.message?.trustee;
  const i = envelope?.message?.against;
  if (!keys.has(j) || !keys.has(i) || i === j) throw new CommitteeError("complaint names unknown trustees");
  const msg = openEnvelope(envelope, keys.get(j).signKey, { kind: "complaint", ctx, who: j });
  const { eph, masked } = deals.get(i).shares.get(j);
  let k;
  try {
    k = elementFromB64(msg.key);
    verifyDleq(keys.get(j).encKey, eph, k, challengeResponseFromB64(msg.proof), ["complaint", ctx, i, j]);
  } catch {
    return j;
  }
  const value = Fn.sub(masked, sharePad(ctx, i, j, eph, k));
  return feldmanHolds(deals.get(i).commitments, j, value) ? j : i;
}

/** The committee that follows from a complete, valid ceremony; throws otherwise. */
export function verifyCommittee(transcript) {
  const { context } = transcript;
  const { n, t } = checkContext(context);
  const ctx = contextHash(context);
  const keys = checkAnnouncements(context, transcript.announcements);
  const deals = checkDealings(context, keys, transcript.dealings);
  for (const complaint of transcript.complaints ?? []) {
    const culprit = settleComplaint(context, keys, deals, complaint);
    const err = new CeremonyFailed(`trustee ${culprit} at fault`,
      `Lễ tạo khóa thất bại: thành viên ${culprit} của ban kiểm phiếu đã gửi sai. Hãy chọn lại ban kiểm phiếu và tạo khóa lại.`);
    err.culprit = culprit;
    throw err;
  }
  const record = committeeRecord(context, keys, deals);
  const fp = fingerprint(record);
  const combined = [];
  for (let k = 0; k < t; k++) combined.push(elementSum([...deals.values()].map((d) => d.commitments[k])));
  const verificationKeys = new Map();
  for (let j = 1; j <= n; j++) verificationKeys.set(j, commitmentAt(combined, j));
  const digest = b64urlEncode(dealingsDigest(transcript.dealings));
  for (const [j, env] of bySender(transcript.confirmations, n, "confirmation")) {
    const msg = openEnvelope(env, keys.get(j).signKey, { kind: "confirmation", ctx, who: j });
    if (msg.fingerprint !== b64urlEncode(fp) || msg.dealings !== digest) {
      throw new CommitteeError(`trustee ${j} confirmed another record`,
        `Thành viên ${j} đã xác nhận một hồ sơ khóa khác: dấu vân tay không khớp.`);
    }
    if (msg.verification_key !== elementB64(verificationKeys.get(j))) {
      throw new CommitteeError(`trustee ${j}: verification key does not follow from the commitments`);
    }
  }
  const jointKey = elementSum([...deals.values()].map((d) => d.commitments[0]));
  return {
    context, contextHash: ctx, n, t, jointKey, fingerprint: fp, shortFingerprint: shortFingerprint(fp), verificationKeys,
    signKeys: new Map([...keys].map(([i, k]) => [i, k.signKey])), record,
  };
}

// --- the trustee's phone ------------------------------------------------------

export class Trustee {
  constructor(seed, context, index) {
    const { n, t } = checkContext(context);
    if (!(seed instanceof Uint8Array) || seed.length !== SEED_SIZE) throw new CryptoError("a trustee seed is 32 bytes");
    if (!Number.isInteger(index) || index < 1 || index > n) throw new CommitteeError(`trustee index must be 1..${n}`);
    Object.assign(this, { n, t, context, index });
    this.ctx = contextHash(context);
    this._seed = Uint8Array.from(seed);
    this._signSecret = expandMessageXmd(this._seed, DST_SIGN, 32);
    this.signKey = ed25519.getPublicKey(this._signSecret);
    this._e = hashToScalar(DST_ENC, this._seed);
    this.encKey = baseTimes(this._e);
    this._coefficients = Array.from({ length: t }, (_, k) => hashToScalar(DST_POLY, this._seed, this.ctx, k));
  }

  static newSeed() {
    return crypto.getRandomValues(new Uint8Array(SEED_SIZE));
  }

  _nonce(purpose, ...items) {
    return hashToScalar(DST_NONCE, this._seed, this.ctx, purpose, ...items);
  }

  _message(type, fields) {
    return { type, context: b64urlEncode(this.ctx), trustee: this.index, ...fields };
  }

  sign(message) {
    return signMessage(this._signSecret, message);
  }

  announce() {
    const proof = proveSchnorr(this._e, ["enc-key", this.ctx, this.index], this._nonce("enc-key"));
    return this.sign(this._message("announce", {
      sign_key: b64urlEncode(this.signKey), enc_key: elementB64(this.encKey), enc_proof: challengeResponseB64(proof),
    }));
  }

  deal(announcements) {
    const keys = checkAnnouncements(this.context, announcements);
    const commitments = this._coefficients.map((a) => elementB64(baseTimes(a)));
    const proofs = this._coefficients.map((a, k) =>
      challengeResponseB64(proveSchnorr(a, ["coefficient", this.ctx, this.index, k], this._nonce("coefficient", k))));
    const shares = [];
    for (let j = 1; j <= this.n; j++) {
      if (j === this.index) continue;
      const rho = this._nonce("share", j);
      const eph = baseTimes(rho);
      const pad = sharePad(this.ctx, this.index, j, eph, mul(keys.get(j).encKey, rho));
      shares.push({ to: j, eph: elementB64(eph), share: scalarB64(Fn.add(evaluate(this._coefficients, j), pad)) });
    }
    return this.sign(this._message("dealing", { commitments, proofs, shares }));
  }

  /** Map dealer -> f_i(index), or null where Feldman's check fails. */
  receivedShares(announcements, dealings) {
    const keys = checkAnnouncements(this.context, announcements);
    const deals = checkDealings(this.context, keys, dealings);
    const out = new Map();
    for (const [i, dealing] of deals) {
      if (i === this.index) {
        out.set(i, evaluate(this._coefficients, this.index));
        continue;
      }
      const { eph, masked } = dealing.shares.get(this.index);
      const value = Fn.sub(masked, sharePad(this.ctx, i, this.index, eph, mul(eph, this._e)));
      out.set(i, feldmanHolds(dealing.commitments, this.index, value) ? value : null);
    }
    return { out, keys, deals };
  }

  /** [confirmation] if every share is right, else one complaint per bad dealer. */
  respond(announcements, dealings) {
    const { out, keys, deals } = this.receivedShares(announcements, dealings);
    const bad = [...out].filter(([, s]) => s === null).map(([i]) => i);
    if (bad.length) {
      return bad.map((i) => {
        const { d, proof } = proveDleq(this._e, deals.get(i).shares.get(this.index).eph,
          ["complaint", this.ctx, i, this.index], this._nonce("complaint", i));
        return this.sign(this._message("complaint", { against: i, key: elementB64(d), proof: challengeResponseB64(proof) }));
      });
    }
    const own = [...out.values()].reduce((a, b) => Fn.add(a, b), 0n);
    return [this.sign(this._message("confirmation", {
      fingerprint: b64urlEncode(fingerprint(committeeRecord(this.context, keys, deals))),
      dealings: b64urlEncode(dealingsDigest(dealings)),
      verification_key: elementB64(baseTimes(own)),
    }))];
  }

  /** s_index, checked against the committee's verification key. */
  secretShare(transcript) {
    const committee = verifyCommittee(transcript);
    const { out } = this.receivedShares(transcript.announcements, transcript.dealings);
    if ([...out.values()].some((s) => s === null)) throw new CommitteeError("a received share fails Feldman's check");
    const s = [...out.values()].reduce((a, b) => Fn.add(a, b), 0n);
    if (!bytesEqual(baseTimes(s).toBytes(), committee.verificationKeys.get(this.index).toBytes())) {
      throw new CommitteeError("own share does not match the verification key");
    }
    return s;
  }
}

export function runCeremony(context, seeds) {
  const trustees = seeds.map((seed, i) => new Trustee(seed, context, i + 1));
  const announcements = trustees.map((t) => t.announce());
  const dealings = trustees.map((t) => t.deal(announcements));
  const confirmations = trustees.map((t) => t.respond(announcements, dealings)[0]);
  return { context, announcements, dealings, complaints: [], confirmations };
}

export { InvalidProof };
