"""Encrypted ballots and the counting committee, Python side (docs/encrypted-ballots.md).

Vectors in tests/data/encrypted-ballot-vectors.json (RFC 9496, RFC 9380 and the
protocol's own, which the phone's JavaScript checks too); every refusal the
protocol promises; a ceremony with a cheating dealer and a false complaint; t of n
decryption with an absent trustee and a wrong share; the backup code.
"""

from __future__ import annotations

import copy
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballot.crypto import backup, committee, elgamal, threshold, zkp
from ballot.crypto import encrypted_ballot as eb
from ballot.crypto.encoding import b64url_decode, b64url_encode
from ballot.crypto.errors import (
    CeremonyFailed,
    CommitteeError,
    CountOutOfRange,
    CryptoError,
    InvalidBackup,
    InvalidElement,
    InvalidEncryptedBallot,
    InvalidProof,
    InvalidScalar,
    InvalidShare,
    NotEnoughShares,
    WrongPin,
)
from ballot.crypto.ristretto import GENERATOR, IDENTITY, Element, Scalar, expand_message_xmd, hash_to_scalar

ROOT = Path(__file__).resolve().parent.parent
VECTORS_PATH = ROOT / "tests" / "data" / "encrypted-ballot-vectors.json"
V = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))


def items(spec: list[dict[str, Any]]) -> list[Any]:
    out: list[Any] = []
    for item in spec:
        ((kind, value),) = item.items()
        out.append(b64url_decode(value) if kind == "bytes" else value)
    return out


@pytest.fixture(scope="module")
def com() -> committee.Committee:
    return committee.verify_committee(V["ceremony"]["transcript"])


@pytest.fixture(scope="module")
def tally() -> eb.EncryptedTally:
    return eb.EncryptedTally.from_json(V["tally"]["tally"])


