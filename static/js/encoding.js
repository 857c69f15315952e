// Byte encodings shared by the phone's crypto modules: strict base64url
// (RFC 4648 section 5, no padding), base32 (RFC 4648 section 6), hex, UTF-8.
//
// The decoders accept exactly one spelling per byte string, like
// ballot/crypto/encoding.py, so a ballot or signature has one representation only.
// Browser and Node alike: no Buffer, no require, no Node-only API.

import { Base64Error, EncodingError } from "./errors.js";

const B64URL_ALPHABET =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const B64URL_RE = /^[A-Za-z0-9_-]*$/;
const B64URL_VALUES = new Map([...B64URL_ALPHABET].map((c, i) => [c, i]));
const BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;

/** Throw a TypeError unless `data` is a Uint8Array (a Node Buffer is one too). */
export function requireBytes(data, what = "data") {
  if (!(data instanceof Uint8Array)) {
    throw new TypeError(`${what} must be a Uint8Array`);
  }
  return data;
}

/** Base64url without padding (RFC 4648 section 5). */
export function b64urlEncode(data) {
  requireBytes(data);
  let out = "";
  for (let i = 0; i < data.length; i += 3) {
    const chunk = (data[i] << 16) | ((data[i + 1] ?? 0) << 8) | (data[i + 2] ?? 0);
    const chars = Math.min(4, Math.ceil(((data.length - i) * 8) / 6));
    for (let j = 0; j < chars; j++) {
      out += B64URL_ALPHABET[(chunk >> (18 - 6 * j)) & 63];
    }
  }
  return out;
}

/**
 * Decode unpadded base64url. Rejects padding, whitespace, characters outside the
 * URL-safe alphabet, impossible lengths and non-zero trailing bits.
 */
export function b64urlDecode(text) {
  if (typeof text !== "string") {
    throw new Base64Error(`expected a string, got ${typeof text}`);
  }
  if (!B64URL_RE.test(text)) {
    throw new Base64Error("character outside the base64url alphabet (or padding)");
  }
  if (text.length % 4 === 1) {
    throw new Base64Error("impossible length");
  }
  const out = new Uint8Array(Math.floor((text.length * 6) / 8));
  let bits = 0;
  let acc = 0;
  let pos = 0;
  for (const ch of text) {
    acc = (acc << 6) | B64URL_VALUES.get(ch);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[pos++] = (acc >> bits) & 0xff;
      acc &= (1 << bits) - 1;
    }
  }
  if (acc !== 0) {
    throw new Base64Error("non-canonical trailing bits");
  }
  return out;
}

/** Base32 (RFC 4648 section 6), upper case, without padding. */
export function base32Encode(data) {
  requireBytes(data);
  let out = "";
  let bits = 0;
  let acc = 0;
  for (const byte of data) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += BASE32_ALPHABET[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) {
    out += BASE32_ALPHABET[(acc << (5 - bits)) & 31];
  }
  return out;
}

/** Decode unpadded upper-case base32 (RFC 4648 section 6); refuses stray trailing bits. */
export function base32Decode(text) {
  if (typeof text !== "string" || !/^[A-Z2-7]*$/.test(text) || [1, 3, 6].includes(text.length % 8)) {
    throw new EncodingError("not base32");
  }
  const out = new Uint8Array(Math.floor((text.length * 5) / 8));
  let bits = 0;
  let acc = 0;
  let pos = 0;
  for (const ch of text) {
    acc = (acc << 5) | BASE32_ALPHABET.indexOf(ch);
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[pos++] = (acc >> bits) & 0xff;
      acc &= (1 << bits) - 1;
    }
  }
  if (acc !== 0) throw new EncodingError("non-canonical trailing bits");
  return out;
}

/** Lower-case hex. */
export function hexEncode(data) {
  requireBytes(data);
  let out = "";
  for (const byte of data) {
    out += byte.toString(16).padStart(2, "0");
  }
  return out;
}

/** Decode hex (either case, even length, no prefix, no spaces). */
export function hexDecode(text) {
  if (typeof text !== "string" || !HEX_RE.test(text)) {
    throw new EncodingError("expected an even number of hex digits");
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = parseInt(text.substr(2 * i, 2), 16);
  }
  return out;
}

/** True if `text` holds no unpaired UTF-16 surrogate (it can be encoded as UTF-8). */
export function isWellFormed(text) {
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1); // NaN past the end
      if (!(next >= 0xdc00 && next <= 0xdfff)) {
        return false;
      }
      i++;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      return false;
    }
  }
  return true;
}

/** UTF-8 bytes of a string; refuses lone surrogates instead of writing U+FFFD. */
export function utf8Encode(text) {
  if (typeof text !== "string") {
    throw new TypeError("utf8Encode expects a string");
  }
  if (!isWellFormed(text)) {
    throw new EncodingError("string holds a lone UTF-16 surrogate");
  }
  return new TextEncoder().encode(text);
}

/** Decode UTF-8 strictly (invalid sequences throw instead of becoming U+FFFD). */
export function utf8Decode(data) {
  requireBytes(data);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(data);
  } catch {
    throw new EncodingError("invalid UTF-8");
  }
}

/** Concatenate byte strings into a new Uint8Array. */
export function concatBytes(...parts) {
  const total = parts.reduce((sum, part) => sum + requireBytes(part).length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Byte-wise equality. Not constant time: use only on public data. */
export function bytesEqual(a, b) {
  requireBytes(a);
  requireBytes(b);
  if (a.length !== b.length) {
    return false;
  }
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    diff |= a[i] ^ b[i];
  }
  return diff === 0;
}
