"""The meeting's JSON API contract, over a real SQLite file."""

from __future__ import annotations

import gzip
import json

import pytest
from sqlalchemy import inspect

from tests.meeting_kit import HOST_USER, Phone, phone_for
from tests.postgres import BOTH_DATABASES

pytestmark = BOTH_DATABASES


@pytest.fixture
def meeting(host):
    """Five members; m01 to m03 marked present by the host, m04 (dự bị) and m05 absent."""
    return host.mark_present(host.new_meeting()["meeting"]["id"], "m01", "m02", "m03")


def phone(server) -> Phone:
    return Phone(server.app.test_client(), server.app.test_client(use_cookies=False))


def error_code(answer) -> str:
    return answer.get_json()["error"]["code"]


def test_whole_round_to_proposal(server, host, meeting):
    meeting_id = meeting["meeting"]["id"]
    phones = {k: phone_for(server, meeting, k) for k in ("m01", "m02", "m03", "m04")}
    round_id = host.run_round(meeting_id)
    questions = [q["id"] for q in phones["m01"].state()["round"]["questions"]]
    assert "m05" not in questions  # absent: not on this round (II.B.6)
    codes = [phones[k].vote({"m01": "HTXSNV", "m02": "HTTNV", "m03": "HTNV"})
             for k in ("m01", "m02", "m03")]
    board = server.app.test_client().get(f"/api/rounds/{round_id}/board").get_json()
    assert board["ballots_cast"] == 3 and board["tracking_codes"] is None  # codes only once closed
    host.ok("POST", f"/api/host/rounds/{round_id}/close")
    board = server.app.test_client().get(f"/api/rounds/{round_id}/board").get_json()
    assert board["tracking_codes"] == sorted(codes)
    proposal = host.ok("GET", f"/api/host/meetings/{meeting_id}/proposal")
    levels = {m["id"]: (m["status"], m["level"]) for m in proposal["members"]}
    assert levels["m01"] == ("classified", "HTXSNV")
    assert levels["m03"] == ("classified", "HTNV")
    assert levels["m05"][0] == "absent"
    assert proposal["profile"] == "21-HD-2019"


def test_probationary_member_takes_part_but_cannot_vote(server, host, meeting):
    p = phone_for(server, meeting, "m04")
    host.run_round(meeting["meeting"]["id"])
    assert p.state()["me"]["can_vote"] is False
    answer = p.prepare_ballot({"m01": "HTTNV"})
    assert answer.status_code == 403 and error_code(answer) == "not_a_voter"


def test_second_signature_for_same_member_refused(server, host, meeting):
    p = phone_for(server, meeting, "m01")
    host.run_round(meeting["meeting"]["id"])
    first = p.prepare_ballot({"m01": "HTTNV"})
    assert first.status_code == 200
    # The same blinded ballot again (its answer was lost): the same signature, no new one.
    again = p.ask_signature()
    assert again.status_code == 200 and again.get_json() == first.get_json()
    other = p.prepare_ballot({"m01": "KHTNV"})
    assert other.status_code == 409 and error_code(other) == "already_signed"
    assert p.state()["me"]["has_signature"] is True
    assert server.services.board(p.blinding["round"])["ballots_cast"] == 0


def test_sign_refused_when_round_not_open(server, host, meeting):
    p = phone_for(server, meeting, "m01")
    round_id = host.run_round(meeting["meeting"]["id"])
    host.ok("POST", f"/api/host/rounds/{round_id}/close")
    answer = p.client.post(f"/api/rounds/{round_id}/sign", json={"blinded": "AAAA"})
    assert answer.status_code == 409 and error_code(answer) == "round_not_open"


def test_resending_same_ballot_is_idempotent(server, host, meeting):
    p = phone_for(server, meeting, "m01")
    round_id = host.run_round(meeting["meeting"]["id"])
    first = p.vote({"m02": "HTTNV"})
    again = p.cast()
    assert again.status_code == 200 and again.get_json()["tracking_code"] == first
    assert server.services.board(round_id)["ballots_cast"] == 1


