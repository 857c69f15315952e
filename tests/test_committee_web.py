"""The đảng ủy's web area, `/committee` (docs/committee-bundle.md, “The web area”), through
Flask's test client on a real workspace: clerk accounts made from the command line, a
login of its own that opens nothing of the host's (nor the host's anything here), the
registry, several bundles uploaded at once each accepted or refused by its failing check,
a key seen on a refused bundle registered with the clerk's confirmation, the proposal
and the decisions, the certification and its documents for the logged-in clerk only."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from ballot.config import load_settings
from ballot.report import committee as committee_format
from ballot.services.committee import CommitteeWorkspace
from ballot.store.committee import BranchKey
from ballot.web import committee as committee_web
from ballot.web.ratelimit import Attempts
from tests.certify_kit import certified_meeting
from tests.committee_kit import CLERK_PASSWORD, CLERK_USER, Clerk, ballot, committee_server, database_dump
from tests.meeting_kit import Host, new_server
from tests.test_bad_input import VIETNAMESE


@pytest.fixture(autouse=True)
def fresh_limits(monkeypatch):
    """Each test starts with no failed login counted (the limits are per process)."""
    monkeypatch.setattr(committee_web, "clerk_logins",
                        Attempts(committee_web.clerk_logins.rules, committee_web.clerk_logins.message))


@pytest.fixture(scope="module")
def bundles(tmp_path_factory):
    """Two certified bundles of “Chi bộ Phòng Tổng hợp”, signed by two different keys."""
    root = tmp_path_factory.mktemp("chi-bo")
    first, second = certified_meeting(root / "a"), certified_meeting(root / "b")
    return first, second


@pytest.fixture
def office(tmp_path):
    server = committee_server(tmp_path / "dang-uy")
    yield server
    server.services.db.close()


def _vietnamese(answer) -> dict:
    error = answer.get_json()["error"]
    assert set(error["message"].lower()) & VIETNAMESE, error
    return error


def _rules(server, prefix: str) -> list[tuple[str, str]]:
    """Every route under `prefix`, with each placeholder filled, and its methods."""
    found = []
    for rule in server.app.url_map.iter_rules():
        if rule.rule.startswith(prefix) and not rule.rule.endswith(("/login", "/session")):
            path = re.sub(r"<[^>]+>", "x", rule.rule)
            found += [(method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


def test_without_a_workspace_the_page_says_how_to_make_one_and_nothing_is_created(tmp_path):
    server = new_server(tmp_path)
    page = server.app.test_client().get("/committee")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "chưa có không gian làm việc của đảng ủy" in text and "ballot committee init" in text
    answer = server.app.test_client().post("/api/committee/login",
                                           json={"username": CLERK_USER, "password": CLERK_PASSWORD})
    assert answer.status_code == 409 and "ballot committee init" in _vietnamese(answer)["message"]
    assert not (tmp_path / "committee.sqlite3").exists()


def test_clerk_accounts_are_made_from_the_command_line(tmp_path, monkeypatch):
    data = tmp_path / "dang-uy"
    assert ballot("committee", "init", "--data", str(data), "--name", "Đảng ủy Xã Tân Hòa",
                  "--profile", "21-HD-2019").returncode == 0
    monkeypatch.setenv("PHIEUKIN_CLERK_PASSWORD", "ngan")
    short = ballot("committee", "add-clerk", "--data", str(data), "--username", CLERK_USER)
    assert short.returncode == 2 and "ít nhất 8 ký tự" in short.stderr
    monkeypatch.setenv("PHIEUKIN_CLERK_PASSWORD", CLERK_PASSWORD)
    made = ballot("committee", "add-clerk", "--data", str(data), "--username", CLERK_USER)
    assert made.returncode == 0 and "Đã tạo tài khoản văn phòng đảng ủy" in made.stdout, made.stderr
    again = ballot("committee", "add-clerk", "--data", str(data), "--username", CLERK_USER)
    assert again.returncode == 2 and "đã có" in again.stderr
    stored = "\n".join(database_dump(data))
    assert CLERK_PASSWORD not in stored and "scrypt:" in stored  # the host accounts' hashing
    server = new_server(data)
    clerk = Clerk(server.app.test_client())
    assert clerk.ok("GET", "/api/committee/workspace")["committee"]["name"] == "Đảng ủy Xã Tân Hòa"


def test_a_host_login_opens_nothing_here_and_a_clerk_login_nothing_of_the_host(office):
    host, clerk = Host(office.app.test_client()), Clerk(office.app.test_client())
    committee_routes, host_routes = _rules(office, "/api/committee/"), _rules(office, "/api/host/")
    assert len(committee_routes) >= 8 and len(host_routes) >= 20
    for method, path in committee_routes:
        answer = host.call(method, path, json={})
        assert answer.status_code in (401, 403), (method, path, answer.status_code)
        _vietnamese(answer)
    for method, path in host_routes:
        answer = clerk.call(method, path, json={})
        assert answer.status_code == 401, (method, path, answer.status_code)
        _vietnamese(answer)
    # Each keeps its own login.
    assert host.call("GET", "/api/host/meetings").status_code == 200
    assert clerk.call("GET", "/api/committee/workspace").status_code == 200


def test_the_csrf_token_is_required_and_logout_ends_the_login_on_the_server(office):
    clerk = Clerk(office.app.test_client())
    assert office.app.test_client().get("/api/committee/workspace").status_code == 401
    no_token = clerk.client.get("/api/committee/workspace")
    assert no_token.status_code == 403 and _vietnamese(no_token)["code"] == "bad_csrf"
    session = clerk.client.get("/api/committee/session").get_json()
    assert session == {"csrf_token": clerk.csrf, "clerk": CLERK_USER}
    cookie = clerk.client.get_cookie("phieukin_committee")
    assert cookie.http_only and cookie.same_site == "Strict"
    clerk.ok("POST", "/api/committee/logout")
    replay = office.app.test_client()
    replay.set_cookie("phieukin_committee", cookie.value)
    assert replay.get("/api/committee/workspace", headers={"X-CSRF-Token": clerk.csrf}).status_code == 401


def test_wrong_passwords_are_limited_even_the_right_one_waits(office):
    client = office.app.test_client()
    for _ in range(5):
        answer = client.post("/api/committee/login", json={"username": CLERK_USER, "password": "sai-mat-khau"})
        assert answer.status_code == 401 and _vietnamese(answer)["code"] == "bad_credentials"
    refused = client.post("/api/committee/login", json={"username": CLERK_USER, "password": CLERK_PASSWORD})
    assert refused.status_code == 429
    assert refused.get_json()["error"]["message"].startswith("Đăng nhập sai quá nhiều lần. Hãy đợi ")


def test_the_whole_year_from_registry_to_signed_documents(office, bundles, tmp_path):
    first, second = bundles
    clerk = Clerk(office.app.test_client())
    name = first.bundle["organisation"]["name"]
    registered = clerk.ok("POST", "/api/committee/branches", json={
        "name": name, "kind": "chi_bo_truc_thuoc", "fingerprint": first.bundle["signer"]["fingerprint"].lower(),
        "confirmation": "Đối chiếu với bản in “ballot keys show” đồng chí bí thư ký ngày 16/12"})
    assert registered["new"] and registered["branches"] == [
        {"name": name, "kind": "chi_bo_truc_thuoc", "fingerprints": [first.bundle["signer"]["fingerprint"]]}]

    # Two files at once: the first accepted, the second (another key) refused, its fingerprint shown.
    answer = clerk.upload(("a.json", first.bundle_bytes), ("b.json", second.bundle_bytes))
    assert answer.status_code == 200
    accepted, refused = answer.get_json()["results"]
    assert accepted["accepted"] and accepted["file"] == "a.json" and "Đã nhận gói" in accepted["message"]
    assert not refused["accepted"] and refused["check"] == "signer"
    assert refused["message"].startswith("Người ký")
    assert refused["unregistered_fingerprint"] == second.bundle["signer"]["fingerprint"]
    assert refused["unregistered_kind"] == "chi_bo_truc_thuoc"

    # The clerk compares it with the chi bộ's record and registers it; the note is kept.
    note = "Đối chiếu với dấu vân tay trên gói bị từ chối “b.json”: khớp phiếu chi bộ gửi ngày 18/12"
    clerk.ok("POST", "/api/committee/branches", json={
        "name": name, "kind": refused["unregistered_kind"], "fingerprint": refused["unregistered_fingerprint"],
        "confirmation": note})
    again = clerk.upload(("b.json", second.bundle_bytes)).get_json()["results"]
    assert again[0]["accepted"], again
    workspace = CommitteeWorkspace(load_settings(tmp_path / "dang-uy"))
    try:
        with workspace.store.session() as s:
            notes = s.scalars(select(BranchKey.confirmation).order_by(BranchKey.id)).all()
    finally:
        workspace.close()
    assert notes[1] == note

    # The proposal: every member is in two bundles, flagged for the đảng ủy to decide.
    report = clerk.ok("GET", "/api/committee/report")
    assert report["conflicts"] and {c["id"] for c in report["conflicts"]} <= {m["id"] for m in report["members"]}
    pending = [m for m in report["members"] if m["status"] in ("tie", "conflict") and not m["decided"]]
    assert pending
    early = clerk.call("POST", "/api/committee/certify", json={"resolution": "03-QĐ/ĐU", "date": "2026-12-20"})
    assert early.status_code == 409 and _vietnamese(early)["code"] == "undecided"
    for member in pending:
        clerk.ok("POST", "/api/committee/decisions", json={
            "branch": member["branch"], "member_id": member["id"], "level": "HTNV",
            "reason": "Cùng đảng viên trong hai gói: theo gói sau"})
    clerk.ok("POST", "/api/committee/decisions", json={
        "branch": name, "level": "HTTNV", "reason": "Đảng ủy xem xét, quyết định (II.B.2.5)"})
    decided = clerk.ok("GET", "/api/committee/report")
    assert all(m["decided"] for m in decided["members"] if m["status"] in ("tie", "conflict"))
    assert decided["branches"][0]["level"] == "HTTNV" and decided["branches"][0]["decided"]

    issued = clerk.call("POST", "/api/committee/certify", json={"resolution": "03-QĐ/ĐU", "date": "2026-12-20"})
    assert issued.status_code == 201, issued.get_json()
    entry = issued.get_json()
    assert entry["resolution"] == {"number": "03-QĐ/ĐU", "date": "2026-12-20"} and entry["bundles"] == 2
    assert clerk.ok("GET", "/api/committee/workspace")["issued"] == [entry]
    folder = tmp_path / "dang-uy" / "committee-out" / entry["name"]
    files = {}
    for kind, mimetype in (("json", "application/json"), ("pdf", "application/pdf"),
                           ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")):
        path = f"/api/committee/issued/{entry['name']}/{kind}"
        answer = clerk.call("GET", path)
        assert answer.status_code == 200 and answer.mimetype == mimetype
        assert f'filename="dang-uy-{entry["name"]}.{kind}"' in answer.headers["Content-Disposition"]
        files[kind] = answer.get_data()
        assert files[kind] == (folder / f"dang-uy.{kind}").read_bytes()
        # Served to the logged-in clerk only.
        assert office.app.test_client().get(path).status_code == 401
        assert Host(office.app.test_client()).call("GET", path).status_code == 401
    assert files["pdf"].startswith(b"%PDF") and files["xlsx"].startswith(b"PK")
    signed = committee_format.verify_committee_bundle(
        files["json"], committee_format.folder_files(folder / "dang-uy-chi-bo"))
    assert signed.ok and signed.bundle_hash == entry["sha256"], signed.checks
    assert json.loads(files["json"])["decisions"][-1]["reason"] == "Đảng ủy xem xét, quyết định (II.B.2.5)"
    for path in ("/api/committee/issued/../dang-uy/json", f"/api/committee/issued/{entry['name']}/txt",
                 "/api/committee/issued/20260101-000000/pdf"):
        assert clerk.call("GET", path).status_code == 404


def test_bad_uploads_and_bad_decisions_are_refused_in_vietnamese_and_store_nothing(office, bundles, tmp_path):
    clerk = Clerk(office.app.test_client())
    data = tmp_path / "dang-uy"
    before = database_dump(data)
    none = clerk.call("POST", "/api/committee/bundles", content_type="multipart/form-data", data={})
    assert none.status_code == 400 and _vietnamese(none)["field"] == "bundles"
    as_json = clerk.call("POST", "/api/committee/bundles", json={"bundles": []})
    assert as_json.status_code == 400 and _vietnamese(as_json)["field"] == "bundles"
    # Files that are no bundle, or of a chi bộ not registered: refused, one line each.
    lines = clerk.upload(("ghi-chu.json", "không phải JSON".encode()),
                         ("a.json", bundles[0].bundle_bytes)).get_json()["results"]
    assert [r["check"] for r in lines] == ["format", "organisation"]
    assert lines[0]["message"].startswith("Định dạng gói") and lines[1]["message"].startswith("Tổ chức trong gói")
    assert lines[1]["unregistered_fingerprint"] == bundles[0].bundle["signer"]["fingerprint"]
    bad = clerk.call("POST", "/api/committee/branches", json={
        "name": "Chi bộ A", "kind": "chi_bo_truc_thuoc", "fingerprint": "ABCD 1234", "confirmation": "x"})
    assert bad.status_code == 400 and _vietnamese(bad)["field"] == "fingerprint"
    assert bad.get_json()["error"]["message"].startswith("Dấu vân tay khóa của chi bộ: cần đúng 64 chữ số")
    unconfirmed = clerk.call("POST", "/api/committee/branches", json={
        "name": "Chi bộ A", "kind": "chi_bo_truc_thuoc", "fingerprint": "AB" * 32, "confirmation": " "})
    assert unconfirmed.status_code == 400 and _vietnamese(unconfirmed)["field"] == "confirmation"
    nobody = clerk.call("POST", "/api/committee/decisions", json={
        "branch": "Chi bộ A", "member_id": "m01", "level": "HTTNV", "reason": "x"})
    assert nobody.status_code == 404 and _vietnamese(nobody)["code"] == "not_found"
    no_reason = clerk.call("POST", "/api/committee/decisions", json={
        "branch": "Chi bộ A", "level": "HTTNV", "reason": ""})
    assert no_reason.status_code == 400 and _vietnamese(no_reason)["field"] == "reason"
    nothing = clerk.call("POST", "/api/committee/certify", json={"resolution": "03-QĐ/ĐU", "date": "2026-12-20"})
    assert nothing.status_code == 409 and _vietnamese(nothing)["code"] == "no_bundles"
    bad_date = clerk.call("POST", "/api/committee/certify", json={"resolution": "03-QĐ/ĐU", "date": "20/12/2026"})
    assert bad_date.status_code == 400 and _vietnamese(bad_date)["field"] == "date"
    assert database_dump(data) == before
    assert not any((data / "committee-out").iterdir())
