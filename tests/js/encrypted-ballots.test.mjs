// The phone's half of the encrypted ballot (static/js/ristretto.js, elgamal.js,
// zkp.js, encrypted-ballot.js, committee.js, threshold.js, backup.js) against the
// repository's vectors, which ballot/crypto (libsodium) produced and checks too.

import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";

import { decodeBackup, encodeBackup, restoreTrustee } from "../../static/js/backup.js";
import { Trustee, runCeremony, verifyCommittee } from "../../static/js/committee.js";
import { ciphertextB64, ciphertextFromB64, encrypt } from "../../static/js/elgamal.js";
import {
  LEVELS, checkEncryptedBallot, encryptBallot, parseEncryptedBallot, tallyDigest, tallyJson, tallyOf,
} from "../../static/js/encrypted-ballot.js";
import { b64urlDecode, b64urlEncode } from "../../static/js/encoding.js";
import {
  CeremonyFailed, CommitteeError, CountOutOfRange, InvalidBackup, InvalidElement, InvalidEncryptedBallot,
  InvalidProof, InvalidScalar, InvalidShare, NotEnoughShares, WrongPin,
} from "../../static/js/errors.js";
import {
  Fn, G, IDENTITY, baseTimes, elementB64, elementFromB64, elementFromBytes, hashToScalar, mul, scalarB64,
  scalarFromB64, withTable,
} from "../../static/js/ristretto.js";
import { DiscreteLog, checkPartialDecryption, combine, lagrangeAtZero, partialDecryption } from "../../static/js/threshold.js";
import {
  challengeResponseB64, proveDleq, proveSchnorr, proveZeroOrOne, verifyDleq, verifySchnorr, verifyZeroOrOne,
  zeroOrOneB64, zeroOrOneFromBytes,
} from "../../static/js/zkp.js";

const V = JSON.parse(readFileSync(new URL("../data/encrypted-ballot-vectors.json", import.meta.url), "utf8"));
const unhex = (text) => Uint8Array.from(Buffer.from(text, "hex"));
const items = (spec) => spec.map((i) => ("bytes" in i ? b64urlDecode(i.bytes) : "int" in i ? i.int : i.str));
const clone = (x) => JSON.parse(JSON.stringify(x));
const transcript = V.ceremony.transcript;
const committee = verifyCommittee(transcript);
const questions = V.ballots.questions;
const seeds = V.ceremony.seeds.map(b64urlDecode);
const tally = tallyOf("R1", committee.jointKey, questions,
  V.ballots.items.map((c) => parseEncryptedBallot(c.ballot)));

describe("ristretto255 and hashing", () => {
  it("decodes the RFC 9496 multiples and refuses the bad encodings and the identity", () => {
    V.group.small_multiples.forEach((e, i) =>
      assert.equal(baseTimes(BigInt(i)).toBytes().join(), elementFromBytes(unhex(e), { allowIdentity: true }).toBytes().join()));
    for (const bad of V.group.bad_encodings) assert.throws(() => elementFromBytes(unhex(bad)), InvalidElement, bad);
    assert.throws(() => elementFromBytes(new Uint8Array(32)), InvalidElement);
  });

  it("gives the vectors' group and scalar operations", () => {
    const o = V.group.operations;
    const x = scalarFromB64(o.x);
    const y = scalarFromB64(o.y);
    const p = baseTimes(x);
    const q = baseTimes(y);
    assert.equal(elementB64(p), o.x_times_G);
    assert.equal(elementB64(p.add(q)), o.sum);
    assert.equal(elementB64(p.subtract(q)), o.difference);
    assert.equal(elementB64(mul(q, x)), o.x_times_yG);
    assert.equal(scalarB64(Fn.add(x, y)), o.x_plus_y);
    assert.equal(scalarB64(Fn.sub(x, y)), o.x_minus_y);
    assert.equal(scalarB64(Fn.mul(x, y)), o.x_times_y);
    assert.equal(scalarB64(Fn.inv(x)), o.x_inverse);
    assert.equal(scalarB64(Fn.neg(x)), o.minus_x);
  });

  it("refuses non-canonical scalars", () => {
    assert.ok(scalarFromB64(V.group.scalars.order_minus_one) > 0n);
    for (const t of V.group.scalars.non_canonical) assert.throws(() => scalarFromB64(t), InvalidScalar);
  });

  it("hashes to the vectors' scalars", () => {
    for (const c of V.hashing.hash_to_scalar) assert.equal(scalarB64(hashToScalar(c.dst, ...items(c.items))), c.scalar);
  });
});

