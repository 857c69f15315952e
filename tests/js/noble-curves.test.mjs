// The vendored static/vendor/noble-curves/noble-curves.js: its pinned SHA-256
// (static/vendor/noble-curves/README.md), the RFC 9496 and RFC 9380 vectors, its
// SHA-512 against OpenSSL, and strict Ed25519 against node:crypto.

import assert from "node:assert/strict";
import { createHash, createPrivateKey, sign as nodeSign } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";

import { ed25519, expand_message_xmd, ristretto255, ristretto255_hasher, scrypt, sha512 } from
  "../../static/vendor/noble-curves/noble-curves.js";

const VENDOR = new URL("../../static/vendor/noble-curves/", import.meta.url);
const V = JSON.parse(readFileSync(new URL("../data/encrypted-ballot-vectors.json", import.meta.url), "utf8"));
const hex = (data) => Buffer.from(data).toString("hex");
const unhex = (text) => Uint8Array.from(Buffer.from(text, "hex"));
const Point = ristretto255.Point;

describe("vendored @noble/curves", () => {
  it("is the file the README pins", () => {
    const digest = createHash("sha256").update(readFileSync(new URL("noble-curves.js", VENDOR))).digest("hex");
    assert.ok(readFileSync(new URL("README.md", VENDOR), "utf8").includes(digest), `README.md lacks ${digest}`);
  });

  it("gives the RFC 9496 encodings of small multiples of the generator", () => {
    let p = Point.ZERO;
    for (const encoded of V.group.small_multiples) {
      assert.equal(hex(p.toBytes()), encoded);
      p = p.add(Point.BASE);
    }
  });

  it("refuses the RFC 9496 bad encodings (our extra bit-255 cases included)", () => {
    for (const bad of V.group.bad_encodings) {
      assert.throws(() => Point.fromBytes(unhex(bad)), undefined, bad);
    }
  });

  it("derives RFC 9496 elements from uniform bytes", () => {
    for (const { input, output } of V.group.from_uniform) {
      assert.equal(hex(ristretto255_hasher.deriveToCurve(unhex(input)).toBytes()), output);
    }
  });

  it("expands messages as RFC 9380 K.3 (SHA-512)", () => {
    const { dst, vectors } = V.hashing.expand_message_xmd_sha512;
    for (const { msg, len, out } of vectors) {
      assert.equal(hex(expand_message_xmd(new TextEncoder().encode(msg), dst, len, sha512)), out);
    }
  });

  it("agrees with OpenSSL on SHA-512", () => {
    for (const length of [0, 1, 111, 112, 127, 128, 129, 5000]) {
      const data = Uint8Array.from({ length }, (_, i) => (i * 13 + 5) & 0xff);
      assert.equal(hex(sha512(data)), createHash("sha512").update(data).digest("hex"));
    }
  });

  it("signs Ed25519 exactly as node:crypto (RFC 8032) and verifies strictly", () => {
    const secret = Uint8Array.from({ length: 32 }, (_, i) => i);
    const msg = new TextEncoder().encode("phieukin");
    const pkcs8 = Buffer.concat([Buffer.from("302e020100300506032b657004220420", "hex"), Buffer.from(secret)]);
    const nodeSig = nodeSign(null, msg, createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" }));
    assert.equal(hex(ed25519.sign(msg, secret)), hex(nodeSig));
    assert.equal(ed25519.verify(nodeSig, msg, ed25519.getPublicKey(secret), { zip215: false }), true);
  });

  it("runs scrypt as RFC 7914 section 12 (N=16, r=1, p=1)", () => {
    const out = scrypt(new Uint8Array(), new Uint8Array(), { N: 16, r: 1, p: 1, dkLen: 64 });
    assert.equal(hex(out), "77d6576238657b203b19ca42c18a0497f16b4844e3074ae8dfdffa3fede21442" +
      "fcd0069ded0948f8326a753a0fc81f17e8d3e0fb2e0d3628cf35e20c38d18906");
  });
});
