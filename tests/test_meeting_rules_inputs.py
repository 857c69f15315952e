"""The inputs of 21-HD II.B.1.3, II.B.2.1, II.B.2.3.d and II.B.6 through the meeting:
set on the meeting form or in the roster, stored, read by the rules engine, shown in
the proposal (docs/rules.md, “Dữ liệu đầu vào”)."""

from __future__ import annotations

import io

from tests.meeting_kit import REVIEW_DATE, phone_for

FULL = [
    {"id": "m01", "name": "Nguyễn Văn An", "status": "chinh_thuc", "admitted_on": "2001-05-19"},
    {"id": "m02", "name": "Trần Thị Bình", "status": "chinh_thuc", "admitted_on": "2005-03-02"},
    {"id": "m03", "name": "Lê Đức Cường", "status": "chinh_thuc", "admitted_on": "2010-09-01"},
    {"id": "m04", "name": "Phạm Thu Dung", "status": "chinh_thuc", "admitted_on": "2012-11-20"},
]


def _roster(**facts_by_id: dict) -> list[dict]:
    return [{**member, **facts_by_id.get(member["id"], {})} for member in FULL]


def _vote_everyone(server, host, state: dict, choices: dict[str, str], round_kind: str = "classification",
                   **round_body) -> dict:
    """Every member who may vote votes `choices` (those on the ballot); the proposal."""
    meeting_id = state["meeting"]["id"]
    voters = [m["id"] for m in state["members"] if m["may_vote"]]
    phones = [phone_for(server, state, key) for key in voters]
    round_id = host.run_round(meeting_id, round_kind, **round_body)
    asked = {q["id"] for q in phones[0].state()["round"]["questions"]}
    for phone in phones:
        phone.vote({key: level for key, level in choices.items() if key in asked})
    host.ok("POST", f"/api/host/rounds/{round_id}/close")
    return host.ok("GET", f"/api/host/meetings/{meeting_id}/proposal") | {"_asked": asked}


def _present(host, roster: list[dict], **fields) -> dict:
    state = host.new_meeting(roster, **fields)
    return host.mark_present(state["meeting"]["id"], *(m["id"] for m in roster))


def _member(proposal: dict, key: str) -> dict:
    return next(m for m in proposal["members"] if m["id"] == key)


def test_II_B_6_civil_servant_with_rating_pending_is_deferred_from_a_spreadsheet(server, host):
    """“Đảng viên là công chức, viên chức … xếp loại chất lượng sau khi có kết quả đánh
    giá, xếp loại công chức, viên chức” (II.B.6): the roster says the rating is not in."""
    created = host.ok("POST", "/api/host/meetings", json={
        "branch_name": "Chi bộ A", "title": "Họp", "date": REVIEW_DATE.isoformat(), "profile": "21-HD-2019",
        "organisation_kind": "chi_bo_co_so"})
    meeting_id = created["meeting"]["id"]
    csv_text = "id,name,status,admitted_on,civil_servant_rating_pending\n" + "".join(
        f"{m['id']},{m['name']},{m['status']},{m['admitted_on']},{'có' if m['id'] == 'm02' else ''}\n"
        for m in FULL)
    host.ok("POST", f"/api/host/meetings/{meeting_id}/roster",
            data={"file": (io.BytesIO(csv_text.encode()), "ds.csv")}, content_type="multipart/form-data")
    state = host.mark_present(meeting_id, *(m["id"] for m in FULL))
    m02 = next(m for m in state["members"] if m["id"] == "m02")
    assert m02["facts"]["civil_servant_rating_pending"] is True
    proposal = _vote_everyone(server, host, state, {m["id"]: "HTTNV" for m in FULL})
    assert "m02" not in proposal["_asked"]  # not asked about now; he still votes on the others
    deferred = _member(proposal, "m02")
    assert (deferred["status"], deferred["level"]) == ("deferred", None)
    assert any("II.B.6" in r["section"] for r in deferred["reasons"])
    assert all(_member(proposal, key)["status"] == "classified" for key in ("m01", "m03", "m04"))
    # The room reads it as not classified now, without the private fact.
    public = server.app.test_client().get(f"/api/meetings/{meeting_id}/public").get_json()
    public_m02 = next(m for m in public["results"]["members"] if m["id"] == "m02")
    assert public_m02["status"] == "deferred" and "công chức" not in " ".join(public_m02["notes"])


