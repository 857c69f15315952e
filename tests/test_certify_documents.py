"""The documents of a certified meeting: the bundle, the Vietnamese PDF
and the spreadsheet as the host downloads them, and the đảng ủy's verification
page."""

from __future__ import annotations

import copy
import io
import json
import zipfile

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from ballot.report.canonical import bundle_hash_text, dump_bundle
from ballot.report.pdf import qr_payload
from ballot.report.xlsx import proposal_xlsx
from tests.certify_kit import (
    COUNTING_COMMITTEE,
    NAMES,
    PLACE,
    CertifiedMeeting,
    certified_demo_meeting,
    certified_meeting,
)


@pytest.fixture(scope="module")
def certified(tmp_path_factory) -> CertifiedMeeting:
    return certified_meeting(tmp_path_factory.mktemp("documents"))


def download(certified: CertifiedMeeting, name: str):
    answer = certified.host.call("GET", f"/api/host/meetings/{certified.meeting_id}/{name}")
    assert answer.status_code == 200, answer.get_data()[:300]
    return answer


@pytest.fixture(scope="module")
def pdf_text(certified) -> str:
    reader = PdfReader(io.BytesIO(download(certified, "minutes.pdf").get_data()))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_bundle_download_is_the_certified_bundle(certified):
    answer = download(certified, "bundle")
    assert answer.get_data() == certified.bundle_bytes
    assert answer.mimetype == "application/json"
    assert answer.headers["Content-Disposition"] == (
        'attachment; filename="chi-bo-phong-tong-hop-2026-12-15-goi-chung-thuc.json"'
    )


def test_documents_refused_before_certification(tmp_path):
    from tests.certify_kit import new_server
    from tests.meeting_kit import Host

    server = new_server(tmp_path)
    host = Host(server.app.test_client())
    meeting_id = host.new_meeting()["meeting"]["id"]
    for name in ("bundle", "minutes.pdf", "proposal.xlsx"):
        answer = host.call("GET", f"/api/host/meetings/{meeting_id}/{name}")
        assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "not_certified"


def test_pdf_has_vietnamese_names_with_diacritics_and_the_totals(certified, pdf_text):
    answer = download(certified, "minutes.pdf")
    assert answer.mimetype == "application/pdf"
    assert answer.headers["Content-Disposition"].endswith('-bien-ban.pdf"')
    for name in NAMES:
        assert name in pdf_text, name
    for heading in (
        "BIÊN BẢN KIỂM PHIẾU",
        "DANH SÁCH ĐỀ NGHỊ XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN",
        "THƯ KÝ",
        "CHỦ TỌA",
        "Tổng hợp: 4 đảng viên được xếp loại",
    ):
        assert heading in pdf_text, heading
    # Totals per level with their percentage of the 4 classified members.
    assert "Hoàn thành xuất sắc nhiệm vụ (HTXSNV) 1 25%" in pdf_text
    assert "Hoàn thành nhiệm vụ (HTNV) 2 50%" in pdf_text
    # Per-member counts and shares of the denominator (3 entitled voters).
    assert "2 (66,67%)" in pdf_text


def test_pdf_carries_the_bundle_hash_signer_and_profile(certified, pdf_text):
    bundle = certified.bundle
    assert bundle_hash_text(bundle) in pdf_text
    assert bundle["signer"]["fingerprint"] in pdf_text
    text = " ".join(pdf_text.split())
    assert "Hướng dẫn số 21-HD/BTCTW" in text and "Tỷ lệ phiếu được tính trên 3 đảng viên" in text
    # The cap in the regulation's words, however wrapped: a chi bộ trực thuộc counts no
    # "dưới 05" allowance of its own (the đảng ủy cơ sở judges it over the đảng bộ).
    assert ("không vượt quá 20% số đảng viên được xếp loại “Hoàn thành tốt nhiệm vụ” "
            "(mục II.B.2.3.a)") in text
    assert "được giữ mức “Hoàn thành xuất sắc nhiệm vụ” nhiều nhất 0 đồng chí" in text
    assert "đảng ủy cơ sở áp dụng giới hạn trên toàn đảng bộ" in text
    assert "Mức xếp loại của chi bộ: Hoàn thành tốt nhiệm vụ" in pdf_text


