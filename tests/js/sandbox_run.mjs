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
  const v = JSON.parse(${JSON.stringify(JSON.stringify(vector))});
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
  };
  `,
  { identifier: new URL("driver.js", STATIC_JS).href, context },
);

await driver.link((specifier, referencing) => load(new URL(specifier, referencing.identifier)));
await driver.evaluate();
process.stdout.write(JSON.stringify(context.result));