def test_II_B_6_member_on_temporary_registration_here_is_not_in_the_denominator(server, host):
    """“Đảng viên sinh hoạt tạm thời được đánh giá, xếp loại chất lượng ở chi bộ nơi đảng
    viên sinh hoạt chính thức” (II.B.6): four of this chi bộ's members count, not five."""
    guest = {"id": "t05", "name": "Vũ Thị Hạnh", "status": "chinh_thuc", "admitted_on": "2015-06-30",
             "temporary_registration": "here"}
    state = _present(host, [*FULL, guest])
    assert next(m for m in state["members"] if m["id"] == "t05")["may_vote"] is False
    assert state["attendance"]["full_members_expected"] == 4
    # Four ballots for m01's HTXSNV are all of this chi bộ's four (100%), not four of five.
    proposal = _vote_everyone(server, host, state, {"m01": "HTXSNV", "m02": "HTTNV", "m03": "HTTNV",
                                                    "m04": "HTTNV", "t05": "HTXSNV"})
    assert proposal["denominator"] == 4
    assert _member(proposal, "m01")["shares"]["HTXSNV"] == 1.0
    assert "t05" not in proposal["_asked"]
    assert _member(proposal, "t05")["status"] != "classified"


def test_II_B_6_discipline_at_the_previous_organisation_does_not_drag_the_chi_bo(server, host):
    """“… thì tính vào kết quả đánh giá, xếp loại của tổ chức đảng nơi xảy ra vi phạm”
    (II.B.6): one KHTNV in four is over 20% (II.B.1.3.d) only when it counts here."""
    levels = {}
    for where in ("here", "previous"):
        facts = {"disciplined_this_year": True}
        if where == "previous":
            facts["discipline_at_previous_organisation"] = True
        state = _present(host, _roster(m04=facts))
        proposal = _vote_everyone(server, host, state, {m["id"]: "HTTNV" for m in FULL})
        assert (_member(proposal, "m04")["status"], _member(proposal, "m04")["level"]) == ("classified", "KHTNV")
        levels[where] = proposal["organisation"]
    assert levels["here"]["max_level"] == "KHTNV"
    assert levels["previous"]["max_level"] != "KHTNV"
    assert any(r["section"].endswith("II.B.6") for r in levels["previous"]["reasons"])


def test_meeting_without_its_kind_is_refused_and_nothing_is_stored(server, host):
    answer = host.call("POST", "/api/host/meetings", json={
        "branch_name": "Chi bộ A", "title": "Họp", "date": "2026-12-15", "profile": "21-HD-2019"})
    assert answer.status_code == 400
    error = answer.get_json()["error"]
    assert error["field"] == "organisation_kind"
    assert error["message"].startswith("Loại tổ chức (chi bộ cơ sở hay chi bộ trực thuộc đảng ủy cơ sở): còn thiếu")
    assert server.services.open_meetings() == []