def test_qr_payload_names_the_bundle_and_the_signer(certified):
    payload = qr_payload(certified.bundle)
    assert payload.startswith("phieukin-bundle/1;sha256=")
    assert bundle_hash_text(certified.bundle).replace(" ", "").lower() in payload
    assert certified.bundle["signer"]["fingerprint"].replace(" ", "") in payload


def test_xlsx_has_one_row_per_member(certified):
    answer = download(certified, "proposal.xlsx")
    assert answer.headers["Content-Disposition"].endswith('-de-xuat.xlsx"')
    workbook = load_workbook(io.BytesIO(answer.get_data()))
    sheet = workbook["Đề xuất"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows.index(next(r for r in rows if r and r[0] == "STT"))
    members = rows[header + 1 :]
    assert [r[1] for r in members] == list(NAMES)
    by_name = {r[1]: dict(zip(rows[header], r, strict=False)) for r in members}
    assert by_name["Nguyễn Văn An"]["Đề xuất"] == "HTXSNV"
    assert by_name["Nguyễn Văn An"]["Phiếu HTXSNV"] == 2
    assert by_name["Hoàng Minh Đạt"]["Tình trạng"] == "Vắng mặt, xếp loại sau"
    summary = {r[0]: r for r in workbook["Tổng hợp"].iter_rows(values_only=True) if r[0]}
    assert summary["Hoàn thành tốt nhiệm vụ"][2] == 1
    assert summary["Mã băm gói chứng thực (SHA-256)"][1] == bundle_hash_text(certified.bundle)


@pytest.mark.parametrize("text", [
    '=HYPERLINK("http://attacker.example","Bấm")', "+84 912 000 000", "-1+1", "@SUM(A1)",
    "\tTab", "\rCR",
])
def test_xlsx_writes_formula_like_names_as_text(certified, text):
    """A name or role beginning like a formula must not run in the office's Excel
    (OWASP: CSV/formula injection): the cell is text, marked with the quote prefix."""
    bundle = copy.deepcopy(certified.bundle)
    bundle["proposal"]["members"][0]["name"] = text
    bundle["roster"][0]["role"] = text
    raw = proposal_xlsx(bundle)
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml
    sheet = load_workbook(io.BytesIO(raw))["Đề xuất"]
    row = next(r for r in sheet.iter_rows() if r[0].value == 1)
    for cell in (row[1], row[2]):
        # XML reads a bare CR back as a line feed; the text is otherwise unchanged.
        assert cell.value in (text, text.replace("\r", "\n"))
        assert cell.data_type == "s" and cell.quotePrefix
    assert row[0].data_type == "n"  # numbers stay numbers


# --- the verification page ------------------------------------------------------------


def post_bundle(certified, data: bytes, **fields: str):
    client = certified.server.app.test_client()
    return client.post(
        "/api/verify",
        data={"bundle": (io.BytesIO(data), "goi.json"), **fields},
        content_type="multipart/form-data",
    )


def test_verify_page_renders(certified):
    page = certified.server.app.test_client().get("/verify")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Kiểm tra gói chứng thực" in html and "js/verify.js" in html


def test_verify_api_passes_and_returns_the_proposal_table(certified):
    answer = post_bundle(
        certified, certified.bundle_bytes, fingerprint=certified.bundle["signer"]["fingerprint"]
    )
    assert answer.status_code == 200
    result = answer.get_json()
    assert result["ok"] is True and result["first_failure"] is None
    assert all(check["status"] == "pass" for check in result["checks"])
    assert [row["name"] for row in result["bundle"]["rows"]] == list(NAMES)
    assert result["bundle_hash"] == bundle_hash_text(certified.bundle)


def test_verify_api_reports_tampering_and_a_wrong_fingerprint(certified):
    tampered = copy.deepcopy(certified.bundle)
    tampered["proposal"]["members"][2]["level"] = "HTXSNV"
    result = post_bundle(certified, dump_bundle(tampered)).get_json()
    assert result["ok"] is False and result["first_failure"] == "bundle_signature"
    failed = {c["name"] for c in result["checks"] if c["status"] == "fail"}
    assert failed == {"bundle_signature", "rules"}
    wrong = post_bundle(certified, certified.bundle_bytes, fingerprint="0000" * 16).get_json()
    assert wrong["first_failure"] == "signer"


def test_verify_api_refuses_a_missing_file_and_survives_garbage(certified):
    client = certified.server.app.test_client()
    missing = client.post("/api/verify", data={}, content_type="multipart/form-data")
    assert missing.status_code == 400 and missing.get_json()["error"]["code"] == "missing_bundle"
    garbage = post_bundle(
        certified, json.dumps({"format": "phieukin-bundle/1", "rounds": 3}).encode()
    )
    assert garbage.status_code == 200
    assert garbage.get_json()["first_failure"] == "format"


def test_verify_api_accepts_bundles_larger_than_the_app_limit(certified):
    padded = certified.bundle_bytes + b" " * (3 * 1024 * 1024)  # whitespace is not signed
    assert post_bundle(certified, padded).get_json()["checks"][1]["status"] == "pass"


# --- the documents as an office files them ---------------------------------------------


def _pages(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages]


def _local(utc_text: str, zone: str = "Asia/Ho_Chi_Minh") -> str:
    """A bundle time as officials write it, in the meeting's zone."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    moment = dt.datetime.fromisoformat(utc_text.replace("Z", "+00:00")).astimezone(ZoneInfo(zone))
    return f"{moment:%H} giờ {moment:%M}, ngày {moment:%d} tháng {moment:%m} năm {moment.year}"


@pytest.fixture(scope="module", params=[5, 30, 60], ids=lambda n: f"{n} members")
def demo(request, tmp_path_factory) -> tuple[CertifiedMeeting, list[str]]:
    certified = certified_demo_meeting(tmp_path_factory.mktemp(f"demo-{request.param}"), request.param)
    return certified, _pages(download(certified, "minutes.pdf").get_data())


def test_minutes_say_where_when_and_who_counted_in_local_time(demo):
    certified, pages = demo
    bundle = certified.bundle
    text = " ".join(pages)
    started = min(r["opened_at"] for r in bundle["rounds"])
    assert f"Hôm nay, hồi {_local(started)}, tại {PLACE}" in text
    assert f"Việc kiểm phiếu kết thúc hồi {_local(bundle['meeting']['certified_at'])}" in text
    assert f"đồng chí {COUNTING_COMMITTEE[0]} (trưởng ban)" in text
    for name in COUNTING_COMMITTEE[1:]:
        assert f"đồng chí {name}" in text
    assert "Số phiếu phát ra Số phiếu thu về Phiếu hợp lệ Phiếu không hợp lệ" in text
    for round_ in bundle["rounds"]:
        issued, cast = len(round_["participants"]), len(round_["ballots"])
        assert f"{round_['number']} " in text and f" {issued} {cast} {cast} 0" in text, round_["number"]


def test_minutes_body_has_no_command_format_account_formula_or_field(demo):
    certified, pages = demo
    text = " ".join(pages)
    for word in ("ballot verify", "phieukin-bundle", certified.bundle["meeting"]["certified_by"],
                 "civil_servant_level", "UTC", "x ≤", "k = ", "h = ", "--fingerprint"):
        assert word not in text, word
    # Verification is on its own last page, in plain words.
    last = pages[-1]
    assert last.startswith("THÔNG TIN KIỂM TRA")
    assert bundle_hash_text(certified.bundle) in last and certified.bundle["signer"]["fingerprint"] in last
    assert "/verify" in last and "Kéo thả tệp gói chứng thực" in last


def test_signatures_share_their_page_with_the_text_they_sign(demo):
    _, pages = demo
    [minutes] = [page for page in pages if "TRƯỞNG BAN KIỂM PHIẾU" in page]
    assert "Việc kiểm phiếu kết thúc hồi" in minutes and "4. Kết quả bỏ phiếu xếp loại chi bộ" in minutes
    assert minutes.index("Việc kiểm phiếu kết thúc hồi") < minutes.index("THƯ KÝ")
    [proposal] = [page for page in pages if "Danh sách này kèm theo biên bản" in page]
    assert "Xếp loại chi bộ" in proposal and "THƯ KÝ" in proposal and "CHỦ TỌA" in proposal
    assert proposal.index("Danh sách này kèm theo biên bản") < proposal.index("CHỦ TỌA")


def test_a_small_chi_bo_has_its_minutes_on_one_page(demo):
    certified, pages = demo
    if len(certified.bundle["roster"]) == 5:
        assert "TRƯỞNG BAN KIỂM PHIẾU" in pages[0]


def test_xlsx_is_filed_as_it_is(demo):
    from openpyxl.worksheet.worksheet import Worksheet

    certified, _ = demo
    workbook = load_workbook(io.BytesIO(download(certified, "proposal.xlsx").get_data()))
    sheet = workbook["Đề xuất"]
    rows = list(sheet.iter_rows())
    header = next(i for i, r in enumerate(rows) if r[0].value == "STT")
    titles = [c.value for c in rows[header]]
    assert "Mã" not in titles and titles[:3] == ["STT", "Họ và tên", "Chức vụ"]
    members = rows[header + 1:]
    ids = {m["id"] for m in certified.bundle["roster"]}
    assert [r[0].value for r in members] == list(range(1, len(certified.bundle["roster"]) + 1))
    assert not {c.value for r in members for c in r} & ids  # no roster id anywhere
    shares = [titles.index(f"Tỷ lệ {level}") for level in ("HTXSNV", "HTTNV", "HTNV", "KHTNV")]
    by_name = {m["name"]: m for m in certified.bundle["proposal"]["members"]}
    for row in members:
        for column, level in zip(shares, ("HTXSNV", "HTTNV", "HTNV", "KHTNV"), strict=True):
            cell = row[column]
            assert isinstance(cell.value, (int, float)) and cell.number_format == "0.0%"
            assert cell.value == by_name[row[1].value]["shares"][level]
    assert sheet.freeze_panes == f"C{header + 2}"
    assert sheet.print_title_rows == f"${header + 1}:${header + 1}"
    for printed in workbook.worksheets:
        assert int(printed.page_setup.paperSize) == int(Worksheet.PAPERSIZE_A4)  # A4, paper code 9
        assert printed.page_setup.fitToWidth == 1 and printed.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.page_setup.orientation == "landscape"
    assert all(sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJKLMNOPQR")
    summary = {r[0].value: r for r in workbook["Tổng hợp"].iter_rows() if r[0].value}
    percent = summary["Hoàn thành tốt nhiệm vụ"][3]
    assert isinstance(percent.value, float) and percent.number_format == "0.0%"
    assert summary["Địa điểm"][1].value == PLACE
    assert summary["Trưởng ban kiểm phiếu"][1].value == COUNTING_COMMITTEE[0]


def test_the_meeting_time_zone_is_the_meetings_own(tmp_path):
    certified = certified_demo_meeting(tmp_path, 5, timezone="Asia/Tokyo")
    bundle = certified.bundle
    assert bundle["meeting"]["timezone"] == "Asia/Tokyo"
    text = " ".join(_pages(download(certified, "minutes.pdf").get_data()))
    assert f"kết thúc hồi {_local(bundle['meeting']['certified_at'], 'Asia/Tokyo')}" in text


def test_meeting_details_are_editable_until_certification(tmp_path):
    from tests.certify_kit import new_server
    from tests.meeting_kit import Host

    server = new_server(tmp_path)
    host = Host(server.app.test_client())
    meeting_id = host.new_meeting()["meeting"]["id"]
    details = host.state(meeting_id)["meeting"]["details"]
    assert details == {"place": None, "counting_committee": [], "timezone": "Asia/Ho_Chi_Minh",
                       "timezone_is_default": True}
    state = host.ok("PATCH", f"/api/host/meetings/{meeting_id}",
                    json={"place": PLACE, "counting_committee": COUNTING_COMMITTEE})
    assert state["meeting"]["details"]["place"] == PLACE
    assert state["meeting"]["details"]["counting_committee"] == COUNTING_COMMITTEE
    state = host.ok("PATCH", f"/api/host/meetings/{meeting_id}", json={"timezone": "Asia/Bangkok"})
    assert state["meeting"]["details"]["place"] == PLACE  # left out: kept
    assert state["meeting"]["details"]["timezone"] == "Asia/Bangkok"
    certified = certified_meeting(tmp_path / "other")
    answer = certified.host.call("PATCH", f"/api/host/meetings/{certified.meeting_id}", json={"place": "Khác"})
    assert answer.status_code == 409 and answer.get_json()["error"]["code"] == "meeting_certified"


def test_a_bundle_without_the_meeting_facts_still_verifies_and_prints(certified):
    """Bundles made before `place`, `counting_committee` and `timezone` existed."""
    from ballot.report import bundle as fmt
    from ballot.report.pdf import minutes_pdf
    from ballot.report.verify import verify_bundle
    from ballot.services.certification_key import signing_key

    key = signing_key(certified.server.services.settings)
    older = copy.deepcopy(certified.bundle)
    for name in ("place", "counting_committee", "timezone"):
        older["meeting"].pop(name, None)
    resigned = fmt.sign_bundle({k: v for k, v in older.items() if k != "signer"}, key)
    report = verify_bundle(dump_bundle(resigned), expected_key=key.public_key())
    assert report.ok, [c.to_dict() for c in report.checks if not c.holds]
    text = " ".join(_pages(minutes_pdf(resigned)))
    assert f"kết thúc hồi {_local(resigned['meeting']['certified_at'])}" in text
    assert "Ban kiểm phiếu gồm: đồng chí …" in text


@pytest.mark.parametrize("committee, words", [
    (["A", "B", "C", "D", "E", "F"], "counting_committee"),
    (["Lê Văn A", "lê văn a"], "hai lần"),
    ([], "counting_committee"),
])
def test_a_bundle_with_a_wrong_counting_committee_fails_its_format(certified, committee, words):
    from ballot.report import bundle as fmt
    from ballot.report.verify import verify_bundle
    from ballot.services.certification_key import signing_key

    key = signing_key(certified.server.services.settings)
    bundle = copy.deepcopy(certified.bundle)
    bundle["meeting"]["counting_committee"] = committee
    resigned = fmt.sign_bundle({k: v for k, v in bundle.items() if k != "signer"}, key)
    report = verify_bundle(dump_bundle(resigned), expected_key=key.public_key())
    assert report.first_failure.name == "format" and words in report.first_failure.detail_vi


def test_the_migration_keeps_older_meetings_as_they_were(tmp_path):
    """Migration 0006: a meeting stored before it has no place, no counting committee
    and the installation's time zone."""
    from sqlalchemy.orm import Session

    from ballot.store import db
    from ballot.store.models import Meeting
    from tests.meeting_kit import database_at_revision

    engine = database_at_revision(tmp_path / "old.sqlite3", "0005")
    db.migrate(engine)
    with Session(engine) as session:
        meeting = session.query(Meeting).one()
        assert (meeting.place, meeting.counting_committee, meeting.timezone) == (None, [], None)
