"""The proposal table as a spreadsheet, for offices that live in spreadsheets
(docs/bundle.md): the same rows as the PDF's proposal list, then the totals, the cap
and the chi bộ's level, and the bundle's hash and signer so the file can be
matched to its bundle. Pure: the signed bundle in, XLSX bytes out."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ballot.report import bundle as fmt
from ballot.report.canonical import bundle_hash_text
from ballot.report.names import accumulated_names, date_vi, level_vi
from ballot.report.rows import cap_arithmetic_vi, level_totals, proposal_rows

PROPOSAL_COLUMNS = (
    ("STT", 6),
    ("Mã", 8),
    ("Họ và tên", 26),
    ("Chức vụ", 20),
    ("Đảng viên", 11),
    ("Tự nhận", 10),
    ("Chi ủy đề xuất", 12),
    *((f"Phiếu {level}", 10) for level in fmt.LEVELS),
    ("Theo phiếu", 11),
    ("Đề xuất", 11),
    ("Tình trạng", 24),
    ("Lý do", 90),
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
    _summary_sheet(workbook.create_sheet("Tổng hợp"), bundle)
    workbook.properties.creator = bundle.get("generator", "phieukin")
    workbook.properties.title = f"Đề xuất xếp loại — {bundle['meeting']['title']}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def append_text_safe(sheet, values: list[Any]) -> None:
    """Append a row; text that a spreadsheet would take for a formula is stored as
    text and marked so (the quote prefix Excel itself uses), numbers stay numbers."""
    sheet.append(values)
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
            cell.data_type = "s"
            cell.quotePrefix = True


def _title(sheet, bundle: dict[str, Any]) -> None:
    append_text_safe(
        sheet,
        [f"{bundle['organisation']['name']} — DANH SÁCH ĐỀ NGHỊ XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN"]
    )
    append_text_safe(
        sheet,
        [
            f"{bundle['meeting']['title']}; ngày {date_vi(bundle['meeting']['review_date'])}; "
            f"hồ sơ quy tắc {bundle['profile']}; mẫu số {bundle['proposal']['denominator']}"
        ]
    )
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
    for row in proposal_rows(bundle):
        reasons = "\n".join(f"[{r['section']}] {r['message']}" for r in row["reasons"])
        append_text_safe(
            sheet,
            [
                row["number"],
                row["id"],
                row["name"],
                row["role"],
                row["membership"],
                row["self_level"],
                row["committee_level"],
                *(row["votes"][level] for level in fmt.LEVELS),
                row["voted_level"],
                row["level"],
                row["outcome_vi"],
                reasons,
            ]
        )
        sheet.cell(sheet.max_row, len(PROPOSAL_COLUMNS)).alignment = Alignment(
            wrap_text=True, vertical="top"
        )
    sheet.freeze_panes = sheet.cell(header_row + 1, 4)
    sheet.auto_filter.ref = (
        f"A{header_row}:{get_column_letter(len(PROPOSAL_COLUMNS))}{sheet.max_row}"
    )


def _summary_sheet(sheet, bundle: dict[str, Any]) -> None:
    classified = bundle["proposal"]["totals"]["classified"]
    append_text_safe(sheet, ["Mức xếp loại", "Mã", "Số lượng", "Tỷ lệ"])
    for cell in sheet[1]:
        cell.font, cell.fill = BOLD, HEADING_FILL
    for total in level_totals(bundle):
        append_text_safe(sheet, [total["name"], total["level"], total["count"], total["percent"]])
    append_text_safe(sheet, ["Tổng số được xếp loại", "", classified, ""])
    sheet.append([])
    append_text_safe(sheet, ["Giới hạn xuất sắc", cap_arithmetic_vi(bundle)])
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
