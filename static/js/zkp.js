// Non-interactive zero-knowledge proofs (docs/encrypted-ballots.md, section 7);
// twin of ballot/crypto/zkp.py. Strong Fiat–Shamir: the challenge hashes the whole
// statement and every context item. Nonces are optional arguments (test vectors).
//
// Proofs are {c0, c1, v0, v1} (0-or-1) or {c, v} (Schnorr, Chaum–Pedersen) of
// BigInt scalars; *Bytes / *FromBytes give the 128- and 64-byte encodings.

import { b64urlEncode, concatBytes } from "./encoding.js";
import { InvalidProof } from "./errors.js";
import {
  Fn, G, SIZE, baseTimes, decodeB64, hashToScalar, mul, randomScalar, scalarFromBytes,
  scalarToBytes,
} from "./ristretto.js";

export const DST_ZERO_OR_ONE = "phieukin-v1-zero-or-one";
export const DST_SCHNORR = "phieukin-v1-schnorr";
export const DST_DLEQ = "phieukin-v1-dleq";

function scalarsFromBytes(bytes, count) {
  if (!(bytes instanceof Uint8Array) || bytes.length !== count * SIZE) {
    throw new InvalidProof(`a proof here is ${count * SIZE} bytes`);
  }
  try {
    return Array.from({ length: count }, (_, i) => scalarFromBytes(bytes.subarray(i * SIZE, (i + 1) * SIZE)));
  } catch (err) {
    throw new InvalidProof(`non-canonical scalar in proof: ${err.detail ?? err.message}`);
  }
}

const scalarsBytes = (list) => concatBytes(...list.map(scalarToBytes));

// --- zero or one -------------------------------------------------------------

export const zeroOrOneBytes = (p) => scalarsBytes([p.c0, p.c1, p.v0, p.v1]);
export const zeroOrOneB64 = (p) => b64urlEncode(zeroOrOneBytes(p));
export function zeroOrOneFromBytes(bytes) {
  const [c0, c1, v0, v1] = scalarsFromBytes(bytes, 4);
  return { c0, c1, v0, v1 };
}
export const zeroOrOneFromB64 = (text) => zeroOrOneFromBytes(decodeB64(text, InvalidProof));

const challenge01 = (key, ct, context, commitments) =>
  hashToScalar(DST_ZERO_OR_ONE, ...context, key, ct.alpha, ct.beta, ...commitments);

/**
 * Prove that ct = encrypt(key, m, r) holds m in {0, 1}. `key` should carry a
 * table (withTable). nonces = [w, cSim, vSim] for the test vectors.
 */
export function proveZeroOrOne(key, ct, m, r, context, nonces = undefined) {
  if (m !== 0 && m !== 1) throw new InvalidProof("the plaintext must be 0 or 1 to prove it");
  const [w, cSim, vSim] = nonces ?? [randomScalar(), randomScalar(), randomScalar()];
  // The simulated branch from G and h only, since r is known (see ballot/crypto/zkp.py).
  const k = Fn.sub(vSim, Fn.mul(cSim, r));
  const signC = m === 0 ? cSim : Fn.neg(cSim);
  const aSim = baseTimes(k);
  const bSim = mul(key, k).add(baseTimes(signC));
  const aReal = baseTimes(w);
  const bReal = mul(key, w);
  const commitments = m === 0 ? [aReal, bReal, aSim, bSim] : [aSim, bSim, aReal, bReal];
  const c = challenge01(key, ct, context, commitments);
  const cReal = Fn.sub(c, cSim);
  const vReal = Fn.add(w, Fn.mul(cReal, r));
  return m === 0
    ? { c0: cReal, c1: cSim, v0: vReal, v1: vSim }
    : { c0: cSim, c1: cReal, v0: vSim, v1: vReal };
}

/** Throw InvalidProof unless ct provably encrypts 0 or 1 under key. */
export function verifyZeroOrOne(key, ct, proof, context) {
  const betaMinusG = ct.beta.subtract(G);
  const commitments = [];
  for (const [c, v, beta] of [[proof.c0, proof.v0, ct.beta], [proof.c1, proof.v1, betaMinusG]]) {
    commitments.push(baseTimes(v).subtract(mul(ct.alpha, c)));
    commitments.push(mul(key, v).subtract(mul(beta, c)));
  }
  if (challenge01(key, ct, context, commitments) !== Fn.add(proof.c0, proof.c1)) {
    throw new InvalidProof("0-or-1 proof does not verify");
  }
}

// --- Schnorr and Chaum–Pedersen -------------------------------------------

export const challengeResponseBytes = (p) => scalarsBytes([p.c, p.v]);
export const challengeResponseB64 = (p) => b64urlEncode(challengeResponseBytes(p));
export function challengeResponseFromBytes(bytes) {
  const [c, v] = scalarsFromBytes(bytes, 2);
  return { c, v };
}
export const challengeResponseFromB64 = (text) =>
  challengeResponseFromBytes(decodeB64(text, InvalidProof));

export function proveSchnorr(x, context, nonce = undefined) {
  const w = nonce ?? randomScalar();
  const X = baseTimes(x);
  const c = hashToScalar(DST_SCHNORR, ...context, X, baseTimes(w));
  return { c, v: Fn.add(w, Fn.mul(c, x)) };
}

export function verifySchnorr(X, proof, context) {
  const a = baseTimes(proof.v).subtract(mul(X, proof.c));
  if (hashToScalar(DST_SCHNORR, ...context, X, a) !== proof.c) {
    throw new InvalidProof("proof of knowledge does not verify");
  }
}

/** D = s·base and a proof that log_G(s·G) = log_base D: returns {d, proof}. */
export function proveDleq(s, base, context, nonce = undefined) {
  const w = nonce ?? randomScalar();
  const y = baseTimes(s);
  const d = mul(base, s);
  const c = hashToScalar(DST_DLEQ, ...context, y, base, d, baseTimes(w), mul(base, w));
  return { d, proof: { c, v: Fn.add(w, Fn.mul(c, s)) } };
}

export function verifyDleq(y, base, d, proof, context) {
  const a = baseTimes(proof.v).subtract(mul(y, proof.c));
  const b = mul(base, proof.v).subtract(mul(d, proof.c));
  if (hashToScalar(DST_DLEQ, ...context, y, base, d, a, b) !== proof.c) {
    throw new InvalidProof("Chaum–Pedersen proof does not verify");
  }
}
