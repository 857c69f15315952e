"""The đảng ủy's documents (docs/committee-bundle.md; Hướng dẫn 21-HD II.B.2.5): the
list that goes with its decision recognising the members' results (danh sách kèm quyết
định công nhận kết quả xếp loại), chi bộ by chi bộ, and the statistics report — per
chi bộ and in total, members, classified, not classified, absent, and count and share
per level; chi bộ per level — as a Vietnamese PDF and as a spreadsheet.

Pure: the signed committee bundle in, bytes out; every figure comes from the bundle, so
the documents of a verified bundle show verified figures, and every PDF page carries
the bundle's hash to match paper and file."""

from __future__ import annotations

import io
from typing import Any

from fpdf.enums import MethodReturnValue, XPos, YPos
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ballot.report.bundle import LEVELS
from ballot.report.canonical import bundle_hash_text
from ballot.report.names import STATUS_VI, date_vi, level_vi, percent_vi
from ballot.report.pdf import FONT, HEADING_FILL, HashedPdf
from ballot.report.xlsx import BOLD, append_text_safe, print_setup
from ballot.report.xlsx import HEADING_FILL as FILL
from ballot.rules.profiles import get_profile

GRID_LINE = 4.4  # mm per line of a table cell, at 9 pt
CELL_PADDING = 1.0
COMMITTEE_STATUS_VI = {**STATUS_VI, "conflict": "Có trong hai gói, đảng ủy quyết định",
                       "tie": "Bằng nhau ở giới hạn, đảng ủy quyết định"}
STATISTICS_HEADINGS = ("Chi bộ", "Số đảng viên", "Được xếp loại", "Không xếp loại", "Vắng, xếp loại sau",
                       *(f"{level} (số)" for level in LEVELS), *(f"{level} (%)" for level in LEVELS))


def year_of(bundle: dict[str, Any]) -> str:
    return bundle["resolution"]["date"][:4]


def member_line(member: dict[str, Any]) -> tuple[str, str, str]:
    """(chi bộ's proposal, the đảng ủy's level, the note) in words."""
    proposed = level_vi(member["proposed_level"]) if member["proposed_level"] else \
        COMMITTEE_STATUS_VI.get(member["status"], "—")
    decided = level_vi(member["level"]) if member["level"] else \
        COMMITTEE_STATUS_VI.get(member["status"], "—")
    note = "; ".join(r["message"] for r in member["reasons"] if r["code"].startswith("committee_"))
    return proposed, decided, note


def branch_statistics_row(row: dict[str, Any]) -> list[Any]:
    """Counts as numbers; shares as fractions of the members classified."""
    classified = row["classified"]
    return [row["name"] or "Toàn đảng bộ", row["members"], classified, row["not_classified"], row["absent"],
            *(row[level] for level in LEVELS),
            *((row[level] / classified if classified else None) for level in LEVELS)]


# --- PDF ----------------------------------------------------------------------------------


