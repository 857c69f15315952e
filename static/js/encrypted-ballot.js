// The encrypted ballot and tally (docs/encrypted-ballots.md, sections 6 and 8);
// twin of ballot/crypto/encrypted_ballot.py.
//
//   encryptBallot(key, roundId, questionIds, choices) -> object (canonical JSON of strings)
//   checkEncryptedBallot(obj, {roundId, questionIds, key}) -> parsed ballot, or throws
//   tallyOf(roundId, key, questionIds, ballots) / tallyJson / tallyDigest

import { sha256 } from "../vendor/noble-hashes/noble-hashes.js";
import { canonicalJsonBytes } from "./canonical.js";
import { ZERO, addCiphertexts, ciphertextB64, ciphertextFromB64, ciphertextSum, encrypt } from "./elgamal.js";
import { b64urlDecode, b64urlEncode, bytesEqual, concatBytes, utf8Encode } from "./encoding.js";
import { CryptoError, InvalidEncryptedBallot, InvalidProof } from "./errors.js";
import { Fn, elementB64, elementFromB64, randomScalar, withTable } from "./ristretto.js";
import { LEVELS } from "./vocabulary.js";
import { proveZeroOrOne, verifyZeroOrOne, zeroOrOneB64, zeroOrOneFromB64 } from "./zkp.js";

/** The regulation's order, best first (21-HD II.B.2.3): index i of every vector. */
export { LEVELS };
export const NONCE_SIZE = 16;
const TALLY_PREFIX = utf8Encode("phieukin-v1 tally\n");

export const bitContext = (roundId, nonce, question, level) => ["bit", roundId, nonce, question, level];
export const sumContext = (roundId, nonce, question) => ["sum", roundId, nonce, question];

/**
 * The encrypted ballot: `choices` maps a question id to a level code, a question
 * left out is a blank. `options.nonce` (16 bytes) and `options.randomness` (an
 * iterator of scalars, in the order of the doc's section 6) exist for test vectors.
 */
export function encryptBallot(key, roundId, questionIds, choices, options = {}) {
  for (const [q, level] of Object.entries(choices)) {
    if (!questionIds.includes(q)) throw new CryptoError(`choice for a question not in the round: ${q}`);
    if (!LEVELS.includes(level)) throw new CryptoError(`unknown level: ${level}`);
  }
  const nonce = options.nonce ?? crypto.getRandomValues(new Uint8Array(NONCE_SIZE));
  const draw = options.randomness ? () => options.randomness.next().value : randomScalar;
  const h = withTable(key);
  const out = {};
  for (const question of questionIds) {
    const bits = LEVELS.map((level) => (choices[question] === level ? 1 : 0));
    const cts = [];
    const proofs = [];
    let totalR = 0n;
    LEVELS.forEach((level, i) => {
      const r = draw();
      const ct = encrypt(h, bits[i], r);
      const nonces = [draw(), draw(), draw()];
      proofs.push(zeroOrOneB64(proveZeroOrOne(h, ct, bits[i], r, bitContext(roundId, nonce, question, level), nonces)));
      cts.push(ct);
      totalR = Fn.add(totalR, r);
    });
    const sumNonces = [draw(), draw(), draw()];
    const sumProof = proveZeroOrOne(h, ciphertextSum(cts), bits[0] + bits[1] + bits[2] + bits[3], totalR,
      sumContext(roundId, nonce, question), sumNonces);
    out[question] = {
      ciphertexts: cts.map(ciphertextB64),
      proofs,
      sum_proof: zeroOrOneB64(sumProof),
    };
  }
  return { round: roundId, nonce: b64urlEncode(nonce), key: elementB64(key), choices: out };
}

function bad(field, message) {
  const err = new InvalidEncryptedBallot(field, message);
  err.field = field;
  return err;
}

function decodeField(fn, field) {
  try {
    return fn();
  } catch (err) {
    throw bad(field, `Trường ${field} của phiếu không hợp lệ (${err.userMessage ?? err.message})`);
  }
}

const sameKeys = (obj, keys) =>
  obj !== null && typeof obj === "object" && !Array.isArray(obj) &&
  Object.keys(obj).length === keys.length && keys.every((k) => Object.hasOwn(obj, k));

