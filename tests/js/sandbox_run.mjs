// Run by browser-safety.test.mjs as `node --experimental-vm-modules sandbox_run.mjs`.
// Links the modules under static/js/ into a fresh V8 context that holds only the
// ECMAScript built-ins plus what a phone's browser gives over plain HTTP
// (crypto.getRandomValues without crypto.subtle, TextEncoder, TextDecoder), runs
// the RFC 9474 vector through them and prints the results as JSON. Any use of
// require, Buffer, process or crypto.subtle fails there with a ReferenceError or
// TypeError.

import { webcrypto } from "node:crypto";
import { readFileSync } from "node:fs";
import vm from "node:vm";

const STATIC_JS = new URL("../../static/js/", import.meta.url);
const VECTORS = new URL("../data/rfc9474-test-vectors.json", import.meta.url);

const browserCrypto = Object.freeze({
  getRandomValues: (array) => webcrypto.getRandomValues(array),
});
const context = vm.createContext({ crypto: browserCrypto, TextDecoder });
// A browser's TextEncoder returns a Uint8Array of the page's own realm.
const SandboxUint8Array = vm.runInContext("Uint8Array", context);
context.TextEncoder = class TextEncoder {
  encode(text) {
    return SandboxUint8Array.from(new globalThis.TextEncoder().encode(text));
  }
};

const cache = new Map();
function load(url) {
  const key = url.href;
  if (!cache.has(key)) {
    const module = new vm.SourceTextModule(readFileSync(url, "utf8"), {
      identifier: key,
      context,
    });
    cache.set(key, module);
  }
  return cache.get(key);
}

const encrypted = JSON.parse(
  readFileSync(new URL("../data/encrypted-ballot-vectors.json", import.meta.url), "utf8"),
);
const vector = JSON.parse(readFileSync(VECTORS, "utf8")).find(
  (v) => v.name === "RSABSSA-SHA384-PSS-Randomized",
);
const driver = new vm.SourceTextModule(
  `
  import { prepare, blind, finalize, verify } from "./blind-rsa.js";
  import { modInverse, i2osp } from "./bigint.js";
  import { hexDecode, hexEncode } from "./encoding.js";
  import { canonicalJson } from "./canonical.js";
  import { trackingCode } from "./tracking.js";
  import { runCeremony, verifyCommittee, Trustee } from "./committee.js";
  import { encryptBallot, checkEncryptedBallot, tallyOf } from "./encrypted-ballot.js";
  import { partialDecryption, combine } from "./threshold.js";
  import { b64urlDecode } from "./encoding.js";
  const v = JSON.parse(${JSON.stringify(JSON.stringify(vector))});
  const ev = JSON.parse(${JSON.stringify(JSON.stringify(encrypted))});
  const seeds = ev.ceremony.seeds.map(b64urlDecode);
  const context = ev.ceremony.transcript.context;
  const transcript = runCeremony(context, seeds);
  const committee = verifyCommittee(transcript);
  const qs = ["a", "b"];
  const ballots = [{ a: "HTTNV" }, { a: "HTTNV", b: "KHTNV" }, {}].map((c) =>
    checkEncryptedBallot(encryptBallot(committee.jointKey, "R", qs, c), { roundId: "R", questionIds: qs, key: committee.jointKey }));
  const tally = tallyOf("R", committee.jointKey, qs, ballots);
  const trustees = [2, 3].map((i) => new Trustee(seeds[i - 1], context, i));
  const shares = trustees.map((t) => partialDecryption(t, t.secretShare(transcript), committee, tally));
  const key = { n: BigInt(v.n), e: BigInt(v.e) };
  const { prefix, prepared } = prepare(hexDecode(v.msg), hexDecode(v.msg_prefix));
  const { blinded } = blind(key, prepared, {
    salt: hexDecode(v.salt),
    r: modInverse(BigInt(v.inv), key.n),
  });
  const sig = finalize(key, prepared, hexDecode(v.blind_sig), i2osp(BigInt(v.inv), 512));
  const fresh = blind(key, prepare(hexDecode(v.msg)).prepared);
  globalThis.result = {
    globals: {
      Buffer: typeof Buffer, process: typeof process, require: typeof require,
      subtle: typeof crypto.subtle,
    },
    blindedOk: hexEncode(blinded) === v.blinded_msg,
    sigOk: hexEncode(sig) === v.sig,
    verified: verify(key, prepared, sig),
    freshBlindLength: fresh.blinded.length,
    canonical: canonicalJson({ b: "Nguye\\u0302\\u0303n", a: [1, "\\u{1F600}"] }),
    tracking: trackingCode(prefix, hexDecode(v.msg), sig),
    fingerprint: committee.shortFingerprint,
    expectedFingerprint: ev.ceremony.short_fingerprint,
    ballotVerified: ballots.length === 3,
    counts: combine(committee, tally, shares).counts,
    expectedCounts: { a: { HTXSNV: 0, HTTNV: 2, HTNV: 0, KHTNV: 0 }, b: { HTXSNV: 0, HTTNV: 0, HTNV: 0, KHTNV: 1 } },
  };
  `,
  { identifier: new URL("driver.js", STATIC_JS).href, context },
);

await driver.link((specifier, referencing) => load(new URL(specifier, referencing.identifier)));
await driver.evaluate();
process.stdout.write(JSON.stringify(context.result));