def test_vectors_file_is_what_the_generator_writes() -> None:
    """The committed bytes are the implementation's bytes: a change is deliberate."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import make_encrypted_ballot_vectors as gen

    assert VECTORS_PATH.read_text(encoding="utf-8") == gen.render()


# --- group and hashing (RFC 9496, RFC 9380, RFC 9497) ----------------------------


def test_rfc9496_multiples_of_the_generator() -> None:
    point = IDENTITY
    for encoded in V["group"]["small_multiples"]:
        assert point.to_bytes().hex() == encoded
        assert Element.decode(bytes.fromhex(encoded), allow_identity=True) == point
        point = point + GENERATOR


@pytest.mark.parametrize("encoded", V["group"]["bad_encodings"])
def test_rfc9496_bad_encodings_are_refused(encoded: str) -> None:
    with pytest.raises(InvalidElement):
        Element.decode(bytes.fromhex(encoded))


def test_rfc9496_element_derivation_from_uniform_bytes() -> None:
    for case in V["group"]["from_uniform"]:
        assert Element.from_uniform(bytes.fromhex(case["input"])).to_bytes().hex() == case["output"]


def test_identity_refused_where_a_key_is_expected() -> None:
    with pytest.raises(InvalidElement):
        Element.decode(bytes(32))


def test_group_and_scalar_operations() -> None:
    ops = V["group"]["operations"]
    x, y = Scalar.from_b64(ops["x"]), Scalar.from_b64(ops["y"])
    p, q = Element.base_times(x), Element.base_times(y)
    assert p.b64() == ops["x_times_G"] and q.b64() == ops["y_times_G"]
    assert (p + q).b64() == ops["sum"] == Element.base_times(x + y).b64()
    assert (p - q).b64() == ops["difference"] == Element.base_times(x - y).b64()
    assert (x * q).b64() == ops["x_times_yG"] == Element.base_times(x * y).b64()
    assert (x * x.inverse()) == Scalar.from_int(1)
    assert (x + (-x)) == Scalar.from_int(0)


def test_non_canonical_scalars_are_refused() -> None:
    assert int(Scalar.from_b64(V["group"]["scalars"]["order_minus_one"])) > 0
    for text in V["group"]["scalars"]["non_canonical"]:
        with pytest.raises(InvalidScalar):
            Scalar.from_b64(text)


def test_rfc9380_expand_message_xmd_sha512() -> None:
    xmd = V["hashing"]["expand_message_xmd_sha512"]
    for case in xmd["vectors"]:
        assert expand_message_xmd(case["msg"].encode(), xmd["dst"].encode(), case["len"]).hex() == case["out"]


def test_hash_to_scalar_vectors_and_length_prefixing() -> None:
    for case in V["hashing"]["hash_to_scalar"]:
        assert hash_to_scalar(case["dst"], *items(case["items"])).b64() == case["scalar"]
    # The length prefixes keep ["ab", "c"] and ["a", "bc"] apart.
    assert hash_to_scalar("phieukin-v1-test", "ab", "c") != hash_to_scalar("phieukin-v1-test", "a", "bc")


# --- ElGamal and proofs ---------------------------------------------------------------


def test_elgamal_vectors_and_homomorphism() -> None:
    key = Element.from_b64(V["proofs"]["key"])
    secret = Scalar.from_b64(V["proofs"]["key_secret"])
    total = elgamal.ZERO
    for case in V["proofs"]["encryptions"]:
        ct = elgamal.encrypt(key, case["m"], Scalar.from_b64(case["r"]))
        assert ct.b64() == case["ciphertext"]
        assert ct.beta - secret * ct.alpha == (GENERATOR if case["m"] else IDENTITY)
        total = total + ct
    assert total.beta - secret * total.alpha == GENERATOR  # 0 + 1


def test_zero_or_one_vectors_verify_and_bind_their_context() -> None:
    key = Element.from_b64(V["proofs"]["key"])
    for case in V["proofs"]["zero_or_one"]:
        ct = elgamal.Ciphertext.from_b64(case["ciphertext"])
        nonces = tuple(Scalar.from_b64(n) for n in case["nonces"])
        context = items(case["context"])
        proof = zkp.prove_zero_or_one(key, ct, case["m"], Scalar.from_b64(case["r"]), context, nonces)
        assert proof.b64() == case["proof"]
        zkp.verify_zero_or_one(key, ct, proof, context)
        for other in (context[:-1] + ["HTXSNV"], ["sum", *context[1:4]], context[:1] + ["R2"] + context[2:]):
            with pytest.raises(InvalidProof):
                zkp.verify_zero_or_one(key, ct, proof, other)
        other_key = Element.base_times(Scalar.from_int(5))
        with pytest.raises(InvalidProof):
            zkp.verify_zero_or_one(other_key, ct, proof, context)


@pytest.mark.parametrize("position", range(0, 128, 13))
def test_zero_or_one_proof_with_any_byte_changed_is_refused(position: int) -> None:
    key = Element.from_b64(V["proofs"]["key"])
    case = V["proofs"]["zero_or_one"][1]
    ct = elgamal.Ciphertext.from_b64(case["ciphertext"])
    raw = bytearray(b64url_decode(case["proof"]))
    raw[position] ^= 0x01
    with pytest.raises(InvalidProof):
        zkp.verify_zero_or_one(key, ct, zkp.ZeroOrOneProof.decode(bytes(raw)), items(case["context"]))


def test_schnorr_and_chaum_pedersen_vectors() -> None:
    s = V["proofs"]["schnorr"]
    proof = zkp.prove_schnorr(Scalar.from_b64(s["x"]), items(s["context"]), Scalar.from_b64(s["nonce"]))
    assert proof.b64() == s["proof"]
    zkp.verify_schnorr(Element.from_b64(s["X"]), proof, items(s["context"]))
    with pytest.raises(InvalidProof):
        zkp.verify_schnorr(Element.from_b64(s["X"]), proof, ["enc-key", 4])
    d = V["proofs"]["dleq"]
    base = Element.from_b64(d["base"])
    point, proof = zkp.prove_dleq(Scalar.from_b64(d["s"]), base, items(d["context"]), Scalar.from_b64(d["nonce"]))
    assert (point.b64(), proof.b64()) == (d["D"], d["proof"])
    zkp.verify_dleq(Element.from_b64(d["Y"]), base, point, proof, items(d["context"]))
    with pytest.raises(InvalidProof):  # a wrong decryption share
        zkp.verify_dleq(Element.from_b64(d["Y"]), base, point + GENERATOR, proof, items(d["context"]))


# --- the encrypted ballot --------------------------------------------------------------


def test_ballot_vectors_are_reproduced_and_verify(com: committee.Committee) -> None:
    questions = V["ballots"]["questions"]
    for case in V["ballots"]["items"]:
        randomness = iter([Scalar.from_b64(r) for r in case["randomness"]])
        obj = eb.encrypt_ballot(
            com.joint_key, "R1", questions, case["choices"], nonce=b64url_decode(case["nonce"]), randomness=randomness
        )
        assert obj == case["ballot"]
        eb.check_encrypted_ballot(obj, round_id="R1", question_ids=questions, key=com.joint_key)


def test_each_ballot_encrypts_exactly_its_choices(com: committee.Committee) -> None:
    """Decrypting one ballot (here, in a test, with the shares) gives its one-hot vectors."""
    shares = {int(j): Scalar.from_b64(s) for j, s in V["ceremony"]["shares"].items()}
    questions = V["ballots"]["questions"]
    for case in V["ballots"]["items"]:
        one = eb.EncryptedTally.of("R1", com.joint_key, questions, [eb.parse_encrypted_ballot(case["ballot"])])
        counts = threshold.decrypt_with_shares(one, {1: shares[1], 3: shares[3]})
        for q in questions:
            expected = {lv: int(case["choices"].get(q) == lv) for lv in eb.LEVELS}
            assert counts[q] == expected, (q, case["choices"])


@pytest.mark.parametrize("case", V["invalid_ballots"], ids=[c["name"] for c in V["invalid_ballots"]])
def test_invalid_ballot_is_refused_naming_the_field(case: dict[str, Any], com: committee.Committee) -> None:
    with pytest.raises(InvalidEncryptedBallot) as info:
        eb.check_encrypted_ballot(
            case["ballot"], round_id=case["round"], question_ids=V["ballots"]["questions"], key=com.joint_key
        )
    assert info.value.field == case["field"]  # type: ignore[attr-defined]
    assert info.value.message  # Vietnamese, for the error answer


def test_encrypt_ballot_refuses_unknown_levels_and_questions(com: committee.Committee) -> None:
    with pytest.raises(CryptoError):
        eb.encrypt_ballot(com.joint_key, "R1", ["m01"], {"m01": "XUAT_SAC"})
    with pytest.raises(CryptoError):
        eb.encrypt_ballot(com.joint_key, "R1", ["m01"], {"m09": "HTNV"})


def test_ballot_is_canonical_json_of_strings_only(com: committee.Committee) -> None:
    from ballot.crypto.canonical import canonical_json, parse_canonical

    obj = V["ballots"]["items"][0]["ballot"]
    assert parse_canonical(canonical_json(obj)) == obj


# --- tally, decryption, combination ------------------------------------------------------


def expected_counts() -> dict[str, dict[str, int]]:
    votes = Counter((q, lv) for case in V["ballots"]["items"] for q, lv in case["choices"].items())
    return {q: {lv: votes[(q, lv)] for lv in eb.LEVELS} for q in V["ballots"]["questions"]}


def test_tally_vector_by_batch_and_by_running_sum(com: committee.Committee, tally: eb.EncryptedTally) -> None:
    ballots = [eb.parse_encrypted_ballot(c["ballot"]) for c in V["ballots"]["items"]]
    batch = eb.EncryptedTally.of("R1", com.joint_key, V["ballots"]["questions"], ballots)
    running = eb.EncryptedTally.empty("R1", com.joint_key, V["ballots"]["questions"])
    for b in ballots:
        running = running.add(b)
    checked = eb.EncryptedTally.of_checked("R1", com.joint_key, V["ballots"]["questions"],
                                           [c["ballot"] for c in V["ballots"]["items"]])
    assert batch.to_json() == running.to_json() == checked.to_json() == V["tally"]["tally"]
    assert b64url_encode(tally.digest()) == V["tally"]["digest"]
    assert eb.EncryptedTally.of_checked("R1", com.joint_key, ["q"], []).to_json() == \
        eb.EncryptedTally.empty("R1", com.joint_key, ["q"]).to_json()


def test_combination_with_one_trustee_absent(com: committee.Committee, tally: eb.EncryptedTally) -> None:
    partials = [p["envelope"] for p in V["decryption"]["partials"]]
    result = threshold.combine(com, tally, partials)
    assert result.counts == expected_counts() == V["decryption"]["counts"]
    assert result.used == [2, 3] and result.refused == {}


def test_partial_decryption_vectors_are_reproduced(com: committee.Committee, tally: eb.EncryptedTally) -> None:
    seeds = [b64url_decode(s) for s in V["ceremony"]["seeds"]]
    for p in V["decryption"]["partials"]:
        t = committee.Trustee(seeds[p["trustee"] - 1], com.context, p["trustee"])
        nonces = [Scalar.from_b64(n) for n in p["nonces"]]
        assert (
            threshold.partial_decryption(t, t.secret_share(V["ceremony"]["transcript"]), com, tally, nonces)
            == p["envelope"]
        )


def test_wrong_share_is_refused_and_named_and_the_others_count(
    com: committee.Committee, tally: eb.EncryptedTally
) -> None:
    seeds = [b64url_decode(s) for s in V["ceremony"]["seeds"]]
    t1 = committee.Trustee(seeds[0], com.context, 1)
    good1 = threshold.partial_decryption(t1, t1.secret_share(V["ceremony"]["transcript"]), com, tally)
    wrong2 = V["wrong_partial"]["envelope"]
    with pytest.raises(InvalidShare) as info:
        threshold.check_partial_decryption(com, tally, wrong2)
    assert "thành viên 2" in info.value.message
    result = threshold.combine(com, tally, [wrong2, V["decryption"]["partials"][1]["envelope"], good1])
    assert result.counts == expected_counts()
    assert result.used == [1, 3] and list(result.refused) == [2]


def test_fewer_than_t_valid_shares_cannot_count(com: committee.Committee, tally: eb.EncryptedTally) -> None:
    with pytest.raises(NotEnoughShares) as info:
        threshold.combine(com, tally, [V["wrong_partial"]["envelope"], V["decryption"]["partials"][1]["envelope"]])
    assert info.value.missing == [1, 2]
    assert "1, 2" in info.value.message


def test_share_for_another_tally_is_refused(com: committee.Committee, tally: eb.EncryptedTally) -> None:
    """A share names its tally: it cannot be replayed to decrypt a different one."""
    ballots = [eb.parse_encrypted_ballot(c["ballot"]) for c in V["ballots"]["items"][:1]]
    single = eb.EncryptedTally.of("R1", com.joint_key, V["ballots"]["questions"], ballots)
    with pytest.raises(InvalidShare):
        threshold.check_partial_decryption(com, single, V["decryption"]["partials"][0]["envelope"])


def test_lagrange_coefficients_vector() -> None:
    lag = V["lagrange"]
    got = threshold.lagrange_at_zero(lag["indices"])
    assert {str(j): c.b64() for j, c in got.items()} == lag["coefficients"]


def test_discrete_log_is_bounded() -> None:
    dlog = threshold.DiscreteLog(10)
    assert dlog(Element.base_times(Scalar.from_int(10))) == 10
    with pytest.raises(CountOutOfRange):
        dlog(Element.base_times(Scalar.from_int(11)))


@settings(max_examples=15, deadline=None)
@given(st.lists(st.dictionaries(st.sampled_from(["a", "b"]), st.sampled_from(eb.LEVELS)), min_size=1, max_size=6))
def test_decrypted_totals_equal_the_plaintext_count(ballots: list[dict[str, str]]) -> None:
    transcript = V["ceremony"]["transcript"]
    com = committee.verify_committee(transcript)
    parsed = [eb.parse_encrypted_ballot(eb.encrypt_ballot(com.joint_key, "R9", ["a", "b"], c)) for c in ballots]
    tally = eb.EncryptedTally.of("R9", com.joint_key, ["a", "b"], parsed)
    seeds = [b64url_decode(s) for s in V["ceremony"]["seeds"]]
    trustees = [committee.Trustee(s, com.context, i + 1) for i, s in enumerate(seeds)]
    envs = [
        threshold.partial_decryption(t, Scalar.from_b64(V["ceremony"]["shares"][str(t.index)]), com, tally)
        for t in trustees[:2]
    ]
    votes = Counter((q, lv) for c in ballots for q, lv in c.items())
    assert threshold.combine(com, tally, envs).counts == {
        q: {lv: votes[(q, lv)] for lv in eb.LEVELS} for q in ["a", "b"]
    }


# --- the ceremony ------------------------------------------------------------------------


def test_ceremony_vector(com: committee.Committee) -> None:
    c = V["ceremony"]
    seeds = [b64url_decode(s) for s in c["seeds"]]
    assert committee.run_ceremony(c["transcript"]["context"], seeds) == c["transcript"]
    assert com.joint_key.b64() == c["joint_key"]
    assert b64url_encode(com.fingerprint) == c["fingerprint"]
    assert com.short_fingerprint == c["short_fingerprint"]
    assert {str(j): y.b64() for j, y in com.verification_keys.items()} == c["verification_keys"]
    shares = {int(j): Scalar.from_b64(s) for j, s in c["shares"].items()}
    # Any two shares interpolate the same joint secret, whose public key is h.
    for pair in ([1, 2], [1, 3], [2, 3]):
        lam = threshold.lagrange_at_zero(pair)
        secret = lam[pair[0]] * shares[pair[0]] + lam[pair[1]] * shares[pair[1]]
        assert Element.base_times(secret) == com.joint_key


def _ceremony(context: dict[str, Any]) -> tuple[list[committee.Trustee], list[Any], list[Any]]:
    trustees = [committee.Trustee(bytes([i + 1]) * 32, context, i + 1) for i in range(context["n"])]
    announcements = [t.announce() for t in trustees]
    return trustees, announcements, [t.deal(announcements) for t in trustees]


def test_a_cheating_dealer_is_named_by_the_complaint() -> None:
    context = {"ceremony": "cheat", "n": 3, "t": 2}
    trustees, ann, deals = _ceremony(context)
    msg = copy.deepcopy(deals[0]["message"])  # dealer 1 sends trustee 3 a wrong share
    share = Scalar.from_b64(msg["shares"][1]["share"])
    msg["shares"][1]["share"] = (share + Scalar.from_int(1)).b64()
    deals[0] = trustees[0].sign(msg)
    assert trustees[1].respond(ann, deals)[0]["message"]["type"] == "confirmation"
    complaint = trustees[2].respond(ann, deals)
    assert [c["message"]["type"] for c in complaint] == ["complaint"]
    assert complaint[0]["message"]["against"] == 1
    transcript = {
        "context": context,
        "announcements": ann,
        "dealings": deals,
        "complaints": complaint,
        "confirmations": [],
    }
    with pytest.raises(CeremonyFailed) as info:
        committee.verify_committee(transcript)
    assert info.value.culprit == 1 and "thành viên 1" in info.value.message


def test_a_false_complaint_names_the_complainer() -> None:
    context = {"ceremony": "false-complaint", "n": 3, "t": 2}
    trustees, ann, deals = _ceremony(context)
    honest = trustees[2]
    eph = Element.from_b64(deals[0]["message"]["shares"][1]["eph"])
    k, proof = zkp.prove_dleq(honest._e, eph, ["complaint", honest.ctx, 1, 3])
    false = honest.sign(honest._message("complaint", against=1, key=k.b64(), proof=proof.b64()))
    transcript = {
        "context": context,
        "announcements": ann,
        "dealings": deals,
        "complaints": [false],
        "confirmations": [],
    }
    with pytest.raises(CeremonyFailed) as info:
        committee.verify_committee(transcript)
    assert info.value.culprit == 3


def test_a_message_the_server_substituted_is_refused() -> None:
    """A server cannot slip its own dealing in for a trustee: the signature fails."""
    context = {"ceremony": "substitute", "n": 3, "t": 2}
    trustees, ann, deals = _ceremony(context)
    impostor = committee.Trustee(bytes([9]) * 32, context, 2)
    forged = copy.deepcopy(impostor.deal(ann))
    deals[1] = {"message": forged["message"], "signature": forged["signature"]}
    with pytest.raises(CommitteeError) as info:
        trustees[0].respond(ann, deals)
    assert "thành viên 2" in info.value.message


def test_a_confirmation_of_another_record_fails_the_ceremony() -> None:
    context = {"ceremony": "other-record", "n": 2, "t": 2}
    transcript = committee.run_ceremony(context, [bytes([1]) * 32, bytes([2]) * 32])
    t2 = committee.Trustee(bytes([2]) * 32, context, 2)
    msg = copy.deepcopy(transcript["confirmations"][1]["message"])
    msg["fingerprint"] = b64url_encode(bytes(32))
    transcript["confirmations"][1] = t2.sign(msg)
    with pytest.raises(CommitteeError, match="confirmed another record"):
        committee.verify_committee(transcript)


def test_a_fake_ceremony_shows_another_fingerprint() -> None:
    context = {"ceremony": "real", "n": 3, "t": 2}
    real = committee.verify_committee(committee.run_ceremony(context, [bytes([i]) * 32 for i in range(3)]))
    fake = committee.verify_committee(committee.run_ceremony(context, [bytes([i + 7]) * 32 for i in range(3)]))
    assert real.short_fingerprint != fake.short_fingerprint
    assert len(real.short_fingerprint) == 19  # "XXXX XXXX XXXX XXXX"


def test_a_missing_confirmation_leaves_the_ceremony_incomplete() -> None:
    transcript = copy.deepcopy(V["ceremony"]["transcript"])
    transcript["confirmations"].pop()
    with pytest.raises(CommitteeError) as info:
        committee.verify_committee(transcript)
    assert "3" in info.value.message


@pytest.mark.parametrize(
    "context",
    [
        {"ceremony": "x", "n": 8, "t": 2},
        {"ceremony": "x", "n": 3, "t": 4},
        {"ceremony": "", "n": 3, "t": 2},
        {"n": 3, "t": 2},
    ],
)
def test_bad_committee_sizes_are_refused(context: dict[str, Any]) -> None:
    with pytest.raises(CommitteeError):
        committee.check_context(context)


# --- backup ----------------------------------------------------------------------------------


def test_backup_vectors_and_restore() -> None:
    b = V["backup"]
    seed, fp = b64url_decode(b["seed"]), b64url_decode(b["fingerprint"])
    assert backup.encode_backup(seed, 2, fp) == b["code"]
    assert backup.encode_backup(seed, 2, fp, b["pin"]) == b["code_with_pin"]
    assert len(b["code"].replace("-", "")) == 64
    trustee, share = backup.restore_trustee(b["code"], None, V["ceremony"]["transcript"])
    assert trustee.index == 2 and share.b64() == V["ceremony"]["shares"]["2"]
    _, share = backup.restore_trustee(b["code_with_pin"], b["pin"], V["ceremony"]["transcript"])
    assert share.b64() == V["ceremony"]["shares"]["2"]


def test_backup_typed_by_hand_with_lower_case_and_digit_confusions() -> None:
    code = V["backup"]["code"]
    typed = code.lower().replace("-", " ").replace("o", "0").replace("i", "1")
    assert backup.decode_backup(typed).seed == b64url_decode(V["backup"]["seed"])


def test_backup_wrong_pin_typo_and_other_committee_are_refused() -> None:
    b = V["backup"]
    with pytest.raises(WrongPin):
        backup.restore_trustee(b["code_with_pin"], "000000", V["ceremony"]["transcript"])
    with pytest.raises(WrongPin):
        backup.decode_backup(b["code_with_pin"])  # needs its PIN
    typo = ("B" if b["code"][0] != "B" else "C") + b["code"][1:]
    with pytest.raises(InvalidBackup):
        backup.decode_backup(typo)
    other = committee.run_ceremony({"ceremony": "other", "n": 3, "t": 2}, [bytes([i]) * 32 for i in range(3)])
    with pytest.raises(InvalidBackup):
        backup.restore_trustee(b["code"], None, other)
