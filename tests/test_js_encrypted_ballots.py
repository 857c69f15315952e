"""Encrypted ballots across the two implementations (docs/encrypted-ballots.md).

`node --test tests/js/*.test.mjs` (run by tests/test_js_crypto.py) checks the
phone's modules against the repository's vectors; here the two sides work
together: a ceremony with trustees on both sides, ballots made on phones (JS)
checked and added on the server (Python) and the other way, decryption shares
from both, an absent trustee and a wrong share. Node 20 is required (fails, not skips).
"""

from __future__ import annotations

import copy
import os
import random
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from test_js_crypto import NodeHelper, _node

from ballot.crypto import committee, threshold
from ballot.crypto import encrypted_ballot as eb
from ballot.crypto.encoding import b64url_decode, b64url_encode
from ballot.crypto.errors import InvalidEncryptedBallot, InvalidShare
from ballot.crypto.ristretto import Element

QUESTIONS = ["m01", "m02", "m03", "m04", "m05"]


@pytest.fixture(scope="module")
def js() -> Iterator[NodeHelper]:
    helper = NodeHelper(_node())
    yield helper
    helper.close()


@pytest.fixture(scope="module")
def ceremony(js: NodeHelper) -> dict[str, Any]:
    """3 trustees, t = 2: trustees 1 and 3 on JavaScript phones, trustee 2 in Python."""
    context = {"ceremony": b64url_encode(os.urandom(12)), "meeting": "cross", "n": 3, "t": 2}
    seeds = [os.urandom(32) for _ in range(3)]
    py2 = committee.Trustee(seeds[1], context, 2)

    def step(index: int, op: str, **fields: Any) -> Any:
        if index == 2:
            return {"announce": py2.announce, "deal": py2.deal, "respond": py2.respond}[op](*fields.values())
        answer = js.ok(f"trustee_{op}", seed=b64url_encode(seeds[index - 1]), context=context, index=index, **fields)
        return answer.get("envelope", answer.get("envelopes"))

    ann = [step(i, "announce") for i in (1, 2, 3)]
    deals = [step(i, "deal", announcements=ann) for i in (1, 2, 3)]
    confs = [step(i, "respond", announcements=ann, dealings=deals)[0] for i in (1, 2, 3)]
    transcript = {"context": context, "announcements": ann, "dealings": deals, "complaints": [], "confirmations": confs}
    return {"transcript": transcript, "seeds": seeds, "committee": committee.verify_committee(transcript)}


def test_mixed_ceremony_gives_one_key_and_fingerprint_on_both_sides(js: NodeHelper, ceremony: dict[str, Any]) -> None:
    com = ceremony["committee"]
    answer = js.ok("committee_verify", transcript=ceremony["transcript"])
    assert answer["joint_key"] == com.joint_key.b64()
    assert answer["short"] == com.short_fingerprint
    assert all(c["message"]["type"] == "confirmation" for c in ceremony["transcript"]["confirmations"])


def test_javascript_refuses_a_record_the_server_altered(js: NodeHelper, ceremony: dict[str, Any]) -> None:
    """A phone computes the key from the commitments: a swapped commitment is refused."""
    altered = copy.deepcopy(ceremony["transcript"])
    commitments = altered["dealings"][0]["message"]["commitments"]
    commitments[0] = Element.base_times(committee.Scalar.from_int(7)).b64()
    assert js("committee_verify", transcript=altered)["error"]["code"] == "bad_committee"


def random_choices(rng: random.Random) -> dict[str, str]:
    return {q: rng.choice(eb.LEVELS) for q in QUESTIONS if rng.random() < 0.8}


def test_ballots_made_in_javascript_verify_in_python_and_back(js: NodeHelper, ceremony: dict[str, Any]) -> None:
    key = ceremony["committee"].joint_key
    rng = random.Random(7)
    for _ in range(3):
        ballot = js.ok("encrypt_ballot", key=key.b64(), round="R1", questions=QUESTIONS, choices=random_choices(rng))[
            "ballot"
        ]
        eb.check_encrypted_ballot(ballot, round_id="R1", question_ids=QUESTIONS, key=key)
        py_ballot = eb.encrypt_ballot(key, "R1", QUESTIONS, random_choices(rng))
        assert js.ok("check_ballot", ballot=py_ballot, round="R1", questions=QUESTIONS, key=key.b64())["ok"]


