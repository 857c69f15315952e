// Client side of RSA blind signatures, RFC 9474 variant
// RSABSSA-SHA384-PSS-Randomized (section 5): Prepare, Blind, Finalize, and the
// RSASSA-PSS verification the finalized signature must pass.
//
// Runs in a phone's browser over plain HTTP, where crypto.subtle does not exist:
// the arithmetic is BigInt, SHA-384 comes from the vendored @noble/hashes, and
// randomness from crypto.getRandomValues (present in browsers and in Node 20).
//
// Public keys are {n, e} as BigInts, or the server's JSON form {n, e} as
// unpadded base64url big-endian integers (extra members such as spki_pem are
// ignored). Byte strings are Uint8Arrays.

import { sha384 } from "../vendor/noble-hashes/noble-hashes.js";
import {
  BlindingError,
  InvalidKey,
  InvalidLength,
  InvalidSignature,
} from "./errors.js";
import { b64urlDecode, bytesEqual, concatBytes, requireBytes } from "./encoding.js";
import { bitLength, gcd, i2osp, modInverse, modPow, os2ip } from "./bigint.js";

/** Hash and salt lengths of RSABSSA-SHA384-PSS-Randomized (RFC 9474 section 5). */
export const HASH_LEN = 48;
export const SALT_LEN = 48;
/** Length of the random message prefix (RFC 9474 section 4.1). */
export const PREFIX_LEN = 32;
/** Smallest and largest modulus this client accepts from a server. */
export const MIN_MODULUS_BITS = 2048;
export const MAX_MODULUS_BITS = 8192;

// ---------------------------------------------------------------------------
// Public API (RFC 9474 section 4)

/**
 * Prepare (RFC 9474 section 4.1), randomized variant: a fresh 32-byte random
 * prefix (or the given one, for test vectors) and prefix || msg.
 */
export function prepare(msg, prefix = undefined) {
  requireBytes(msg, "msg");
  const msgPrefix = prefix === undefined ? randomBytes(PREFIX_LEN) : requireBytes(prefix, "prefix");
  if (msgPrefix.length !== PREFIX_LEN) {
    throw new InvalidLength(`message prefix must be ${PREFIX_LEN} bytes`);
  }
  return { prefix: msgPrefix, prepared: concatBytes(msgPrefix, msg) };
}

/**
 * Blind (RFC 9474 section 4.2). `options.salt` (48 bytes) and `options.r`
 * (BigInt or bytes, in [1, n)) exist only for the test vectors; a phone leaves
 * them out and gets fresh randomness.
 * Returns {blinded, inv}, each modulus_len bytes; keep `inv` secret until Finalize.
 */
export function blind(publicKey, prepared, options = {}) {
  const key = importPublicKey(publicKey);
  requireBytes(prepared, "prepared message");
  // Steps 1-3: encoded_msg = EMSA-PSS-ENCODE(msg, bit_len(n) - 1); m = bytes_to_int.
  const encoded = emsaPssEncode(prepared, key.modBits - 1, options.salt);
  const m = os2ip(encoded);
  // Steps 4-5: m must be coprime with n.
  if (gcd(m, key.n) !== 1n) {
    throw new BlindingError("encoded message is not coprime with n (invalid input)");
  }
  // Steps 6-8: r uniform in [1, n), inv = r^-1 mod n.
  const r = options.r === undefined ? randomBelow(key.n) : blindingFactor(options.r, key.n);
  const inv = modInverse(r, key.n);
  if (inv === null) {
    throw new BlindingError("blinding factor is not invertible modulo n");
  }
  // Steps 9-12: x = RSAVP1(pk, r) = r^e mod n; z = m * x mod n.
  const z = (m * modPow(r, key.e, key.n)) % key.n;
  return { blinded: i2osp(z, key.k), inv: i2osp(inv, key.k) };
}

/**
 * Finalize (RFC 9474 section 4.4): unblind the server's blind signature and
 * verify the result before returning it. Throws InvalidSignature on failure.
 */
