// RFC 9474 client side (static/js/blind-rsa.js): Appendix A vectors for
// RSABSSA-SHA384-PSS-Randomized, round trips, and the negative cases.

import assert from "node:assert/strict";
import { constants, verify as nodeVerify } from "node:crypto";
import { describe, it } from "node:test";

import {
  blind,
  finalize,
  importPublicKey,
  prepare,
  PREFIX_LEN,
  SALT_LEN,
  verify,
} from "../../static/js/blind-rsa.js";
import { i2osp, modInverse } from "../../static/js/bigint.js";
import { b64urlEncode, hexEncode } from "../../static/js/encoding.js";
import { flipBit, nodeRsaKey, randomizedVector, testBlindSign } from "./helpers.mjs";

const V = randomizedVector();
const VKEY = { n: V.n, e: V.e };
const K = 512; // the vectors use a 4096-bit key
// Two 2048-bit round keys, shared by the tests below (key generation is the slow part).
const ROUND_A = nodeRsaKey(2048);
const ROUND_B = nodeRsaKey(2048);

function rejects(fn, code) {
  assert.throws(fn, (err) => {
    assert.equal(err.code, code, `expected ${code}, got ${err.code}: ${err.message}`);
    return true;
  });
}

describe("RFC 9474 Appendix A, RSABSSA-SHA384-PSS-Randomized", () => {
  it("uses the 48-byte salt of this variant", () => {
    assert.equal(V.sLen, SALT_LEN);
    assert.equal(V.salt.length, SALT_LEN);
  });

  it("Prepare with the vector prefix gives input_msg", () => {
    const { prefix, prepared } = prepare(V.msg, V.prefix);
    assert.equal(hexEncode(prefix), hexEncode(V.prefix));
    assert.equal(hexEncode(prepared), hexEncode(V.prepared));
  });

  it("Blind with the vector salt and r = inv^-1 gives blinded_msg and inv", () => {
    const r = modInverse(V.inv, V.n);
    const { blinded, inv } = blind(VKEY, V.prepared, { salt: V.salt, r });
    assert.equal(hexEncode(blinded), hexEncode(V.blindedMsg));
    assert.equal(hexEncode(inv), hexEncode(i2osp(V.inv, K)));
  });

  it("accepts r as bytes and the key in its JSON (base64url) form", () => {
    const r = i2osp(modInverse(V.inv, V.n), K);
    const jsonKey = { n: b64urlEncode(i2osp(V.n, K)), e: b64urlEncode(Uint8Array.of(1, 0, 1)) };
    const { blinded } = blind(jsonKey, V.prepared, { salt: V.salt, r });
    assert.equal(hexEncode(blinded), hexEncode(V.blindedMsg));
  });

  it("Finalize on the vector blind_sig gives sig exactly", () => {
    const sig = finalize(VKEY, V.prepared, V.blindSig, i2osp(V.inv, K));
    assert.equal(hexEncode(sig), hexEncode(V.sig));
  });

  it("Verify accepts the vector signature", () => {
    assert.equal(verify(VKEY, V.prepared, V.sig), true);
  });

  it("the vector signature is a standard PSS signature (node:crypto agrees)", () => {
    const ok = nodeVerify(
      "sha384",
      V.prepared,
      { key: { kty: "RSA", n: b64urlEncode(i2osp(V.n, K)), e: "AQAB" }, format: "jwk",
        padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 },
      V.sig,
    );
    assert.equal(ok, true);
  });
});

describe("verification rejects", () => {
  it("a tampered message", () => {
    const prepared = flipBit(V.prepared, V.prepared.length - 1);
    rejects(() => verify(VKEY, prepared, V.sig), "bad_signature");
  });

  it("a tampered prefix", () => {
    rejects(() => verify(VKEY, flipBit(V.prepared, 0), V.sig), "bad_signature");
  });

  it("the message without its prefix", () => {
    rejects(() => verify(VKEY, V.msg, V.sig), "bad_signature");
  });

  it("a tampered signature (any byte)", () => {
    for (const index of [0, 1, 100, K - 2, K - 1]) {
      rejects(() => verify(VKEY, V.prepared, flipBit(V.sig, index, 3)), "bad_signature");
    }
  });

  it("a signature of the wrong length or not below n", () => {
    rejects(() => verify(VKEY, V.prepared, V.sig.subarray(1)), "bad_signature");
    rejects(() => verify(VKEY, V.prepared, i2osp(V.n, K)), "bad_signature");
    rejects(() => verify(VKEY, V.prepared, new Uint8Array(K).fill(0xff)), "bad_signature");
  });

  it("the wrong key: another modulus of the same size", () => {
    const otherN = V.n ^ (0xffffn << 2000n); // still odd, still 4096 bits
    rejects(() => verify({ n: otherN, e: V.e }, V.prepared, V.sig), "bad_signature");
    rejects(() => verify({ n: V.n, e: 3n }, V.prepared, V.sig), "bad_signature");
  });

  it("the wrong key: another real round key", () => {
    const { prepared } = prepare(new TextEncoder().encode("ballot"));
    const { blinded, inv } = blind(ROUND_A.publicKey, prepared);
    const sig = finalize(ROUND_A.publicKey, prepared, testBlindSign(ROUND_A, blinded), inv);
    assert.equal(verify(ROUND_A.publicKey, prepared, sig), true);
    rejects(() => verify(ROUND_B.publicKey, prepared, sig), "bad_signature");
  });
});

