"""The words of a roster spreadsheet as offices write them: the column headers and the
cell values, in Vietnamese (with or without diacritics) or as the English identifiers.

Pure: no Flask, no database. `ballot.services.roster` reads a roster with it;
`scripts/make_roster_samples.py` writes the sample files with the same headers.

Headers and words are matched after `fold`: case, diacritics (NFD, combining marks
dropped, đ read as d), punctuation and extra spaces do not matter, so "Ngày vào Đảng",
"NGAY VAO DANG", "ngày  vào đảng" and "admitted_on" name one column; a hint in
parentheses is ignored ("Ngày vào Đảng (dd/mm/yyyy)"). Each field's first header is
the one the samples use, in the regulation's own words (21-HD/BTCTW, II.B; Mẫu 02).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from ballot.vocabulary import LEVEL_CODES, LEVEL_NAMES, Grade, MembershipStatus, TemporaryRegistration


def fold(text: str) -> str:
    """`text` as it is compared: lower case, no diacritics (đ → d), letters and digits
    separated by single spaces."""
    decomposed = unicodedata.normalize("NFD", str(text).replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain).split())


@dataclass(frozen=True)
class Column:
    """A roster field: its identifier, its headers (the first is the samples'), the
    kind of its cells, what the engine makes of it."""

    field: str
    headers: tuple[str, ...]
    kind: str  # id, words, text, status, date, flag, number, level, grade, registration, discipline
    meaning: str = ""

    @property
    def header(self) -> str:
        return self.headers[0]


def _c(field: str, kind: str, *headers: str, meaning: str = "") -> Column:
    return Column(field, headers, kind, meaning)


# One entry per field; the sections are those of Hướng dẫn 21-HD/BTCTW (2019) and,
# for the 366-2025 profile, Quy định 366-QĐ/TW (docs/rules.md, “Hồ sơ 366-2025”).
COLUMNS: tuple[Column, ...] = (
    _c("id", "id", "Mã đảng viên", "Mã", "Mã số", "Mã ĐV", "Mã số đảng viên"),
    _c("name", "words", "Họ và tên", "Họ tên", "Họ và tên đảng viên", "Tên đảng viên"),
    _c("role", "words", "Chức vụ", "Chức vụ Đảng", "Chức vụ đảng, chính quyền", "Chức danh"),
    _c("status", "status", "Đảng viên chính thức/dự bị", "Loại đảng viên", "Chính thức/dự bị",
       "Đảng viên chính thức hay dự bị", "Tư cách đảng viên"),
    _c("admitted_on", "date", "Ngày vào Đảng", "Ngày kết nạp", "Ngày kết nạp vào Đảng", "Ngày kết nạp Đảng"),
    _c("present", "flag", "Có mặt"),
    _c("absent_with_leave", "flag", "Vắng có phép", "Vắng mặt có phép"),
    _c("self_level", "level", "Tự nhận mức chất lượng", "Tự nhận mức", "Tự nhận mức xếp loại",
       "Tự nhận mức xếp loại chất lượng", "Mức tự nhận", "Mức tự xếp loại", "Tự xếp loại",
       meaning="Mẫu 02, VII.2; II.B.2.5 bước 1"),
    _c("committee_level", "level", "Chi ủy đề xuất", "Mức chi ủy đề xuất", "Chi ủy đề xuất mức xếp loại",
       "Đề xuất của chi ủy", "Bí thư đề xuất", meaning="II.B.2.5 bước 2"),
    _c("exempt", "flag", "Miễn công tác và sinh hoạt đảng", "Miễn sinh hoạt", "Miễn công tác và sinh hoạt",
       "Miễn công tác, sinh hoạt đảng", "Miễn sinh hoạt đảng", meaning="II.B.2.1"),
    _c("suspended", "flag", "Đình chỉ sinh hoạt đảng", "Bị đình chỉ sinh hoạt đảng", "Đình chỉ sinh hoạt",
       meaning="II.B.2.1"),
    _c("disciplined_this_year", "flag", "Bị thi hành kỷ luật trong năm", "Bị kỷ luật trong năm",
       "Kỷ luật trong năm", meaning="II.B.2.3.d"),
    _c("degradation_concluded", "flag", "Kết luận có biểu hiện suy thoái", "Có biểu hiện suy thoái",
       "Suy thoái, tự diễn biến, tự chuyển hóa", meaning="II.B.2.3.d"),
    _c("maternity_leave", "flag", "Nghỉ thai sản", meaning="II.B.6"),
    _c("targets_completed_pct", "number", "Tỷ lệ hoàn thành chỉ tiêu, nhiệm vụ (%)",
       "Hoàn thành chỉ tiêu, nhiệm vụ (%)", meaning="II.B.2.3.d"),
    _c("sick_leave_months", "number", "Số tháng nghỉ ốm", "Nghỉ ốm (tháng)", meaning="II.B.6"),
    _c("civil_servant_level", "level", "Xếp loại cán bộ, công chức, viên chức", "Xếp loại công chức, viên chức",
       meaning="Mẫu 02, VII.1; II.B.2.3"),
    _c("civil_servant_rating_pending", "flag", "Chưa có kết quả xếp loại công chức, viên chức",
       meaning="II.B.6"),
    _c("heads_collective_level", "level", "Xếp loại tập thể do mình đứng đầu",
       "Mức xếp loại của tập thể do mình đứng đầu", meaning="II.B.4"),
    _c("temporary_registration", "registration", "Sinh hoạt tạm thời", meaning="II.B.6"),
    _c("months_at_previous_branch", "number", "Số tháng công tác ở chi bộ cũ", meaning="II.B.6"),
    _c("other_branch_comments_received", "flag", "Đã có nhận xét của chi bộ nơi chuyển đi, nơi sinh hoạt tạm thời",
       "Đã có nhận xét của chi bộ nơi chuyển đi", "Đã có nhận xét của chi bộ nơi sinh hoạt tạm thời",
       meaning="II.B.6"),
    _c("discipline_at_previous_organisation", "flag", "Vi phạm kỷ luật ở tổ chức đảng nơi công tác trước",
       meaning="II.B.6"),
    _c("discipline_already_counted", "flag", "Vi phạm đã tính khi xếp loại năm trước",
       "Vi phạm đã tính khi xếp loại", meaning="II.B.2.3.d"),
    _c("head_transferred_in", "flag", "Người đứng đầu mới chuyển đến", meaning="II.B.6"),
    _c("is_secretary", "flag", "Bí thư chi bộ", meaning="II.B.4"),
    _c("committee_activity_suspended", "flag", "Đình chỉ sinh hoạt cấp ủy", meaning="II.B.2.1"),
    _c("criteria_tasks", "grade", "Tiêu chí kết quả thực hiện nhiệm vụ", "Tiêu chí thực hiện nhiệm vụ",
       "Tiêu chí về kết quả thực hiện nhiệm vụ", meaning="Mẫu 02; II.B.2.3"),
    _c("criteria_other", "grade", "Các tiêu chí còn lại", "Các tiêu chí khác", meaning="Mẫu 02; II.B.2.3"),
    _c("score", "number", "Điểm đánh giá", "Điểm", "Tổng điểm", "Điểm đã thẩm định", meaning="QĐ 366 Điều 11"),
    _c("score_general", "number", "Điểm tiêu chí chung", meaning="QĐ 366 Điều 11, 0..30"),
    _c("score_tasks", "number", "Điểm kết quả thực hiện nhiệm vụ", "Điểm nhiệm vụ", "Điểm thực hiện nhiệm vụ",
       meaning="QĐ 366 Điều 11, 0..70"),
    _c("tasks_completed_pct", "number", "Tỷ lệ nhiệm vụ hoàn thành (%)", meaning="QĐ 366 Điều 11"),
    _c("tasks_exceeded_pct", "number", "Tỷ lệ nhiệm vụ hoàn thành vượt mức (%)", meaning="QĐ 366 Điều 11"),
    _c("tasks_behind_schedule_pct", "number", "Tỷ lệ nhiệm vụ chậm tiến độ (%)", meaning="QĐ 366 Điều 11"),
    _c("tasks_failed_pct", "number", "Tỷ lệ nhiệm vụ không hoàn thành (%)", meaning="QĐ 366 khoản 4.2"),
    _c("earlier_shortcomings_fixed", "flag", "Đã khắc phục hạn chế, khuyết điểm", meaning="QĐ 366 Điều 11"),
    _c("discipline", "discipline", "Hình thức kỷ luật", meaning="QĐ 366 khoản 4.2"),
    _c("cap_group", "text", "Nhóm vị trí, vai trò tương đồng", "Nhóm vị trí tương đồng", meaning="QĐ 366 khoản 1.5"),
)
BY_FIELD: dict[str, Column] = {column.field: column for column in COLUMNS}
# Columns every roster has (the header row is the first row naming all three).
REQUIRED_FIELDS = ("name", "status", "admitted_on")
# Headers offices put in a roster that no field needs: read and ignored, not reported.
SILENT_HEADERS = frozenset(fold(word) for word in ("STT", "TT", "Số TT", "Số thứ tự"))

_HEADERS: dict[str, str] = {}
for _column in COLUMNS:
    for _word in (_column.field, *_column.headers):
        assert _HEADERS.setdefault(fold(_word), _column.field) == _column.field, _word


def field_of_header(header: Any) -> str | None:
    """The field a header names, if any; a hint in parentheses is ignored."""
    if header is None:
        return None
    text = str(header)
    found = _HEADERS.get(fold(text))
    if found is None and "(" in text:
        found = _HEADERS.get(fold(re.sub(r"\([^)]*\)?", " ", text)))
    return found


def is_silent_header(header: Any) -> bool:
    return header is not None and fold(str(header)) in SILENT_HEADERS


def header_of(field: str) -> str:
    """The Vietnamese header of a field (the samples'), or the name itself if none."""
    column = BY_FIELD.get(field)
    return column.header if column else field


# --- cell values ---------------------------------------------------------------------

STATUS_NAMES = {MembershipStatus.FULL.value: "Chính thức", MembershipStatus.PROBATIONARY.value: "Dự bị"}
_STATUS = {fold(word): status for status, words in {
    MembershipStatus.FULL.value: ("chinh_thuc", "Chính thức", "Đảng viên chính thức", "ĐVCT"),
    MembershipStatus.PROBATIONARY.value: ("du_bi", "Dự bị", "Đảng viên dự bị", "ĐVDB"),
}.items() for word in words}

_LEVELS = {fold(word): code for code in LEVEL_CODES for word in (code, LEVEL_NAMES[code])}

GRADE_WORDS = {Grade.XUAT_SAC.value: "Xuất sắc", Grade.TOT.value: "Tốt", Grade.TRUNG_BINH.value: "Trung bình",
               Grade.KEM.value: "Kém"}
_GRADES = {fold(word): code for code, name in GRADE_WORDS.items() for word in (code, name)}

REGISTRATION_WORDS = {TemporaryRegistration.HERE.value: "Tại đây", TemporaryRegistration.ELSEWHERE.value: "Nơi khác"}
_REGISTRATIONS = {fold(word): code for code, name in REGISTRATION_WORDS.items() for word in (code, name)}

DISCIPLINE_WORDS = {"khien_trach": "Khiển trách", "canh_cao": "Cảnh cáo", "cach_chuc": "Cách chức",
                    "khai_tru": "Khai trừ"}
_DISCIPLINES = {fold(word): code for code, name in DISCIPLINE_WORDS.items() for word in (code, name)}

YES, NO = "Có", "Không"
_TRUE = frozenset(fold(word) for word in ("có", "x", "1", "c", "true", "yes", "đúng", "v"))
_FALSE = frozenset(fold(word) for word in ("không", "k", "0", "false", "no", "sai"))
_TICKS = ("✓", "✔", "☑")


def status(value: str) -> str:
    found = _STATUS.get(fold(value))
    if found is None:
        raise ValueError(f"“{value}” không phải “Chính thức” hoặc “Dự bị”")
    return found


def level(value: str) -> str | None:
    """A level's code from its code, its abbreviation or its full name; None if empty."""
    if not fold(value):
        return None
    found = _LEVELS.get(fold(value))
    if found is None:
        raise ValueError(f"“{value}” không phải mức xếp loại (Hoàn thành xuất sắc nhiệm vụ, Hoàn thành tốt "
                         "nhiệm vụ, Hoàn thành nhiệm vụ, Không hoàn thành nhiệm vụ; hoặc HTXSNV, HTTNV, HTNV, "
                         "KHTNV)")
    return found


def grade(value: str) -> str | None:
    """A Mẫu 02 criterion's grade (II.B.2.5 bước 1); None if empty."""
    if not fold(value):
        return None
    found = _GRADES.get(fold(value))
    if found is None:
        raise ValueError(f"“{value}” không phải “Xuất sắc”, “Tốt”, “Trung bình” hoặc “Kém”")
    return found


def registration(value: str) -> str | None:
    if not fold(value):
        return None
    found = _REGISTRATIONS.get(fold(value))
    if found is None:
        raise ValueError(f"“{value}” không phải “Tại đây” (sinh hoạt chính thức nơi khác, tạm thời tại chi bộ "
                         "này) hoặc “Nơi khác” (sinh hoạt chính thức ở đây, tạm thời nơi khác)")
    return found


def discipline(value: str) -> str | None:
    if not fold(value):
        return None
    found = _DISCIPLINES.get(fold(value))
    if found is None:
        raise ValueError(f"“{value}” không phải “Khiển trách”, “Cảnh cáo”, “Cách chức” hoặc “Khai trừ”")
    return found


def flag(value: Any) -> bool:
    """Yes or no: có / x / 1, or không / 0 / empty (a spreadsheet's TRUE and FALSE too)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    raw = "" if value is None else str(value).strip()
    if raw in ("", "-"):
        return False
    if raw in _TICKS:
        return True
    word = fold(raw)
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ValueError(f"“{value}” không phải “có” hoặc “không” (hoặc “x”, hay để trống)")


def number(value: Any) -> int | float:
    """A number; a decimal comma is read as a point ("3,5")."""
    if isinstance(value, bool):
        raise ValueError(f"“{value}” không phải số")
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() else value
    text = str(value).strip().removesuffix("%").strip().replace(",", ".")
    try:
        parsed = float(text)
    except ValueError:
        raise ValueError(f"“{value}” không phải số") from None
    if parsed != parsed or parsed in (float("inf"), float("-inf")):
        raise ValueError(f"“{value}” không phải số")
    return int(parsed) if parsed.is_integer() else parsed


# A spreadsheet's serial day number counts from 30/12/1899 (the 1900 date system as
# Excel and LibreOffice write it); serials before 1/3/1900 are not dates anyone enters.
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_SERIAL_RANGE = (61, 2_958_465)  # 1/3/1900 .. 31/12/9999
_DATE_FORMATS = ("%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%Y/%m/%d", "%d/%m/%y")


def date(value: Any) -> dt.date:
    """A date: a spreadsheet's date cell, its serial number, dd/mm/yyyy or yyyy-mm-dd."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _serial(value, value)
    text = str(value).strip()
    if re.fullmatch(r"\d{5}(\.0+)?", text):
        return _serial(float(text), value)
    # A date written with the time a spreadsheet added ("2001-05-19 00:00:00").
    text = re.sub(r"[ T]00:00(:00)?$", "", text)
    for pattern in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"“{value}” không phải ngày (dd/mm/yyyy, ví dụ 19/05/2001)")


def _serial(serial: float, shown: Any) -> dt.date:
    if not float(serial).is_integer() or not _SERIAL_RANGE[0] <= serial <= _SERIAL_RANGE[1]:
        raise ValueError(f"“{shown}” không phải ngày (dd/mm/yyyy, ví dụ 19/05/2001)")
    return _EXCEL_EPOCH + dt.timedelta(days=int(serial))


def date_text(value: dt.date) -> str:
    """A date as the samples and the messages write it: dd/mm/yyyy."""
    return value.strftime("%d/%m/%Y")
