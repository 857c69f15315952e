// Node side of the Python/JavaScript cross-implementation tests
// (tests/test_js_crypto.py). Reads one JSON command per line on stdin, writes
// one JSON answer per line on stdout, so a test module keeps one node process.
// Byte strings travel as unpadded base64url.
//
//   {"op": "prepare_blind", "key": {"n", "e"}, "msg": B64}
//       -> {"prefix", "prepared", "blinded", "inv"}
//   {"op": "blind", "key", "prepared", "salt", "r"} -> {"blinded", "inv"}
//   {"op": "finalize", "key", "prepared", "blind_sig", "inv"} -> {"sig"}
//   {"op": "verify", "key", "prepared", "sig"} -> {"ok": true}
//   {"op": "canonical", "value": JSON} -> {"bytes": B64}
//   {"op": "tracking", "prefix", "message", "signature"} -> {"code"}
//
// A CryptoError becomes {"error": {"code", "detail"}}; anything else
// {"error": {"code": "exception", "detail"}}.

import { createInterface } from "node:readline";

import { blind, finalize, prepare, verify } from "../../static/js/blind-rsa.js";
import { canonicalJsonBytes } from "../../static/js/canonical.js";
import { b64urlDecode as dec, b64urlEncode as enc } from "../../static/js/encoding.js";
import { trackingCode } from "../../static/js/tracking.js";

const OPS = {
  prepare_blind({ key, msg }) {
    const { prefix, prepared } = prepare(dec(msg));
    const { blinded, inv } = blind(key, prepared);
    return { prefix: enc(prefix), prepared: enc(prepared), blinded: enc(blinded), inv: enc(inv) };
  },
  blind({ key, prepared, salt, r }) {
    const { blinded, inv } = blind(key, dec(prepared), { salt: dec(salt), r: dec(r) });
    return { blinded: enc(blinded), inv: enc(inv) };
  },
  finalize({ key, prepared, blind_sig: blindSig, inv }) {
    return { sig: enc(finalize(key, dec(prepared), dec(blindSig), dec(inv))) };
  },
  verify({ key, prepared, sig }) {
    return { ok: verify(key, dec(prepared), dec(sig)) };
  },
  canonical({ value }) {
    return { bytes: enc(canonicalJsonBytes(value)) };
  },
  tracking({ prefix, message, signature }) {
    return { code: trackingCode(dec(prefix), dec(message), dec(signature)) };
  },
};

function answer(line) {
  try {
    const command = JSON.parse(line);
    const op = OPS[command.op];
    if (!op) {
      return { error: { code: "unknown_op", detail: String(command.op) } };
    }
    return op(command);
  } catch (err) {
    return { error: { code: err.code ?? "exception", detail: err.detail ?? String(err) } };
  }
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (line.trim()) {
    process.stdout.write(`${JSON.stringify(answer(line))}\n`);
  }
}
