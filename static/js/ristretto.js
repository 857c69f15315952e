// The ristretto255 group (RFC 9496) and hash-to-scalar (RFC 9497 section 4.1),
// the phone's twin of ballot/crypto/ristretto.py (docs/encrypted-ballots.md, 2-3).
//
// Points are @noble/curves RistrettoPoints; scalars are BigInts in [0, ORDER),
// with arithmetic by the library's field Fn. Decoding is strict: one spelling per
// value. Randomness from crypto.getRandomValues (no crypto.subtle on plain HTTP).

import { expand_message_xmd, ristretto255, sha512 } from "../vendor/noble-curves/noble-curves.js";
import { b64urlDecode, b64urlEncode, concatBytes, utf8Encode } from "./encoding.js";
import { CryptoError, InvalidElement, InvalidScalar } from "./errors.js";

export const Point = ristretto255.Point;
export const Fn = Point.Fn;
export const ORDER = Fn.ORDER;
export const SIZE = 32;
export const IDENTITY = Point.ZERO;

// Fixed-base tables: the phone multiplies G and the joint key thousands of times
// per ballot, always by these two bases (docs/encrypted-ballots.md 7.1).
export const G = Point.fromBytes(Point.BASE.toBytes());
G.precompute(8, false);
const tables = new Map();

/** A copy of `point` with an 8-bit window table (cached by encoding). */
export function withTable(point) {
  const key = b64urlEncode(point.toBytes());
  let p = tables.get(key);
  if (!p) {
    p = Point.fromBytes(point.toBytes());
    p.precompute(8, false);
    if (tables.size > 16) tables.clear();
    tables.set(key, p);
  }
  return p;
}

// --- scalars ---------------------------------------------------------------

export function scalarToBytes(s) {
  return Fn.toBytes(Fn.create(s));
}

export function scalarFromBytes(bytes) {
  if (!(bytes instanceof Uint8Array) || bytes.length !== SIZE) {
    throw new InvalidScalar("a scalar is 32 bytes");
  }
  let value = 0n;
  for (let i = SIZE - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
  if (value >= ORDER) {
    throw new InvalidScalar("scalar not reduced (>= group order): non-canonical");
  }
  return value;
}

export const scalarB64 = (s) => b64urlEncode(scalarToBytes(s));
export const scalarFromB64 = (text) => scalarFromBytes(decodeB64(text, InvalidScalar));

/** 64 bytes little-endian reduced mod ORDER (RFC 9496 scalar from uniform bytes). */
export function scalarFromUniform(bytes) {
  let value = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(bytes[i]);
  return Fn.create(value);
}

/** Uniform in [1, ORDER). */
export function randomScalar() {
  for (;;) {
    const s = scalarFromUniform(crypto.getRandomValues(new Uint8Array(64)));
    if (s !== 0n) return s;
  }
}

// --- elements --------------------------------------------------------------

export function elementFromBytes(bytes, { allowIdentity = false } = {}) {
  if (!(bytes instanceof Uint8Array) || bytes.length !== SIZE) {
    throw new InvalidElement("an element is 32 bytes");
  }
  if (bytes[31] & 0x80) {
    throw new InvalidElement("bit 255 set: not a canonical encoding");
  }
  let point;
  try {
    point = Point.fromBytes(bytes);
  } catch {
    throw new InvalidElement("not the canonical encoding of a ristretto255 element");
  }
  if (!allowIdentity && point.is0()) {
    throw new InvalidElement("the identity element is not allowed here");
  }
  return point;
}

export const elementB64 = (p) => b64urlEncode(p.toBytes());
export const elementFromB64 = (text, options) =>
  elementFromBytes(decodeB64(text, InvalidElement), options);

/** s·P, allowing s = 0 (the library's multiply wants 1 <= s < ORDER). */
export function mul(point, s) {
  return s === 0n ? IDENTITY : point.multiply(s);
}

export const baseTimes = (s) => mul(G, s);

export function elementSum(points) {
  let total = IDENTITY;
  for (const p of points) total = total.add(p);
  return total;
}

// --- hashing ---------------------------------------------------------------

/** I2OSP(len, 4) || item for each item (strings UTF-8, numbers decimal, points 32 bytes). */
export function transcript(items) {
  const parts = [];
  for (const item of items) {
    const raw = itemBytes(item);
    const len = new Uint8Array(4);
    new DataView(len.buffer).setUint32(0, raw.length);
    parts.push(len, raw);
  }
  return concatBytes(...parts);
}

function itemBytes(item) {
  if (item instanceof Uint8Array) return item;
  if (typeof item === "string") return utf8Encode(item);
  if (typeof item === "number" && Number.isSafeInteger(item)) return utf8Encode(String(item));
  if (item instanceof Point) return item.toBytes();
  throw new TypeError(`not a transcript item: ${typeof item}`);
}

export function expandMessageXmd(msg, dst, length) {
  return expand_message_xmd(msg, dst, length, sha512);
}

/** RFC 9497 HashToScalar (ristretto255-SHA512) of the length-prefixed items. */
export function hashToScalar(dst, ...items) {
  return scalarFromUniform(expandMessageXmd(transcript(items), utf8Encode(dst), 64));
}

export function decodeB64(text, ErrorClass = CryptoError) {
  try {
    return b64urlDecode(text);
  } catch (err) {
    throw new ErrorClass(`base64url: ${err.detail ?? err.message}`);
  }
}

export { sha512 };
