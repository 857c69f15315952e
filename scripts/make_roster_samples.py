"""Write the sample rosters, one per rule profile, as CSV and XLSX:
examples/roster-sample-21-HD-2019.{csv,xlsx} and examples/roster-sample-366-2025.{csv,xlsx}.

    python scripts/make_roster_samples.py [FOLDER]     (default: examples/)

Headers and words are those a secretary writes (ballot/roster_vocabulary.py): a title
row, then the header, Vietnamese values, dates as dd/mm/yyyy (real date cells in the
XLSX), yes as "x". No Mã đảng viên column: members get m01, m02, … in list order. The
CSV is UTF-8 with a byte order mark, which Excel needs to show Vietnamese. The files are
for a year-end meeting of 2026 (a probationary member admitted in February 2026);
tests/test_roster_files.py imports each into a meeting of its profile.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sys
import zipfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from ballot.roster_vocabulary import header_of

ROOT = Path(__file__).resolve().parent.parent
D = dt.date
YES = "x"

# 21-HD/BTCTW 2019: Mẫu 02 levels and criteria, the civil-service rating, the cases of II.B.2.1-II.B.6.
HD21_COLUMNS = (
    "name", "role", "status", "admitted_on", "self_level", "committee_level", "absent_with_leave", "exempt",
    "suspended", "disciplined_this_year", "degradation_concluded", "maternity_leave", "targets_completed_pct",
    "sick_leave_months", "civil_servant_level", "heads_collective_level", "criteria_tasks", "criteria_other",
    "civil_servant_rating_pending", "temporary_registration", "months_at_previous_branch",
    "other_branch_comments_received", "discipline_at_previous_organisation", "discipline_already_counted",
    "head_transferred_in", "is_secretary", "committee_activity_suspended",
)
HTXSNV, HTTNV, HTNV = "Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "Hoàn thành nhiệm vụ"
HD21_ROWS = (
    {"name": "Nguyễn Văn An", "role": "Bí thư chi bộ", "status": "Chính thức", "admitted_on": D(2001, 5, 19),
     "self_level": HTXSNV, "committee_level": HTTNV, "targets_completed_pct": 100, "civil_servant_level": HTXSNV,
     "heads_collective_level": HTTNV, "criteria_tasks": "Xuất sắc", "criteria_other": "Tốt"},
    {"name": "Trần Thị Bình", "role": "Phó Bí thư chi bộ", "status": "Chính thức", "admitted_on": D(2005, 3, 2),
     "self_level": HTTNV, "committee_level": HTTNV, "targets_completed_pct": 100},
    {"name": "Lê Đức Cường", "role": "Chi ủy viên", "status": "Chính thức", "admitted_on": D(2010, 9, 10),
     "self_level": HTTNV, "committee_level": HTNV, "targets_completed_pct": 90, "civil_servant_level": HTTNV},
    {"name": "Phạm Thu Dung", "role": "Chuyên viên", "status": "Dự bị", "admitted_on": D(2026, 2, 10),
     "self_level": HTNV, "committee_level": HTNV},
    {"name": "Hoàng Minh Đạt", "role": "Chuyên viên", "status": "Chính thức", "admitted_on": D(2012, 11, 20),
     "self_level": HTTNV, "committee_level": HTNV, "disciplined_this_year": YES},
    {"name": "Vũ Thị Hạnh", "role": "Chuyên viên", "status": "Chính thức", "admitted_on": D(2015, 6, 30),
     "self_level": HTTNV, "committee_level": HTTNV, "absent_with_leave": YES},
    {"name": "Đặng Quốc Hùng", "role": "Chuyên viên", "status": "Chính thức", "admitted_on": D(1998, 1, 15),
     "exempt": YES},
    {"name": "Bùi Ngọc Lan", "role": "Chuyên viên", "status": "Chính thức", "admitted_on": D(2018, 4, 2),
     "self_level": HTTNV, "committee_level": HTTNV, "sick_leave_months": 4},
)

# QĐ 366-QĐ/TW 2025: the checked score (30 + 70 points), the task shares, the discipline
# form, the cap group (docs/rules.md, “Hồ sơ 366-2025”).
QD366_COLUMNS = (
    "name", "role", "status", "admitted_on", "self_level", "committee_level", "absent_with_leave", "exempt",
    "suspended", "score_general", "score_tasks", "tasks_completed_pct", "tasks_exceeded_pct",
    "tasks_behind_schedule_pct", "earlier_shortcomings_fixed", "discipline", "degradation_concluded",
    "sick_leave_months", "maternity_leave", "cap_group", "temporary_registration",
)
LEADERS, STAFF = "Lãnh đạo phòng", "Chuyên viên"
QD366_ROWS = (
    {"name": "Nguyễn Văn An", "role": "Bí thư chi bộ, Trưởng phòng", "status": "Chính thức",
     "admitted_on": D(2001, 5, 19), "self_level": "HTXSNV", "committee_level": "HTXSNV", "score_general": 29,
     "score_tasks": 64, "tasks_completed_pct": 100, "tasks_exceeded_pct": 40, "tasks_behind_schedule_pct": 0,
     "earlier_shortcomings_fixed": YES, "cap_group": LEADERS},
    {"name": "Trần Thị Bình", "role": "Phó Bí thư chi bộ, Phó Trưởng phòng", "status": "Chính thức",
     "admitted_on": D(2005, 3, 2), "self_level": "HTTNV", "committee_level": "HTTNV", "score_general": 27,
     "score_tasks": 58, "tasks_completed_pct": 100, "tasks_exceeded_pct": 20, "tasks_behind_schedule_pct": 0,
     "earlier_shortcomings_fixed": YES, "cap_group": LEADERS},
    {"name": "Lê Đức Cường", "role": "Chi ủy viên", "status": "Chính thức", "admitted_on": D(2010, 9, 10),
     "self_level": "HTTNV", "committee_level": "HTNV", "score_general": 24, "score_tasks": 50,
     "tasks_completed_pct": 100, "tasks_exceeded_pct": 10, "tasks_behind_schedule_pct": 10,
     "earlier_shortcomings_fixed": YES, "cap_group": STAFF},
    {"name": "Phạm Thu Dung", "role": "Chuyên viên", "status": "Dự bị", "admitted_on": D(2026, 2, 10),
     "self_level": "HTNV", "committee_level": "HTNV", "score_general": 22, "score_tasks": 46,
     "tasks_completed_pct": 100, "tasks_behind_schedule_pct": 0, "cap_group": STAFF},
    {"name": "Hoàng Minh Đạt", "role": "Chuyên viên", "status": "Chính thức", "admitted_on": D(2012, 11, 20),
     "self_level": "HTNV", "committee_level": "KHTNV", "score_general": 18, "score_tasks": 30,
     "tasks_completed_pct": 45, "discipline": "Khiển trách", "cap_group": STAFF},
    {"name": "Vũ Thị Hạnh", "role": "Chuyên viên", "status": "Chính thức", "admitted_on": D(2015, 6, 30),
     "self_level": "HTTNV", "committee_level": "HTTNV", "absent_with_leave": YES, "score_general": 26,
     "score_tasks": 56, "tasks_completed_pct": 100, "cap_group": STAFF},
    {"name": "Đặng Quốc Hùng", "role": "Chuyên viên", "status": "Chính thức", "admitted_on": D(1998, 1, 15),
     "exempt": YES, "cap_group": STAFF},
    {"name": "Bùi Ngọc Lan", "role": "Chuyên viên", "status": "Chính thức", "admitted_on": D(2018, 4, 2),
     "self_level": "HTTNV", "committee_level": "HTTNV", "score_general": 25, "score_tasks": 55,
     "tasks_completed_pct": 100, "sick_leave_months": 4, "cap_group": STAFF},
)

SAMPLES = {
    "21-HD-2019": ("Hướng dẫn 21-HD/BTCTW năm 2019", HD21_COLUMNS, HD21_ROWS),
    "366-2025": ("Quy định 366-QĐ/TW năm 2025", QD366_COLUMNS, QD366_ROWS),
}
STT = "STT"


def title(profile: str) -> str:
    return f"DANH SÁCH ĐẢNG VIÊN ĐÁNH GIÁ, XẾP LOẠI CHẤT LƯỢNG NĂM 2026 (theo {SAMPLES[profile][0]})"


def table(profile: str) -> list[list[object]]:
    """The sample's rows: the title, the header, one row per member (dates as dates)."""
    _, columns, rows = SAMPLES[profile]
    header = [STT, *(header_of(name) for name in columns)]
    return [[title(profile)], header,
            *([number, *(row.get(name, "") for name in columns)] for number, row in enumerate(rows, start=1))]


