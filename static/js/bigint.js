// BigInt helpers for the client side of RSA blind signatures: the integer /
// octet-string conversions of RFC 8017 section 4 and the modular arithmetic the
// phone needs (public-key operations and the r^e blinding; it never holds a
// private key, so none of this needs to be constant time).

import { InvalidLength } from "./errors.js";
import { hexEncode, requireBytes } from "./encoding.js";

/** OS2IP (RFC 8017 section 4.2): big-endian bytes to a non-negative integer. */
export function os2ip(bytes) {
  requireBytes(bytes);
  return bytes.length === 0 ? 0n : BigInt(`0x${hexEncode(bytes)}`);
}

/** I2OSP (RFC 8017 section 4.1): integer to exactly `length` big-endian bytes. */
export function i2osp(x, length) {
  if (typeof x !== "bigint" || x < 0n) {
    throw new TypeError("i2osp expects a non-negative BigInt");
  }
  const hex = x.toString(16);
  if (hex.length > 2 * length) {
    throw new InvalidLength(`integer too large for ${length} octets`);
  }
  const padded = hex.padStart(2 * length, "0");
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    out[i] = parseInt(padded.substr(2 * i, 2), 16);
  }
  return out;
}

/** Number of bits in the binary form of a positive integer. */
export function bitLength(x) {
  return x === 0n ? 0 : x.toString(2).length;
}

/** base^exponent mod modulus, by right-to-left square-and-multiply. */
export function modPow(base, exponent, modulus) {
  if (modulus <= 0n || exponent < 0n) {
    throw new RangeError("modPow needs a positive modulus and exponent >= 0");
  }
  let result = 1n % modulus;
  let square = mod(base, modulus);
  let e = exponent;
  while (e > 0n) {
    if (e & 1n) {
      result = (result * square) % modulus;
    }
    square = (square * square) % modulus;
    e >>= 1n;
  }
  return result;
}

/** Non-negative remainder of a modulo m. */
export function mod(a, m) {
  const r = a % m;
  return r < 0n ? r + m : r;
}

/** Greatest common divisor (Euclid). */
export function gcd(a, b) {
  let [x, y] = [a < 0n ? -a : a, b < 0n ? -b : b];
  while (y !== 0n) {
    [x, y] = [y, x % y];
  }
  return x;
}

/** Inverse of a modulo m (extended Euclid); null when gcd(a, m) != 1. */
export function modInverse(a, m) {
  let [oldR, r] = [mod(a, m), m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return oldR === 1n ? mod(oldS, m) : null;
}
