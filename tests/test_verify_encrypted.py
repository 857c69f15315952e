"""`ballot verify` on format 2, "phieukin-bundle/2" (docs/bundle.md, “Format 2”;
docs/encrypted-ballots.md, 10): a real encrypted meeting certified through the API
(tests/encrypted_kit.py) passes every check, and each kind of tampering is caught by
its own check even when the forger makes everything else consistent: it holds the
chi bộ's key (re-signs the bundle), a round key (re-signs ballots, as the server can
while a round is open) and the trustees' seeds (decrypts whatever tally it likes)."""

from __future__ import annotations

import copy
import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from ballot.crypto import blind_rsa, tracking
from ballot.crypto.canonical import canonical_json, parse_canonical
from ballot.crypto.certify import KeyStore, fingerprint
from ballot.crypto.committee import Trustee, run_ceremony, verify_committee
from ballot.crypto.elgamal import Ciphertext
from ballot.crypto.encoding import b64url_decode, b64url_encode
from ballot.crypto.encrypted_ballot import EncryptedTally, encrypt_ballot, parse_encrypted_ballot
from ballot.crypto.ristretto import GENERATOR, Element
from ballot.crypto.threshold import combine, partial_decryption
from ballot.report import bundle as fmt
from ballot.report.canonical import dump_bundle
from ballot.report.names import local_moment, meeting_zone, moment_vi
from ballot.report.pdf import minutes_pdf
from ballot.report.rows import committee_fingerprints_vi, encryption_lines_vi, round_rows
from ballot.report.schema import BUNDLE_SCHEMA, ENCRYPTED_BUNDLE_SCHEMA, bundle_schema
from ballot.report.verify import verify_bundle
from ballot.report.xlsx import proposal_xlsx
from tests.certify_kit import certified_meeting
from tests.committee_kit import ballot as ballot_command
from tests.encrypted_kit import TRUSTEES, certified_encrypted_meeting

ROOT = Path(__file__).resolve().parent.parent
FORMAT_1_CHECKS = [
    "format", "bundle_signature", "signer", "ballot_signatures", "ballot_contents", "tracking_codes",
    "no_duplicates", "participation", "participants_eligible", "attendance", "recount", "rules",
]
FORMAT_2_CHECKS = [
    "format", "bundle_signature", "signer", "committees", "ballot_signatures", "ballot_contents",
    "ballot_proofs", "tracking_codes", "no_duplicates", "participation", "participants_eligible",
    "attendance", "encrypted_tally", "decryptions", "recount", "rules",
]


