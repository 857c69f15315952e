"""The certified bundle and `ballot verify`: a whole meeting through the
API, certified, verified by the command line; then every kind of tampering the
issue lists, each caught by its own check."""

from __future__ import annotations

import copy
import json
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from ballot.crypto import blind_rsa, tracking
from ballot.crypto.canonical import canonical_json, parse_canonical
from ballot.crypto.certify import KeyStore, fingerprint
from ballot.crypto.encoding import b64url_decode, b64url_encode
from ballot.report import bundle as fmt
from ballot.report.canonical import bundle_digest, dump_bundle
from ballot.report.verify import verify_bundle
from tests.certify_kit import NAMES, VOTERS, CertifiedMeeting, certified_meeting

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def certified(tmp_path_factory) -> CertifiedMeeting:
    return certified_meeting(tmp_path_factory.mktemp("certified"))


@pytest.fixture(scope="module")
def branch_key(certified):
    """The chi bộ's own private key: a dishonest holder could re-sign a changed bundle."""
    return KeyStore(certified.server.services.settings.keys_directory).load_private()


@pytest.fixture(scope="module")
def branch_fingerprint(branch_key) -> str:
    return fingerprint(branch_key.public_key())


def run_verify(path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ballot.cli", "verify", str(path), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=120,
    )


def write(tmp_path: Path, bundle: dict, name: str = "bundle.json") -> Path:
    path = tmp_path / name
    path.write_bytes(dump_bundle(bundle))
    return path


def failing(bundle: dict, **expected) -> set[str]:
    report = verify_bundle(dump_bundle(bundle), **expected)
    return {check.name for check in report.checks if check.status == "fail"}


def resign(bundle: dict, private_key) -> dict:
    return fmt.sign_bundle(bundle, private_key)


# --- the honest bundle ------------------------------------------------------------------


def test_bundle_has_the_issue_5_shape(certified):
    bundle = certified.bundle
    assert bundle["format"] == "phieukin-bundle/1"
    assert set(bundle) >= {
        "meeting",
        "organisation",
        "profile",
        "settings",
        "roster",
        "attendance",
        "rounds",
        "proposal",
        "organisation_vote",
        "signer",
        "signature",
    }
    assert [m["name"] for m in bundle["roster"]] == list(NAMES)
    assert [r["kind"] for r in bundle["rounds"]] == ["classification", "followup", "organisation"]
    for round_ in bundle["rounds"]:
        assert round_["participants"] == sorted(VOTERS)  # the sign-in sheet, sorted
        codes = [b["tracking_code"] for b in round_["ballots"]]
        assert codes == sorted(codes) and len(codes) == 3
        assert set(round_["public_key"]) == {"n", "e", "spki_pem"}
        assert round_["tally"]["ballots"] == 3
    assert bundle["signer"]["algorithm"] == "Ed25519"
    # The proposal is `ballot classify`'s, from the rebuilt scenario.
    assert bundle["proposal"] == fmt.classify_bundle(bundle)
    levels = {m["id"]: m["level"] for m in bundle["proposal"]["members"]}
    assert levels == {"m01": "HTXSNV", "m02": "HTTNV", "m03": "HTNV", "m04": "HTNV", "m05": None}
    assert bundle["organisation_vote"]["level"] == "HTTNV"


def test_bundle_never_links_a_member_to_a_ballot(certified):
    text = certified.bundle_bytes.decode()
    for round_ in certified.bundle["rounds"]:
        for ballot in round_["ballots"]:
            assert set(ballot) == {"text", "prefix", "signature", "tracking_code"}
            assert set(parse_canonical(ballot["text"])) == {"round", "choices", "nonce"}
    assert "personal_code" not in text and certified.meeting["meeting"]["code"] not in text


def test_followup_round_decides_the_member_it_asked_about(certified):
    scenario = fmt.scenario_from_bundle(certified.bundle)
    assert scenario["followups"] == [
        {"ballots": 3, "votes": {"m04": {"HTXSNV": 0, "HTTNV": 1, "HTNV": 2, "KHTNV": 0}}}
    ]
    m04 = next(m for m in certified.bundle["proposal"]["members"] if m["id"] == "m04")
    assert m04["round"] == 1 and m04["level"] == "HTNV"


def test_ballot_verify_passes_with_the_branch_fingerprint(certified, tmp_path, branch_fingerprint):
    path = tmp_path / "bundle.json"
    path.write_bytes(certified.bundle_bytes)
    result = run_verify(path, "--fingerprint", branch_fingerprint)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert len([line for line in lines if line.startswith("✓")]) == 12
    assert "Kiểm lại phiếu khớp kết quả đã lưu" in result.stdout
    assert lines[-1].startswith("KẾT QUẢ: ĐẠT")