describe("ElGamal and proofs", () => {
  const key = withTable(elementFromB64(V.proofs.key));

  it("encrypts as the vectors with their randomness", () => {
    for (const c of V.proofs.encryptions) assert.equal(ciphertextB64(encrypt(key, c.m, scalarFromB64(c.r))), c.ciphertext);
  });

  it("proves 0-or-1 byte for byte, and the proof binds its context and key", () => {
    for (const c of V.proofs.zero_or_one) {
      const ct = ciphertextFromB64(c.ciphertext);
      const ctx = items(c.context);
      const proof = proveZeroOrOne(key, ct, c.m, scalarFromB64(c.r), ctx, c.nonces.map(scalarFromB64));
      assert.equal(zeroOrOneB64(proof), c.proof);
      verifyZeroOrOne(key, ct, proof, ctx);
      assert.throws(() => verifyZeroOrOne(key, ct, proof, [...ctx.slice(0, 4), "HTXSNV"]), InvalidProof);
      assert.throws(() => verifyZeroOrOne(baseTimes(5n), ct, proof, ctx), InvalidProof);
      const raw = b64urlDecode(c.proof);
      raw[70] ^= 1;
      assert.throws(() => verifyZeroOrOne(key, ct, zeroOrOneFromBytes(raw), ctx), InvalidProof);
    }
  });

  it("gives the Schnorr and Chaum–Pedersen vectors", () => {
    const s = V.proofs.schnorr;
    const p = proveSchnorr(scalarFromB64(s.x), items(s.context), scalarFromB64(s.nonce));
    assert.equal(challengeResponseB64(p), s.proof);
    verifySchnorr(elementFromB64(s.X), p, items(s.context));
    const d = V.proofs.dleq;
    const base = elementFromB64(d.base);
    const { d: point, proof } = proveDleq(scalarFromB64(d.s), base, items(d.context), scalarFromB64(d.nonce));
    assert.equal(elementB64(point), d.D);
    assert.equal(challengeResponseB64(proof), d.proof);
    verifyDleq(elementFromB64(d.Y), base, point, proof, items(d.context));
    assert.throws(() => verifyDleq(elementFromB64(d.Y), base, point.add(G), proof, items(d.context)), InvalidProof);
  });
});

describe("the encrypted ballot", () => {
  it("reproduces the vectors' ballots from their randomness", () => {
    for (const c of V.ballots.items) {
      const randomness = c.randomness.map(scalarFromB64)[Symbol.iterator]();
      const obj = encryptBallot(committee.jointKey, "R1", questions, c.choices, { nonce: b64urlDecode(c.nonce), randomness });
      assert.deepEqual(obj, c.ballot);
      checkEncryptedBallot(obj, { roundId: "R1", questionIds: questions, key: committee.jointKey });
    }
  });

  for (const c of V.invalid_ballots) {
    it(`refuses ${c.name}, naming ${c.field}`, () => {
      assert.throws(
        () => checkEncryptedBallot(c.ballot, { roundId: c.round, questionIds: questions, key: committee.jointKey }),
        (err) => err instanceof InvalidEncryptedBallot && err.field === c.field && err.userMessage.length > 0,
      );
    });
  }

  it("gives the vectors' tally and digest", () => {
    assert.deepEqual(tallyJson(tally), V.tally.tally);
    assert.equal(b64urlEncode(tallyDigest(tally)), V.tally.digest);
  });
});

