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
// Encrypted ballots (docs/encrypted-ballots.md; tests/test_js_encrypted_ballots.py):
//   {"op": "trustee_announce" | "trustee_deal" | "trustee_respond", "seed", "context",
//    "index", "announcements"?, "dealings"?} -> {"envelope"} / {"envelopes"}
//   {"op": "committee_verify", "transcript"} -> {"joint_key", "fingerprint", "short"}
//   {"op": "encrypt_ballot", "key", "round", "questions", "choices"} -> {"ballot"}
//   {"op": "check_ballot", "ballot", "round", "questions", "key"} -> {"ok": true}
//   {"op": "partial_decrypt", "seed", "transcript", "index", "tally", "wrong"?} -> {"envelope"}
//   {"op": "combine", "transcript", "tally", "envelopes"} -> {"counts", "used", "refused"}
//
// A CryptoError becomes {"error": {"code", "detail"}}; anything else
// {"error": {"code": "exception", "detail"}}.

import { createInterface } from "node:readline";

import { blind, finalize, prepare, verify } from "../../static/js/blind-rsa.js";
import { canonicalJsonBytes } from "../../static/js/canonical.js";
import { b64urlDecode as dec, b64urlEncode as enc } from "../../static/js/encoding.js";
import { trackingCode } from "../../static/js/tracking.js";
import { Trustee, verifyCommittee } from "../../static/js/committee.js";
import { checkEncryptedBallot, encryptBallot, tallyFromJson } from "../../static/js/encrypted-ballot.js";
import { Fn, elementB64, elementFromB64 } from "../../static/js/ristretto.js";
import { combine, partialDecryption } from "../../static/js/threshold.js";

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
  trustee_announce({ seed, context, index }) {
    return { envelope: new Trustee(dec(seed), context, index).announce() };
  },
  trustee_deal({ seed, context, index, announcements }) {
    return { envelope: new Trustee(dec(seed), context, index).deal(announcements) };
  },
  trustee_respond({ seed, context, index, announcements, dealings }) {
    return { envelopes: new Trustee(dec(seed), context, index).respond(announcements, dealings) };
  },
  committee_verify({ transcript }) {
    const c = verifyCommittee(transcript);
    return { joint_key: elementB64(c.jointKey), fingerprint: enc(c.fingerprint), short: c.shortFingerprint };
  },
  encrypt_ballot({ key, round, questions, choices }) {
    return { ballot: encryptBallot(elementFromB64(key), round, questions, choices) };
  },
  check_ballot({ ballot, round, questions, key }) {
    try {
      checkEncryptedBallot(ballot, { roundId: round, questionIds: questions, key: elementFromB64(key) });
    } catch (err) {
      return { error: { code: err.code ?? "exception", field: err.field, detail: err.detail ?? String(err) } };
    }
    return { ok: true };
  },
  partial_decrypt({ seed, transcript, index, tally, wrong }) {
    const committee = verifyCommittee(transcript);
    const trustee = new Trustee(dec(seed), transcript.context, index);
    const share = trustee.secretShare(transcript);
    return { envelope: partialDecryption(trustee, wrong ? Fn.add(share, 1n) : share, committee, tallyFromJson(tally)) };
  },
  combine({ transcript, tally, envelopes }) {
    const { counts, used, refused } = combine(verifyCommittee(transcript), tallyFromJson(tally), envelopes);
    return { counts, used, refused: Object.keys(refused).map(Number) };
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
