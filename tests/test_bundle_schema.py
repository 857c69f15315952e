"""The bundle's JSON Schema (docs/bundle.schema.json; docs/bundle.md, "The JSON Schema"):
genuine bundles of both profiles follow it, and an unknown, missing or mistyped field
fails `ballot verify`'s format check with a message naming its JSON path."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from ballot.crypto.certify import KeyStore
from ballot.report import bundle as fmt
from ballot.report.canonical import dump_bundle
from ballot.report.schema import bundle_schema, schema_problems
from ballot.report.verify import verify_bundle
from tests.certify_kit import certified_366_meeting, certified_meeting

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def hd21(tmp_path_factory):
    return certified_meeting(tmp_path_factory.mktemp("hd21"))


@pytest.fixture(scope="module")
def qd366(tmp_path_factory):
    return certified_366_meeting(tmp_path_factory.mktemp("qd366"))


def format_check(bundle: dict):
    report = verify_bundle(json.dumps(bundle, ensure_ascii=False))
    return report.checks[0]


def resigned(meeting, bundle: dict) -> dict:
    """Signed again with the chi bộ's own key: only the format can refuse it."""
    key = KeyStore(meeting.server.services.settings.keys_directory).load_private()
    return fmt.sign_bundle(bundle, key)


# --- the schema itself ----------------------------------------------------------------


