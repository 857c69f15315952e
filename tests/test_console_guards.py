"""The host console's guards, through the real API on a real SQLite file: rounds in the
order the rules read them, quorum before a round opens, draft rounds deletable, members
who arrived after the ballot was made named for a follow-up, everyone marked present at
once, the host's own meetings listed from the server, and a wrong meeting code said at
once on the phone's page."""

from __future__ import annotations

from sqlalchemy import select

from ballot.store.models import AuditEvent, Round
from tests.meeting_kit import HOST_PASSWORD, Host


def _error(answer) -> tuple[int, str, str]:
    error = answer.get_json()["error"]
    return answer.status_code, error["code"], error["message"]


def _round(host: Host, meeting_id: str, kind: str = "classification", **body) -> str:
    return host.ok("POST", f"/api/host/meetings/{meeting_id}/rounds", json={"kind": kind, **body})["id"]


def _events(server, meeting_id: str, kind: str) -> list[AuditEvent]:
    with server.services.db.session() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.meeting_id == meeting_id,
                                                             AuditEvent.action == kind)))


# --- quorum (Điều lệ Đảng: more than half the full members) ------------------------------


def test_a_round_opens_only_with_more_than_half_the_full_members_present(server, host):
    meeting_id = host.new_meeting()["meeting"]["id"]  # four full members: m01, m02, m03, m05
    host.mark_present(meeting_id, "m01", "m04")  # m04 is dự bị: not counted
    round_id = _round(host, meeting_id)
    status, code, message = _error(host.call("POST", f"/api/host/rounds/{round_id}/open"))
    assert (status, code) == (409, "no_quorum")
    assert "hiện có 1/4" in message and "quá nửa đảng viên chính thức" in message
    state = host.state(meeting_id)
    assert state["refusals"]["open"] == message
    assert state["rounds"][0]["status"] == "draft"

    host.mark_present(meeting_id, "m02")  # exactly half is not more than half
    assert _error(host.call("POST", f"/api/host/rounds/{round_id}/open"))[1] == "no_quorum"
    host.mark_present(meeting_id, "m03")
    assert host.state(meeting_id)["refusals"]["open"] is None
    host.ok("POST", f"/api/host/rounds/{round_id}/open")
    assert host.state(meeting_id)["rounds"][0]["status"] == "open"


# --- round order (docs/rules.md; II.B.1.3 reads the members' results) ---------------------


def test_follow_up_and_the_chi_bo_round_wait_for_a_closed_classification_round_II_B_1_3(server, host):
    meeting_id = host.new_meeting()["meeting"]["id"]
    host.mark_present(meeting_id, "m01", "m02", "m03", "m05")
    refusals = host.state(meeting_id)["refusals"]["create"]
    assert refusals["classification"] is None
    assert "sau khi vòng xếp loại đảng viên đã kết thúc" in refusals["followup"]
    assert "Chi bộ tự xếp loại sau khi đã có kết quả xếp loại đảng viên" in refusals["organisation"]

    follow_up = host.call("POST", f"/api/host/meetings/{meeting_id}/rounds",
                          json={"kind": "followup", "member_ids": ["m01"]})
    assert _error(follow_up)[:2] == (409, "classification_first")
    own = host.call("POST", f"/api/host/meetings/{meeting_id}/rounds", json={"kind": "organisation"})
    assert _error(own)[:2] == (409, "members_first")
    assert host.state(meeting_id)["rounds"] == []

    first = _round(host, meeting_id)
    host.ok("POST", f"/api/host/rounds/{first}/open")
    host.ok("POST", f"/api/host/rounds/{first}/close")
    assert set(host.state(meeting_id)["refusals"]["create"].values()) == {None}
    _round(host, meeting_id, "organisation")
    assert [r["kind"] for r in host.state(meeting_id)["rounds"]] == ["classification", "organisation"]


# --- deleting a draft round ----------------------------------------------------------------


def test_a_draft_round_is_deleted_with_its_key_and_later_rounds_move_up(server, host):
    meeting_id = host.new_meeting()["meeting"]["id"]
    host.mark_present(meeting_id, "m01", "m02", "m03")
    mistaken, kept = _round(host, meeting_id), _round(host, meeting_id)
    assert server.services.vault.path(mistaken).exists()

    assert host.ok("DELETE", f"/api/host/rounds/{mistaken}") == {"id": mistaken, "deleted": True}
    rounds = host.state(meeting_id)["rounds"]
    assert [(r["id"], r["number"]) for r in rounds] == [(kept, 1)]
    assert not server.services.vault.path(mistaken).exists()
    assert [e.detail["number"] for e in _events(server, meeting_id, "round_deleted")] == [1]
    with server.services.db.session() as session:
        assert session.get(Round, mistaken) is None

    host.ok("POST", f"/api/host/rounds/{kept}/open")
    status, code, message = _error(host.call("DELETE", f"/api/host/rounds/{kept}"))
    assert (status, code) == (409, "round_not_draft") and "chưa mở" in message
    assert host.state(meeting_id)["rounds"][0]["status"] == "open"
    assert host.call("DELETE", "/api/host/rounds/khong-co").status_code == 404