export function finalize(publicKey, prepared, blindSig, inv) {
  const key = importPublicKey(publicKey);
  requireBytes(blindSig, "blind signature");
  requireBytes(inv, "inverse");
  // Step 1: len(blind_sig) must be modulus_len.
  if (blindSig.length !== key.k || inv.length !== key.k) {
    throw new InvalidLength(`blind signature and inverse must be ${key.k} bytes`);
  }
  // Steps 2-5: s = z * inv mod n, as modulus_len bytes.
  const z = os2ip(blindSig);
  const rInv = os2ip(inv);
  if (rInv === 0n || rInv >= key.n) {
    throw new BlindingError("inverse is not in the range 0 < inv < n");
  }
  if (z === 0n || z >= key.n) {
    throw new InvalidSignature("blind signature is not in the range 0 < z < n");
  }
  const sig = i2osp((z * rInv) % key.n, key.k);
  // Steps 6-7: RSASSA-PSS-VERIFY(pk, msg, sig) must say "valid signature".
  verify(key, prepared, sig);
  return sig;
}

/**
 * RSASSA-PSS-VERIFY (RFC 8017 section 8.1.2) with SHA-384, MGF1-SHA-384 and a
 * 48-byte salt, over the prepared message (prefix || msg). Returns true or
 * throws InvalidSignature.
 */
export function verify(publicKey, prepared, sig) {
  const key = importPublicKey(publicKey);
  requireBytes(prepared, "prepared message");
  requireBytes(sig, "signature");
  // Step 1: length check.
  if (sig.length !== key.k) {
    throw new InvalidSignature(`signature must be ${key.k} bytes`);
  }
  // Step 2: s = OS2IP(S); m = RSAVP1(pk, s) (section 5.2.2 refuses s >= n).
  const s = os2ip(sig);
  if (s >= key.n) {
    throw new InvalidSignature("signature representative out of range");
  }
  const emBits = key.modBits - 1;
  const emLen = Math.ceil(emBits / 8);
  const m = modPow(s, key.e, key.n);
  if (bitLength(m) > 8 * emLen) {
    throw new InvalidSignature("message representative too large");
  }
  // Steps 3-4: EM = I2OSP(m, emLen); EMSA-PSS-VERIFY(M, EM, emBits).
  if (!emsaPssVerify(prepared, i2osp(m, emLen), emBits)) {
    throw new InvalidSignature("PSS encoding does not match the message");
  }
  return true;
}

/**
 * Validate a public key and return {n, e, modBits, k}. Accepts BigInts or the
 * JSON form with base64url members, and an already imported key.
 */
export function importPublicKey(publicKey) {
  if (publicKey === null || typeof publicKey !== "object") {
    throw new InvalidKey("public key must be an object {n, e}");
  }
  const n = keyInteger(publicKey.n, "n");
  const e = keyInteger(publicKey.e, "e");
  const modBits = bitLength(n);
  if (modBits < MIN_MODULUS_BITS || modBits > MAX_MODULUS_BITS) {
    throw new InvalidKey(`modulus of ${modBits} bits is not supported`);
  }
  if (n % 2n === 0n || e < 3n || e % 2n === 0n || e >= n) {
    throw new InvalidKey("not an RSA public key");
  }
  return { n, e, modBits, k: Math.ceil(modBits / 8) };
}

// ---------------------------------------------------------------------------
// EMSA-PSS (RFC 8017 section 9.1) with SHA-384, MGF1-SHA-384, sLen = 48

/** EMSA-PSS-ENCODE (RFC 8017 section 9.1.1). */
export function emsaPssEncode(message, emBits, salt = undefined) {
  const emLen = Math.ceil(emBits / 8);
  // Step 2: mHash = Hash(M).
  const mHash = sha384(message);
  // Step 3: emLen >= hLen + sLen + 2.
  if (emLen < HASH_LEN + SALT_LEN + 2) {
    throw new InvalidKey("encoding error: modulus too short for PSS");
  }
  // Step 4: random salt of sLen octets.
  const saltBytes = salt === undefined ? randomBytes(SALT_LEN) : requireBytes(salt, "salt");
  if (saltBytes.length !== SALT_LEN) {
    throw new InvalidLength(`salt must be ${SALT_LEN} bytes`);
  }
  // Steps 5-6: H = Hash(0x00 * 8 || mHash || salt).
  const h = sha384(concatBytes(new Uint8Array(8), mHash, saltBytes));
  // Steps 7-8: DB = PS || 0x01 || salt.
  const db = new Uint8Array(emLen - HASH_LEN - 1);
  db[db.length - SALT_LEN - 1] = 0x01;
  db.set(saltBytes, db.length - SALT_LEN);
  // Steps 9-11: maskedDB = DB xor MGF1(H), leftmost 8*emLen - emBits bits cleared.
  const maskedDb = xorBytes(db, mgf1Sha384(h, db.length));
  maskedDb[0] &= 0xff >> (8 * emLen - emBits);
  // Step 12: EM = maskedDB || H || 0xbc.
  return concatBytes(maskedDb, h, Uint8Array.of(0xbc));
}

