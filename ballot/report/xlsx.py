"""The proposal table as a spreadsheet, for offices that live in spreadsheets
(docs/bundle.md): the same rows as the PDF's proposal list, then the totals, the cap
and the chi bộ's level, and the bundle's hash and signer so the file can be
matched to its bundle. Pure: the signed bundle in, XLSX bytes out.

Filed as it is: members by number, name and role (never a roster id), counts and
shares as numbers (shares formatted as percentages), the header row frozen and
printed on every page, A4 landscape fitted to the page's width."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ballot.report import bundle as fmt
from ballot.report.canonical import bundle_hash_text
from ballot.report.names import accumulated_names, date_vi, level_vi, meeting_times, moment_vi
from ballot.report.rows import cap_words_vi, encryption_lines_vi, level_totals, proposal_rows, reason_vi

PERCENT = "0.0%"
PROPOSAL_COLUMNS = (
    ("STT", 5),
    ("Họ và tên", 24),
    ("Chức vụ", 18),
    ("Đảng viên", 10),
    ("Tự nhận", 9),
    ("Chi ủy đề xuất", 10),
    *((f"Phiếu {level}", 9) for level in fmt.LEVELS),
    *((f"Tỷ lệ {level}", 9) for level in fmt.LEVELS),
    ("Theo phiếu", 9),
    ("Đề xuất", 9),
    ("Tình trạng", 20),
    ("Lý do", 70),
)
# A cell whose text begins so is read as a formula by spreadsheet programs (OWASP
# "CSV injection"): a member's name or a reason must never run in the office's Excel.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOLD = Font(bold=True)
HEADING_FILL = PatternFill("solid", fgColor="E8E8E8")


def proposal_xlsx(bundle: dict[str, Any]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Đề xuất"
    _title(sheet, bundle)
    _proposal_table(sheet, bundle)
    summary = workbook.create_sheet("Tổng hợp")
    _summary_sheet(summary, bundle)
    print_setup(summary, header_row=1, landscape=False)
    workbook.properties.creator = bundle.get("generator", "phieukin")
    workbook.properties.title = f"Đề xuất xếp loại — {bundle['meeting']['title']}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def append_text_safe(sheet, values: list[Any]) -> None:
    """Append a row; text that a spreadsheet would take for a formula is stored as
    text and marked so (the quote prefix Excel itself uses), numbers stay numbers."""
    cells = []
    for value in values:  # cells made here: finding the appended row again is O(rows)
        cell = Cell(sheet, value=value)
        if isinstance(value, str) and value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
            cell.quotePrefix = True
        cells.append(cell)
    sheet.append(cells)


def _title(sheet, bundle: dict[str, Any]) -> None:
    append_text_safe(
        sheet,
        [f"{bundle['organisation']['name']} — DANH SÁCH ĐỀ NGHỊ XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN"]
    )
    meeting = bundle["meeting"]
    started, ended = meeting_times(bundle)
    line = f"{meeting['title']}; ngày xếp loại {date_vi(meeting['review_date'])}"
    if meeting.get("place"):
        line += f"; tại {meeting['place']}"
    line += f"; từ {moment_vi(started)} đến {moment_vi(ended)}"
    append_text_safe(sheet, [line])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])


def _proposal_table(sheet, bundle: dict[str, Any]) -> None:
    append_text_safe(sheet, [name for name, _ in PROPOSAL_COLUMNS])
    header_row = sheet.max_row
    for column, (_, width) in enumerate(PROPOSAL_COLUMNS, start=1):
        cell = sheet.cell(header_row, column)
        cell.font, cell.fill = BOLD, HEADING_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(column)].width = width
    share_columns = range(7 + len(fmt.LEVELS), 7 + 2 * len(fmt.LEVELS))
    for row in proposal_rows(bundle):
        append_text_safe(
            sheet,
            [
                row["number"],
                row["name"],
                row["role"],
                row["membership"],
                row["self_level"],
                row["committee_level"],
                *(row["votes"][level] for level in fmt.LEVELS),
                *(row["shares"][level] for level in fmt.LEVELS),
                row["voted_level"],
                row["level"],
                row["outcome_vi"],
                "\n".join(reason_vi(r) for r in row["reasons"]),
            ]
        )
        for column in share_columns:
            sheet.cell(sheet.max_row, column).number_format = PERCENT
        for cell in sheet[sheet.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    # The header row and the number and name stay in view while scrolling.
    sheet.freeze_panes = sheet.cell(header_row + 1, 3)
    sheet.auto_filter.ref = (
        f"A{header_row}:{get_column_letter(len(PROPOSAL_COLUMNS))}{sheet.max_row}"
    )
    print_setup(sheet, header_row=header_row, landscape=True)


def print_setup(sheet: Worksheet, *, header_row: int, landscape: bool) -> None:
    """A4, fitted to the page's width (as many pages down as it takes), the header
    row repeated on every printed page."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.print_options.horizontalCentered = True