describe("Finalize rejects", () => {
  const inv = i2osp(V.inv, K);

  it("a blind signature of the wrong length", () => {
    rejects(() => finalize(VKEY, V.prepared, V.blindSig.subarray(1), inv), "bad_length");
    rejects(() => finalize(VKEY, V.prepared, V.blindSig, inv.subarray(1)), "bad_length");
  });

  it("a blind signature not in (0, n)", () => {
    rejects(() => finalize(VKEY, V.prepared, i2osp(V.n, K), inv), "bad_signature");
    rejects(() => finalize(VKEY, V.prepared, new Uint8Array(K), inv), "bad_signature");
  });

  it("an inverse not in (0, n)", () => {
    rejects(() => finalize(VKEY, V.prepared, V.blindSig, new Uint8Array(K)), "blinding_failed");
    rejects(() => finalize(VKEY, V.prepared, V.blindSig, i2osp(V.n, K)), "blinding_failed");
  });

  it("a tampered blind signature, message, prefix or inverse", () => {
    rejects(() => finalize(VKEY, V.prepared, flipBit(V.blindSig, 200), inv), "bad_signature");
    rejects(() => finalize(VKEY, flipBit(V.prepared, 40), V.blindSig, inv), "bad_signature");
    rejects(() => finalize(VKEY, flipBit(V.prepared, 0), V.blindSig, inv), "bad_signature");
    rejects(() => finalize(VKEY, V.prepared, V.blindSig, flipBit(inv, 300)), "bad_signature");
  });

  it("a blind signature made with another round's key", () => {
    const { prepared } = prepare(new TextEncoder().encode("ballot"));
    const { blinded, inv: inv1 } = blind(ROUND_A.publicKey, prepared);
    const wrong = testBlindSign(ROUND_B, blinded);
    rejects(() => finalize(ROUND_A.publicKey, prepared, wrong, inv1), "bad_signature");
  });
});

describe("Prepare and Blind", () => {
  it("Prepare draws a fresh 32-byte prefix", () => {
    const msg = new TextEncoder().encode("phiếu");
    const a = prepare(msg);
    const b = prepare(msg);
    assert.equal(a.prefix.length, PREFIX_LEN);
    assert.notEqual(hexEncode(a.prefix), hexEncode(b.prefix));
    assert.equal(hexEncode(a.prepared.subarray(PREFIX_LEN)), hexEncode(msg));
  });

  it("Prepare refuses a prefix of the wrong length and non-bytes", () => {
    rejects(() => prepare(V.msg, new Uint8Array(31)), "bad_length");
    assert.throws(() => prepare("text"), TypeError);
  });

  it("Blind refuses a salt of the wrong length and r outside [1, n)", () => {
    rejects(() => blind(VKEY, V.prepared, { salt: new Uint8Array(32) }), "bad_length");
    rejects(() => blind(VKEY, V.prepared, { r: 0n }), "blinding_failed");
    rejects(() => blind(VKEY, V.prepared, { r: V.n }), "blinding_failed");
    rejects(() => blind(VKEY, V.prepared, { r: V.p }), "blinding_failed");
  });

  it("the same message blinds differently each time", () => {
    const a = blind(VKEY, V.prepared);
    const b = blind(VKEY, V.prepared);
    assert.notEqual(hexEncode(a.blinded), hexEncode(b.blinded));
    assert.equal(a.blinded.length, K);
    assert.equal(a.inv.length, K);
  });
});

describe("public keys", () => {
  it("refuse moduli below 2048 bits, even n, bad e, non-minimal encodings", () => {
    const small = nodeRsaKey(1024);
    rejects(() => importPublicKey(small.publicKey), "bad_key");
    rejects(() => importPublicKey({ n: V.n + 1n, e: V.e }), "bad_key");
    rejects(() => importPublicKey({ n: V.n, e: 2n }), "bad_key");
    rejects(() => importPublicKey({ n: V.n, e: 1n }), "bad_key");
    rejects(() => importPublicKey({ n: b64urlEncode(i2osp(V.n, K + 1)), e: "AQAB" }), "bad_key");
    rejects(() => importPublicKey({ n: b64urlEncode(i2osp(V.n, K)), e: "AAEAAQ" }), "bad_key");
    rejects(() => importPublicKey({ n: "not base64!", e: "AQAB" }), "bad_base64");
    rejects(() => importPublicKey({ n: 5, e: 3 }), "bad_key");
    rejects(() => importPublicKey(null), "bad_key");
  });
});

describe("round trip with fresh 2048-bit keys (test signer in JS)", () => {
  const key = ROUND_A;
  const messages = ["", "a", '{"choices":{"m1":"Hoàn thành xuất sắc nhiệm vụ"}}', "x".repeat(5000)];

  for (const text of messages) {
    it(`message of ${text.length} characters`, () => {
      const { prefix, prepared } = prepare(new TextEncoder().encode(text));
      const { blinded, inv } = blind(key.jwk, prepared);
      const sig = finalize(key.jwk, prepared, testBlindSign(key, blinded), inv);
      assert.equal(verify(key.publicKey, prepared, sig), true);
      const pss = { key: key.keyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 };
      assert.equal(nodeVerify("sha384", prepared, pss, sig), true);
      assert.equal(prefix.length, PREFIX_LEN);
    });
  }

  it("odd modulus sizes (emBits a multiple of 8: EM one byte shorter than n)", () => {
    for (const bits of [2049, 2052]) {
      const k = nodeRsaKey(bits);
      const { prepared } = prepare(Uint8Array.of(1, 2, 3));
      const { blinded, inv } = blind(k.publicKey, prepared);
      const sig = finalize(k.publicKey, prepared, testBlindSign(k, blinded), inv);
      const pss = { key: k.keyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 };
      assert.equal(nodeVerify("sha384", prepared, pss, sig), true, `${bits} bits`);
    }
  });
});
