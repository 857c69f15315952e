"""Every bad request is refused cleanly (docs/architecture.md, “Validation”): for each
JSON endpoint, each field of a valid body is replaced by a value of another type, a
string with a control character or a lone surrogate, or a string far too long; a field
nobody knows is added; the body is nested too deep, sent as a list, or not as JSON.
Each answer is a 4xx JSON error with a Vietnamese message (naming the field when the
error is about one), and nothing stored changes."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import inspect, text

from ballot.config import load_settings
from ballot.services.committee import CommitteeWorkspace
from tests.committee_kit import CLERK_PASSWORD, CLERK_USER, Clerk
from tests.meeting_kit import Host, new_server, phone_for

VIETNAMESE = set("ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ")


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str  # with {meeting}, {round}, {check_in}
    body: dict[str, Any]
    caller: str  # "host", "phone", "clerk" (the đảng ủy's, /committee) or "anonymous"


ENDPOINTS = [
    Endpoint("login", "POST", "/api/host/login", {"username": "bithu", "password": "mat-khau-dai-1"}, "anonymous"),
    Endpoint("change password", "POST", "/api/host/password",
             {"current_password": "sai-mat-khau-1", "new_password": "mat-khau-moi-dai"}, "host"),
    Endpoint("create meeting", "POST", "/api/host/meetings",
             {"branch_name": "Chi bộ B", "title": "Họp", "date": "2026-12-15", "profile": "21-HD-2019",
              "denominator": "present", "organisation_kind": "chi_bo_co_so", "organisation_disciplined": True,
              "discipline_self_remedied": True, "founded_on": "2010-01-01",
              "organisation_criteria": {"tasks": "TOT", "other": "TOT"},
              "bodies": [{"name": "UBND xã", "kind": "chinh_quyen", "level": "HTTNV"}],
              "khtnv_by_accumulation": "undetermined", "cap_percent": 20, "thresholds": {"HTXSNV": "2/3"},
              "place": "Hội trường xã", "counting_committee": ["Lê Văn A", "Trần Thị B"],
              "timezone": "Asia/Ho_Chi_Minh"},
             "host"),
    Endpoint("edit meeting details", "PATCH", "/api/host/meetings/{meeting}",
             {"place": "Hội trường xã", "counting_committee": ["Lê Văn A"], "timezone": "Asia/Bangkok"}, "host"),
    Endpoint("import roster", "POST", "/api/host/meetings/{meeting}/roster",
             {"members": [{"id": "x1", "name": "Đỗ Văn X", "status": "chinh_thuc", "admitted_on": "2001-01-01"}]},
             "host"),
    Endpoint("edit member", "PATCH", "/api/host/meetings/{meeting}/members/m02", {"name": "Trần Thị Bình"}, "host"),
    Endpoint("presence", "POST", "/api/host/meetings/{meeting}/presence",
             {"member_id": "m05", "present": True, "absent_with_leave": False}, "host"),
    Endpoint("decide check-in", "POST", "/api/host/meetings/{meeting}/check-ins/{check_in}", {"approve": True},
             "host"),
    Endpoint("create round", "POST", "/api/host/meetings/{meeting}/rounds",
             {"kind": "followup", "member_ids": ["m01"]}, "host"),
    Endpoint("designate counting committee", "POST", "/api/host/meetings/{meeting}/trustees",
             {"member_ids": ["m01", "m02", "m03"], "threshold": 2}, "host"),
    Endpoint("trustee message", "POST", "/api/trustee/messages",
             {"envelope": {"message": {"type": "announce", "trustee": 1}, "signature": "QUJD"}}, "phone"),
    Endpoint("trustee decryption", "POST", "/api/trustee/rounds/{round}/decryption",
             {"envelope": {"message": {"type": "partial-decryption", "trustee": 1}, "signature": "QUJD"}},
             "phone"),
    Endpoint("join", "POST", "/api/join", {"meeting_code": "{code}", "personal_code": "{personal}"}, "anonymous"),
    Endpoint("join by name", "POST", "/api/join-by-name", {"meeting_code": "{code}", "member_id": "m03"},
             "anonymous"),
    Endpoint("sign", "POST", "/api/rounds/{round}/sign", {"blinded": "QUJD"}, "phone"),
    Endpoint("cast", "POST", "/api/rounds/{round}/ballots",
             {"ballot": "{}", "prefix": "A" * 43, "signature": "QUJD"}, "anonymous"),
    Endpoint("clerk login", "POST", "/api/committee/login",
             {"username": "vanphong", "password": "mat-khau-dai-1"}, "anonymous"),
    Endpoint("register chi bộ", "POST", "/api/committee/branches",
             {"name": "Chi bộ B", "kind": "chi_bo_truc_thuoc", "fingerprint": "AB12" * 16,
              "confirmation": "So với bản in của chi bộ"}, "clerk"),
    Endpoint("committee decision", "POST", "/api/committee/decisions",
             {"branch": "Chi bộ B", "member_id": "m01", "level": "HTTNV", "reason": "Đảng ủy xem xét"}, "clerk"),
    Endpoint("committee certify", "POST", "/api/committee/certify",
             {"resolution": "03-QĐ/ĐU", "date": "2026-12-20"}, "clerk"),
]


def _wrong_values(value: Any) -> list[Any]:
    """Values no field of this kind accepts."""
    if isinstance(value, bool):
        return ["false", 0, None, [True]]
    if isinstance(value, (int, float)):
        return [str(value), True, [value], 12345.5]
    if isinstance(value, str):
        return [12345, True, [value], {"x": value}, value[:1] + "\u0000" + value[1:], "x" * 100_000]
    if isinstance(value, list):
        return ["x", {"x": 1}, [None], [12345]]
    return ["x", 12, [value], {"HTXSNV": "0.6"}]


def _cases() -> list[tuple[str, Endpoint, Any]]:
    cases = []
    for endpoint in ENDPOINTS:
        for field, value in endpoint.body.items():
            for n, wrong in enumerate(_wrong_values(value)):
                cases.append((f"{endpoint.name}: {field} #{n}", endpoint, {**endpoint.body, field: wrong}))
        cases.append((f"{endpoint.name}: unknown field", endpoint, {**endpoint.body, "extra": 1}))
        cases.append((f"{endpoint.name}: list", endpoint, [endpoint.body]))
        cases.append((f"{endpoint.name}: deep", endpoint, "deep"))
        cases.append((f"{endpoint.name}: surrogate", endpoint, "surrogate"))
        cases.append((f"{endpoint.name}: not json", endpoint, "text"))
    return cases


CASES = _cases()


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    """A meeting with a check-in waiting, a phone checked in and a round open; one for
    the whole corpus, since no case may change it (each asserts so)."""
    data_dir = tmp_path_factory.mktemp("bad-input")
    server = new_server(data_dir)
    workspace = CommitteeWorkspace(load_settings(data_dir))  # the đảng ủy's, for the /committee calls
    workspace.init("Đảng ủy Xã Tân Hòa", "21-HD-2019")
    workspace.add_clerk(CLERK_USER, CLERK_PASSWORD)
    workspace.close()
    host = Host(server.app.test_client())
    meeting = host.mark_present(host.new_meeting()["meeting"]["id"], "m01", "m02", "m03")
    meeting_id = meeting["meeting"]["id"]
    voter = phone_for(server, meeting, "m01")
    pending = server.app.test_client().post("/api/join-by-name", json={
        "meeting_code": meeting["meeting"]["code"], "member_id": "m05"})
    assert pending.status_code == 200
    round_id = host.run_round(meeting_id)
    state = host.state(meeting_id)
    names = {
        "meeting": meeting_id, "round": round_id, "check_in": state["pending_check_ins"][0]["id"],
        "code": meeting["meeting"]["code"],
        "personal": next(m["personal_code"] for m in state["members"] if m["id"] == "m02"),
    }
    clerk = Clerk(server.app.test_client())
    return {"server": server, "host": host, "phone": voter, "clerk": clerk, "names": names}


def _fill(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, str):
        for key, name in names.items():
            value = value.replace("{" + key + "}", name)
        return value
    if isinstance(value, list):
        return [_fill(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    return value


def _raw(body: Any, names: dict[str, str], endpoint: Endpoint) -> tuple[bytes, str]:
    if body == "deep":
        return b'{"a":' * 5000 + b"1" + b"}" * 5000, "application/json"
    if body == "surrogate":
        first = next(iter(endpoint.body))
        good = json.dumps(_fill(endpoint.body, names))
        return good.replace(f'"{first}": ', f'"{first}": "\\ud800", "_": ', 1).encode(), "application/json"
    if body == "text":
        return b"member_id=m01", "application/x-www-form-urlencoded"
    return json.dumps(_fill(body, names), ensure_ascii=False).encode(), "application/json"


def database_rows(server) -> dict[str, list[tuple]]:
    """Every row of every table, to compare before and after: the meetings' database and,
    once the web area has opened it, the đảng ủy's workspace."""
    rows = {}
    workspace = server.app.extensions.get("phieukin_committee")
    for engine in (server.services.db.engine, *([workspace.store.engine] if workspace else [])):
        with engine.connect() as conn:
            rows |= {table: sorted(map(tuple, conn.execute(text(f'SELECT * FROM "{table}"'))), key=repr)
                     for table in inspect(engine).get_table_names()}
    return rows