/** EMSA-PSS-VERIFY (RFC 8017 section 9.1.2): true if "consistent". */
export function emsaPssVerify(message, em, emBits) {
  const emLen = Math.ceil(emBits / 8);
  // Step 2: mHash = Hash(M).
  const mHash = sha384(message);
  // Steps 3-4: room for hash and salt; trailer 0xbc.
  if (em.length !== emLen || emLen < HASH_LEN + SALT_LEN + 2 || em[emLen - 1] !== 0xbc) {
    return false;
  }
  // Step 5: maskedDB || H || 0xbc.
  const maskedDb = em.subarray(0, emLen - HASH_LEN - 1);
  const h = em.subarray(emLen - HASH_LEN - 1, emLen - 1);
  // Step 6: the leftmost 8*emLen - emBits bits of maskedDB must be zero.
  const topMask = 0xff >> (8 * emLen - emBits);
  if ((maskedDb[0] & ~topMask) !== 0) {
    return false;
  }
  // Steps 7-9: DB = maskedDB xor MGF1(H), leftmost bits cleared.
  const db = xorBytes(maskedDb, mgf1Sha384(h, maskedDb.length));
  db[0] &= topMask;
  // Step 10: DB = 0x00 ... 0x00 || 0x01 || salt.
  const psLen = emLen - HASH_LEN - SALT_LEN - 2;
  if (db.subarray(0, psLen).some((byte) => byte !== 0) || db[psLen] !== 0x01) {
    return false;
  }
  // Steps 11-14: H' = Hash(0x00 * 8 || mHash || salt) must equal H.
  const salt = db.subarray(db.length - SALT_LEN);
  const hPrime = sha384(concatBytes(new Uint8Array(8), mHash, salt));
  return bytesEqual(h, hPrime);
}

/** MGF1 (RFC 8017 appendix B.2.1) with SHA-384. */
export function mgf1Sha384(seed, maskLen) {
  const blocks = [];
  for (let counter = 0; blocks.length * HASH_LEN < maskLen; counter++) {
    blocks.push(sha384(concatBytes(seed, i2osp(BigInt(counter), 4))));
  }
  return concatBytes(...blocks).slice(0, maskLen);
}

// ---------------------------------------------------------------------------
// Helpers

function xorBytes(a, b) {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) {
    out[i] = a[i] ^ b[i];
  }
  return out;
}

function keyInteger(value, name) {
  if (typeof value === "bigint") {
    return value;
  }
  if (typeof value === "string") {
    // One encoding per key, as public_key_from_json: minimal big-endian bytes.
    const bytes = b64urlDecode(value);
    if (bytes.length === 0 || bytes[0] === 0) {
      throw new InvalidKey(`public key member ${name} must be a minimal big-endian integer`);
    }
    return os2ip(bytes);
  }
  throw new InvalidKey(`public key member ${name} must be a BigInt or base64url`);
}

function blindingFactor(r, n) {
  const value = r instanceof Uint8Array ? os2ip(r) : r;
  if (typeof value !== "bigint" || value < 1n || value >= n) {
    throw new BlindingError("blinding factor r must be in [1, n)");
  }
  return value;
}

/** random_integer_uniform(1, n) (RFC 9474 section 4.2) by rejection sampling. */
export function randomBelow(n) {
  const bits = bitLength(n);
  const length = Math.ceil(bits / 8);
  const topMask = 0xff >> (8 * length - bits);
  for (;;) {
    const candidate = randomBytes(length);
    candidate[0] &= topMask;
    const x = os2ip(candidate);
    if (x >= 1n && x < n) {
      return x;
    }
  }
}

/** Bytes from the platform CSPRNG (crypto.getRandomValues; never crypto.subtle). */
export function randomBytes(length) {
  const cryptoObj = globalThis.crypto;
  if (!cryptoObj || typeof cryptoObj.getRandomValues !== "function") {
    throw new Error("crypto.getRandomValues is not available in this browser");
  }
  return cryptoObj.getRandomValues(new Uint8Array(length));
}