/** Strict structure and encodings (no proof checked yet). */
export function parseEncryptedBallot(obj) {
  if (!sameKeys(obj, ["round", "nonce", "key", "choices"])) {
    throw bad("fields", "Phiếu mã hóa phải gồm đúng các trường round, nonce, key, choices.");
  }
  if (typeof obj.round !== "string" || obj.choices === null || typeof obj.choices !== "object") {
    throw bad("fields", "Trường round phải là chuỗi và choices phải là một đối tượng.");
  }
  const nonce = decodeField(() => b64urlDecode(obj.nonce), "nonce");
  if (nonce.length !== NONCE_SIZE) throw bad("nonce", `Trường nonce phải dài ${NONCE_SIZE} byte.`);
  const key = decodeField(() => elementFromB64(obj.key), "key");
  const choices = {};
  for (const [q, enc] of Object.entries(obj.choices)) {
    const where = `choices.${q}`;
    if (!sameKeys(enc, ["ciphertexts", "proofs", "sum_proof"])) {
      throw bad(where, `Mục ${q} của phiếu phải gồm ciphertexts, proofs, sum_proof.`);
    }
    if (!Array.isArray(enc.ciphertexts) || !Array.isArray(enc.proofs) ||
        enc.ciphertexts.length !== LEVELS.length || enc.proofs.length !== LEVELS.length) {
      throw bad(where, `Mục ${q} của phiếu phải có đúng ${LEVELS.length} bản mã và ${LEVELS.length} bằng chứng.`);
    }
    choices[q] = {
      ciphertexts: enc.ciphertexts.map((t) => decodeField(() => ciphertextFromB64(t), `${where}.ciphertexts`)),
      proofs: enc.proofs.map((t) => decodeField(() => zeroOrOneFromB64(t), `${where}.proofs`)),
      sumProof: decodeField(() => zeroOrOneFromB64(enc.sum_proof), `${where}.sum_proof`),
    };
  }
  return { roundId: obj.round, nonce, key, choices };
}

/** Every proof, for exactly this round's questions, under exactly this key. */
export function verifyEncryptedBallot(ballot, { roundId, questionIds, key }) {
  if (ballot.roundId !== roundId) throw bad("round", "Phiếu này thuộc một vòng bỏ phiếu khác.");
  if (!bytesEqual(ballot.key.toBytes(), key.toBytes())) {
    throw bad("key", "Phiếu được mã hóa bằng một khóa khác khóa chung của ban kiểm phiếu.");
  }
  const have = Object.keys(ballot.choices);
  if (have.length !== questionIds.length || !questionIds.every((q) => Object.hasOwn(ballot.choices, q))) {
    throw bad("choices", "Phiếu phải có đúng các mục của vòng.");
  }
  for (const q of questionIds) {
    const enc = ballot.choices[q];
    LEVELS.forEach((level, i) => {
      try {
        verifyZeroOrOne(key, enc.ciphertexts[i], enc.proofs[i], bitContext(roundId, ballot.nonce, q, level));
      } catch (err) {
        if (!(err instanceof InvalidProof)) throw err;
        throw bad(`choices.${q}.proofs`, `Mục ${q}, mức ${level}: bằng chứng 0 hoặc 1 không đúng.`);
      }
    });
    try {
      verifyZeroOrOne(key, ciphertextSum(enc.ciphertexts), enc.sumProof, sumContext(roundId, ballot.nonce, q));
    } catch (err) {
      if (!(err instanceof InvalidProof)) throw err;
      throw bad(`choices.${q}.sum_proof`, `Mục ${q}: bằng chứng “chọn nhiều nhất một mức” không đúng.`);
    }
  }
}

export function checkEncryptedBallot(obj, expected) {
  const ballot = parseEncryptedBallot(obj);
  verifyEncryptedBallot(ballot, expected);
  return ballot;
}

// --- the encrypted tally ----------------------------------------------------

/** {roundId, key, ballots, totals: {q: [ct ×4]}} from parsed, verified ballots. */
export function tallyOf(roundId, key, questionIds, ballots) {
  const totals = {};
  for (const q of questionIds) totals[q] = LEVELS.map(() => ZERO);
  for (const b of ballots) {
    for (const q of questionIds) {
      totals[q] = totals[q].map((t, i) => addCiphertexts(t, b.choices[q].ciphertexts[i]));
    }
  }
  return { roundId, key, ballots: ballots.length, totals };
}

export function tallyJson(tally) {
  const totals = {};
  for (const [q, cts] of Object.entries(tally.totals)) totals[q] = cts.map(ciphertextB64);
  return { round: tally.roundId, ballots: tally.ballots, key: elementB64(tally.key), totals };
}

export function tallyFromJson(obj) {
  if (!sameKeys(obj, ["round", "ballots", "key", "totals"]) || !Number.isSafeInteger(obj.ballots) || obj.ballots < 0) {
    throw new CryptoError("an encrypted tally has exactly round, ballots, key, totals");
  }
  const totals = {};
  for (const [q, cts] of Object.entries(obj.totals)) {
    if (!Array.isArray(cts) || cts.length !== LEVELS.length) throw new CryptoError(`totals.${q} must hold 4 ciphertexts`);
    totals[q] = cts.map((t) => ciphertextFromB64(t, { allowIdentityAlpha: true }));
  }
  return { roundId: obj.round, key: elementFromB64(obj.key), ballots: obj.ballots, totals };
}

export function tallyDigest(tally) {
  return sha256(concatBytes(TALLY_PREFIX, canonicalJsonBytes(tallyJson(tally))));
}
