// The vendored static/vendor/noble-hashes/noble-hashes.js against Node's OpenSSL,
// and the file's pinned SHA-256 (static/vendor/noble-hashes/README.md).

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";

import { sha256, sha384 } from "../../static/vendor/noble-hashes/noble-hashes.js";

const VENDOR = new URL("../../static/vendor/noble-hashes/", import.meta.url);
const hex = (data) => Buffer.from(data).toString("hex");

describe("vendored @noble/hashes", () => {
  it("is the file the README pins", () => {
    const file = readFileSync(new URL("noble-hashes.js", VENDOR));
    const readme = readFileSync(new URL("README.md", VENDOR), "utf8");
    const digest = createHash("sha256").update(file).digest("hex");
    assert.ok(readme.includes(digest), `README.md does not mention SHA-256 ${digest}`);
  });

  it("agrees with OpenSSL on SHA-256 and SHA-384 across block boundaries", () => {
    const lengths = [0, 1, 3, 55, 56, 63, 64, 65, 111, 112, 119, 127, 128, 129, 1000, 70000];
    for (const length of lengths) {
      const data = Uint8Array.from({ length }, (_, i) => (i * 31 + 7) & 0xff);
      assert.equal(hex(sha256(data)), createHash("sha256").update(data).digest("hex"), `${length}`);
      assert.equal(hex(sha384(data)), createHash("sha384").update(data).digest("hex"), `${length}`);
    }
  });

  it("matches the FIPS 180-2 'abc' examples", () => {
    const abc = new TextEncoder().encode("abc");
    assert.equal(hex(sha256(abc)),
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert.equal(hex(sha384(abc)),
      "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed" +
      "8086072ba1e7cc2358baeca134c825a7");
  });
});
