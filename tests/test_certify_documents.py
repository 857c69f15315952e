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
from tests.certify_kit import NAMES, CertifiedMeeting, certified_meeting


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
    assert "21-HD-2019" in pdf_text and "Mẫu số tính tỷ lệ: 3" in pdf_text
    # The cap arithmetic, however wrapped: a chi bộ trực thuộc counts no "dưới 05"
    # allowance of its own (the đảng ủy cơ sở judges it over the đảng bộ), so x = 0.
    text = " ".join(pdf_text.split())
    assert "tối đa x = 0" in text and "xét trên toàn đảng bộ cơ sở" in text
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
    assert [r[2] for r in members] == list(NAMES)
    by_name = {r[2]: dict(zip(rows[header], r, strict=False)) for r in members}
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
    for cell in (row[2], row[3]):
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