describe("the counting committee", () => {
  it("runs the vectors' ceremony byte for byte and computes key and fingerprint itself", () => {
    assert.deepEqual(runCeremony(transcript.context, seeds), transcript);
    assert.equal(elementB64(committee.jointKey), V.ceremony.joint_key);
    assert.equal(b64urlEncode(committee.fingerprint), V.ceremony.fingerprint);
    assert.equal(committee.shortFingerprint, V.ceremony.short_fingerprint);
    for (const [j, y] of Object.entries(V.ceremony.verification_keys)) {
      assert.equal(elementB64(committee.verificationKeys.get(Number(j))), y);
    }
    const t2 = new Trustee(seeds[1], transcript.context, 2);
    assert.equal(scalarB64(t2.secretShare(transcript)), V.ceremony.shares["2"]);
  });

  it("names a cheating dealer through the recipient's complaint", () => {
    const context = { ceremony: "cheat-js", n: 3, t: 2 };
    const trustees = [1, 2, 3].map((i) => new Trustee(new Uint8Array(32).fill(i), context, i));
    const ann = trustees.map((t) => t.announce());
    const deals = trustees.map((t) => t.deal(ann));
    const msg = clone(deals[2].message); // dealer 3 cheats trustee 1
    msg.shares[0].share = scalarB64(Fn.add(scalarFromB64(msg.shares[0].share), 1n));
    deals[2] = trustees[2].sign(msg);
    const complaints = trustees[0].respond(ann, deals);
    assert.equal(complaints[0].message.type, "complaint");
    assert.throws(
      () => verifyCommittee({ context, announcements: ann, dealings: deals, complaints, confirmations: [] }),
      (err) => err instanceof CeremonyFailed && err.culprit === 3,
    );
  });

  it("refuses a substituted message and a confirmation of another record", () => {
    const t = clone(transcript);
    t.dealings[1].message.commitments[0] = t.dealings[0].message.commitments[0];
    assert.throws(() => verifyCommittee(t), CommitteeError);
    const u = clone(transcript);
    const t3 = new Trustee(seeds[2], transcript.context, 3);
    u.confirmations[2] = t3.sign({ ...u.confirmations[2].message, fingerprint: b64urlEncode(new Uint8Array(32)) });
    assert.throws(() => verifyCommittee(u), /confirmed another record/);
  });
});

describe("threshold decryption", () => {
  it("reproduces the vectors' partial decryptions and counts with trustee 1 absent", () => {
    for (const p of V.decryption.partials) {
      const t = new Trustee(seeds[p.trustee - 1], transcript.context, p.trustee);
      const env = partialDecryption(t, t.secretShare(transcript), committee, tally, p.nonces.map(scalarFromB64));
      assert.deepEqual(env, p.envelope);
    }
    const result = combine(committee, tally, V.decryption.partials.map((p) => p.envelope));
    assert.deepEqual(result.counts, V.decryption.counts);
    assert.deepEqual(result.used, [2, 3]);
  });

  it("refuses a wrong share, naming its trustee, and counts with the others", () => {
    assert.throws(() => checkPartialDecryption(committee, tally, V.wrong_partial.envelope),
      (err) => err instanceof InvalidShare && err.userMessage.includes("thành viên 2"));
    const t1 = new Trustee(seeds[0], transcript.context, 1);
    const good1 = partialDecryption(t1, t1.secretShare(transcript), committee, tally);
    const result = combine(committee, tally, [V.wrong_partial.envelope, good1, V.decryption.partials[1].envelope]);
    assert.deepEqual(result.counts, V.decryption.counts);
    assert.deepEqual(result.used, [1, 3]);
    assert.deepEqual(Object.keys(result.refused), ["2"]);
    assert.throws(() => combine(committee, tally, [V.wrong_partial.envelope, good1]),
      (err) => err instanceof NotEnoughShares && err.missing.join() === "2,3");
  });

  it("gives the vectors' Lagrange coefficients and a bounded discrete log", () => {
    const lag = lagrangeAtZero(V.lagrange.indices);
    for (const [j, c] of Object.entries(V.lagrange.coefficients)) assert.equal(scalarB64(lag.get(Number(j))), c);
    const dlog = new DiscreteLog(5);
    assert.equal(dlog.of(baseTimes(5n)), 5);
    assert.equal(dlog.of(IDENTITY), 0);
    assert.throws(() => dlog.of(baseTimes(6n)), CountOutOfRange);
  });
});

describe("backup codes", () => {
  const b = V.backup;
  it("writes the vectors' codes and restores the trustee's share", () => {
    const seed = b64urlDecode(b.seed);
    const fp = b64urlDecode(b.fingerprint);
    assert.equal(encodeBackup(seed, 2, fp), b.code);
    assert.equal(encodeBackup(seed, 2, fp, b.pin), b.code_with_pin);
    assert.equal(decodeBackup(b.code.toLowerCase().replaceAll("-", " ")).seed.join(), seed.join());
    const { trustee, share } = restoreTrustee(b.code_with_pin, b.pin, transcript);
    assert.equal(trustee.index, 2);
    assert.equal(scalarB64(share), V.ceremony.shares["2"]);
  });

  it("refuses a wrong PIN, a missing PIN and a mistyped code", () => {
    assert.throws(() => restoreTrustee(b.code_with_pin, "000000", transcript), WrongPin);
    assert.throws(() => decodeBackup(b.code_with_pin), WrongPin);
    assert.throws(() => decodeBackup(`${b.code[0] === "B" ? "C" : "B"}${b.code.slice(1)}`), InvalidBackup);
  });
});

export { LEVELS };