def test_cast_needs_no_cookie_and_stores_no_member(server, host, meeting, tmp_path):
    p = phone_for(server, meeting, "m02")
    host.run_round(meeting["meeting"]["id"])
    p.vote({"m01": "HTXSNV"})
    columns = {c["name"] for c in inspect(server.services.db.engine).get_columns("ballot")}
    # `nonce`: an encrypted ballot's own random nonce, copied from its text (unique per round).
    assert columns == {"digest", "round_id", "text", "prefix", "signature", "tracking_code", "nonce"}


@pytest.mark.parametrize("tamper, code", [
    (lambda b: {**b, "signature": b["signature"][:-4] + "AAAA"}, "bad_signature"),
    (lambda b: {**b, "prefix": "A" * 43}, "bad_signature"),
    (lambda b: {**b, "ballot": b["ballot"].replace('"HTTNV"', '"HTXSNV"')}, "bad_signature"),
    (lambda b: {**b, "ballot": b["ballot"] + " "}, "non_canonical"),
    (lambda b: {**b, "signature": "%%%"}, "invalid_field"),
    (lambda b: {k: v for k, v in b.items() if k != "prefix"}, "invalid_field"),
    (lambda b: {**b, "prefix": "AAAA"}, "invalid_field"),  # 3 bytes, not RFC 9474's 32
])
def test_forged_or_malformed_ballots_refused_and_nothing_stored(server, host, meeting, tamper, code):
    p = phone_for(server, meeting, "m01")
    round_id = host.run_round(meeting["meeting"]["id"])
    assert p.prepare_ballot({"m02": "HTTNV"}).status_code == 200
    body = {k: v for k, v in p.signed.items() if k != "round"}
    answer = p.anonymous.post(f"/api/rounds/{round_id}/ballots", json=tamper(body))
    assert 400 <= answer.status_code < 500 and error_code(answer) == code
    assert server.services.board(round_id)["ballots_cast"] == 0


def test_ballot_for_another_round_refused(server, host, meeting):
    p = phone_for(server, meeting, "m01")
    meeting_id = meeting["meeting"]["id"]
    first = host.run_round(meeting_id)
    p.prepare_ballot({"m02": "HTTNV"})
    host.ok("POST", f"/api/host/rounds/{first}/close")
    second = host.run_round(meeting_id, "followup", member_ids=["m02"])
    body = {k: v for k, v in p.signed.items() if k != "round"}
    answer = p.anonymous.post(f"/api/rounds/{second}/ballots", json=body)
    assert answer.status_code == 400 and error_code(answer) == "wrong_round"


def test_ballot_after_close_refused(server, host, meeting):
    p = phone_for(server, meeting, "m01")
    round_id = host.run_round(meeting["meeting"]["id"])
    p.prepare_ballot({"m02": "HTTNV"})
    host.ok("POST", f"/api/host/rounds/{round_id}/close")
    answer = p.cast()
    assert answer.status_code == 409 and error_code(answer) == "round_not_open"


def test_unknown_question_or_option_refused(server, host, meeting):
    cases = (({"m99": "HTTNV"}, "unknown_question"), ({"m02": "GIOI"}, "unknown_option"),
             ({"m01": ["HTTNV"]}, "unknown_option"))
    for (choices, code), key in zip(cases, ("m01", "m02", "m03"), strict=True):
        p = phone_for(server, meeting, key)
        round_id = host.run_round(meeting["meeting"]["id"])
        p.prepare_ballot(choices)
        answer = p.cast()
        assert answer.status_code == 400 and error_code(answer) == code
        host.ok("POST", f"/api/host/rounds/{round_id}/close")


def test_wrong_personal_code_refused(server, meeting):
    answer = phone(server).join(meeting["meeting"]["code"], "ZZZZZZZZ")
    assert answer.status_code == 401 and error_code(answer) == "bad_personal_code"


