// Tracking code of a signed ballot (docs/protocol.md, “Tracking codes”): the first ten
// characters of base32 (RFC 4648 section 6, upper case, no padding) of
// SHA-256(prefix || message || signature), shown as two groups of five,
// "ABCDE-FGHIJ". Must equal ballot/crypto/tracking.py, so a voter can find the
// code their phone shows on the bulletin board.

import { sha256 } from "../vendor/noble-hashes/noble-hashes.js";
import { PREFIX_LEN } from "./blind-rsa.js";
import { base32Encode, concatBytes, requireBytes } from "./encoding.js";
import { InvalidLength } from "./errors.js";

export const TRACKING_CHARS = 10;

/** Tracking code "ABCDE-FGHIJ" of a signed ballot (all three arguments bytes). */
export function trackingCode(prefix, message, signature) {
  requireBytes(prefix, "prefix");
  requireBytes(message, "message");
  requireBytes(signature, "signature");
  // The concatenation splits one way only because the prefix has a fixed length.
  if (prefix.length !== PREFIX_LEN) {
    throw new InvalidLength(`prefix must be ${PREFIX_LEN} bytes`);
  }
  const digest = sha256(concatBytes(prefix, message, signature));
  const chars = base32Encode(digest).slice(0, TRACKING_CHARS);
  return `${chars.slice(0, 5)}-${chars.slice(5)}`;
}
