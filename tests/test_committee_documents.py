"""The đảng ủy's documents, written beside its signed bundle by `committee certify`
(Hướng dẫn 21-HD II.B.2.5): the list that goes with the decision, chi bộ by chi bộ,
and the statistics — in a PDF whose every page carries the bundle's hash, and in a
spreadsheet whose counts and shares are numbers an office can sum."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from ballot.report.canonical import bundle_hash_text
from tests.certify_kit import NAMES, certified_meeting
from tests.test_committee_schema import committee_bundle


@pytest.fixture(scope="module")
def certified(tmp_path_factory):
    root = tmp_path_factory.mktemp("committee-documents")
    path = committee_bundle(root, certified_meeting(root / "chibo"), "21-HD-2019")
    return path, json.loads(path.read_bytes())


def test_the_decision_list_names_every_member_with_both_levels_and_the_resolution(certified):
    path, bundle = certified
    reader = PdfReader(io.BytesIO(path.with_suffix(".pdf").read_bytes()))
    pages = [page.extract_text() for page in reader.pages]
    text = "\n".join(pages)
    assert "DANH SÁCH" in text and "03-QĐ/ĐU" in text
    assert "công nhận kết quả xếp loại chất lượng đảng viên năm" in text
    for name in NAMES:
        assert name in text
    for member in bundle["members"]:
        if member["level"]:
            assert member["name"] in text
    assert "BÁO CÁO THỐNG KÊ" in text and "Toàn đảng bộ" in text
    hash_line = bundle_hash_text(bundle)[:19]
    assert all(hash_line in page for page in pages)
    for jargon in ("phieukin", "chinh_thuc", "not_classified", "HTXSNV (số)"):
        assert jargon not in text


def test_the_spreadsheet_counts_are_numbers_and_shares_are_percentages(certified):
    path, bundle = certified
    workbook = load_workbook(io.BytesIO(path.with_suffix(".xlsx").read_bytes()))
    assert workbook.sheetnames == ["Danh sách quyết định", "Thống kê", "Chi bộ"]
    statistics = workbook["Thống kê"]
    headings = [cell.value for cell in statistics[2]]
    total = [cell for cell in statistics[statistics.max_row]]
    assert total[0].value == "Toàn đảng bộ"
    expected = bundle["statistics"]["total"]
    assert total[headings.index("Số đảng viên")].value == expected["members"]
    assert total[headings.index("HTTNV (số)")].value == expected["HTTNV"]
    share = total[headings.index("HTTNV (%)")]
    assert share.number_format == "0.0%"
    assert share.value == pytest.approx(expected["HTTNV"] / expected["classified"])
    for sheet in workbook:
        assert sheet.freeze_panes == "A3" and sheet.print_title_rows == "$2:$2"
        assert int(sheet.page_setup.paperSize) == int(sheet.PAPERSIZE_A4)
    decisions = workbook["Danh sách quyết định"]
    names = [row[2].value for row in decisions.iter_rows(min_row=3)]
    assert names == [member["name"] for member in bundle["members"]]