class Forger:
    """Everything a dishonest chi bộ, server and committee together could hold."""

    def __init__(self, meeting, data: bytes) -> None:
        self.meeting, self.data = meeting, data
        self.branch_key = KeyStore(meeting.server.services.settings.keys_directory).load_private()
        self.seeds = {key: phone.seed for key, phone in zip(TRUSTEES, meeting.trustees, strict=True)}
        self.round_key = blind_rsa.generate_private_key(2048)

    @property
    def bundle(self) -> dict:
        return json.loads(self.data)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.branch_key.public_key())

    def trustee(self, bundle: dict, index: int) -> tuple[Trustee, object]:
        entry = bundle["committees"][0]
        member = next(t["member_id"] for t in entry["trustees"] if t["index"] == index)
        trustee = Trustee(self.seeds[member], entry["transcript"]["context"], index)
        return trustee, trustee.secret_share(entry["transcript"])

    def resign_ballots(self, round_: dict) -> None:
        """A round key of the forger's own (the server holds the round's while it is open)."""
        public = self.round_key.public_key()
        round_["public_key"] = blind_rsa.public_key_to_json(public)
        round_["public_key_fingerprint"] = blind_rsa.key_fingerprint(public)
        for ballot in round_["ballots"]:
            text = ballot["text"].encode()
            prefix, prepared = blind_rsa.prepare(text)
            blinded, inv = blind_rsa.blind(public, prepared)
            signature = blind_rsa.finalize(public, prepared, blind_rsa.blind_sign(self.round_key, blinded), inv)
            ballot.update(prefix=b64url_encode(prefix), signature=b64url_encode(signature),
                          tracking_code=tracking.tracking_code(prefix, text, signature))
        round_["ballots"].sort(key=lambda b: (b["tracking_code"], b["signature"]))

    def recount(self, bundle: dict, round_: dict, decrypting: tuple[int, ...] | None = None) -> None:
        """The tally the server adds, decrypted by the trustees, the counts and the proposal."""
        committee = verify_committee(bundle["committees"][0]["transcript"])
        ballots = [parse_encrypted_ballot(parse_canonical(b["text"])) for b in round_["ballots"]]
        questions = [q["id"] for q in round_["questions"]]
        tally = EncryptedTally.of(round_["id"], committee.joint_key, questions, ballots)
        decrypting = decrypting or tuple(round_["encryption"]["trustees"])
        envelopes = [partial_decryption(*self.trustee(bundle, i), committee, tally) for i in decrypting]
        decryption = combine(committee, tally, envelopes)
        round_["encryption"].update(
            tally=tally.to_json(), trustees=decryption.used,
            decryptions=[{"trustee": i, "envelope": e} for i, e in zip(decrypting, envelopes, strict=True)])
        round_["tally"] = {"ballots": tally.ballots, "votes": decryption.counts}
        self.repropose(bundle)

    def repropose(self, bundle: dict) -> None:
        bundle["proposal"] = fmt.classify_bundle(bundle)
        bundle["organisation_vote"] = fmt.organisation_vote(bundle)

    def signed(self, bundle: dict) -> bytes:
        return dump_bundle(fmt.sign_bundle(bundle, self.branch_key))

    def failing(self, bundle: dict) -> tuple[set[str], str | None]:
        report = verify_bundle(self.signed(bundle), expected_fingerprint=self.fingerprint)
        assert report.check("bundle_signature").status == "pass"
        failure = report.first_failure
        return {c.name for c in report.checks if c.status == "fail"}, failure.name if failure else None


@pytest.fixture(scope="module")
def forger(tmp_path_factory) -> Forger:
    meeting, data = certified_encrypted_meeting(tmp_path_factory.mktemp("encrypted"))
    return Forger(meeting, data)


def ballot_json(ballot: dict) -> dict:
    return json.loads(ballot["text"])


def set_ballot_json(ballot: dict, content: dict) -> None:
    ballot["text"] = canonical_json(content).decode()


# --- the honest bundle ---------------------------------------------------------------


def test_honest_encrypted_bundle_passes_every_check(forger):
    started = time.perf_counter()
    report = verify_bundle(forger.data, expected_fingerprint=forger.fingerprint)
    elapsed = time.perf_counter() - started
    assert [c.name for c in report.checks] == FORMAT_2_CHECKS
    assert all(c.status == "pass" for c in report.checks), [(c.name, c.detail_vi) for c in report.checks]
    assert report.verdict == "valid"
    bundle = forger.bundle
    assert bundle["format"] == fmt.FORMAT_ENCRYPTED
    short = verify_committee(bundle["committees"][0]["transcript"]).short_fingerprint
    committees = report.check("committees").detail_vi
    assert short in committees and "Nguyễn Văn An" in committees and "cần 2 trên 3" in committees
    assert "thành viên 1 (Nguyễn Văn An), thành viên 3 (Lê Đức Cường)" in report.check("decryptions").detail_vi
    assert elapsed < 30  # three rounds of five members: a fraction of a second


