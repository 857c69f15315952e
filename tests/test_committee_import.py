"""`ballot committee import`: every bundle verified in full with the key the chi bộ
registered; a garbage file, another format version, a tampered bundle, a wrong or
unknown signer, a duplicate, another profile or another organisation each refused with
the failing check named in Vietnamese, and the database left exactly as it was."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ballot.report.bundle import sign_bundle
from ballot.report.canonical import dump_bundle
from tests.certify_kit import certified_366_meeting, certified_meeting
from tests.committee_kit import ballot, database_dump

BRANCH = "Chi bộ Phòng Tổng hợp"


@pytest.fixture(scope="module")
def bundles(tmp_path_factory):
    genuine = certified_meeting(tmp_path_factory.mktemp("chibo"))
    other_profile = certified_366_meeting(tmp_path_factory.mktemp("chibo366"))
    return {
        "genuine": genuine.bundle_bytes,
        "fingerprint": genuine.bundle["signer"]["fingerprint"],
        "366": other_profile.bundle_bytes,
        "366_fingerprint": other_profile.bundle["signer"]["fingerprint"],
    }


@pytest.fixture
def workspace(tmp_path, bundles):
    data = tmp_path / "dang-uy"
    done = ballot("committee", "init", "--data", str(data), "--name", "Đảng ủy Phường Bến Nghé",
                  "--profile", "21-HD-2019")
    assert done.returncode == 0, done.stderr
    assert "Dấu vân tay khóa của đảng ủy" in done.stdout
    done = ballot("committee", "register", "--data", str(data), "--branch", BRANCH,
                  "--fingerprint", bundles["fingerprint"].replace(" ", "").lower())
    assert done.returncode == 0, done.stderr
    return data


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def refused(workspace: Path, path: Path, check_words: str) -> str:
    """Import `path`, expect a refusal naming `check_words`, and no change stored."""
    before = database_dump(workspace)
    done = ballot("committee", "import", "--data", str(workspace), str(path))
    assert done.returncode == 1, done.stdout + done.stderr
    line = done.stdout.splitlines()[0]
    assert line.startswith(f"✗ {path}: TỪ CHỐI — "), line
    assert check_words in line, line
    assert database_dump(workspace) == before
    return "\n".join(done.stdout.splitlines()[:-1])  # the file's lines, without the summary


def resigned(data: bytes, change=None) -> bytes:
    bundle = json.loads(data)
    if change is not None:
        change(bundle)
    return dump_bundle(sign_bundle(bundle, Ed25519PrivateKey.generate()))


def test_a_genuine_bundle_is_accepted_and_a_second_copy_is_a_duplicate(workspace, bundles, tmp_path):
    path = write(tmp_path, "chi-bo.json", bundles["genuine"])
    done = ballot("committee", "import", "--data", str(workspace), str(path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"✓ {path}: Đã nhận gói của “{BRANCH}” (5 đảng viên)" in done.stdout
    copy = write(tmp_path, "ban-sao.json", bundles["genuine"])
    refused(workspace, copy, "trùng mã băm")


def test_garbage_is_refused_by_the_format_check(workspace, tmp_path):
    refused(workspace, write(tmp_path, "rac.json", b"\x89PNG\r\n not a bundle"), "Định dạng gói")
    refused(workspace, write(tmp_path, "mang.json", b"[1, 2, 3]"), "Định dạng gói")


def test_another_format_version_is_refused(workspace, bundles, tmp_path):
    bundle = json.loads(bundles["genuine"])
    bundle["format"] = "phieukin-bundle/2"
    line = refused(workspace, write(tmp_path, "v2.json", dump_bundle(bundle)), "Định dạng gói")
    assert "phieukin-bundle/2" in line


def test_a_tampered_bundle_is_refused_by_the_signature_check(workspace, bundles, tmp_path):
    bundle = json.loads(bundles["genuine"])
    bundle["proposal"]["members"][2]["level"] = "HTXSNV"
    refused(workspace, write(tmp_path, "sua.json", dump_bundle(bundle)),
            "Chữ ký của chi bộ trên gói")


def test_a_bundle_re_signed_by_an_unregistered_key_shows_its_fingerprint(workspace, bundles, tmp_path):
    data = resigned(bundles["genuine"])
    line = refused(workspace, write(tmp_path, "khoa-la.json", data), "Người ký là chi bộ đã biết")
    assert json.loads(data)["signer"]["fingerprint"] in line
    assert "chưa được đăng ký" in line and "ballot committee register" in line


def test_a_bundle_signed_with_another_chi_bo_s_key_is_a_wrong_signer(workspace, bundles, tmp_path):
    key = Ed25519PrivateKey.generate()
    bundle = sign_bundle(json.loads(bundles["genuine"]), key)
    other = ballot("committee", "register", "--data", str(workspace), "--branch", "Chi bộ Khác",
                   "--fingerprint", bundle["signer"]["fingerprint"])
    assert other.returncode == 0, other.stderr
    line = refused(workspace, write(tmp_path, "nham.json", dump_bundle(bundle)), "khóa của “Chi bộ Khác”")
    assert "Người ký là chi bộ đã biết" in line


def test_a_bundle_of_another_profile_is_refused(workspace, bundles, tmp_path):
    done = ballot("committee", "register", "--data", str(workspace), "--branch", BRANCH,
                  "--fingerprint", bundles["366_fingerprint"])
    assert done.returncode == 0, done.stderr
    line = refused(workspace, write(tmp_path, "366.json", bundles["366"]), "Hồ sơ quy tắc")
    assert "366-2025" in line and "21-HD-2019" in line


def test_a_bundle_of_an_unregistered_organisation_is_refused(workspace, bundles, tmp_path):
    def rename(bundle):
        bundle["organisation"]["name"] = "Chi bộ Không Đăng Ký"

    refused(workspace, write(tmp_path, "la.json", resigned(bundles["genuine"], rename)),
            "không phải chi bộ đã đăng ký")


def test_several_files_one_refused_the_others_kept_and_exit_1(workspace, bundles, tmp_path):
    good = write(tmp_path, "a.json", bundles["genuine"])
    bad = write(tmp_path, "b.json", b"{}")
    done = ballot("committee", "import", "--data", str(workspace), str(tmp_path))
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"✓ {good}") and lines[1].startswith(f"✗ {bad}: TỪ CHỐI")
    assert "Đã nhận 1/2 gói; từ chối 1." in done.stdout
    report = json.loads(ballot("committee", "report", "--data", str(workspace), "--format",
                               "json").stdout)
    assert [b["name"] for b in report["branches"]] == [BRANCH]


def test_a_bad_fingerprint_and_a_missing_workspace_are_refused_in_vietnamese(tmp_path, workspace):
    done = ballot("committee", "register", "--data", str(workspace), "--branch", BRANCH,
                  "--fingerprint", "1234")
    assert done.returncode == 2 and "Dấu vân tay: cần 64 chữ số" in done.stderr
    done = ballot("committee", "report", "--data", str(tmp_path / "khong-co"))
    assert done.returncode == 2 and "ballot committee init" in done.stderr
    done = ballot("committee", "init", "--data", str(workspace), "--name", "X", "--profile", "21-HD-2019")
    assert done.returncode == 2 and "đã có không gian làm việc" in done.stderr