def test_each_side_refuses_the_others_tampered_ballot(js: NodeHelper, ceremony: dict[str, Any]) -> None:
    key = ceremony["committee"].joint_key
    ballot = js.ok("encrypt_ballot", key=key.b64(), round="R1", questions=QUESTIONS, choices={"m01": "HTNV"})["ballot"]
    tampered = copy.deepcopy(ballot)
    raw = bytearray(b64url_decode(tampered["choices"]["m02"]["sum_proof"]))
    raw[5] ^= 0x10
    tampered["choices"]["m02"]["sum_proof"] = b64url_encode(bytes(raw))
    with pytest.raises(InvalidEncryptedBallot) as info:
        eb.check_encrypted_ballot(tampered, round_id="R1", question_ids=QUESTIONS, key=key)
    assert info.value.field == "choices.m02.sum_proof"  # type: ignore[attr-defined]
    py_ballot = eb.encrypt_ballot(key, "R1", QUESTIONS, {"m05": "KHTNV"})
    answer = js("check_ballot", ballot=py_ballot, round="R2", questions=QUESTIONS, key=key.b64())
    assert answer["error"]["field"] == "round"
    py_ballot["round"] = "R2"
    answer = js("check_ballot", ballot=py_ballot, round="R2", questions=QUESTIONS, key=key.b64())
    assert answer["error"]["field"] == "choices.m01.proofs"


def test_simulated_meeting_phones_vote_server_counts_one_trustee_absent_one_wrong(
    js: NodeHelper, ceremony: dict[str, Any]
) -> None:
    """Eight ballots from JavaScript; Python checks and adds them; trustee 2 is absent
    at first (1 and 3 decrypt), then sends a wrong share, which is refused by name."""
    com, transcript, seeds = ceremony["committee"], ceremony["transcript"], ceremony["seeds"]
    rng = random.Random(2026)
    choices = [random_choices(rng) for _ in range(8)]
    ballots = []
    for c in choices:
        obj = js.ok("encrypt_ballot", key=com.joint_key.b64(), round="R1", questions=QUESTIONS, choices=c)["ballot"]
        ballots.append(eb.check_encrypted_ballot(obj, round_id="R1", question_ids=QUESTIONS, key=com.joint_key))
    tally = eb.EncryptedTally.of("R1", com.joint_key, QUESTIONS, ballots)
    votes = Counter((q, lv) for c in choices for q, lv in c.items())
    expected = {q: {lv: votes[(q, lv)] for lv in eb.LEVELS} for q in QUESTIONS}

    share1 = js.ok(
        "partial_decrypt", seed=b64url_encode(seeds[0]), transcript=transcript, index=1, tally=tally.to_json()
    )["envelope"]
    t3 = committee.Trustee(seeds[2], transcript["context"], 3)
    share3 = threshold.partial_decryption(t3, t3.secret_share(transcript), com, tally)
    result = threshold.combine(com, tally, [share1, share3])
    assert result.counts == expected and result.used == [1, 3]
    in_js = js.ok("combine", transcript=transcript, tally=tally.to_json(), envelopes=[share3, share1])
    assert in_js["counts"] == expected and in_js["used"] == [1, 3]

    wrong2 = js.ok(
        "partial_decrypt",
        seed=b64url_encode(seeds[1]),
        transcript=transcript,
        index=2,
        tally=tally.to_json(),
        wrong=True,
    )["envelope"]
    with pytest.raises(InvalidShare):
        threshold.check_partial_decryption(com, tally, wrong2)
    result = threshold.combine(com, tally, [wrong2, share3, share1])
    assert result.counts == expected and result.used == [1, 3] and list(result.refused) == [2]
    assert js.ok("combine", transcript=transcript, tally=tally.to_json(), envelopes=[wrong2, share1, share3])[
        "refused"
    ] == [2]