def test_organisation_facts_set_on_the_meeting_reach_the_rules(server, host):
    """II.B.6 “Không đánh giá, xếp loại chất lượng đối với tổ chức đảng … mới thành lập
    chưa đủ 06 tháng”; II.B.1.3.c “trừ trường hợp bị xử lý kỷ luật nhưng tự phát hiện và
    khắc phục xong hậu quả”; the bodies of the same level and Mẫu 01 as the form sends them."""
    state = _present(host, FULL, organisation_kind="chi_bo_co_so", organisation_disciplined=True,
                     discipline_self_remedied=True, founded_on="2026-09-01",
                     organisation_criteria={"tasks": "TOT", "other": "TOT"},
                     bodies=[{"name": "Ủy ban nhân dân xã", "kind": "chinh_quyen", "level": "HTTNV"}])
    organisation = state["meeting"]["organisation"]
    assert organisation == {
        "name": "Chi bộ Phòng Tổng hợp", "kind": "chi_bo_co_so", "disciplined": True,
        "discipline_self_remedied": True, "founded_on": "2026-09-01", "criteria": {"tasks": "TOT", "other": "TOT"},
        "bodies": [{"name": "Ủy ban nhân dân xã", "kind": "chinh_quyen", "level": "HTTNV"}]}
    proposal = _vote_everyone(server, host, state, {m["id"]: "HTTNV" for m in FULL})
    sections = " ".join(r["section"] for r in proposal["organisation"]["reasons"])
    assert "II.B.6" in sections  # founded under 6 months: not classified
    assert proposal["organisation"]["max_level"] is None


def test_self_remedied_discipline_without_discipline_is_refused_naming_the_field(server, host):
    answer = host.call("POST", "/api/host/meetings", json={
        "branch_name": "Chi bộ A", "title": "Họp", "date": "2026-12-15", "organisation_kind": "chi_bo_co_so",
        "discipline_self_remedied": True})
    assert answer.status_code == 400
    error = answer.get_json()["error"]
    assert error["field"] == "discipline_self_remedied"
    assert error["message"].startswith("Chi bộ tự phát hiện và khắc phục xong hậu quả vi phạm: ")
    assert "kỷ luật" in error["message"]
    answer = host.call("POST", "/api/host/meetings", json={
        "branch_name": "Chi bộ A", "title": "Họp", "date": "2026-12-15", "organisation_kind": "chi_bo_co_so",
        "bodies": [{"name": "UBND xã", "kind": "chinh_quyen", "level": "HTTNV"},
                   {"name": "UBND phường", "kind": "chinh_quyen", "level": "HTNV"}]})
    assert answer.status_code == 400 and answer.get_json()["error"]["field"] == "bodies[1].kind"
    answer = host.call("POST", "/api/host/meetings", json={
        "branch_name": "Chi bộ A", "title": "Họp", "date": "2026-12-15", "organisation_kind": "chi_bo_co_so",
        "founded_on": "2027-01-01"})
    assert answer.status_code == 400 and answer.get_json()["error"]["field"] == "founded_on"
    assert server.services.open_meetings() == []


def test_a_threshold_of_exactly_two_thirds_is_not_passed_by_two_votes_of_three(server, host):
    """A threshold written "2/3" is two thirds exactly (docs/rules.md, “Đếm phiếu”)."""
    state = _present(host, FULL[:3], denominator="present", thresholds={"HTXSNV": "2/3"})
    assert state["meeting"]["settings"]["thresholds"] == {"HTXSNV": "2/3"}
    meeting_id = state["meeting"]["id"]
    phones = [phone_for(server, state, key) for key in ("m01", "m02", "m03")]
    round_id = host.run_round(meeting_id)
    for phone, level in zip(phones, ("HTXSNV", "HTXSNV", "HTTNV"), strict=True):
        phone.vote({"m01": level})
    host.ok("POST", f"/api/host/rounds/{round_id}/close")
    m01 = _member(host.ok("GET", f"/api/host/meetings/{meeting_id}/proposal"), "m01")
    assert m01["voted_level"] == "HTTNV"
    assert "2/3" in " ".join(r["message"] for r in m01["reasons"])


