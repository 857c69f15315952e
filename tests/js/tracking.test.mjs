// static/js/tracking.js: base32 of SHA-256(prefix || message || signature).

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";

import { trackingCode } from "../../static/js/tracking.js";

const bytes = (length, seed) => Uint8Array.from({ length }, (_, i) => (i * 7 + seed) & 0xff);

// RFC 4648 base32 written independently of static/js/encoding.js.
function referenceBase32(data) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  const bits = [...data].map((b) => b.toString(2).padStart(8, "0")).join("");
  return bits.match(/.{1,5}/g).map((g) => alphabet[parseInt(g.padEnd(5, "0"), 2)]).join("");
}

describe("tracking code", () => {
  it("is the first 10 base32 characters of SHA-256, in two groups of 5", () => {
    const prefix = bytes(32, 1);
    const message = new TextEncoder().encode('{"round":"r1"}');
    const signature = bytes(256, 9);
    const digest = createHash("sha256").update(prefix).update(message).update(signature).digest();
    const letters = referenceBase32(digest).slice(0, 10);
    const code = trackingCode(prefix, message, signature);
    assert.equal(code, `${letters.slice(0, 5)}-${letters.slice(5)}`);
    assert.match(code, /^[A-Z2-7]{5}-[A-Z2-7]{5}$/);
  });

  it("changes with any part of the signed ballot", () => {
    const parts = [bytes(32, 1), bytes(20, 2), bytes(256, 3)];
    const base = trackingCode(...parts);
    for (let i = 0; i < 3; i++) {
      const changed = parts.map((p) => Uint8Array.from(p));
      changed[i][0] ^= 1;
      assert.notEqual(trackingCode(...changed), base);
    }
  });

  it("needs a 32-byte prefix and byte arguments", () => {
    assert.throws(() => trackingCode(bytes(31, 0), bytes(1, 0), bytes(256, 0)),
      (err) => err.code === "bad_length");
    assert.throws(() => trackingCode(bytes(32, 0), "message", bytes(256, 0)), TypeError);
  });
});