def test_host_calls_need_csrf_header(server, host, meeting):
    answer = host.client.get(f"/api/host/meetings/{meeting['meeting']['id']}")
    assert answer.status_code == 403 and error_code(answer) == "bad_csrf"


def test_host_login_refuses_wrong_password(server):
    answer = server.app.test_client().post("/api/host/login",
                                           json={"username": HOST_USER, "password": "sai"})
    assert answer.status_code == 401 and error_code(answer) == "bad_credentials"


def test_presence_marked_by_hand_changes_voters(server, host, meeting):
    meeting_id = meeting["meeting"]["id"]
    host.ok("POST", f"/api/host/meetings/{meeting_id}/presence",
            json={"member_id": "m05", "present": True, "absent_with_leave": False})
    state = host.state(meeting_id)
    assert next(m for m in state["members"] if m["id"] == "m05")["present"] is True
    bad = host.call("POST", f"/api/host/meetings/{meeting_id}/presence",
                    json={"member_id": "m05", "present": "yes"})
    assert bad.status_code == 400


def test_non_json_and_oversized_requests_refused(server, meeting):
    client = server.app.test_client()
    assert error_code(client.post("/api/join", data="x")) == "unsupported_media_type"
    big = client.post("/api/join", data="{" + " " * (3 * 1024 * 1024) + "}",
                      content_type="application/json")
    assert big.status_code == 413 and error_code(big) == "request_too_large"


def test_roster_import_all_or_nothing(server, host):
    created = host.ok("POST", "/api/host/meetings", json={
        "branch_name": "Chi bộ A", "title": "Họp", "date": "2026-12-15",
        "organisation_kind": "chi_bo_truc_thuoc"})
    meeting_id = created["meeting"]["id"]
    rows = [{"id": "a", "name": "Ngô Văn Hải", "status": "chinh_thuc", "admitted_on": "2000-01-01"},
            {"id": "b", "name": "Đỗ Thị Lan", "status": "đảng viên", "admitted_on": "2000-01-01"}]
    answer = host.call("POST", f"/api/host/meetings/{meeting_id}/roster", json={"members": rows})
    assert answer.status_code == 400 and "status" in answer.get_json()["error"]["message"]
    assert host.state(meeting_id)["members"] == []


def test_roster_import_from_csv(server, host):
    created = host.ok("POST", "/api/host/meetings", json={
        "branch_name": "Chi bộ A", "title": "Họp", "date": "2026-12-15",
        "organisation_kind": "chi_bo_truc_thuoc"})
    meeting_id = created["meeting"]["id"]
    csv_bytes = ("id;name;status;admitted_on;committee_level\n"
                 "a;Ngô Văn Hải;chính thức;01/01/2000;HTTNV\n"
                 "b;Đỗ Thị Lan;dự bị;2026-03-01;\n").encode()
    import io

    answer = host.call("POST", f"/api/host/meetings/{meeting_id}/roster",
                       data={"file": (io.BytesIO(csv_bytes), "ds.csv")},
                       content_type="multipart/form-data")
    assert answer.status_code == 201, answer.get_json()
    members = host.state(meeting_id)["members"]
    assert [(m["name"], m["status"], m["committee_level"]) for m in members] == [
        ("Ngô Văn Hải", "chinh_thuc", "HTTNV"), ("Đỗ Thị Lan", "du_bi", None)]


def test_join_by_name_waits_for_host_approval(server, host, meeting):
    meeting_id = meeting["meeting"]["id"]
    p = phone(server)
    answer = p.client.post("/api/join-by-name", json={"meeting_code": meeting["meeting"]["code"],
                                                      "member_id": "m02"})
    assert answer.get_json()["check_in"]["state"] == "pending"
    host.run_round(meeting_id)
    assert p.state()["me"]["can_vote"] is False
    pending = host.state(meeting_id)["pending_check_ins"]
    host.ok("POST", f"/api/host/meetings/{meeting_id}/check-ins/{pending[0]['id']}",
            json={"approve": True})
    assert p.state()["me"]["check_in"] == "approved"