def test_schema_file_is_a_valid_draft_2020_12_schema():
    schema = json.loads((ROOT / "docs" / "bundle.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["properties"]["format"] == {**schema["properties"]["format"], "const": fmt.FORMAT}
    assert bundle_schema() == schema


def _object_schemas(node, where="", refinement=False):
    """Every subschema that lists properties, except the refinements under if/then/else."""
    if isinstance(node, dict):
        if "properties" in node and not refinement:
            yield where, node
        for key, value in node.items():
            yield from _object_schemas(value, f"{where}/{key}", refinement or key in ("if", "then", "else"))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _object_schemas(value, f"{where}/{index}", refinement)


def test_every_object_of_the_format_is_closed():
    schemas = list(_object_schemas(bundle_schema()))
    assert len(schemas) > 20
    for where, schema in schemas:
        assert schema.get("additionalProperties") is False, where


def test_every_field_of_the_schema_is_specified_in_bundle_md():
    spec = (ROOT / "docs" / "bundle.md").read_text(encoding="utf-8")
    names = {name for _, schema in _object_schemas(bundle_schema()) for name in schema["properties"]}
    missing = sorted(name for name in names if f"`{name}`" not in spec)
    assert not missing, missing



# --- genuine bundles ------------------------------------------------------------------


@pytest.mark.parametrize("name", ["hd21", "qd366"])
def test_genuine_bundle_of_each_profile_follows_the_schema(name, request):
    meeting = request.getfixturevalue(name)
    bundle = meeting.bundle
    assert schema_problems(bundle) == []
    report = verify_bundle(meeting.bundle_bytes)
    assert report.ok and report.checks[0].status == "pass"
    kinds = [r["kind"] for r in bundle["rounds"]]
    assert kinds == ["classification", "followup", "organisation"]  # the draft round left out
    assert bundle["profile"] == {"hd21": "21-HD-2019", "qd366": "366-2025"}[name]


def test_366_bundle_carries_the_facts_the_schema_allows(qd366):
    roster = {m["id"]: m for m in qd366.bundle["roster"]}
    assert roster["a2"]["score"] == {"general": 27.5, "tasks": 60}
    assert roster["a3"]["discipline"] == "khien_trach" and roster["a1"]["cap_group"] == "lãnh đạo"
    assert roster["a4"]["criteria"] == {"tasks": "TOT", "other": "XUAT_SAC"}
    assert qd366.bundle["organisation"]["cap_percent"] == 25
    assert qd366.bundle["proposal"]["cap"]["percent"] == 25


# --- what the format check refuses ----------------------------------------------------


def test_unknown_field_fails_the_format_check_naming_its_path(hd21):
    bundle = copy.deepcopy(hd21.bundle)
    bundle["rounds"][1]["ballots"][0]["voter"] = "m01"
    check = format_check(bundle)
    assert check.status == "fail"
    assert "rounds[1].ballots[0].voter: trường không được biết đến" in check.detail_vi
    assert "rounds[1].ballots[0].voter: unknown field" in check.detail_en


def test_unknown_top_level_field_fails_even_when_signed_by_the_branch(hd21):
    bundle = resigned(hd21, {**hd21.bundle, "comment": "thêm"})
    report = verify_bundle(dump_bundle(bundle))
    assert [c.name for c in report.checks] == ["format"]
    assert "comment: trường không được biết đến" in report.checks[0].detail_vi


def test_missing_field_fails_the_format_check_naming_its_path(qd366):
    bundle = copy.deepcopy(qd366.bundle)
    del bundle["proposal"]["members"][2]["shares"]
    del bundle["meeting"]["certified_by"]
    check = format_check(bundle)
    assert check.status == "fail"
    assert "meeting.certified_by: thiếu trường bắt buộc" in check.detail_vi
    assert "proposal.members[2].shares: thiếu trường bắt buộc" in check.detail_vi
    assert "proposal.members[2].shares: missing required field" in check.detail_en


@pytest.mark.parametrize(
    "mangle, path, vi",
    [
        (lambda b: b["roster"][0].update(present="true"), "roster[0].present",
         "cần true hoặc false, nhận được chuỗi"),
        (lambda b: b["rounds"][0]["tally"].update(ballots="3"), "rounds[0].tally.ballots",
         "cần số nguyên, nhận được chuỗi"),
        (lambda b: b["rounds"][0].update(participants="m01"), "rounds[0].participants",
         "cần danh sách, nhận được chuỗi"),
        (lambda b: b.update(organisation_vote=[]), "organisation_vote",
         "cần đối tượng hoặc null, nhận được danh sách"),
    ],
)
def test_wrong_type_fails_the_format_check_naming_its_path(hd21, mangle, path, vi):
    bundle = copy.deepcopy(hd21.bundle)
    mangle(bundle)
    check = format_check(bundle)
    assert check.status == "fail" and f"{path}: {vi}" in check.detail_vi


@pytest.mark.parametrize(
    "mangle, path",
    [
        (lambda b: b["proposal"]["members"][0].update(level="XUAT_SAC"), "proposal.members[0].level"),
        (lambda b: b["meeting"].update(review_date="15/12/2026"), "meeting.review_date"),
        (lambda b: b["meeting"].update(review_date="2026-02-30"), "meeting.review_date"),
        (lambda b: b["rounds"][0].update(opened_at="2026-12-15T08:00:00.123456Z"), "rounds[0].opened_at"),
        (lambda b: b["signer"].update(fingerprint="abcd"), "signer.fingerprint"),
        (lambda b: b["rounds"][2]["questions"][0].update(id="m01"), "rounds[2].questions[0].id"),
        (lambda b: b["rounds"][0]["ballots"][0].update(prefix=b["rounds"][0]["ballots"][0]["prefix"] + "\n"),
         "rounds[0].ballots[0].prefix"),  # "$" ends the text, as JSON Schema's patterns mean it
        (lambda b: b["roster"][1].update(name="   "), "roster[1].name"),
    ],
)
def test_wrong_values_fail_the_format_check_naming_their_path(hd21, mangle, path):
    bundle = copy.deepcopy(hd21.bundle)
    mangle(bundle)
    check = format_check(bundle)
    assert check.status == "fail"
    assert re.search(rf"{re.escape(path)}: ", check.detail_vi), check.detail_vi
    assert re.search(rf"{re.escape(path)}: ", check.detail_en), check.detail_en


def test_many_problems_are_counted_not_all_listed(qd366):
    bundle = copy.deepcopy(qd366.bundle)
    for member in bundle["roster"]:
        member["nickname"] = "x"
    check = format_check(bundle)
    assert len(bundle["roster"]) == 6
    assert check.detail_vi.count("trường không được biết đến") == 5
    assert check.detail_vi.endswith("(+1 vấn đề khác).")
    assert check.detail_en.endswith("(+1 more)")


def run_verify(path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ballot.cli", "verify", str(path), *args],
        capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=120,
    )


def test_ballot_verify_exits_non_zero_on_an_extra_field(hd21, tmp_path):
    bundle = resigned(hd21, copy.deepcopy(hd21.bundle))
    bundle["rounds"][0]["ballots"][0]["received_at"] = "2026-12-15T08:01:02Z"
    path = tmp_path / "extra.json"
    path.write_bytes(dump_bundle(bundle))
    result = run_verify(path)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert lines[0].startswith("✗ Định dạng gói:")
    assert "rounds[0].ballots[0].received_at: trường không được biết đến" in lines[0]
    assert lines[-1].startswith("KẾT QUẢ: KHÔNG ĐẠT")
    english = run_verify(path, "--lang", "en")
    assert english.returncode == 1
    assert "rounds[0].ballots[0].received_at: unknown field" in english.stdout
    assert english.stdout.strip().splitlines()[-1].startswith("RESULT: FAILED")
