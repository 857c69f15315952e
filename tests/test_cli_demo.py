"""`ballot demo` as a user starts it: a real server process, its exported codes,
a phone that joins with one of them, and the chi bộ's key kept in the data
directory whatever folder the demo is started from."""

from __future__ import annotations

import json
import re

import requests

from tests.server_process import running


def test_demo_starts_a_meeting_a_phone_can_join(tmp_path):
    codes_file = tmp_path / "codes.json"
    with running(["demo", "--data", str(tmp_path / "data"), "--members", "7",
                  "--export-codes", str(codes_file)]) as server:
        base = server.base
        codes = json.loads(codes_file.read_text(encoding="utf-8"))
        assert codes["base_url"] == base and len(codes["members"]) == 7
        assert {m["status"] for m in codes["members"]} == {"chinh_thuc", "du_bi"}
        member = codes["members"][0]
        joined = requests.post(f"{base}/api/join", json={
            "meeting_code": codes["meeting_code"], "personal_code": member["personal_code"]})
        assert joined.status_code == 200
        assert joined.json()["member"]["name"] == member["name"]
        login = requests.post(f"{base}/api/host/login", json=codes["host"])
        assert login.status_code == 200 and login.json()["csrf_token"]
    # No access log: a line per request would join a phone's address and a time to its
    # signing and its cast (docs/threat-model.md, "The server operator").
    assert "/api/join" not in server.output and "/api/host/login" not in server.output
    assert f"{base}/host" in server.output  # what the secretary opens on the laptop
    assert "development server" not in server.output and "Werkzeug" not in server.output
    assert f"{base}/projector/{codes['meeting_id']}" in server.output


def _certified_signer(base: str, codes: dict) -> str:
    """Run the smallest meeting that certifies (everyone present, a round with no
    ballot) and return the bundle's signer fingerprint."""
    host = requests.Session()
    csrf = host.post(f"{base}/api/host/login", json=codes["host"]).json()["csrf_token"]
    headers = {"X-CSRF-Token": csrf}
    member = next(m for m in codes["members"] if m["status"] == "chinh_thuc")
    assert requests.post(f"{base}/api/join", json={"meeting_code": codes["meeting_code"],
                                                   "personal_code": member["personal_code"]}).ok
    meeting = codes["meeting_id"]
    assert host.post(f"{base}/api/host/meetings/{meeting}/presence/all", headers=headers, json={}).ok
    round_ = host.post(f"{base}/api/host/meetings/{meeting}/rounds", headers=headers,
                       json={"kind": "classification"}).json()
    for step in ("open", "close"):
        assert host.post(f"{base}/api/host/rounds/{round_['id']}/{step}", headers=headers).ok
    bundle = host.post(f"{base}/api/host/meetings/{meeting}/certify", headers=headers)
    assert bundle.status_code == 201, bundle.text
    return bundle.json()["signer"]["fingerprint"]


def test_same_data_directory_same_signer_from_any_folder(tmp_path):
    """The certification key lives in the data directory: two demos started from
    two folders on the same --data sign with one key, printed at start-up."""
    data = tmp_path / "data"
    signers, printed = [], []
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        codes_file = tmp_path / folder / "codes.json"
        with running(["demo", "--data", str(data), "--export-codes", str(codes_file)],
                     cwd=tmp_path / folder) as server:
            signers.append(_certified_signer(server.base, json.loads(codes_file.read_text("utf-8"))))
        printed.append(re.search(r"fingerprint: ([0-9A-F ]+)", server.output).group(1).strip())
        assert not (tmp_path / folder / "keys").exists()
    assert signers[0] == signers[1] == printed[0] == printed[1]
    assert (data / "keys" / "certify_ed25519.pem").exists()


def test_demo_branch_names_the_chi_bo_and_its_bundle_reaches_a_committee(tmp_path):
    """`ballot demo --branch NAME`: the demo meeting's chi bộ is NAME, so several demo
    meetings can send their bundles to one đảng ủy (`ballot committee import`)."""
    from tests.committee_kit import ballot

    codes_file = tmp_path / "codes.json"
    branch = "Chi bộ Khu phố 9"
    with running(["demo", "--data", str(tmp_path / "data"), "--members", "3", "--branch", branch,
                  "--export-codes", str(codes_file)]) as server:
        codes = json.loads(codes_file.read_text(encoding="utf-8"))
        base = server.base
        host = requests.Session()
        csrf = host.post(f"{base}/api/host/login", json=codes["host"]).json()["csrf_token"]
        headers = {"X-CSRF-Token": csrf}
        member = next(m for m in codes["members"] if m["status"] == "chinh_thuc")
        assert requests.post(f"{base}/api/join", json={"meeting_code": codes["meeting_code"],
                                                       "personal_code": member["personal_code"]}).ok
        meeting = codes["meeting_id"]
        assert host.post(f"{base}/api/host/meetings/{meeting}/presence/all", headers=headers).ok
        round_ = host.post(f"{base}/api/host/meetings/{meeting}/rounds", headers=headers,
                           json={"kind": "classification"}).json()
        for step in ("open", "close"):
            assert host.post(f"{base}/api/host/rounds/{round_['id']}/{step}", headers=headers).ok
        answer = host.post(f"{base}/api/host/meetings/{meeting}/certify", headers=headers)
        assert answer.status_code == 201, answer.text
    bundle = answer.json()
    assert bundle["organisation"]["name"] == branch
    path = tmp_path / "demo.json"
    path.write_bytes(answer.content)
    committee = tmp_path / "dang-uy"
    profile = bundle["profile"]
    assert ballot("committee", "init", "--data", str(committee), "--name", "Đảng ủy tập huấn",
                  "--profile", profile).returncode == 0
    assert ballot("committee", "register", "--data", str(committee), "--branch", branch,
                  "--fingerprint", bundle["signer"]["fingerprint"]).returncode == 0
    done = ballot("committee", "import", "--data", str(committee), str(path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"Đã nhận gói của “{branch}”" in done.stdout


def test_a_demo_of_a_thousand_members_is_a_roster_the_checks_accept(tmp_path):
    """The largest meetings the benchmarks run: every admission date after the Party's
    founding, so the roster's own checks (21-HD II.B.6 inputs) accept the demo."""
    from ballot.config import load_settings
    from ballot.demo import create_demo
    from ballot.services.facade import Services

    codes = create_demo(Services(load_settings(tmp_path)), 1000)
    assert len(codes["members"]) == 1000