def _stored_round_keys(server) -> dict[str, bytes]:
    """round id -> the stored key: the PEM file's bytes on SQLite, the sealed row on
    PostgreSQL (docs/protocol.md, “Round keys”)."""
    from ballot.store.models import RoundKey

    keys = server.services.data_dir / "round-keys"
    files = {p.name[len("round-"):-len(".pem")]: p.read_bytes() for p in keys.glob("round-*.pem")}
    with server.services.db.read() as session:
        rows = {k.round_id: k.nonce + k.sealed for k in session.query(RoundKey)}
    assert not (files and rows)  # one store or the other, never both
    return files or rows


def test_round_key_destroyed_at_close(server, host, meeting, tmp_path, database_url):
    round_id = host.run_round(meeting["meeting"]["id"])
    stored = _stored_round_keys(server)
    assert list(stored) == [round_id]
    if database_url:  # sealed under the installation's secret, which no table holds
        assert b"PRIVATE KEY" not in stored[round_id] and not (tmp_path / "round-keys").exists()
    else:
        key_file = tmp_path / "round-keys" / f"round-{round_id}.pem"
        assert (key_file.stat().st_mode & 0o777) == 0o600
    host.ok("POST", f"/api/host/rounds/{round_id}/close")
    assert _stored_round_keys(server) == {}


def test_a_key_left_by_a_crash_at_close_is_destroyed_at_the_next_start(server, host, meeting, tmp_path):
    """A crash between the close's commit and the key file's deletion leaves the key
    file (SQLite): the next start destroys it, and keeps the key of a round still open.
    On PostgreSQL the key's row goes in the close's own transaction: nothing is left."""
    from ballot.config import load_settings
    from ballot.services.facade import Services

    meeting_id = meeting["meeting"]["id"]
    closed = host.run_round(meeting_id)
    keys = tmp_path / "round-keys"
    left_behind = _stored_round_keys(server)[closed]
    host.ok("POST", f"/api/host/rounds/{closed}/close")
    if not server.services.db.path:
        assert _stored_round_keys(server) == {}
        return
    (keys / f"round-{closed}.pem").write_bytes(left_behind)  # as if the process died here
    still_open = host.run_round(meeting_id, kind="organisation")
    Services(load_settings(tmp_path))
    assert sorted(p.name for p in keys.iterdir()) == [f"round-{still_open}.pem"]


def test_member_who_took_a_ballot_cannot_be_marked_absent(server, host, meeting):
    meeting_id = meeting["meeting"]["id"]
    p = phone_for(server, meeting, "m02")
    host.run_round(meeting_id)
    p.vote({"m01": "HTTNV"})
    answer = host.call("POST", f"/api/host/meetings/{meeting_id}/presence",
                       json={"member_id": "m02", "present": False, "absent_with_leave": True})
    assert answer.status_code == 409 and error_code(answer) == "member_has_voted"
    assert next(m for m in host.state(meeting_id)["members"] if m["id"] == "m02")["present"] is True


def test_meeting_defaults_to_the_profile_in_force_on_its_date(server, host):
    """docs/rules.md: 21-HD-2019 before 31/10/2025, 366-2025 from that date."""
    for date, profile in (("2024-12-15", "21-HD-2019"), ("2026-12-15", "366-2025")):
        state = host.ok("POST", "/api/host/meetings", json={
            "branch_name": "Chi bộ A", "title": "Họp", "date": date,
            "organisation_kind": "chi_bo_truc_thuoc"})
        assert state["meeting"]["profile"] == profile


