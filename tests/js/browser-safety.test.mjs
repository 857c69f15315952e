// The modules under static/ must load in a phone's browser as
// <script type="module"> over plain HTTP: relative imports only, no Node-only
// API (require, Buffer, process, node: modules) and no crypto.subtle (absent on
// insecure origins), no syntax newer than the target (regexp lookbehind); and
// they run in a bare V8 context that has only what such a browser offers.

import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";

const STATIC = new URL("../../static/", import.meta.url);
// The crypto modules (and the vendored hash) are also imported here; the UI
// modules, which touch the DOM when they load, are only scanned.
const VENDORED = ["vendor/noble-hashes/noble-hashes.js", "vendor/noble-curves/noble-curves.js"];
const CRYPTO_FILES = [
  "bigint", "blind-rsa", "canonical", "encoding", "errors", "tracking",
  // encrypted ballots (docs/encrypted-ballots.md)
  "ristretto", "elgamal", "zkp", "encrypted-ballot", "committee", "threshold", "backup",
].map((name) => `js/${name}.js`).concat(VENDORED);
const FILES = [
  ...readdirSync(new URL("js/", STATIC)).filter((f) => f.endsWith(".js")).map((f) => `js/${f}`),
  ...VENDORED,
];

const FORBIDDEN = [
  [/\brequire\s*\(/, "require()"],
  [/\bBuffer\b/, "Buffer"],
  [/\bprocess\s*\./, "process"],
  [/["']node:/, "node: import"],
  [/\bsubtle\b/, "crypto.subtle"],
  [/\b__dirname\b|\b__filename\b/, "__dirname/__filename"],
  [/\(\?<[!=]/, "regexp lookbehind (Safari < 16.4)"],
];

function importSpecifiers(source) {
  const re = /^\s*(?:import|export)\b[^"']*?\bfrom\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']/gm;
  return [...source.matchAll(re)].map((m) => m[1] ?? m[2]);
}

function stripComments(source) {
  return source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:\\])\/\/.*$/gm, "$1");
}

describe("static JavaScript is browser-safe", () => {
  it("has the expected files", () => {
    for (const f of CRYPTO_FILES) {
      assert.ok(FILES.includes(f), f);
    }
  });

  for (const file of FILES) {
    it(`${file}: no Node-only API, relative imports only`, async () => {
      const source = readFileSync(new URL(file, STATIC), "utf8");
      const code = stripComments(source);
      for (const [pattern, what] of FORBIDDEN) {
        assert.doesNotMatch(code, pattern, `${file} uses ${what}`);
      }
      for (const spec of importSpecifiers(source)) {
        assert.match(spec, /^\.\.?\/.*\.js$/, `${file} imports ${spec}`);
      }
      if (CRYPTO_FILES.includes(file)) {
        await import(new URL(file, STATIC)); // and it loads as an ES module
      }
    });
  }
});

describe("static JavaScript runs without Node's globals", () => {
  it("gives the RFC 9474 vector results in a bare V8 context (sandbox_run.mjs)", () => {
    const script = fileURLToPath(new URL("sandbox_run.mjs", import.meta.url));
    const run = spawnSync(process.execPath, ["--experimental-vm-modules", "--no-warnings", script], {
      encoding: "utf8",
      timeout: 60000,
    });
    assert.equal(run.status, 0, run.stderr);
    const result = JSON.parse(run.stdout);
    assert.deepEqual(result.globals,
      { Buffer: "undefined", process: "undefined", require: "undefined", subtle: "undefined" });
    assert.equal(result.blindedOk, true);
    assert.equal(result.sigOk, true);
    assert.equal(result.verified, true);
    assert.equal(result.freshBlindLength, 512);
    assert.equal(result.canonical, '{"a":[1,"\u{1F600}"],"b":"Nguy\u1EC5n"}');
    assert.match(result.tracking, /^[A-Z2-7]{5}-[A-Z2-7]{5}$/);
    // The encrypted ballot's whole chain, with only the browser's globals:
    assert.equal(result.fingerprint, result.expectedFingerprint);
    assert.equal(result.ballotVerified, true);
    assert.deepEqual(result.counts, result.expectedCounts);
  });
});