def test_ballot_verify_command_accepts_the_encrypted_bundle(forger, tmp_path):
    path = tmp_path / "bundle.json"
    path.write_bytes(forger.data)
    result = subprocess.run(
        [sys.executable, "-m", "ballot.cli", "verify", str(path), "--fingerprint", forger.fingerprint],
        capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Hồ sơ ban kiểm phiếu" in result.stdout and "Giải mã của ban kiểm phiếu" in result.stdout


def test_a_refused_share_that_indeed_fails_is_kept_and_verifies(forger):
    """The server keeps a refused share in the record (docs/encrypted-ballots.md, 14)."""
    bundle = forger.bundle
    round_ = bundle["rounds"][0]
    trustee, share = forger.trustee(bundle, 2)
    committee = verify_committee(bundle["committees"][0]["transcript"])
    wrong = EncryptedTally.from_json({**round_["encryption"]["tally"], "ballots": 2})  # another tally
    envelope = partial_decryption(trustee, share, committee, wrong)
    round_["encryption"]["decryptions"].insert(
        1, {"trustee": 2, "envelope": envelope, "refused": "Phần giải mã không đúng nên bị từ chối."})
    assert forger.failing(bundle) == (set(), None)
    # …but a share marked refused that holds is a false record of the counting.
    del round_["encryption"]["decryptions"][1]
    good = partial_decryption(trustee, share, committee, EncryptedTally.from_json(round_["encryption"]["tally"]))
    round_["encryption"]["decryptions"].insert(1, {"trustee": 2, "envelope": good, "refused": "sai"})
    failed, first = forger.failing(bundle)
    assert failed == {"decryptions"} and first == "decryptions"


# --- tampering, each caught by its own check ----------------------------------------------


def test_a_vote_added_inside_a_ciphertext_fails_only_its_proof(forger):
    """The server turns a ballot's 0 into a 1, signs it with the round key, adds and has
    the tally decrypted: everything else agrees, the ballot's proof does not."""
    bundle = forger.bundle
    round_ = bundle["rounds"][0]
    ballot = round_["ballots"][0]
    content = ballot_json(ballot)
    question = "m04"  # one ballot left it blank (tests/certify_kit.py): room for one more vote
    cts = content["choices"][question]["ciphertexts"]
    ct = Ciphertext.from_b64(cts[3])  # KHTNV, never chosen in the kit's first round
    cts[3] = Ciphertext(ct.alpha, ct.beta + GENERATOR).b64()
    set_ballot_json(ballot, content)
    forger.resign_ballots(round_)
    forger.recount(bundle, round_)
    assert round_["tally"]["votes"][question]["KHTNV"] == 1  # the forged vote is in the counts
    assert forger.failing(bundle) == ({"ballot_proofs"}, "ballot_proofs")


def test_a_ciphertext_moved_between_ballots_fails_only_the_proofs(forger):
    """Swapping one level's ciphertexts of two ballots keeps every sum: only the proofs,
    bound to each ballot's nonce, catch it (docs/encrypted-ballots.md, 6)."""
    bundle = forger.bundle
    round_ = bundle["rounds"][0]
    first, second = (ballot_json(b) for b in round_["ballots"][:2])
    question = next(iter(first["choices"]))
    a, b = first["choices"][question]["ciphertexts"], second["choices"][question]["ciphertexts"]
    a[0], b[0] = b[0], a[0]
    set_ballot_json(round_["ballots"][0], first)
    set_ballot_json(round_["ballots"][1], second)
    forger.resign_ballots(round_)
    failed, first_failure = forger.failing(bundle)
    assert failed == {"ballot_proofs"} and first_failure == "ballot_proofs"


def test_a_changed_ciphertext_without_the_round_key_fails_the_ballot_signature(forger):
    bundle = forger.bundle
    ballot = bundle["rounds"][1]["ballots"][0]
    content = ballot_json(ballot)
    question = next(iter(content["choices"]))
    cts = content["choices"][question]["ciphertexts"]
    cts[0], cts[1] = cts[1], cts[0]
    set_ballot_json(ballot, content)
    failed, first = forger.failing(bundle)
    assert first == "ballot_signatures" and "ballot_proofs" in failed


def test_a_changed_proof_fails_only_the_proofs(forger):
    bundle = forger.bundle
    round_ = bundle["rounds"][2]
    content = ballot_json(round_["ballots"][1])
    proofs = content["choices"]["chi_bo"]["proofs"]
    raw = bytearray(b64url_decode(proofs[2]))
    raw[0] ^= 1  # still a scalar below the order: a well-formed proof that does not verify
    proofs[2] = b64url_encode(bytes(raw))
    set_ballot_json(round_["ballots"][1], content)
    forger.resign_ballots(round_)
    failed, first = forger.failing(bundle)
    assert failed == {"ballot_proofs"} and first == "ballot_proofs"
    detail = verify_bundle(forger.signed(bundle)).check("ballot_proofs").detail_vi
    assert "“Chi bộ" in detail and "0 hoặc 1" in detail


def test_a_changed_partial_decryption_fails_the_decryptions(forger):
    """A share re-signed by its own trustee but for a wrong value: its proof fails, so
    the record of who decrypted is false, and t valid shares are no longer there."""
    bundle = forger.bundle
    round_ = bundle["rounds"][0]
    entry = round_["encryption"]["decryptions"][0]
    trustee, _ = forger.trustee(bundle, entry["trustee"])
    message = copy.deepcopy(entry["envelope"]["message"])
    first_question = next(iter(message["shares"]))
    message["shares"][first_question][0]["share"] = (
        Element.from_b64(message["shares"][first_question][0]["share"], allow_identity=True) + GENERATOR).b64()
    entry["envelope"] = trustee.sign(message)
    failed, first = forger.failing(bundle)
    assert first == "decryptions"
    assert failed == {"decryptions", "recount"}  # one valid share of the two needed: nothing decrypts
    detail = verify_bundle(forger.signed(bundle)).check("decryptions").detail_vi
    assert "thành viên 1 (Nguyễn Văn An)" in detail


def test_a_changed_partial_decryption_among_three_fails_only_the_decryptions(forger):
    """With all three trustees' shares in the record, a bad one still leaves t valid ones:
    the counts hold, but the record says the bad share was combined."""
    bundle = forger.bundle
    round_ = bundle["rounds"][0]
    forger.recount(bundle, round_, decrypting=(1, 2, 3))
    assert round_["encryption"]["trustees"] == [1, 2] and forger.failing(bundle) == (set(), None)
    entry = round_["encryption"]["decryptions"][0]
    trustee, _ = forger.trustee(bundle, 1)
    message = copy.deepcopy(entry["envelope"]["message"])
    row = next(iter(message["shares"].values()))
    row[1]["proof"], row[2]["proof"] = row[2]["proof"], row[1]["proof"]
    entry["envelope"] = trustee.sign(message)
    assert forger.failing(bundle) == ({"decryptions"}, "decryptions")
    detail = verify_bundle(forger.signed(bundle)).check("decryptions").detail_vi
    assert "thành viên 2, 3" in detail


def test_a_changed_count_fails_only_the_recount(forger):
    """The counts changed, and the proposal made again from them: the decryption of the
    tally gives other counts."""
    bundle = forger.bundle
    votes = bundle["rounds"][0]["tally"]["votes"]["m03"]
    votes["HTNV"], votes["HTTNV"] = votes["HTNV"] - 1, votes["HTTNV"] + 1
    forger.repropose(bundle)
    failed, first = forger.failing(bundle)
    assert failed == {"recount"} and first == "recount"
    detail = verify_bundle(forger.signed(bundle)).check("recount").detail_vi
    assert "“Lê Đức Cường”: giải mã được" in detail


def test_a_repeated_nonce_is_caught_as_a_duplicate(forger):
    """A second ballot under another ballot's nonce (docs/encrypted-ballots.md, 6): its
    proofs hold, the tally and the counts follow it; only the duplicate check sees it."""
    bundle = forger.bundle
    round_ = bundle["rounds"][2]
    committee = verify_committee(bundle["committees"][0]["transcript"])
    nonce = b64url_decode(ballot_json(round_["ballots"][0])["nonce"])
    copied = encrypt_ballot(committee.joint_key, round_["id"], ["chi_bo"], {"chi_bo": "HTXSNV"}, nonce=nonce)
    set_ballot_json(round_["ballots"][1], copied)
    forger.resign_ballots(round_)
    forger.recount(bundle, round_)
    failed, first = forger.failing(bundle)
    assert failed == {"no_duplicates"} and first == "no_duplicates"


def test_a_ballot_under_another_key_fails_the_contents(forger):
    bundle = forger.bundle
    round_ = bundle["rounds"][2]
    other = verify_committee(run_ceremony({"ceremony": "x", "n": 1, "t": 1}, [b"\x07" * 32]))
    set_ballot_json(round_["ballots"][0],
                    encrypt_ballot(other.joint_key, round_["id"], ["chi_bo"], {"chi_bo": "HTTNV"}))
    forger.resign_ballots(round_)
    failed, first = forger.failing(bundle)
    assert first == "ballot_contents"
    assert "khóa chung" in verify_bundle(forger.signed(bundle)).check("ballot_contents").detail_vi
    assert "ballot_proofs" in failed and "encrypted_tally" in failed


def test_a_removed_ballot_fails_the_tally_and_the_recount(forger):
    bundle = forger.bundle
    round_ = bundle["rounds"][0]
    round_["ballots"].pop(0)
    failed, first = forger.failing(bundle)
    assert first == "encrypted_tally" and {"encrypted_tally", "recount"} <= failed


def test_a_changed_committee_record_fails_the_committee_check(forger):
    bundle = forger.bundle
    confirmation = bundle["committees"][0]["transcript"]["confirmations"][1]
    confirmation["signature"] = bundle["committees"][0]["transcript"]["confirmations"][0]["signature"]
    failed, first = forger.failing(bundle)
    assert first == "committees"
    detail = verify_bundle(forger.signed(bundle)).check("committees").detail_vi
    assert "Chữ ký trên thông điệp của thành viên 2" in detail


def test_a_round_opened_before_the_fingerprint_was_confirmed_is_caught(forger):
    bundle = forger.bundle
    bundle["committees"][0]["confirmed_aloud_at"] = "2099-01-01T00:00:00Z"
    failed, first = forger.failing(bundle)
    assert failed == {"committees"} and first == "committees"


def test_a_tally_claiming_another_number_of_ballots_fails_the_tally_check(forger):
    bundle = forger.bundle
    round_ = bundle["rounds"][1]
    round_["encryption"]["tally"]["ballots"] += 1
    failed, first = forger.failing(bundle)
    assert first == "encrypted_tally"


# --- formats ----------------------------------------------------------------------------------


def test_format_1_bundle_still_verifies_with_exactly_its_checks(tmp_path):
    meeting = certified_meeting(tmp_path)
    report = verify_bundle(meeting.bundle_bytes)
    assert meeting.bundle["format"] == fmt.FORMAT and "committees" not in meeting.bundle
    assert [c.name for c in report.checks] == FORMAT_1_CHECKS
    assert report.ok and report.check("format").detail_en == "Format phieukin-bundle/1."


def test_format_2_members_in_a_format_1_bundle_fail_the_format(forger):
    bundle = forger.bundle
    bundle["format"] = fmt.FORMAT
    report = verify_bundle(forger.signed(bundle))
    assert [c.name for c in report.checks] == ["format"] and not report.ok
    assert "committees: trường không được biết đến" in report.check("format").detail_vi


def test_an_unknown_format_names_both_known_ones(forger):
    bundle = forger.bundle
    bundle["format"] = "phieukin-bundle/3"
    detail = verify_bundle(forger.signed(bundle)).check("format").detail_vi
    assert "“phieukin-bundle/1” hay “phieukin-bundle/2”" in detail


def _without_format_2(node):
    """The format-2 schema less what format 2 adds: what must equal format 1's."""
    schema = copy.deepcopy(node)
    for key in ("$id", "title", "description"):
        schema.pop(key)
    schema["properties"].pop("committees")
    schema["properties"]["format"].pop("const")
    schema["required"].remove("committees")
    added = ("element", "ciphertext", "proof64", "trustee_index", "dealt_share", "decryption_share",
             "committee_context", "committee_transcript", "committee_trustee", "committee", "encrypted_tally",
             "decryption", "encryption")
    for name in added + tuple(n for n in schema["$defs"] if n.endswith(("_message", "_envelope"))):
        schema["$defs"].pop(name)
    round_ = schema["$defs"]["round"]
    round_["properties"].pop("encryption")
    round_.pop("description")
    schema["$defs"]["ballot"]["properties"]["text"].pop("description")
    return schema


def test_format_2_schema_is_format_1s_plus_its_own_members():
    """docs/bundle.md, “Versioning”: each version its own schema; format 2 changes
    nothing of format 1's members, it only adds."""
    v1, v2 = bundle_schema(BUNDLE_SCHEMA), bundle_schema(ENCRYPTED_BUNDLE_SCHEMA)
    assert v2["properties"]["format"]["const"] == fmt.FORMAT_ENCRYPTED
    expected = copy.deepcopy(v1)
    for key in ("$id", "title", "description"):
        expected.pop(key)
    expected["properties"]["format"].pop("const")
    expected["$defs"]["round"].pop("description")
    expected["$defs"]["ballot"]["properties"]["text"].pop("description")
    assert _without_format_2(v2) == expected


def _object_schemas(node, where=""):
    if isinstance(node, dict):
        if "properties" in node:
            yield where, node
        for key, value in node.items():
            if key not in ("if", "then", "else"):
                yield from _object_schemas(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _object_schemas(value, f"{where}/{index}")


def test_format_2_schema_is_closed_and_specified_in_bundle_md():
    spec = (ROOT / "docs" / "bundle.md").read_text(encoding="utf-8")
    section = spec[spec.index("## Format 2"):]
    v1_names = {n for _, s in _object_schemas(bundle_schema(BUNDLE_SCHEMA)) for n in s["properties"]}
    for where, schema in _object_schemas(bundle_schema(ENCRYPTED_BUNDLE_SCHEMA)):
        assert schema.get("additionalProperties") is False, where
        for name in set(schema["properties"]) - v1_names:
            assert f"`{name}`" in section, name


# --- who else reads the bundle --------------------------------------------------------------


def test_the_dang_uy_imports_an_encrypted_bundle(forger, tmp_path):
    """ballot committee import verifies format 2 in full, as any chi bộ bundle."""
    data = tmp_path / "dang-uy"
    done = ballot_command("committee", "init", "--data", str(data), "--name", "Đảng ủy Phường Bến Nghé",
                          "--profile", "21-HD-2019")
    assert done.returncode == 0, done.stderr
    branch = forger.bundle["organisation"]["name"]
    done = ballot_command("committee", "register", "--data", str(data), "--branch", branch,
                          "--fingerprint", forger.fingerprint)
    assert done.returncode == 0, done.stderr
    path = tmp_path / "chi-bo.json"
    path.write_bytes(forger.data)
    done = ballot_command("committee", "import", "--data", str(data), str(path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Đã nhận gói" in done.stdout


def test_minutes_and_spreadsheet_say_the_ballots_were_encrypted_and_who_decrypted(forger):
    bundle = forger.bundle
    short = verify_committee(bundle["committees"][0]["transcript"]).short_fingerprint
    pages = PdfReader(io.BytesIO(minutes_pdf(bundle))).pages
    first = " ".join(pages[0].extract_text().split())
    assert "Phiếu được mã hóa ngay trên điện thoại của từng đảng viên bằng khóa chung của ban kiểm phiếu" in first
    assert "đồng chí Trần Thị Bình (thành viên 2)" in first and "cần 2 trong 3 thành viên" in first
    assert f"Mã ban kiểm phiếu {short} đã được các thành viên đọc to" in first
    confirmed = local_moment(bundle["committees"][0]["confirmed_aloud_at"], meeting_zone(bundle))
    assert f"trùng khớp hồi {moment_vi(confirmed)}" in first
    assert ("Kết quả các vòng 1, 2, 3 do đồng chí Nguyễn Văn An (thành viên 1) và đồng chí Lê Đức Cường "
            "(thành viên 3) giải mã.") in first
    assert short in pages[-1].extract_text()
    summary = load_workbook(io.BytesIO(proposal_xlsx(bundle))).worksheets[1]
    lines = [row[1] for row in summary.iter_rows(values_only=True) if row and row[0] == "Phiếu mã hóa"]
    assert len(lines) == 2 and short in lines[0]
    assert all(row["valid"] == row["cast"] for row in round_rows(bundle))


def test_format_1_minutes_say_nothing_of_encryption(tmp_path):
    bundle = certified_meeting(tmp_path).bundle
    assert encryption_lines_vi(bundle) == [] and committee_fingerprints_vi(bundle) == []


def test_the_verify_page_shows_the_format_2_checks_and_results(forger):
    client = forger.meeting.server.app.test_client()
    answer = client.post("/api/verify", data={
        "bundle": (io.BytesIO(forger.data), "chi-bo.json"), "fingerprint": forger.fingerprint,
    }, content_type="multipart/form-data")
    assert answer.status_code == 200, answer.get_json()
    report = answer.get_json()
    assert report["verdict"] == "valid" and [c["name"] for c in report["checks"]] == FORMAT_2_CHECKS
    assert report["bundle"]["rows"] and report["first_failure"] is None