def test_366_meeting_reads_scores_from_the_roster_and_applies_its_25_percent_cap(server, host):
    """QĐ 366 Điều 11 and khoản 1.5 through the meeting: roster columns to proposal."""
    created = host.ok("POST", "/api/host/meetings", json={
        "branch_name": "Chi bộ A", "title": "Họp", "date": "2026-12-15",
        "profile": "366-2025", "cap_percent": 25, "organisation_kind": "chi_bo_co_so"})
    meeting_id = created["meeting"]["id"]
    csv_bytes = ("id,name,status,admitted_on,score_general,score_tasks,tasks_completed_pct,cap_group\n"
                 "a,Ngô Văn Hải,chinh_thuc,2000-01-01,28,64,100,Chuyên viên\n"
                 "b,Đỗ Thị Lan,chinh_thuc,2001-01-01,,,100,\n").encode()
    import io

    host.ok("POST", f"/api/host/meetings/{meeting_id}/roster",
            data={"file": (io.BytesIO(csv_bytes), "ds.csv")}, content_type="multipart/form-data")
    members = {m["id"]: m for m in host.state(meeting_id)["members"]}
    assert members["a"]["facts"]["score"] == {"general": 28, "tasks": 64}
    assert members["a"]["facts"]["cap_group"] == "Chuyên viên"
    host.mark_present(meeting_id, "a", "b")
    round_id = host.run_round(meeting_id)
    host.ok("POST", f"/api/host/rounds/{round_id}/close")
    proposal = host.ok("GET", f"/api/host/meetings/{meeting_id}/proposal")
    assert proposal["profile"] == "366-2025" and proposal["cap"]["percent"] == 25
    reasons = {m["id"]: {r["code"] for r in m["reasons"]} for m in proposal["members"]}
    assert "score_missing" in reasons["b"]


def test_bad_cap_percent_refused(server, host):
    answer = host.call("POST", "/api/host/meetings", json={
        "branch_name": "Chi bộ A", "title": "Họp", "date": "2026-12-15", "cap_percent": 30,
        "organisation_kind": "chi_bo_truc_thuoc"})
    assert answer.status_code == 400 and error_code(answer) == "invalid_field"
    assert answer.get_json()["error"]["field"] == "cap_percent"
    assert answer.get_json()["error"]["message"].startswith("Tỷ lệ giới hạn xuất sắc:")


def test_phone_sees_a_proposal_edited_during_the_round(server, host, meeting):
    """The ballot form is built once per round, but an edit by the host shows at once."""
    meeting_id = meeting["meeting"]["id"]
    p = phone_for(server, meeting, "m01")
    host.run_round(meeting_id)

    def committee_level_of_m02():
        questions = p.state()["round"]["questions"]
        return next(q for q in questions if q["id"] == "m02")["proposals"]["committee"]

    assert committee_level_of_m02() == "HTTNV"
    answer = host.call("PATCH", f"/api/host/meetings/{meeting_id}/members/m02",
                       json={"committee_level": "HTXSNV"})
    assert answer.status_code == 200, answer.get_json()
    assert committee_level_of_m02() == "HTXSNV"


