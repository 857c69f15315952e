"""docs/committee-bundle.schema.json: a valid draft 2020-12 schema, every object closed,
every field specified in docs/committee-bundle.md, followed by a genuine committee
bundle (both profiles), and an unknown or missing field fails the format check by path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from ballot.config import load_settings
from ballot.report import committee as fmt
from ballot.report.canonical import dump_bundle
from ballot.report.schema import COMMITTEE_SCHEMA, bundle_schema
from ballot.services.committee import CommitteeWorkspace
from tests.certify_kit import certified_366_meeting, certified_meeting
from tests.test_bundle_schema import _object_schemas

ROOT = Path(__file__).resolve().parent.parent


def committee_bundle(tmp_path: Path, meeting, profile: str, percent: int = 20) -> Path:
    workspace = CommitteeWorkspace(load_settings(tmp_path / "dang-uy"))
    try:
        workspace.init("Đảng ủy Xã Tân Hòa", profile, percent)
        bundle = meeting.bundle
        workspace.register(bundle["organisation"]["name"], bundle["signer"]["fingerprint"],
                           bundle["organisation"]["kind"])
        assert workspace.import_file("chi-bo.json", meeting.bundle_bytes).accepted
        out = tmp_path / "out" / "dang-uy.json"
        workspace.certify("03-QĐ/ĐU", out)
        return out
    finally:
        workspace.close()


@pytest.fixture(scope="module")
def hd21(tmp_path_factory):
    root = tmp_path_factory.mktemp("hd21")
    return committee_bundle(root, certified_meeting(root / "chibo"), "21-HD-2019")


@pytest.fixture(scope="module")
def qd366(tmp_path_factory):
    root = tmp_path_factory.mktemp("qd366")
    return committee_bundle(root, certified_366_meeting(root / "chibo"), "366-2025", 25)


def test_schema_file_is_valid_closed_and_specified():
    schema = json.loads((ROOT / "docs" / COMMITTEE_SCHEMA).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["properties"]["format"]["const"] == fmt.FORMAT
    assert bundle_schema(COMMITTEE_SCHEMA) == schema
    objects = list(_object_schemas(schema))
    assert len(objects) > 10
    assert all(s.get("additionalProperties") is False for _, s in objects)
    spec = (ROOT / "docs" / "committee-bundle.md").read_text(encoding="utf-8") + \
        (ROOT / "docs" / "bundle.md").read_text(encoding="utf-8")
    names = {name for _, s in objects for name in s["properties"]}
    assert not sorted(n for n in names if f"`{n}`" not in spec)


@pytest.mark.parametrize("name", ["hd21", "qd366"])
def test_a_genuine_committee_bundle_follows_the_schema_and_verifies(name, request):
    path = request.getfixturevalue(name)
    files = fmt.folder_files(path.with_name("dang-uy-chi-bo"))
    report = fmt.verify_committee_bundle(path.read_bytes(), files)
    assert report.ok and [c.status for c in report.checks].count("pass") == 5, report.checks
    bundle = json.loads(path.read_bytes())
    if name == "qd366":
        assert bundle["cap"]["percent"] == 25 and bundle["cap"]["groups"]


def test_unknown_and_missing_fields_fail_the_format_check_by_path(hd21):
    bundle = json.loads(hd21.read_bytes())
    bundle["members"][0]["ghi_chu"] = "x"
    check = fmt.verify_committee_bundle(dump_bundle(bundle)).checks[0]
    assert check.name == "format" and check.status == "fail"
    assert "members[0].ghi_chu" in check.detail_vi
    bundle = json.loads(hd21.read_bytes())
    del bundle["resolution"]["number"]
    check = fmt.verify_committee_bundle(dump_bundle(bundle)).checks[0]
    assert check.status == "fail" and "resolution" in check.detail_vi