def _summary_sheet(sheet, bundle: dict[str, Any]) -> None:
    classified = bundle["proposal"]["totals"]["classified"]
    append_text_safe(sheet, ["Mức xếp loại", "Viết tắt", "Số lượng", "Tỷ lệ"])
    for cell in sheet[1]:
        cell.font, cell.fill = BOLD, HEADING_FILL
    for total in level_totals(bundle):
        share = total["count"] / classified if classified else None
        append_text_safe(sheet, [total["name"], total["level"], total["count"], share])
        sheet.cell(sheet.max_row, 4).number_format = PERCENT
    append_text_safe(sheet, ["Tổng số được xếp loại", "", classified, 1 if classified else None])
    sheet.cell(sheet.max_row, 4).number_format = PERCENT
    sheet.append([])
    meeting = bundle["meeting"]
    started, ended = meeting_times(bundle)
    append_text_safe(sheet, ["Địa điểm", meeting.get("place") or ""])
    append_text_safe(sheet, ["Thời gian bắt đầu", moment_vi(started)])
    append_text_safe(sheet, ["Thời gian kết thúc", moment_vi(ended)])
    committee = meeting.get("counting_committee") or []
    if committee:
        append_text_safe(sheet, ["Trưởng ban kiểm phiếu", committee[0]])
        append_text_safe(sheet, ["Thành viên ban kiểm phiếu", ", ".join(committee[1:])])
    for line in encryption_lines_vi(bundle):  # format 2 (docs/bundle.md, “Format 2”)
        append_text_safe(sheet, ["Phiếu mã hóa", line])
    sheet.append([])
    append_text_safe(sheet, ["Giới hạn xuất sắc", cap_words_vi(bundle)])
    append_text_safe(
        sheet,
        [
            "“Không hoàn thành nhiệm vụ” chỉ đạt do cộng dồn",
            "; ".join(accumulated_names(bundle)) or "không có",
        ],
    )
    append_text_safe(sheet, ["Phiên bản cách đọc quy tắc", fmt.rules_version(bundle)])
    organisation = bundle["proposal"]["organisation"]
    append_text_safe(
        sheet,
        ["Mức cao nhất của chi bộ theo kết quả đảng viên", level_vi(organisation["max_level"])]
    )
    vote = bundle.get("organisation_vote")
    if vote:
        append_text_safe(sheet, ["Chi bộ bỏ phiếu", level_vi(vote["voted_level"])])
        append_text_safe(sheet, ["Mức xếp loại của chi bộ", level_vi(vote["level"])])
    sheet.append([])
    append_text_safe(sheet, ["Mã băm gói chứng thực (SHA-256)", bundle_hash_text(bundle)])
    append_text_safe(sheet, ["Dấu vân tay khóa ký của chi bộ", bundle["signer"]["fingerprint"]])
    sheet.column_dimensions["A"].width = 44
    sheet.column_dimensions["B"].width = 80
    sheet.column_dimensions["C"].width = 10
    sheet.column_dimensions["D"].width = 10
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
