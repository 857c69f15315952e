"""Certification freezes the meeting: certifying twice, with
open rounds or with no closed classification round is refused; after
certification every change is refused with a clear error, changes nothing, and
the refusal is audited."""

from __future__ import annotations

import io
import os
import stat

import pytest
from sqlalchemy import select

from ballot.report.canonical import bundle_hash_text, load_bundle
from ballot.store.models import AuditEvent, Meeting
from tests.certify_kit import PRESENT, certified_meeting, new_server, phone_for


def error_of(answer) -> tuple[int, str]:
    return answer.status_code, answer.get_json()["error"]["code"]


def refusals(server, meeting_id: str) -> list[AuditEvent]:
    with server.services.db.session() as s:
        return list(
            s.scalars(
                select(AuditEvent).where(
                    AuditEvent.meeting_id == meeting_id, AuditEvent.action == "change_refused"
                )
            )
        )


def meeting_state(server, meeting_id: str) -> str:
    with server.services.db.session() as s:
        return s.get(Meeting, meeting_id).state


# --- refused certifications ------------------------------------------------------------


def test_certify_refused_while_a_round_is_open(server, host):
    meeting = host.new_meeting()
    meeting_id = meeting["meeting"]["id"]
    for key in PRESENT:
        phone_for(server, meeting, key)
    first = host.run_round(meeting_id)
    host.ok("POST", f"/api/host/rounds/{first}/close")
    host.run_round(meeting_id, "organisation")
    answer = host.call("POST", f"/api/host/meetings/{meeting_id}/certify")
    assert error_of(answer) == (409, "rounds_open")
    assert "đang mở" in answer.get_json()["error"]["message"]
    assert meeting_state(server, meeting_id) == "open"
    assert error_of(host.call("GET", f"/api/host/meetings/{meeting_id}/bundle")) == (
        409,
        "not_certified",
    )


def test_certify_refused_without_a_closed_classification_round(server, host):
    meeting = host.new_meeting()
    meeting_id = meeting["meeting"]["id"]
    for key in PRESENT:
        phone_for(server, meeting, key)
    assert error_of(host.call("POST", f"/api/host/meetings/{meeting_id}/certify")) == (
        409,
        "no_closed_round",
    )
    host.ok("POST", f"/api/host/meetings/{meeting_id}/rounds", json={"kind": "classification"})
    assert error_of(host.call("POST", f"/api/host/meetings/{meeting_id}/certify")) == (
        409,
        "no_closed_round",
    )
    assert meeting_state(server, meeting_id) == "open"


def test_certify_needs_the_host_session(tmp_path):
    certified = certified_meeting(tmp_path)
    stranger = certified.server.app.test_client()
    answer = stranger.post(f"/api/host/meetings/{certified.meeting_id}/certify")
    assert answer.status_code == 401


# --- a certified meeting is frozen ------------------------------------------------------


@pytest.fixture
def certified(tmp_path):
    return certified_meeting(tmp_path)


def test_certifying_twice_is_refused_and_the_bundle_kept(certified):
    host, meeting_id = certified.host, certified.meeting_id
    answer = host.call("POST", f"/api/host/meetings/{meeting_id}/certify")
    assert error_of(answer) == (409, "meeting_certified")
    assert "đã được chứng thực" in answer.get_json()["error"]["message"]
    assert (
        host.call("GET", f"/api/host/meetings/{meeting_id}/bundle").get_data()
        == certified.bundle_bytes
    )
    assert [e.detail["attempted"] for e in refusals(certified.server, meeting_id)] == ["certify"]


def test_every_change_to_a_certified_meeting_is_refused_audited_and_changes_nothing(certified):
    server, host, meeting_id = certified.server, certified.host, certified.meeting_id
    before = host.state(meeting_id)
    closed_round = before["rounds"][0]["id"]
    check_in_code = before["members"][4]["personal_code"]
    attempts = {
        "set_presence": lambda: host.call(
            "POST",
            f"/api/host/meetings/{meeting_id}/presence",
            json={"member_id": "m05", "present": True},
        ),
        "import_roster": lambda: host.call(
            "POST",
            f"/api/host/meetings/{meeting_id}/roster",
            json={
                "members": [
                    {
                        "id": "x",
                        "name": "Ngô Văn Hải",
                        "status": "chinh_thuc",
                        "admitted_on": "2000-01-01",
                    }
                ]
            },
        ),
        "update_member": lambda: host.call(
            "PATCH",
            f"/api/host/meetings/{meeting_id}/members/m03",
            json={"committee_level": "HTXSNV"},
        ),
        "create_round": lambda: host.call(
            "POST",
            f"/api/host/meetings/{meeting_id}/rounds",
            json={"kind": "followup", "member_ids": ["m03"]},
        ),
        "open_round": lambda: host.call("POST", f"/api/host/rounds/{closed_round}/open"),
        "close_round": lambda: host.call("POST", f"/api/host/rounds/{closed_round}/close"),
        "join": lambda: server.app.test_client().post(
            "/api/join",
            json={"meeting_code": before["meeting"]["code"], "personal_code": check_in_code},
        ),
        "sign": lambda: certified.phones["m01"].client.post(
            f"/api/rounds/{closed_round}/sign", json={"blinded": "AAAA"}
        ),
        "cast": lambda: certified.phones["m01"].anonymous.post(
            f"/api/rounds/{closed_round}/ballots", json=_new_ballot_for(certified, closed_round)
        ),
    }
    for attempt, call in attempts.items():
        status, code = error_of(call())
        assert (status, code) == (409, "meeting_certified"), attempt
    after = host.state(meeting_id)
    assert after == before
    assert (
        host.call("GET", f"/api/host/meetings/{meeting_id}/bundle").get_data()
        == certified.bundle_bytes
    )
    audited = refusals(server, meeting_id)
    assert sorted(e.detail["attempted"] for e in audited) == sorted(attempts)
    host_refusals = [e for e in audited if e.detail["attempted"] == "set_presence"]
    assert host_refusals[0].actor == "bithu"


