// Canonical ballot bytes: RFC 8785 (JSON Canonicalization Scheme) restricted to
// objects, arrays, strings and integers, with strings NFC-normalised. The bytes
// must equal those of ballot/crypto/canonical.py exactly, because the phone
// blinds them and the server (and anyone recounting) checks the signature on them.
//
// - object members sorted by their keys' UTF-16 code units (RFC 8785 section
//   3.2.3); JavaScript's default string sort compares exactly that;
// - compact separators, no whitespace (RFC 8785 section 3.2.1);
// - strings escaped as JSON.stringify does (RFC 8785 section 3.2.2.2): \" \\
//   \b \f \n \r \t, other controls below U+0020 as \u00xx, everything else raw;
// - integers only, |n| <= 2**53 - 1 (the I-JSON range, RFC 7493 section 2.2);
//   floats, booleans, null and undefined are refused.
// - strings (keys included) NFC-normalised before sorting and escaping.

import { NonCanonical } from "./errors.js";
import { isWellFormed, utf8Decode, utf8Encode } from "./encoding.js";

/** Deepest nesting accepted, as in canonical.py (ballots nest two levels). */
export const MAX_DEPTH = 64;

/** The canonical JSON text of `value` (a string; see canonicalJsonBytes). */
export function canonicalJson(value) {
  return serialize(value, 0);
}

/** The canonical JSON bytes (UTF-8) of `value`: what gets prepared and signed. */
export function canonicalJsonBytes(value) {
  return utf8Encode(canonicalJson(value));
}

/**
 * Parse canonical JSON bytes (or text) holding an object, accepting them only
 * if they are already canonical: re-serialising the parsed value must give back
 * the same text (so duplicate keys, floats, white space, unsorted keys, non-NFC
 * strings, needless escapes and unsafe integers are all refused).
 */
export function parseCanonical(input) {
  const text = typeof input === "string" ? input : decodeUtf8(input);
  let value;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new NonCanonical(`not valid JSON: ${err.message}`);
  }
  if (!isPlainObject(value)) {
    throw new NonCanonical("the top level must be a JSON object");
  }
  if (canonicalJson(value) !== text) {
    throw new NonCanonical("JSON is not in canonical form");
  }
  return value;
}

function decodeUtf8(bytes) {
  try {
    return utf8Decode(bytes);
  } catch (err) {
    throw new NonCanonical(err.detail || "invalid UTF-8");
  }
}

function serialize(value, depth) {
  if (depth > MAX_DEPTH) {
    throw new NonCanonical(`nested deeper than ${MAX_DEPTH} levels`);
  }
  if (typeof value === "string") {
    return serializeString(value);
  }
  if (typeof value === "number" || typeof value === "bigint") {
    return serializeInteger(value);
  }
  if (Array.isArray(value)) {
    return serializeArray(value, depth);
  }
  if (isPlainObject(value)) {
    return serializeObject(value, depth);
  }
  throw new NonCanonical(`unsupported JSON value: ${describe(value)}`);
}

function serializeString(text) {
  if (!isWellFormed(text)) {
    throw new NonCanonical("string holds a lone UTF-16 surrogate");
  }
  return JSON.stringify(text.normalize("NFC"));
}

const MAX_SAFE = 2n ** 53n - 1n;

function serializeInteger(number) {
  if (typeof number === "bigint") {
    if (number > MAX_SAFE || number < -MAX_SAFE) {
      throw new NonCanonical("integer outside +-(2**53 - 1)");
    }
    return number.toString();
  }
  if (!Number.isSafeInteger(number)) {
    throw new NonCanonical(`not an integer within +-(2**53 - 1): ${number}`);
  }
  return String(number); // String(-0) is "0"
}

function serializeArray(array, depth) {
  const items = [];
  for (let i = 0; i < array.length; i++) {
    items.push(serialize(array[i], depth + 1)); // holes are undefined: refused
  }
  return `[${items.join(",")}]`;
}

function serializeObject(object, depth) {
  const members = new Map();
  for (const key of Object.keys(object)) {
    if (!isWellFormed(key)) {
      throw new NonCanonical("key holds a lone UTF-16 surrogate");
    }
    const normalized = key.normalize("NFC");
    if (members.has(normalized)) {
      throw new NonCanonical(`two keys are the same after NFC: ${JSON.stringify(normalized)}`);
    }
    members.set(normalized, object[key]);
  }
  const keys = [...members.keys()].sort(); // UTF-16 code unit order
  const parts = keys.map(
    (key) => `${JSON.stringify(key)}:${serialize(members.get(key), depth + 1)}`,
  );
  return `{${parts.join(",")}}`;
}

function isPlainObject(value) {
  if (value === null || typeof value !== "object") {
    return false;
  }
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describe(value) {
  if (value === null) {
    return "null";
  }
  if (typeof value === "number") {
    return `number ${value}`;
  }
  return typeof value === "object" ? value.constructor?.name ?? "object" : typeof value;
}