class _CommitteePdf(HashedPdf):
    FOOTER_Y = -12

    def __init__(self, bundle: dict[str, Any]) -> None:
        super().__init__("L", f"Mã băm gói của đảng ủy (SHA-256): {bundle_hash_text(bundle)}",
                         f"Danh sách kèm quyết định {bundle['resolution']['number']}",
                         bundle.get("generator", "phieukin"))
        self.set_margins(15, 12, 15)
        self.set_auto_page_break(True, margin=16)

    def line(self, text: str, size: float = 11, bold: bool = False, align: str = "L") -> None:
        self.set_font(FONT, "B" if bold else "", size)
        self.multi_cell(0, 5 * size / 11, text, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def grid(self, headings: list[str], rows: list[list[Any]], widths: tuple[int, ...]) -> None:
        """A bordered table whose header repeats on every page. Drawn cell by cell: fpdf2's
        own table lays out every cell as a paragraph, minutes for 3,000 members."""
        scale = self.epw / sum(widths)
        columns = [width * scale for width in widths]
        self._row(headings, columns, heading=True)
        for cells in rows:
            if self._height(cells, columns) + self.get_y() > self.page_break_trigger:
                self.add_page(orientation=self.cur_orientation)
                self._row(headings, columns, heading=True)
            self._row(cells, columns)

    def _lines(self, text: str, width: float) -> list[str]:
        if self.get_string_width(text) <= width - 2 * CELL_PADDING:
            return [text]
        return self.multi_cell(width - 2 * CELL_PADDING, GRID_LINE, text, dry_run=True,
                               output=MethodReturnValue.LINES)

    def _height(self, cells: list[Any], columns: list[float]) -> float:
        self.set_font(FONT, "", 9)
        return max(len(self._lines(str(c), w)) for c, w in zip(cells, columns, strict=True)) * GRID_LINE + 1.2

    def _row(self, cells: list[Any], columns: list[float], heading: bool = False) -> None:
        self.set_font(FONT, "B" if heading else "", 9)
        texts = [self._lines(str(cell), width) for cell, width in zip(cells, columns, strict=True)]
        height = max(len(lines) for lines in texts) * GRID_LINE + 1.2
        x, y = self.l_margin, self.get_y()
        self.set_fill_color(*HEADING_FILL)
        for lines, width in zip(texts, columns, strict=True):
            self.rect(x, y, width, height, style="DF" if heading else "D")
            for index, line in enumerate(lines):
                self.set_xy(x + CELL_PADDING, y + 0.6 + index * GRID_LINE)
                self.cell(width - 2 * CELL_PADDING, GRID_LINE, line)
            x += width
        self.set_xy(self.l_margin, y + height)


def committee_pdf(bundle: dict[str, Any]) -> bytes:
    pdf = _CommitteePdf(bundle)
    _decision_list(pdf, bundle)
    _statistics(pdf, bundle)
    return bytes(pdf.output())


def _letterhead(pdf: _CommitteePdf, bundle: dict[str, Any]) -> None:
    pdf.set_font(FONT, "B", 10)
    pdf.cell(pdf.epw / 2, 5, bundle["committee"]["name"].upper(), align="L")
    pdf.cell(pdf.epw / 2, 5, "ĐẢNG CỘNG SẢN VIỆT NAM", align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)


def _decision_list(pdf: _CommitteePdf, bundle: dict[str, Any]) -> None:
    pdf.add_page()
    _letterhead(pdf, bundle)
    resolution = bundle["resolution"]
    pdf.line("DANH SÁCH", size=14, bold=True, align="C")
    pdf.line(f"kèm theo Quyết định số {resolution['number']} ngày {date_vi(resolution['date'])} công nhận "
             f"kết quả xếp loại chất lượng đảng viên năm {year_of(bundle)}", size=11, align="C")
    pdf.line(f"Theo {get_profile(bundle['profile']).title}.", size=9.5, align="C")
    members_by_branch: dict[str, list[dict[str, Any]]] = {}
    for member in bundle["members"]:
        members_by_branch.setdefault(member["branch"], []).append(member)
    for branch in bundle["branches"]:
        members = members_by_branch.get(branch["name"], [])
        if pdf.get_y() > pdf.page_break_trigger - 25:  # a chi bộ's name never alone at a page foot
            pdf.add_page(orientation=pdf.cur_orientation)
        pdf.ln(2)
        pdf.line(f"{branch['name']} ({len(members)} đảng viên)", size=11, bold=True)
        rows = [[str(number), m["name"], *member_line(m)] for number, m in enumerate(members, 1)]
        pdf.grid(["STT", "Họ và tên", "Chi bộ đề xuất", "Đảng ủy quyết định", "Ghi chú"], rows,
                 (10, 55, 55, 55, 92))


def _statistics(pdf: _CommitteePdf, bundle: dict[str, Any]) -> None:
    pdf.add_page()
    _letterhead(pdf, bundle)
    pdf.line("BÁO CÁO THỐNG KÊ", size=14, bold=True, align="C")
    pdf.line(f"Kết quả xếp loại chất lượng đảng viên và tổ chức đảng năm {year_of(bundle)}", align="C")
    pdf.ln(2)
    pdf.line("1. Đảng viên, theo từng chi bộ", bold=True)
    statistics = bundle["statistics"]
    rows = []
    for row in [*statistics["branches"], statistics["total"]]:
        classified = row["classified"]
        rows.append([row["name"] or "Toàn đảng bộ", row["members"], classified, row["not_classified"],
                     row["absent"], *(f"{row[level]} ({percent_vi(row[level], classified)})" for level in LEVELS)])
    pdf.grid(["Chi bộ", "Số đảng viên", "Được xếp loại", "Không xếp loại", "Vắng, xếp loại sau",
              *LEVELS], rows, (62, 22, 22, 22, 24, 27, 27, 27, 27))
    pdf.ln(3)
    pdf.line("2. Tổ chức đảng (chi bộ), theo mức xếp loại", bold=True)
    counts = statistics["branch_levels"]
    whole = sum(counts.values())
    pdf.grid(["Mức xếp loại", "Số chi bộ", "Tỷ lệ"],
             [[level_vi(level), counts[level], percent_vi(counts[level], whole)] for level in LEVELS]
             + [["Chưa xếp loại", counts["none"], percent_vi(counts["none"], whole)]], (120, 40, 40))
    pdf.ln(3)
    pdf.line("3. Chi bộ: đề xuất và quyết định của đảng ủy", bold=True)
    pdf.grid(["Chi bộ", "Số đảng viên", "Chi bộ tự đề xuất", "Đảng ủy quyết định"],
             [[b["name"], b["members"], level_vi(b["proposed_level"]),
               level_vi(b["level"])] for b in bundle["branches"]], (90, 30, 73, 74))


# --- XLSX ---------------------------------------------------------------------------------

def committee_xlsx(bundle: dict[str, Any]) -> bytes:
    workbook = Workbook()
    decisions = workbook.active
    decisions.title = "Danh sách quyết định"
    _decision_sheet(decisions, bundle)
    _statistics_sheet(workbook.create_sheet("Thống kê"), bundle)
    _branches_sheet(workbook.create_sheet("Chi bộ"), bundle)
    workbook.properties.creator = bundle.get("generator", "phieukin")
    workbook.properties.title = f"Danh sách kèm quyết định {bundle['resolution']['number']}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _table(sheet: Worksheet, title: str, headings: list[tuple[str, int]], rows: list[list[Any]]) -> None:
    """A title row, a frozen bold header repeated on every printed page, A4 fit to width."""
    append_text_safe(sheet, [title])
    sheet["A1"].font = Font(bold=True, size=12)
    append_text_safe(sheet, [name for name, _ in headings])
    for column, (_, width) in enumerate(headings, 1):
        cell = sheet.cell(row=2, column=column)
        cell.font, cell.fill = BOLD, FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(column)].width = width
    for row in rows:
        append_text_safe(sheet, row)
    for cells in sheet.iter_rows(min_row=3):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A3"
    print_setup(sheet, header_row=2, landscape=True)