def _new_ballot_for(certified, round_id: str) -> dict:
    """A well-formed ballot for the closed round: refused before anything is looked at."""
    signed = dict(certified.phones["m01"].signed)
    signed["ballot"] = signed["ballot"].replace(signed["round"], round_id)
    return {k: v for k, v in signed.items() if k != "round"}


def test_resending_an_acknowledged_ballot_still_answers_its_code(certified):
    """Idempotent resends change nothing, so a phone that reloads after certification
    still gets its tracking code rather than an error."""
    phone = certified.phones["m02"]
    answer = phone.cast()
    assert answer.status_code == 200
    codes = {b["tracking_code"] for r in certified.bundle["rounds"] for b in r["ballots"]}
    assert answer.get_json()["tracking_code"] in codes


def test_voters_and_projector_still_read_a_certified_meeting(certified):
    state = certified.phones["m01"].state()
    assert state["meeting"]["state"] == "certified"
    public = certified.server.app.test_client().get(f"/api/meetings/{certified.meeting_id}/public")
    assert public.status_code == 200 and public.get_json()["results"]["members"]
    # The projector's line the đảng ủy reads back from the file it received: the bundle
    # hash's first 16 hex digits, in groups of four.
    full = bundle_hash_text(load_bundle(certified.bundle_bytes))
    assert public.get_json()["certificate"] == {"short_hash": " ".join(full.split()[:4]).upper()}


def test_host_state_says_certified(certified):
    assert certified.host.state(certified.meeting_id)["meeting"]["state"] == "certified"


# --- the key ----------------------------------------------------------------------------


def test_signing_key_in_the_data_directory_0600(certified):
    keys_dir = certified.server.services.settings.keys_directory
    assert keys_dir == certified.server.services.data_dir / "keys"
    private = keys_dir / "certify_ed25519.pem"
    assert private.exists()
    if os.name == "posix":
        assert stat.S_IMODE(private.stat().st_mode) == 0o600
    shown = certified.host.ok("GET", "/api/host/certification-key")
    assert shown["fingerprint"] == certified.bundle["signer"]["fingerprint"]


def test_passphrase_protected_key_and_wrong_passphrase(tmp_path, monkeypatch):
    monkeypatch.setenv("PHIEUKIN_KEY_PASSPHRASE", "mật khẩu khóa")
    certified = certified_meeting(tmp_path / "a")
    pem = (certified.server.services.settings.keys_directory / "certify_ed25519.pem").read_bytes()
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    # Another server on the same keys with the wrong passphrase refuses, changing nothing.
    monkeypatch.setenv("PHIEUKIN_KEY_PASSPHRASE", "sai")
    monkeypatch.setenv("PHIEUKIN_KEYS_DIR", str(certified.server.services.settings.keys_directory))
    from tests.certify_kit import run_meeting

    other = new_server(tmp_path / "b")
    host, meeting, _ = run_meeting(other)
    answer = host.call("POST", f"/api/host/meetings/{meeting['meeting']['id']}/certify")
    assert error_of(answer) == (500, "signing_key_unusable")
    assert meeting_state(other, meeting["meeting"]["id"]) == "open"


def test_roster_upload_refused_after_certification(certified):
    answer = certified.host.call(
        "POST",
        f"/api/host/meetings/{certified.meeting_id}/roster",
        data={
            "file": (
                io.BytesIO(b"id,name,status,admitted_on\na,B,chinh_thuc,2000-01-01\n"),
                "r.csv",
            )
        },
        content_type="multipart/form-data",
    )
    assert error_of(answer) == (409, "meeting_certified")


def test_certify_refused_when_the_bundle_would_not_verify(server, host):
    """A voter's status changed to probationary after voting: the đảng ủy's check
    "every participant a full member" would fail, so the meeting is not certified
    and stays editable."""
    from tests.certify_kit import run_meeting

    host, meeting, _ = run_meeting(server)
    meeting_id = meeting["meeting"]["id"]
    probationary = {"status": "du_bi", "admitted_on": "2026-03-02"}  # voted as a full member
    host.ok("PATCH", f"/api/host/meetings/{meeting_id}/members/m02", json=probationary)
    answer = host.call("POST", f"/api/host/meetings/{meeting_id}/certify")
    assert error_of(answer) == (409, "bundle_inconsistent")
    assert "Không thể chứng thực" in answer.get_json()["error"]["message"]
    assert meeting_state(server, meeting_id) == "open"
    full = {"status": "chinh_thuc", "admitted_on": "2005-03-02"}
    host.ok("PATCH", f"/api/host/meetings/{meeting_id}/members/m02", json=full)
    assert host.call("POST", f"/api/host/meetings/{meeting_id}/certify").status_code == 201