def test_khtnv_only_by_accumulation_is_flagged_or_left_undetermined_as_the_meeting_chose(server, host):
    """docs/rules.md, “Không hoàn thành nhiệm vụ chỉ do cộng dồn”: of 3 voters, one chose
    HTXSNV, one KHTNV, one left the member blank; only the sum at the lowest level passes."""
    outcomes = {}
    for setting in (None, "undetermined"):
        fields = {"denominator": "present"} | ({"khtnv_by_accumulation": setting} if setting else {})
        state = _present(host, FULL[:3], **fields)
        meeting_id = state["meeting"]["id"]
        phones = [phone_for(server, state, key) for key in ("m01", "m02", "m03")]
        round_id = host.run_round(meeting_id)
        for phone, choice in zip(phones, ({"m03": "HTXSNV"}, {"m03": "KHTNV"}, {"m01": "HTTNV"}), strict=True):
            phone.vote(choice)
        host.ok("POST", f"/api/host/rounds/{round_id}/close")
        m03 = _member(host.ok("GET", f"/api/host/meetings/{meeting_id}/proposal"), "m03")
        outcomes[setting] = (m03["status"], m03["level"], {r["code"] for r in m03["reasons"]})
    assert outcomes[None][:2] == ("classified", "KHTNV") and "khtnv_by_accumulation" in outcomes[None][2]
    assert outcomes["undetermined"][:2] == ("undetermined", None)
    assert "khtnv_by_accumulation_undetermined" in outcomes["undetermined"][2]


def test_roster_facts_of_II_B_6_round_trip_through_a_member_edit(server, host):
    """Editing one cell keeps every other fact of the row (services/roster.py, member_as_row)."""
    roster = _roster(m02={"temporary_registration": "elsewhere", "other_branch_comments_received": True},
                     m03={"months_at_previous_branch": 7, "is_secretary": True,
                          "committee_activity_suspended": True},
                     m04={"disciplined_this_year": True, "discipline_already_counted": True,
                          "heads_collective_level": "HTTNV", "head_transferred_in": True})
    state = host.new_meeting(roster)
    meeting_id = state["meeting"]["id"]
    before = {m["id"]: m["facts"] for m in state["members"]}
    for key in ("m02", "m03", "m04"):
        host.ok("PATCH", f"/api/host/meetings/{meeting_id}/members/{key}", json={"role": "Đảng viên"})
    after = {m["id"]: m["facts"] for m in host.state(meeting_id)["members"]}
    assert after == before
    assert after["m02"]["temporary_registration"] == "elsewhere"
    assert after["m03"]["months_at_previous_branch"] == 7 and after["m03"]["is_secretary"] is True
    assert after["m04"]["discipline_already_counted"] is True and after["m04"]["head_transferred_in"] is True
    # A second bí thư is refused, by an edit as by an import.
    answer = host.call("PATCH", f"/api/host/meetings/{meeting_id}/members/m01", json={"is_secretary": "có"})
    assert answer.status_code == 400 and answer.get_json()["error"]["field"] == "is_secretary"
    assert {m["id"]: m["facts"] for m in host.state(meeting_id)["members"]} == before


def test_a_discipline_entered_after_the_close_moves_the_proposal_on_every_screen(server, host):
    """21-HD II.B.2.3.d: a member disciplined this year is KHTNV. Entered after the round
    closed, the proposal, the console's results and the projector's all follow the edit
    (each reads the proposal of the meeting's new revision, never the one before it)."""
    state = _present(host, FULL)
    meeting_id = state["meeting"]["id"]
    proposal = _vote_everyone(server, host, state, {"m01": "HTTNV", "m02": "HTTNV"})
    assert _member(proposal, "m01")["level"] == "HTTNV"
    public = server.app.test_client().get(f"/api/meetings/{meeting_id}/public").get_json()
    assert _member(public["results"], "m01")["level"] == "HTTNV"
    assert _member(host.state(meeting_id)["results"], "m01")["level"] == "HTTNV"

    host.ok("PATCH", f"/api/host/meetings/{meeting_id}/members/m01", json={"disciplined_this_year": True})

    assert _member(host.ok("GET", f"/api/host/meetings/{meeting_id}/proposal"), "m01")["level"] == "KHTNV"
    assert _member(host.state(meeting_id)["results"], "m01")["level"] == "KHTNV"
    public = server.app.test_client().get(f"/api/meetings/{meeting_id}/public").get_json()
    assert _member(public["results"], "m01")["level"] == "KHTNV"
    assert _member(public["results"], "m02")["level"] == "HTTNV"