def _decision_sheet(sheet: Worksheet, bundle: dict[str, Any]) -> None:
    resolution = bundle["resolution"]
    rows = [[number, m["branch"], m["name"], *member_line(m)] for number, m in enumerate(bundle["members"], 1)]
    _table(sheet, f"{bundle['committee']['name']} — danh sách kèm Quyết định số {resolution['number']} "
                  f"ngày {date_vi(resolution['date'])}",
           [("STT", 6), ("Chi bộ", 28), ("Họ và tên", 28), ("Chi bộ đề xuất", 26), ("Đảng ủy quyết định", 26),
            ("Ghi chú", 60)], rows)


def _statistics_sheet(sheet: Worksheet, bundle: dict[str, Any]) -> None:
    statistics = bundle["statistics"]
    rows = [branch_statistics_row(row) for row in [*statistics["branches"], statistics["total"]]]
    _table(sheet, f"Thống kê kết quả xếp loại chất lượng đảng viên năm {year_of(bundle)}",
           [(name, 30 if index == 0 else 12) for index, name in enumerate(STATISTICS_HEADINGS)], rows)
    first_share = 2 + 4 + len(LEVELS)  # the column of the first share
    for cells in sheet.iter_rows(min_row=3, min_col=first_share, max_col=first_share + len(LEVELS) - 1):
        for cell in cells:
            cell.number_format = "0.0%"
    for cell in sheet[sheet.max_row]:
        cell.font = BOLD


def _branches_sheet(sheet: Worksheet, bundle: dict[str, Any]) -> None:
    counts = bundle["statistics"]["branch_levels"]
    rows = [[b["name"], b["members"], level_vi(b["proposed_level"]),
             level_vi(b["level"])] for b in bundle["branches"]]
    rows.append([])
    rows += [[f"Số chi bộ {level_vi(level)}", counts[level]] for level in LEVELS]
    _table(sheet, f"Tổ chức đảng: xếp loại năm {year_of(bundle)}",
           [("Chi bộ", 40), ("Số đảng viên", 14), ("Chi bộ tự đề xuất", 30), ("Đảng ủy quyết định", 30)], rows)
