"""A trustee page's world, made by ballot.crypto (the server's side), printed as JSON
for tests/js/trustee.test.mjs: a 2-of-3 ceremony from fixed seeds, three encrypted
ballots of a round, blindly signed, and their tally, and a second tally of one ballot (what a server
would present to have a single ballot decrypted)."""

from __future__ import annotations

import json
import sys

from ballot.crypto import blind_rsa, committee
from ballot.crypto import encrypted_ballot as eb
from ballot.crypto.canonical import canonical_json
from ballot.crypto.encoding import b64url_encode

QUESTIONS = ["m01", "m02", "m03"]


def main() -> None:
    context = {"ceremony": "C-fixture", "meeting": "M1", "n": 3, "t": 2}
    seeds = [bytes([i]) * 32 for i in (1, 2, 3)]
    transcript = committee.run_ceremony(context, seeds)
    com = committee.verify_committee(transcript)
    choices = [{"m01": "HTXSNV", "m02": "HTTNV"}, {"m01": "HTXSNV", "m03": "KHTNV"}, {}]
    ballots = [eb.encrypt_ballot(com.joint_key, "R1", QUESTIONS, c) for c in choices]
    round_key = blind_rsa.generate_private_key(2048)
    parsed = [eb.parse_encrypted_ballot(b) for b in ballots]
    tally = eb.EncryptedTally.of("R1", com.joint_key, QUESTIONS, parsed)
    single = eb.EncryptedTally.of("R1", com.joint_key, QUESTIONS, parsed[:1])
    json.dump({
        "context": context,
        "seeds": [b64url_encode(s) for s in seeds],
        "transcript": transcript,
        "short_fingerprint": com.short_fingerprint,
        "questions": QUESTIONS,
        "public_key": blind_rsa.public_key_to_json(round_key.public_key()),
        "ballots": sorted((_signed(round_key, canonical_json(b)) for b in ballots), key=lambda b: b["text"]),
        "tally": tally.to_json(),
        "tally_digest": b64url_encode(tally.digest()),
        "single_tally": single.to_json(),
        # A server holding the round key: ballot 1's ciphertexts under three fresh nonces
        # (proofs no longer valid), signed, and their "sum" (three times ballot 1).
        "copies": [_signed(round_key, canonical_json({**ballots[0], "nonce": b64url_encode(bytes([i]) * 16)}))
                   for i in (7, 8, 9)],
        "copies_tally": eb.EncryptedTally.of("R1", com.joint_key, QUESTIONS, parsed[:1] * 3).to_json(),
    }, sys.stdout)


def _signed(key, text: bytes) -> dict[str, str]:
    """A ballot as the round's box holds it: signed blindly, as a phone has it signed."""
    prefix, prepared = blind_rsa.prepare(text)
    blinded, inv = blind_rsa.blind(key.public_key(), prepared)
    signature = blind_rsa.finalize(key.public_key(), prepared, blind_rsa.blind_sign(key, blinded), inv)
    return {"text": text.decode(), "prefix": b64url_encode(prefix), "signature": b64url_encode(signature)}


if __name__ == "__main__":
    main()
