// Shared helpers for the Node tests of static/js (not a test file itself).
// Tests may use Node APIs; the modules under static/ may not.

import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { b64urlDecode, hexDecode } from "../../static/js/encoding.js";
import { i2osp, modPow, os2ip } from "../../static/js/bigint.js";

export const VECTORS_PATH = fileURLToPath(
  new URL("../data/rfc9474-test-vectors.json", import.meta.url),
);

/** The RFC 9474 Appendix A vector for RSABSSA-SHA384-PSS-Randomized, as bytes/BigInts. */
export function randomizedVector() {
  const all = JSON.parse(readFileSync(VECTORS_PATH, "utf8"));
  const raw = all.find((v) => v.name === "RSABSSA-SHA384-PSS-Randomized");
  const big = (hex) => BigInt(hex);
  const bytes = (hex) => hexDecode(hex);
  return {
    n: big(raw.n),
    e: big(raw.e),
    d: big(raw.d),
    p: big(raw.p),
    q: big(raw.q),
    sLen: Number(BigInt(raw.sLen)),
    msg: bytes(raw.msg),
    prefix: bytes(raw.msg_prefix),
    prepared: bytes(raw.input_msg),
    salt: bytes(raw.salt),
    inv: big(raw.inv),
    blindedMsg: bytes(raw.blinded_msg),
    blindSig: bytes(raw.blind_sig),
    sig: bytes(raw.sig),
  };
}

/**
 * A fresh RSA key from Node's crypto, for tests only: {publicKey: {n, e},
 * d, k, keyObject (the node:crypto public KeyObject)}.
 */
export function nodeRsaKey(bits = 2048) {
  const { publicKey, privateKey } = generateKeyPairSync("rsa", {
    modulusLength: bits,
    publicExponent: 65537,
  });
  const jwk = privateKey.export({ format: "jwk" });
  const n = os2ip(b64urlDecode(jwk.n));
  return {
    publicKey: { n, e: os2ip(b64urlDecode(jwk.e)) },
    jwk: { n: jwk.n, e: jwk.e },
    d: os2ip(b64urlDecode(jwk.d)),
    k: Math.ceil(n.toString(2).length / 8),
    keyObject: publicKey,
  };
}

/** The signer's step (RFC 9474 section 4.3, RSASP1 without CRT), for tests only. */
export function testBlindSign(key, blinded) {
  return i2osp(modPow(os2ip(blinded), key.d, key.publicKey.n), key.k);
}

/** A copy of `bytes` with one bit flipped. */
export function flipBit(bytes, index = 0, bit = 0) {
  const out = Uint8Array.from(bytes);
  out[index] ^= 1 << bit;
  return out;
}