def csv_text(profile: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in table(profile):
        writer.writerow([cell.strftime("%d/%m/%Y") if isinstance(cell, dt.date) else cell for cell in row])
    return out.getvalue()


def xlsx_bytes(profile: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh sách"
    for row in table(profile):
        sheet.append([cell if cell != "" else None for cell in row])
    sheet["A1"].font = Font(bold=True, size=13)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column in sheet.iter_cols(min_row=3):
        for cell in column:
            if isinstance(cell.value, dt.date):
                cell.number_format = "dd/mm/yyyy"
    for index, cell in enumerate(sheet[2], start=1):
        width = 6 if index == 1 else min(max(12, len(cell.value) * 0.6), 28)
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.column_dimensions["B"].width = 22
    sheet.freeze_panes = "C3"  # the header row and the names stay in view
    # Fixed document dates, so that regenerating an unchanged sample changes nothing.
    book.properties.created = book.properties.modified = dt.datetime(2026, 1, 1)
    book.properties.creator = "Phiếu kín"
    out = io.BytesIO()
    book.save(out)
    return _fixed_times(out.getvalue())


def _fixed_times(xlsx: bytes) -> bytes:
    """The same workbook dated 1/1/2026, its zip entries and its “modified” property
    (openpyxl dates both at the time of saving)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-01-01T00:00:00Z", data)
            target.writestr(zipfile.ZipInfo(entry.filename, date_time=(2026, 1, 1, 0, 0, 0)), data,
                            compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def write_samples(folder: Path) -> list[Path]:
    written = []
    for profile in SAMPLES:
        csv_path = folder / f"roster-sample-{profile}.csv"
        csv_path.write_bytes(csv_text(profile).encode("utf-8-sig"))
        xlsx_path = folder / f"roster-sample-{profile}.xlsx"
        xlsx_path.write_bytes(xlsx_bytes(profile))
        written += [csv_path, xlsx_path]
    return written


if __name__ == "__main__":
    for path in write_samples(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "examples"):
        print(path)