# --- presence changed after the ballot was made ----------------------------------------------


def test_a_member_marked_present_after_the_ballot_was_made_is_named_for_a_follow_up(server, host):
    meeting_id = host.new_meeting()["meeting"]["id"]
    host.mark_present(meeting_id, "m01", "m02", "m03")
    assert host.state(meeting_id)["not_on_ballot"] == []  # no ballot yet: nothing to miss
    first = _round(host, meeting_id)
    host.ok("POST", f"/api/host/rounds/{first}/open")
    host.mark_present(meeting_id, "m05")  # arrives late: the open round does not ask about him
    assert host.state(meeting_id)["not_on_ballot"] == [{"id": "m05", "name": "Hoàng Minh Đạt"}]

    host.ok("POST", f"/api/host/rounds/{first}/close")
    _round(host, meeting_id, "followup", member_ids=["m05"])
    assert host.state(meeting_id)["not_on_ballot"] == []


# --- everyone present at once ---------------------------------------------------------------


def test_marking_everyone_present_leaves_those_on_leave_away(server, host):
    meeting_id = host.new_meeting()["meeting"]["id"]
    host.ok("POST", f"/api/host/meetings/{meeting_id}/presence",
            json={"member_id": "m03", "present": False, "absent_with_leave": True})
    host.mark_present(meeting_id, "m01")
    assert host.ok("POST", f"/api/host/meetings/{meeting_id}/presence/all") == {"marked": 3}
    members = {m["id"]: m for m in host.state(meeting_id)["members"]}
    assert [key for key, m in members.items() if m["present"]] == ["m01", "m02", "m04", "m05"]
    assert members["m03"]["absent_with_leave"] is True
    assert [e.detail["members"] for e in _events(server, meeting_id, "presence_set_all")] == [
        ["m02", "m04", "m05"]]
    assert host.ok("POST", f"/api/host/meetings/{meeting_id}/presence/all") == {"marked": 0}


# --- the host's meetings, from the server ----------------------------------------------------


def test_the_host_sees_his_own_meetings_from_any_browser_and_no_one_else_s(server, host):
    first = host.new_meeting()["meeting"]
    second = host.new_meeting(title="Hội nghị bổ sung")["meeting"]
    fresh_browser = Host(server.app.test_client())  # nothing remembered locally
    listed = fresh_browser.ok("GET", "/api/host/meetings")["meetings"]
    assert {m["id"] for m in listed} == {first["id"], second["id"]}
    assert {m["title"] for m in listed} == {"Kiểm điểm cuối năm 2026", "Hội nghị bổ sung"}
    assert all(m["state"] == "open" for m in listed)

    server.services.create_host("bithu2", HOST_PASSWORD)
    other = server.app.test_client()
    login = other.post("/api/host/login", json={"username": "bithu2", "password": HOST_PASSWORD})
    headers = {"X-CSRF-Token": login.get_json()["csrf_token"]}
    assert other.get("/api/host/meetings", headers=headers).get_json() == {"meetings": []}
    assert server.app.test_client().get("/api/host/meetings").status_code == 401


# --- the phone's page for a code --------------------------------------------------------------


def test_a_wrong_meeting_code_is_said_before_the_member_types_anything(server, host):
    meeting = host.new_meeting()["meeting"]
    phone = server.app.test_client()
    wrong = phone.get("/j/ZZZZZZ?c=ABCDEFGH")
    assert wrong.status_code == 404
    page = wrong.get_data(as_text=True)
    assert 'data-meeting-known="no"' in page and "ABCDEFGH" not in page

    for link in (f"/j/{meeting['code']}", f"/J/{meeting['code'].lower()}"):
        answer = phone.get(link)
        assert answer.status_code == 200, link
        assert answer.mimetype == "text/html"
        assert 'data-meeting-known="yes"' in answer.get_data(as_text=True)
        assert f'"{meeting["code"]}"' in answer.get_data(as_text=True)