def _client(room, caller: str):
    if caller == "host":
        return room["host"].client, {"X-CSRF-Token": room["host"].csrf}
    if caller == "phone":
        return room["phone"].client, {}
    if caller == "clerk":
        return room["clerk"].client, {"X-CSRF-Token": room["clerk"].csrf}
    return room["server"].app.test_client(), {}


def test_the_corpus_covers_every_json_endpoint(server):
    """A new JSON endpoint must join the corpus: every POST/PATCH route that takes a
    body is listed (those without a body take none and refuse one: tested below)."""
    routes = {(rule.rule, method) for rule in server.app.url_map.iter_rules()
              for method in rule.methods & {"POST", "PATCH"}}
    bodyless = {"/api/host/logout", "/api/host/rounds/<round_id>/open", "/api/host/rounds/<round_id>/close",
                "/api/host/meetings/<meeting_id>/certify", "/api/host/meetings/<meeting_id>/presence/all",
                "/api/committee/logout", "/api/host/meetings/<meeting_id>/trustees/confirm",
                "/api/host/rounds/<round_id>/void"}
    multipart = {"/api/verify", "/api/committee/bundles"}  # files: tests/test_verify_page.py, test_committee_web.py
    templated = {e.path.replace("{meeting}", "<meeting_id>").replace("{round}", "<round_id>")
                 .replace("{check_in}", "<check_in_id>").replace("/m02", "/<member_id>") for e in ENDPOINTS}
    assert {r for r, _ in routes} - bodyless - multipart == templated