def test_ballot_form_is_fetched_once_per_version_and_only_by_the_meetings_phones(server, host, meeting):
    """A room of phones refreshing their state does not download the form again: the
    state names its version, the form answers 304 to a phone that holds it, and an edit
    by the host makes a new version."""
    meeting_id = meeting["meeting"]["id"]
    p = phone_for(server, meeting, "m01")
    created = host.ok("POST", f"/api/host/meetings/{meeting_id}/rounds", json={"kind": "classification"})
    form_path = f"/api/rounds/{created['id']}/form"
    draft = p.client.get(form_path)
    assert draft.status_code == 404 and "vòng bỏ phiếu" in draft.get_json()["error"]["message"]
    host.ok("POST", f"/api/host/rounds/{created['id']}/open")

    state = p.client.get("/api/state").get_json()
    assert "questions" not in state["round"] and len(p.client.get("/api/state").data) < 1000
    first = p.client.get(form_path, headers={"Accept-Encoding": "gzip"})
    assert first.status_code == 200 and first.headers["Content-Encoding"] == "gzip"
    assert first.headers["ETag"] == f'"{state["round"]["form"]}"'
    # The room's push names the same version: a phone follows the opening from it.
    assert server.services.public_state(meeting_id)["round"]["form"] == state["round"]["form"]
    assert {q["id"] for q in json.loads(gzip.decompress(first.data))["questions"]} == {"m01", "m02", "m03"}
    again = p.client.get(form_path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""

    host.ok("PATCH", f"/api/host/meetings/{meeting_id}/members/m02", json={"committee_level": "HTXSNV"})
    newer = p.client.get("/api/state").get_json()["round"]["form"]
    assert newer != state["round"]["form"]
    edited = p.client.get(form_path, headers={"If-None-Match": first.headers["ETag"]})
    assert edited.status_code == 200 and edited.headers["ETag"] == f'"{newer}"'
    assert next(q for q in edited.get_json()["questions"] if q["id"] == "m02")["proposals"]["committee"] == "HTXSNV"

    assert server.app.test_client().get(form_path).status_code == 401  # no check-in, no form
    other = host.new_meeting()
    stranger = phone_for(server, other, "m01")
    refused = stranger.client.get(form_path)  # another meeting's member
    assert refused.status_code == 404 and refused.get_json()["error"]["code"] == "not_found"


def test_roster_id_fixed_once_a_round_exists(server, host, meeting):
    """Ballots name members by roster id: before any round it may change (to a free
    id), afterwards the change is refused and nothing is stored."""
    meeting_id = meeting["meeting"]["id"]
    path = f"/api/host/meetings/{meeting_id}/members"
    taken = host.call("PATCH", f"{path}/m02", json={"id": "m03"})
    assert taken.status_code == 400 and taken.get_json()["error"]["field"] == "id"
    host.ok("PATCH", f"{path}/m02", json={"id": "m02b"})
    host.ok("POST", f"/api/host/meetings/{meeting_id}/rounds", json={"kind": "classification"})
    before = host.state(meeting_id)["members"]
    locked = host.call("PATCH", f"{path}/m02b", json={"id": "m02"})
    assert locked.status_code == 409 and error_code(locked) == "roster_id_locked"
    assert "Mã đảng viên" in locked.get_json()["error"]["message"]
    assert host.state(meeting_id)["members"] == before
    host.ok("PATCH", f"{path}/m02b", json={"role": "Đảng viên"})  # other fields still editable


def test_roster_names_from_a_spreadsheet_are_stored_in_one_spelling(server, host):
    """A name typed with combining accents (NFD, as some Mac and Word copies give) is
    stored as NFC, so it matches the same name typed elsewhere; a control character
    in a cell is refused with its row and column."""
    import io
    import unicodedata

    created = host.ok("POST", "/api/host/meetings", json={
        "branch_name": "Chi bộ A", "title": "Họp", "date": "2026-12-15",
        "organisation_kind": "chi_bo_truc_thuoc"})
    meeting_id = created["meeting"]["id"]
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hồng")

    def upload(name: str):
        csv_bytes = f"id;name;status;admitted_on\na;{name};chính thức;01/01/2000\n".encode()
        return host.call("POST", f"/api/host/meetings/{meeting_id}/roster",
                         data={"file": (io.BytesIO(csv_bytes), "ds.csv")},
                         content_type="multipart/form-data")

    bad = upload("Ngô\x07Văn Hải")
    assert bad.status_code == 400
    assert bad.get_json()["error"]["message"] == "Tệp danh sách, dòng 2, cột B: có ký tự điều khiển."
    assert host.state(meeting_id)["members"] == []
    assert upload(decomposed).status_code == 201
    assert [m["name"] for m in host.state(meeting_id)["members"]] == ["Nguyễn Thị Hồng"]
