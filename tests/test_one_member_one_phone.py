"""One member, one phone (docs/threat-model.md, "Another member"): a member's name or
code used on a second phone is never approved silently; the host may move the member
to the new phone only before they took this round's signature; the old phone is told
why; every such event is audited, with no ballot information."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from ballot.store.models import AuditEvent
from tests.meeting_kit import HOST_USER, Phone, phone_for


@pytest.fixture
def meeting(host):
    return host.mark_present(host.new_meeting()["meeting"]["id"], "m01", "m02", "m03")


def new_phone(server) -> Phone:
    return Phone(server.app.test_client(), server.app.test_client(use_cookies=False))


def code_of(meeting, key: str) -> str:
    return next(m["personal_code"] for m in meeting["members"] if m["id"] == key)


def second_phone_of(server, meeting, key: str) -> tuple[Phone, Phone]:
    first = phone_for(server, meeting, key)
    second = new_phone(server)
    answer = second.join(meeting["meeting"]["code"], code_of(meeting, key))
    assert answer.status_code == 200 and answer.get_json()["check_in"]["state"] == "pending"
    return first, second


def audit_actions(server, meeting_id: str) -> list[tuple[str, str, dict]]:
    with server.services.db.read() as s:
        return [(e.actor, e.action, e.detail) for e in s.scalars(
            select(AuditEvent).where(AuditEvent.meeting_id == meeting_id).order_by(AuditEvent.id))]


def test_choosing_a_name_never_offers_a_member_already_in(server, host, meeting):
    phone_for(server, meeting, "m04")  # in on a phone; m01 to m03 marked present by the host
    names = new_phone(server).client.get(f"/api/meetings/{meeting['meeting']['code']}/names").get_json()
    assert [m["id"] for m in names["members"]] == ["m05"]


def test_a_second_phone_waits_and_both_sides_are_told(server, host, meeting):
    meeting_id = meeting["meeting"]["id"]
    first, second = second_phone_of(server, meeting, "m02")
    waiting = host.state(meeting_id)["pending_check_ins"]
    assert [(c["member_id"], bool(re.fullmatch(r"\d\d:\d\d", c["other_phone_since"]))) for c in waiting] == [
        ("m02", True)]
    assert first.state()["me"]["other_phone_waiting"] is True
    # The waiting phone is no voter: it cannot take a signature.
    round_id = host.run_round(meeting_id)
    refused = second.client.post(f"/api/rounds/{round_id}/sign", json={"blinded": "AAAA"})
    assert refused.status_code == 403


def test_the_host_moves_a_member_who_holds_no_ballot_and_the_old_phone_is_told(server, host, meeting):
    meeting_id = meeting["meeting"]["id"]
    first, second = second_phone_of(server, meeting, "m02")
    check_in = host.state(meeting_id)["pending_check_ins"][0]["id"]
    host.ok("POST", f"/api/host/meetings/{meeting_id}/check-ins/{check_in}", json={"approve": True})
    gone = first.client.get("/api/state")
    assert gone.status_code == 401 and gone.get_json()["error"]["code"] == "moved_to_another_phone"
    assert "điện thoại khác" in gone.get_json()["error"]["message"]
    round_id = host.run_round(meeting_id)
    assert second.vote({"m01": "HTTNV"})  # the member votes on the new phone
    # The round's form, already built for the new phone, is not the old phone's either.
    form = first.client.get(f"/api/rounds/{round_id}/form")
    assert form.status_code == 401 and form.get_json()["error"]["code"] == "moved_to_another_phone"
    moved = [a for a in audit_actions(server, meeting_id) if a[1] == "member_moved_to_another_phone"]
    assert moved == [(HOST_USER, "member_moved_to_another_phone", {"member": "m02"})]


def test_a_member_who_took_this_round_s_signature_cannot_be_moved(server, host, meeting):
    meeting_id = meeting["meeting"]["id"]
    host.run_round(meeting_id)
    first = phone_for(server, meeting, "m02")
    assert first.prepare_ballot({"m01": "HTTNV"}).status_code == 200
    second = new_phone(server)
    second.join(meeting["meeting"]["code"], code_of(meeting, "m02"))
    check_in = host.state(meeting_id)["pending_check_ins"][0]["id"]
    before = audit_actions(server, meeting_id)
    answer = host.call("POST", f"/api/host/meetings/{meeting_id}/check-ins/{check_in}", json={"approve": True})
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "member_has_ballot"
    assert audit_actions(server, meeting_id) == before
    assert first.cast().status_code == 201  # the first phone still votes, once
    assert first.client.get("/api/state").status_code == 200


def test_second_phone_events_are_audited_without_any_ballot(server, host, meeting):
    meeting_id = meeting["meeting"]["id"]
    host.run_round(meeting_id)
    first, second = second_phone_of(server, meeting, "m03")
    first.vote({"m01": "HTXSNV"})
    events = audit_actions(server, meeting_id)
    assert ("member:m03", "check_in_second_phone", {}) in events
    text = repr(events)
    assert "HTXSNV" not in text and first.signed["signature"] not in text