@pytest.mark.parametrize("name, endpoint, body", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_refused_and_changes_nothing(room, name, endpoint, body):
    names = room["names"]
    before = database_rows(room["server"])
    client, headers = _client(room, endpoint.caller)
    data, content_type = _raw(body, names, endpoint)
    answer = client.open(_fill(endpoint.path, names), method=endpoint.method, data=data,
                         content_type=content_type, headers=headers)
    assert 400 <= answer.status_code < 500, (answer.status_code, answer.get_data(as_text=True)[:300])
    error = answer.get_json()["error"]
    assert error["code"] and set(error["message"].lower()) & VIETNAMESE, error
    if error["code"] == "invalid_field":  # about one field, or about the whole body
        assert error.get("field") or error["message"].startswith("Nội dung yêu cầu"), error
    assert database_rows(room["server"]) == before


@pytest.mark.parametrize("path", ["/api/host/rounds/{round}/open", "/api/host/rounds/{round}/close",
                                  "/api/host/meetings/{meeting}/certify",
                                  "/api/host/meetings/{meeting}/presence/all",
                                  "/api/host/meetings/{meeting}/trustees/confirm", "/api/host/rounds/{round}/void"])
def test_calls_without_a_body_refuse_one(room, path):
    before = database_rows(room["server"])
    answer = room["host"].call("POST", _fill(path, room["names"]), json={"force": True})
    assert answer.status_code == 400 and answer.get_json()["error"]["field"] == "force"
    assert database_rows(room["server"]) == before


def test_the_clerk_s_logout_refuses_a_body(room):
    before = database_rows(room["server"])
    clerk = room["clerk"]
    answer = clerk.call("POST", "/api/committee/logout", json={"force": True})
    assert answer.status_code == 400 and answer.get_json()["error"]["field"] == "force"
    assert database_rows(room["server"]) == before
    assert clerk.call("GET", "/api/committee/workspace").status_code == 200  # still logged in


def test_messages_name_the_field_as_a_person_knows_it(room):
    answer = room["host"].call("POST", "/api/host/meetings", json={
        "branch_name": "x" * 201, "title": "Họp", "date": "2026-12-15",
        "organisation_kind": "chi_bo_truc_thuoc"})
    assert answer.get_json()["error"] == {
        "code": "invalid_field", "field": "branch_name",
        "message": "Tên chi bộ: quá dài (tối đa 200 ký tự)."}
    answer = room["host"].call("POST", f"/api/host/meetings/{room['names']['meeting']}/presence",
                               json={"member_id": "m05", "present": "true"})
    assert answer.get_json()["error"]["message"] == "Có mặt: phải là đúng hoặc sai (true/false)."
    # A field inside a field is named by both titles, its choices in Vietnamese.
    answer = room["host"].call("POST", "/api/host/meetings", json={
        "branch_name": "Chi bộ A", "title": "Họp", "date": "2026-12-15", "organisation_kind": "chi_bo_co_so",
        "organisation_criteria": {"tasks": "TOT", "other": "tốt"}})
    assert answer.get_json()["error"] == {
        "code": "invalid_field", "field": "organisation_criteria.other",
        "message": "Tự đánh giá của chi bộ (Mẫu 01), Các tiêu chí khác: phải là một trong: "
                   "KEM, TRUNG_BINH, TOT hoặc XUAT_SAC."}


@pytest.mark.parametrize("body, field, message", [
    ({"counting_committee": ["A", "B", "C", "D", "E", "F"]}, "counting_committee",
     "Ban kiểm phiếu: cần từ 1 đến 5 người (trưởng ban ghi đầu tiên)."),
    ({"counting_committee": []}, "counting_committee",
     "Ban kiểm phiếu: cần từ 1 đến 5 người (trưởng ban ghi đầu tiên)."),
    ({"counting_committee": ["Lê Văn A", "Lê văn A"]}, "counting_committee", "Ban kiểm phiếu: có tên ghi hai lần."),
    ({"counting_committee": ["Lê Văn A", "  "]}, "counting_committee.1",
     "Ban kiểm phiếu, người thứ 2: không được để trống."),
    ({"timezone": "Asia/Hanoi"}, "timezone",
     "Múi giờ: không phải múi giờ đã biết (viết như Asia/Ho_Chi_Minh)."),
    ({"timezone": "../../etc/passwd"}, "timezone",
     "Múi giờ: không phải múi giờ đã biết (viết như Asia/Ho_Chi_Minh)."),
    ({"place": "x" * 301}, "place", "Địa điểm họp: quá dài (tối đa 300 ký tự)."),
    ({"place": "Hội trường\nB"}, "place", "Địa điểm họp: phải nằm trên một dòng."),
])
def test_meeting_details_are_refused_naming_the_field(room, body, field, message):
    before = database_rows(room["server"])
    for method, path, extra in (
        ("PATCH", f"/api/host/meetings/{room['names']['meeting']}", {}),
        ("POST", "/api/host/meetings", {"branch_name": "Chi bộ E", "title": "Họp", "date": "2026-12-15",
                                        "organisation_kind": "chi_bo_co_so"}),
    ):
        answer = room["host"].call(method, path, json={**extra, **body})
        assert answer.status_code == 400
        assert answer.get_json()["error"] == {"code": "invalid_field", "field": field, "message": message}
    assert database_rows(room["server"]) == before


# Roster cells the rules engine reads (services/roster.py), each bad in one way: the
# import names the row and the column in Vietnamese and stores nothing.
BAD_CELLS = [
    ({"civil_servant_rating_pending": "chưa"}, "civil_servant_rating_pending"),
    ({"civil_servant_rating_pending": "có", "civil_servant_level": "HTTNV"}, "civil_servant_rating_pending"),
    ({"temporary_registration": "tạm"}, "temporary_registration"),
    ({"temporary_registration": "here", "is_secretary": "x"}, "is_secretary"),
    ({"months_at_previous_branch": "bảy"}, "months_at_previous_branch"),
    ({"months_at_previous_branch": 13}, "months_at_previous_branch"),
    ({"months_at_previous_branch": -1}, "months_at_previous_branch"),
    ({"other_branch_comments_received": "x"}, "other_branch_comments_received"),
    ({"discipline_at_previous_organisation": "x"}, "discipline_at_previous_organisation"),
    ({"discipline_already_counted": "x"}, "discipline_already_counted"),
    ({"discipline_already_counted": 2}, "discipline_already_counted"),
    ({"head_transferred_in": "x"}, "head_transferred_in"),
    ({"is_secretary": "bí thư"}, "is_secretary"),
    ({"committee_activity_suspended": "đình chỉ"}, "committee_activity_suspended"),
]


@pytest.mark.parametrize("cells, column", BAD_CELLS, ids=[c[1] + "=" + repr(c[0]) for c in BAD_CELLS])
def test_bad_roster_cell_names_its_row_and_column_and_stores_nothing(room, cells, column):
    before = database_rows(room["server"])
    fresh = room["host"].ok("POST", "/api/host/meetings", json={
        "branch_name": "Chi bộ C", "title": "Họp", "date": "2026-12-15", "organisation_kind": "chi_bo_co_so"})
    stored = database_rows(room["server"])
    good = {"id": "x1", "name": "Đỗ Văn X", "status": "chinh_thuc", "admitted_on": "2001-01-01"}
    answer = room["host"].call("POST", f"/api/host/meetings/{fresh['meeting']['id']}/roster",
                               json={"members": [good, {**good, "id": "x2", **cells}]})
    assert answer.status_code == 400, answer.get_json()
    error = answer.get_json()["error"]
    assert error["code"] == "bad_roster" and f"dòng 2: {column}: " in error["message"], error
    assert set(error["message"].lower()) & VIETNAMESE
    assert database_rows(room["server"]) == stored and stored != before


def test_two_secretaries_in_one_roster_are_refused(room):
    fresh = room["host"].ok("POST", "/api/host/meetings", json={
        "branch_name": "Chi bộ D", "title": "Họp", "date": "2026-12-15", "organisation_kind": "chi_bo_co_so"})
    rows = [{"id": f"x{i}", "name": f"Đỗ Văn {i}", "status": "chinh_thuc", "admitted_on": "2001-01-01",
             "is_secretary": "có"} for i in (1, 2)]
    answer = room["host"].call("POST", f"/api/host/meetings/{fresh['meeting']['id']}/roster", json={"members": rows})
    assert answer.status_code == 400
    assert "dòng 2: is_secretary: chi bộ chỉ có một bí thư (đã ghi ở dòng 1)" in answer.get_json()["error"]["message"]


def test_text_is_stored_in_nfc_and_stripped(host):
    """A name typed with combining marks (as some phones and Windows send it) is the
    same name as its composed form."""
    created = host.ok("POST", "/api/host/meetings", json={
        "branch_name": "  Chi bô\u0323 Xô\u0301m  ", "title": "Họp", "date": "2026-12-15",
        "organisation_kind": "chi_bo_truc_thuoc"})
    assert created["meeting"]["branch_name"] == "Chi bộ Xốm"


@pytest.mark.parametrize("data", ["nonsense", 12, None, ["x"], {"meeting_id": 5}, {"meeting_id": "a" * 32,
                                                                                  "role": "admin"}])
def test_realtime_join_refuses_bad_data(server, data):
    client = server.socketio.test_client(server.app)
    ack = client.emit("join", data, callback=True)
    assert ack["error"]["code"] == "invalid_field" and set(ack["error"]["message"].lower()) & VIETNAMESE


@pytest.mark.parametrize("token", ["tôken-đúng", "\xff\xfe", "", " " * 300, "a" * 5000])
def test_a_malformed_csrf_token_is_refused_cleanly(room, token):
    """A header is bytes from the network: one that is not the token, whatever its
    characters or length, answers 403 in Vietnamese and changes nothing."""
    before = database_rows(room["server"])
    answer = room["host"].client.post(
        f"/api/host/meetings/{room['names']['meeting']}/presence",
        json={"member_id": "m05", "present": True, "absent_with_leave": False},
        headers={"X-CSRF-Token": token})
    assert answer.status_code == 403, answer.get_data(as_text=True)[:300]
    assert set(answer.get_json()["error"]["message"].lower()) & VIETNAMESE
    assert database_rows(room["server"]) == before