def test_ballot_verify_with_key_file_in_english(certified, tmp_path):
    path = tmp_path / "bundle.json"
    path.write_bytes(certified.bundle_bytes)
    key_file = KeyStore(certified.server.services.settings.keys_directory).public_path
    result = run_verify(path, "--key", str(key_file), "--lang", "en")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "✓ The rules re-applied give the bundle's proposal" in result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("RESULT: PASSED")


def test_without_a_key_the_signer_is_left_to_compare_by_hand(
    certified, tmp_path, branch_fingerprint
):
    path = tmp_path / "bundle.json"
    path.write_bytes(certified.bundle_bytes)
    result = run_verify(path)
    assert result.returncode == 0
    signer_line = next(line for line in result.stdout.splitlines() if line.startswith("⚠"))
    assert branch_fingerprint in signer_line and "so sánh" in signer_line


def test_unreadable_bundle_exits_2(tmp_path):
    assert run_verify(tmp_path / "missing.json").returncode == 2
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{not json")
    result = run_verify(garbage)
    assert result.returncode == 1 and "Định dạng gói" in result.stdout


def test_whitespace_does_not_matter_but_duplicate_keys_do(certified):
    compact = json.dumps(certified.bundle, separators=(",", ":"), ensure_ascii=True)
    assert verify_bundle(compact).ok
    doubled = certified.bundle_bytes.decode().replace('"format":', '"format": "x", "format":', 1)
    report = verify_bundle(doubled)
    assert not report.ok and report.first_failure.name == "format"


# --- tampering: each caught by the right check ------------------------------------------


def flip_a_vote(bundle: dict) -> dict:
    ballot = bundle["rounds"][0]["ballots"][0]
    content = parse_canonical(ballot["text"])
    question = next(iter(content["choices"]))
    content["choices"][question] = "KHTNV" if content["choices"][question] != "KHTNV" else "HTNV"
    ballot["text"] = canonical_json(content).decode()
    return bundle


def remove_a_ballot(bundle: dict) -> dict:
    bundle["rounds"][0]["ballots"].pop(1)
    return bundle


def add_a_ballot_signed_by_another_key(bundle: dict) -> dict:
    round_ = bundle["rounds"][0]
    forger = blind_rsa.generate_private_key(2048)
    text = canonical_json(
        {
            "round": round_["id"],
            "choices": {"m03": "HTXSNV"},
            "nonce": b64url_encode(secrets.token_bytes(16)),
        }
    )
    prefix, prepared = blind_rsa.prepare(text)
    blinded, inv = blind_rsa.blind(forger.public_key(), prepared)
    signature = blind_rsa.finalize(
        forger.public_key(), prepared, blind_rsa.blind_sign(forger, blinded), inv
    )
    round_["ballots"].append(
        {
            "text": text.decode(),
            "prefix": b64url_encode(prefix),
            "signature": b64url_encode(signature),
            "tracking_code": tracking.tracking_code(prefix, text, signature),
        }
    )
    round_["ballots"].sort(key=lambda b: b["tracking_code"])
    round_["tally"] = fmt.recount(round_)  # a careful forger updates the tally too
    return bundle


def change_a_fact(bundle: dict) -> dict:
    member = next(m for m in bundle["roster"] if m["id"] == "m01")
    member["disciplined_this_year"] = (
        True  # forces KHTNV (II.B.2.3.d): the proposal no longer follows
    )
    return bundle


def change_a_level(bundle: dict) -> dict:
    member = next(m for m in bundle["proposal"]["members"] if m["id"] == "m03")
    member["level"] = "HTTNV"
    return bundle


TAMPERING = [
    (flip_a_vote, "ballot_signatures"),
    (remove_a_ballot, "recount"),
    (add_a_ballot_signed_by_another_key, "ballot_signatures"),
    (change_a_fact, "rules"),
    (change_a_level, "rules"),
]


@pytest.mark.parametrize("tamper, check", TAMPERING, ids=[t.__name__ for t, _ in TAMPERING])
def test_tampering_breaks_the_branch_signature_and_its_own_check(certified, tamper, check):
    bundle = tamper(copy.deepcopy(certified.bundle))
    assert {"bundle_signature", check} <= failing(bundle)


@pytest.mark.parametrize("tamper, check", TAMPERING, ids=[t.__name__ for t, _ in TAMPERING])
def test_tampering_is_caught_even_when_re_signed_with_the_branch_key(
    certified, branch_key, branch_fingerprint, tamper, check, tmp_path
):
    """A chi bộ that changed its own bundle and signed it again is still caught."""
    bundle = resign(tamper(copy.deepcopy(certified.bundle)), branch_key)
    report = verify_bundle(dump_bundle(bundle), expected_fingerprint=branch_fingerprint)
    assert report.check("bundle_signature").status == "pass"
    assert report.first_failure.name == check
    result = run_verify(write(tmp_path, bundle), "--fingerprint", branch_fingerprint)
    assert result.returncode == 1
    assert f"kiểm tra đầu tiên không đạt: {report.first_failure.title_vi}" in result.stdout


def test_forged_ballot_also_exceeds_participation(certified, branch_key):
    bundle = resign(add_a_ballot_signed_by_another_key(copy.deepcopy(certified.bundle)), branch_key)
    assert {"ballot_signatures", "participation"} <= failing(bundle)


def test_changed_signature_fails_the_signature_check_only(certified, tmp_path):
    bundle = copy.deepcopy(certified.bundle)
    raw = bytearray(b64url_decode(bundle["signature"]))
    raw[0] ^= 1
    bundle["signature"] = b64url_encode(bytes(raw))
    assert failing(bundle) == {"bundle_signature"}
    result = run_verify(write(tmp_path, bundle))
    assert result.returncode == 1
    assert "Chữ ký của chi bộ trên gói" in result.stdout.strip().splitlines()[-1]


def test_bundle_re_signed_by_another_key_fails_the_signer_check(
    certified, branch_fingerprint, tmp_path
):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    impostor = resign(copy.deepcopy(certified.bundle), Ed25519PrivateKey.generate())
    assert failing(impostor) == set()  # self-consistent: only the known key can tell
    assert failing(impostor, expected_fingerprint=branch_fingerprint) == {"signer"}
    result = run_verify(write(tmp_path, impostor), "--fingerprint", branch_fingerprint)
    assert result.returncode == 1 and "Người ký là chi bộ đã biết" in result.stdout.splitlines()[-1]


def test_participant_not_present_is_caught(certified, branch_key):
    bundle = copy.deepcopy(certified.bundle)
    member = next(m for m in bundle["roster"] if m["id"] == "m02")
    member["present"] = False
    assert "participants_eligible" in failing(resign(bundle, branch_key))


def test_duplicated_ballot_is_caught(certified, branch_key):
    bundle = copy.deepcopy(certified.bundle)
    round_ = bundle["rounds"][0]
    round_["ballots"].insert(0, copy.deepcopy(round_["ballots"][0]))
    round_["tally"] = fmt.recount(round_)
    assert {"no_duplicates", "participation"} <= failing(resign(bundle, branch_key))


def test_ballot_moved_to_another_round_is_caught(certified, branch_key):
    bundle = copy.deepcopy(certified.bundle)
    moved = bundle["rounds"][0]["ballots"].pop(0)
    bundle["rounds"][2]["ballots"].append(moved)
    assert "ballot_contents" in failing(resign(bundle, branch_key))


def test_signed_digest_is_over_everything_but_the_signature(certified):
    bundle = certified.bundle
    changed = {**bundle, "generator": "something else"}
    assert bundle_digest(changed) != bundle_digest(bundle)
    assert bundle_digest({**bundle, "signature": "x"}) == bundle_digest(bundle)


def test_rewording_a_reason_is_not_a_rules_failure(certified, branch_key):
    """Only what decides is compared, so a newer wording does not fail an older bundle;
    the reworded bundle still needed the branch's signature to get this far."""
    bundle = copy.deepcopy(certified.bundle)
    bundle["proposal"]["members"][0]["reasons"][0]["message"] = "Lời văn khác."
    report = verify_bundle(dump_bundle(resign(bundle, branch_key)))
    assert report.ok and "Lời văn" in report.check("rules").detail_vi
    bundle["proposal"]["members"][0]["reasons"][0]["code"] = "something_else"
    assert "rules" in failing(resign(bundle, branch_key))


@pytest.mark.parametrize(
    "mangle",
    [
        lambda b: b.update(generator=2**60),  # no single RFC 8785 form
        lambda b: b["rounds"][0].update(ballots=[{"text": 1}]),
        lambda b: b["rounds"][0]["ballots"][0].update(prefix="%%%"),
        lambda b: b["rounds"][0].update(public_key={"n": "x", "e": "AQAB"}),
        lambda b: b["proposal"].update(members="none"),
        lambda b: b.update(roster=[{"id": "m01"}]),
    ],
)
def test_hostile_bundles_fail_checks_and_never_crash_the_verifier(certified, mangle):
    bundle = copy.deepcopy(certified.bundle)
    mangle(bundle)
    report = verify_bundle(json.dumps(bundle))
    assert not report.ok