def test_the_certified_documents_carry_the_new_inputs_and_verify(server, host):
    """A meeting with every chi bộ fact of the form, a deferred civil servant, a threshold
    of exactly two thirds and a KHTNV only by accumulation certifies (the bundle passes
    `ballot verify`'s own checks, its schema included); the minutes print the fraction as
    a fraction, the deferred status in Vietnamese and the accumulated KHTNV by name."""
    from openpyxl import load_workbook
    from pypdf import PdfReader

    roster = _roster(m02={"civil_servant_rating_pending": True},
                     m04={"temporary_registration": "elsewhere", "months_at_previous_branch": 8})
    state = _present(host, roster[:3] + [roster[3] | {"present": True}], denominator="present",
                     organisation_kind="chi_bo_co_so", founded_on="2010-01-01",
                     organisation_criteria={"tasks": "TOT", "other": "XUAT_SAC"},
                     bodies=[{"name": "Ủy ban nhân dân xã", "kind": "chinh_quyen", "level": "HTTNV"}],
                     thresholds={"HTXSNV": "2/3"}, khtnv_by_accumulation="khtnv")
    meeting_id = state["meeting"]["id"]
    phones = [phone_for(server, state, m["id"]) for m in state["members"] if m["may_vote"]]
    assert len(phones) == 4
    round_id = host.run_round(meeting_id)
    ballots = ({"m01": "HTTNV", "m03": "HTXSNV", "m04": "HTTNV"}, {"m01": "HTTNV", "m03": "KHTNV", "m04": "HTTNV"},
               {"m01": "HTTNV", "m03": "KHTNV", "m04": "HTTNV"}, {"m01": "HTTNV", "m04": "HTTNV"})
    for phone, choices in zip(phones, ballots, strict=True):
        phone.vote(choices)
    host.ok("POST", f"/api/host/rounds/{round_id}/close")
    proposal = host.ok("GET", f"/api/host/meetings/{meeting_id}/proposal")
    assert _member(proposal, "m02")["status"] == "deferred"
    m03 = _member(proposal, "m03")
    assert "khtnv_by_accumulation" in {r["code"] for r in m03["reasons"]}, m03
    answer = host.call("POST", f"/api/host/meetings/{meeting_id}/certify")
    assert answer.status_code == 201, answer.get_json()
    pdf = host.call("GET", f"/api/host/meetings/{meeting_id}/minutes.pdf").get_data()
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "“Hoàn thành xuất sắc nhiệm vụ” trên 2/3" in text
    assert "Xếp loại sau khi có kết quả xếp loại công chức, viên chức".lower() in text.lower()
    assert "chỉ đạt do cộng dồn phiếu các mức (chi bộ xem xét kỹ): Lê Đức Cường" in text
    xlsx = host.call("GET", f"/api/host/meetings/{meeting_id}/proposal.xlsx").get_data()
    cells = {str(cell.value) for sheet in load_workbook(io.BytesIO(xlsx)).worksheets
             for row in sheet.iter_rows() for cell in row if cell.value is not None}
    assert "Xếp loại sau khi có kết quả xếp loại công chức, viên chức" in cells


def test_a_database_of_the_previous_schema_keeps_its_meetings_after_the_upgrade(tmp_path):
    """Migration 0005 adds the chi bộ's facts and the accumulation setting to every stored
    meeting as "the ordinary case": the meeting reads as before."""
    from sqlalchemy.orm import Session

    from ballot.services.scenario import organisation_of, settings_of
    from ballot.store import db
    from ballot.store.models import Meeting
    from tests.meeting_kit import database_at_revision

    engine = database_at_revision(tmp_path / "old.sqlite3", "0004")
    db.migrate(engine)
    with Session(engine) as session:
        meeting = session.query(Meeting).one()
        assert organisation_of(meeting) == {"name": "Chi bộ A", "kind": "chi_bo_co_so", "disciplined": False}
        assert settings_of(meeting) == {"denominator": "entitled"}
