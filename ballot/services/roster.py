"""The roster: rows of a spreadsheet or a JSON import turned into members.

A spreadsheet (CSV or XLSX, first sheet) is read as offices keep it: title rows above
the header are skipped (the header is the first row naming the three required
columns), blank rows are skipped, columns may come in any order, and a column no field
needs is ignored and named back to the host ("Cột không dùng: …"). Each column is
named by its Vietnamese header below or by its English identifier (as the JSON import
and the API use them); headers and words match without regard to case, diacritics,
punctuation or extra spaces (ballot/roster_vocabulary.py), so "Ngày vào Đảng",
"NGAY VAO DANG" and `admitted_on` are one column, and a hint in parentheses is
ignored ("Ngày vào Đảng (dd/mm/yyyy)"). Required: Họ và tên, Đảng viên chính thức/dự
bị, Ngày vào Đảng. Without a Mã đảng viên column each member gets the id of their
place in the list (m01, m02, …).

| header (samples) | identifier | values |
|---|---|---|
| Mã đảng viên | id | text, unique; column optional |
| Họ và tên | name | text |
| Chức vụ | role | text |
| Đảng viên chính thức/dự bị (or Loại đảng viên) | status | Chính thức / Dự bị (chinh_thuc / du_bi) |
| Ngày vào Đảng (or Ngày kết nạp) | admitted_on | dd/mm/yyyy, yyyy-mm-dd, a date cell or its serial number |
| Có mặt, Vắng có phép | present, absent_with_leave | yes/no |
| Tự nhận mức chất lượng (Mẫu 02, VII.2) | self_level | a level, or empty |
| Chi ủy đề xuất (II.B.2.5 bước 2) | committee_level | a level, or empty |
| Miễn công tác và sinh hoạt đảng (or Miễn sinh hoạt; II.B.2.1) | exempt | yes/no |
| Đình chỉ sinh hoạt đảng (II.B.2.1) | suspended | yes/no |
| Bị thi hành kỷ luật trong năm (II.B.2.3.d) | disciplined_this_year | yes/no |
| Kết luận có biểu hiện suy thoái (II.B.2.3.d) | degradation_concluded | yes/no |
| Nghỉ thai sản (II.B.6) | maternity_leave | yes/no |
| Tỷ lệ hoàn thành chỉ tiêu, nhiệm vụ (%) (II.B.2.3.d) | targets_completed_pct | number |
| Số tháng nghỉ ốm (II.B.6) | sick_leave_months | number |
| Xếp loại cán bộ, công chức, viên chức (Mẫu 02, VII.1) | civil_servant_level | a level, or empty |
| Chưa có kết quả xếp loại công chức, viên chức (II.B.6: xếp loại sau) | civil_servant_rating_pending | yes/no |
| Xếp loại tập thể do mình đứng đầu (II.B.4) | heads_collective_level | a level, or empty |
| Sinh hoạt tạm thời (II.B.6), see below | temporary_registration | Tại đây / Nơi khác (here / elsewhere), or empty |
| Số tháng công tác ở chi bộ cũ (chuyển đến trong năm, II.B.6) | months_at_previous_branch | 0..12, or empty |
| Đã có nhận xét của chi bộ nơi chuyển đi, nơi sinh hoạt tạm thời (II.B.6) | other_branch_comments_received | yes/no |
| Vi phạm kỷ luật ở tổ chức đảng nơi công tác trước (II.B.6) | discipline_at_previous_organisation | yes/no |
| Vi phạm đã tính khi xếp loại năm trước (II.B.2.3.d) | discipline_already_counted | yes/no |
| Người đứng đầu mới chuyển đến (II.B.6) | head_transferred_in | yes/no |
| Bí thư chi bộ (II.B.4; nhiều nhất một người) | is_secretary | yes/no |
| Đình chỉ sinh hoạt cấp ủy (vẫn đánh giá, xếp loại; II.B.2.1) | committee_activity_suspended | yes/no |
| Tiêu chí kết quả thực hiện nhiệm vụ (Mẫu 02; II.B.2.3) | criteria_tasks | Xuất sắc / Tốt / Trung bình / Kém |
| Các tiêu chí còn lại (Mẫu 02; II.B.2.3; with the one above, or both empty) | criteria_other | the same |
| Điểm đánh giá (366-2025) | score | 0..100 |
| Điểm tiêu chí chung (366-2025) | score_general | 0..30, with the next or both empty |
| Điểm kết quả thực hiện nhiệm vụ (366-2025) | score_tasks | 0..70 |
| Tỷ lệ nhiệm vụ hoàn thành (%) (366-2025) | tasks_completed_pct | number 0..100 |
| Tỷ lệ nhiệm vụ hoàn thành vượt mức (%) (366-2025) | tasks_exceeded_pct | number 0..100 |
| Tỷ lệ nhiệm vụ chậm tiến độ (%) (366-2025) | tasks_behind_schedule_pct | number 0..100 |
| Tỷ lệ nhiệm vụ không hoàn thành (%) (366-2025) | tasks_failed_pct | number 0..100 |
| Đã khắc phục hạn chế, khuyết điểm (366-2025) | earlier_shortcomings_fixed | yes/no, or empty |
| Hình thức kỷ luật (366-2025) | discipline | Khiển trách / Cảnh cáo / Cách chức / Khai trừ, or empty |
| Nhóm vị trí, vai trò tương đồng (366-2025) | cap_group | text |

A level is written in full ("Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ",
"Hoàn thành nhiệm vụ", "Không hoàn thành nhiệm vụ") or abbreviated (HTXSNV, HTTNV,
HTNV, KHTNV). Yes/no: "có", "x", "1" (a spreadsheet's TRUE) or "không", "0", empty.
Other headers each field accepts are in ballot/roster_vocabulary.py. A cell left empty
means the ordinary case.

Sinh hoạt tạm thời: "Tại đây" (sinh hoạt chính thức nơi khác, tạm thời tại chi bộ này —
không xếp loại ở đây, không tính vào mẫu số), "Nơi khác" (sinh hoạt chính thức ở đây,
tạm thời nơi khác — xếp loại ở đây, theo nhận xét của nơi sinh hoạt tạm thời). From 6
months at the previous chi bộ its comments must be obtained ("phải lấy ý kiến nhận xét
của chi bộ nơi chuyển đi"); a discipline at the previous organisation counts in that
organisation's level ("tính vào kết quả … của tổ chức đảng nơi xảy ra vi phạm"); "một
vi phạm bị xử lý kỷ luật chỉ tính một lần khi xếp loại". Sections are those of 21-HD
(Hướng dẫn 21-HD/BTCTW).

Every error of every row is reported at once (the first MAX_ERRORS of them, then how
many more), each naming the row as the spreadsheet numbers it (a JSON import: its place
in the list) and the column as the file names it: "dòng 5: Ngày vào Đảng: “31/02/2001”
không phải ngày …". Nothing is imported while any error remains.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from ballot import roster_vocabulary as words
from ballot.services.commands import MAX_ROSTER_ROWS, ROSTER_ID_LENGTH, clean_text
from ballot.services.errors import ServiceError
from ballot.services.scenario import member_fact_error
from ballot.store.models import Member
from ballot.vocabulary import MembershipStatus

FLAG_FIELDS = (
    "exempt", "suspended", "disciplined_this_year", "degradation_concluded", "maternity_leave",
    # 21-HD II.B.2.1, II.B.2.3.d and II.B.6 (docs/rules.md, “Dữ liệu đầu vào”).
    "civil_servant_rating_pending", "other_branch_comments_received",
    "discipline_at_previous_organisation", "discipline_already_counted", "head_transferred_in",
    "is_secretary", "committee_activity_suspended",
)
NUMBER_FIELDS = (
    "targets_completed_pct", "sick_leave_months", "tasks_completed_pct", "tasks_exceeded_pct",
    "tasks_behind_schedule_pct", "tasks_failed_pct", "months_at_previous_branch",
)
LEVEL_FACT_FIELDS = ("civil_servant_level", "heads_collective_level")
CRITERIA_FIELDS = {"criteria_tasks": "tasks", "criteria_other": "other"}
# Every column a roster row may carry (an import ignores any other header).
COLUMNS = frozenset(column.field for column in words.COLUMNS)
# How many errors one refusal lists; the rest are counted ("và 12 lỗi khác").
MAX_ERRORS = 50


class RosterError(ServiceError):
    def __init__(self, errors: list[str]) -> None:
        shown = errors[:MAX_ERRORS]
        if len(errors) > MAX_ERRORS:
            shown = [*shown, f"và {len(errors) - MAX_ERRORS} lỗi khác"]
        super().__init__("bad_roster", "Danh sách có lỗi, chưa nhập dòng nào: " + "; ".join(shown))
        self.errors = errors
        self.details = shown


@dataclass
class RosterRows:
    """Rows keyed by field (each with `_row`, its number as the file shows it), the
    column of each field as the file names it, and the headers no field has."""

    rows: list[dict[str, Any]]
    labels: dict[str, str] = field(default_factory=dict)
    unused: list[str] = field(default_factory=list)

    def label(self, name: str) -> str:
        """The column as the file names it; a column the file lacks by its Vietnamese
        header, unless the file speaks in identifiers."""
        if name in self.labels:
            return self.labels[name]
        return name if self.in_identifiers else words.header_of(name)

    @property
    def in_identifiers(self) -> bool:
        return bool(self.labels) and all(words.fold(label) == words.fold(name)
                                         for name, label in self.labels.items())


@dataclass(frozen=True)
class Imported:
    """What an import did: how many members, and the columns it did not use."""

    count: int
    unused: tuple[str, ...] = ()

    @property
    def notices(self) -> list[str]:
        return [f"Cột không dùng: {', '.join(self.unused)}."] if self.unused else []


# --- reading a table -------------------------------------------------------------------


def _blank(cell: Any) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


def _header_fields(row: list[Any]) -> dict[int, str]:
    return {index: found for index, cell in enumerate(row) if (found := words.field_of_header(cell))}


def rows_of(table: list[list[Any]]) -> RosterRows:
    """The rows of a spreadsheet under its header: the first row naming the required
    columns (title rows above it and blank rows are skipped)."""
    numbered = [(number, row) for number, row in enumerate(table, start=1)
                if not all(_blank(cell) for cell in row)]
    if not numbered:
        raise RosterError(["tệp trống"])
    at = next((i for i, (_, row) in enumerate(numbered)
               if set(words.REQUIRED_FIELDS) <= set(_header_fields(row).values())), None)
    if at is None:
        raise RosterError([_no_header(numbered)])
    header_number, header = numbered[at]
    data = numbered[at + 1:]
    if data and _numbers_the_columns(data[0][1]):
        data = data[1:]  # the row of column numbers forms put under the header: (1), (2), …
    if len(data) > MAX_ROSTER_ROWS:
        raise RosterError([f"quá {MAX_ROSTER_ROWS} dòng"])
    found = _header_fields(header)
    labels: dict[str, str] = {}
    errors: list[str] = []
    for index, name in found.items():
        label = str(header[index]).strip()
        if name in labels:
            errors.append(f"dòng {header_number}: cột “{labels[name]}” và cột “{label}” cùng là "
                          f"“{words.header_of(name)}”, chỉ giữ một cột")
        labels.setdefault(name, label)
    if errors:
        raise RosterError(errors)
    unused = [str(cell).strip() for index, cell in enumerate(header)
              if index not in found and not _blank(cell) and not words.is_silent_header(cell)]
    rows = [{"_row": number, **{found[i]: cell for i, cell in enumerate(row) if i in found}}
            for number, row in data]
    return RosterRows(rows, labels, unused)


def _numbers_the_columns(row: list[Any]) -> bool:
    cells = [str(cell).strip() for cell in row if not _blank(cell)]
    return len(cells) >= 2 and all(re.fullmatch(r"\(?\d{1,2}\)?", cell) for cell in cells)


def _no_header(numbered: list[tuple[int, list[Any]]]) -> str:
    need = ", ".join(f"“{words.header_of(name)}”" for name in words.REQUIRED_FIELDS)
    message = f"không tìm thấy dòng tiêu đề (cần các cột {need})"
    number, row = max(numbered[:50], key=lambda item: len(set(_header_fields(item[1]).values())))
    have = set(_header_fields(row).values())
    if have:
        missing = ", ".join(f"“{words.header_of(name)}”" for name in words.REQUIRED_FIELDS if name not in have)
        message += f"; dòng {number} thiếu cột {missing}"
    return message


def rows_of_records(records: list[dict[str, Any]]) -> RosterRows:
    """Rows sent as JSON objects, each numbered by its place in the list; keys are
    read as headers are."""
    labels: dict[str, str] = {}
    unused: list[str] = []
    rows = []
    for number, record in enumerate(records, start=1):
        row: dict[str, Any] = {"_row": number}
        for key, value in record.items():
            name = words.field_of_header(key)
            if name is None:
                if key not in unused and not words.is_silent_header(key):
                    unused.append(key)
                continue
            labels.setdefault(name, key)
            row[name] = value
        rows.append(row)
    return RosterRows(rows, labels, unused)


# --- validating rows -------------------------------------------------------------------


def validate_rows(table: RosterRows | list[dict[str, Any]], review_date: dt.date | None) -> list[dict[str, Any]]:
    """Member fields for every row, or RosterError listing every problem of every row."""
    if not isinstance(table, RosterRows):
        table = RosterRows([{"_row": i, **row} for i, row in enumerate(table, start=1)],
                           {name: name for row in table for name in row if name in COLUMNS})
    errors: list[str] = []
    members: list[tuple[int, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    generate_ids = "id" not in table.labels and all("id" not in row for row in table.rows)
    for position, row in enumerate(table.rows, start=1):
        cells = _Cells(row, table)
        member = _member_fields(cells, f"m{position:02d}" if generate_ids else None)
        if member["key"] in seen:
            cells.error("id", f"trùng mã “{member['key']}” (đã có ở dòng {seen[member['key']]})")
        elif member["key"]:
            seen[member["key"]] = cells.number
        if not cells.failed:
            problem = member_fact_error(Member(**member), review_date)
            if problem is not None:
                cells.error(_field_of_path(problem[0]), _in_file_words(problem[1], table))
        errors.extend(cells.errors())
        if not cells.failed:
            members.append((cells.number, member))
    secretaries = [number for number, member in members if member["facts"].get("is_secretary")]
    if len(secretaries) > 1:
        errors.append(f"dòng {secretaries[1]}: {table.label('is_secretary')}: chi bộ chỉ có một bí thư "
                      f"(đã ghi ở dòng {secretaries[0]})")
    if errors:
        raise RosterError(errors)
    if not members:
        raise RosterError(["không có đảng viên nào"])
    return [member for _, member in members]


def unknown_column(changes: dict[str, Any]) -> str | None:
    """The first column of `changes` no roster has, if any."""
    return next((name for name in changes if name not in COLUMNS), None)


def member_as_row(member: Member) -> dict[str, Any]:
    facts = dict(member.facts or {})
    criteria = facts.pop("criteria", None) or {}
    score = facts.pop("score", None)
    if isinstance(score, dict):
        facts.update({f"score_{key}": value for key, value in score.items()})
    else:
        facts["score"] = score
    return {
        "id": member.key, "name": member.name, "role": member.role, "status": member.status.value,
        "admitted_on": member.admitted_on.isoformat(), "self_level": member.self_level,
        "committee_level": member.committee_level, "absent_with_leave": member.absent_with_leave,
        "present": member.present,
        **facts,
        **{column: criteria.get(key) for column, key in CRITERIA_FIELDS.items()},
    }


class _Cells:
    """One row's cells: each read by its parser, each refusal recorded against the
    row and the column as the file names them."""

    def __init__(self, row: dict[str, Any], table: RosterRows) -> None:
        self.row, self.table = row, table
        self.number = row["_row"]
        self.found: list[tuple[int, str]] = []

    @property
    def failed(self) -> bool:
        return bool(self.found)

    def error(self, name: str, message: str) -> None:
        order = list(self.table.labels)
        place = order.index(name) if name in order else len(order)
        self.found.append((place, f"dòng {self.number}: {self.table.label(name)}: {message}"))

    def errors(self) -> list[str]:
        """This row's errors in the order of the file's columns."""
        return [text for _, text in sorted(self.found, key=lambda item: item[0])]

    def given(self, name: str) -> bool:
        return not _blank(self.row.get(name))

    def read(self, name: str, parse, default: Any = None) -> Any:
        try:
            return parse(self.row.get(name))
        except ValueError as exc:
            self.error(name, str(exc))
            return default


def _member_fields(cells: _Cells, generated_key: str | None) -> dict[str, Any]:
    facts: dict[str, Any] = {name: cells.read(name, words.flag, False) for name in FLAG_FIELDS}
    for name in NUMBER_FIELDS:
        if cells.given(name):
            facts[name] = cells.read(name, _number)
    for name in LEVEL_FACT_FIELDS:
        facts[name] = cells.read(name, _optional(words.level))
    facts["discipline"] = cells.read("discipline", _optional(words.discipline))
    facts["cap_group"] = cells.read("cap_group", _text) or None
    if cells.given("earlier_shortcomings_fixed"):
        facts["earlier_shortcomings_fixed"] = cells.read("earlier_shortcomings_fixed", words.flag)
    facts["score"] = _score(cells)
    facts["temporary_registration"] = cells.read("temporary_registration", _optional(words.registration))
    criteria = {key: cells.read(column, _optional(words.grade)) for column, key in CRITERIA_FIELDS.items()
                if cells.given(column)}
    if len(criteria) == 1:
        missing = next(column for column in CRITERIA_FIELDS if not cells.given(column))
        cells.error(missing, f"cần ghi cùng “{cells.table.label(next(c for c in CRITERIA_FIELDS if c != missing))}”"
                    " hoặc bỏ trống cả hai")
    facts["criteria"] = criteria or None
    return {
        "key": generated_key or cells.read("id", _member_id, ""),
        "name": cells.read("name", _name, ""),
        "role": cells.read("role", _words),
        "status": cells.read("status", _required(lambda value: MembershipStatus(words.status(value)))),
        "admitted_on": cells.read("admitted_on", _required(words.date)),
        "present": cells.read("present", words.flag, False),
        "absent_with_leave": cells.read("absent_with_leave", words.flag, False),
        "self_level": cells.read("self_level", _optional(words.level)),
        "committee_level": cells.read("committee_level", _optional(words.level)),
        "facts": facts,
    }


def _score(cells: _Cells) -> int | float | dict[str, int | float] | None:
    if cells.given("score"):
        return cells.read("score", _number)
    parts = {key: cells.read(f"score_{key}", _number) for key in ("general", "tasks")
             if cells.given(f"score_{key}")}
    if len(parts) == 1:
        missing = "score_tasks" if "general" in parts else "score_general"
        other = "score_general" if missing == "score_tasks" else "score_tasks"
        cells.error(missing, f"cần ghi cùng “{cells.table.label(other)}” hoặc bỏ trống cả hai")
    return parts or None


# --- cell parsers: each takes the raw cell, raises ValueError in Vietnamese -------------


def _text(value: Any, *, words_only: bool = False) -> str:
    """The cell as text; `words_only`: a column of names or titles, which a number or a
    yes/no can never be (a spreadsheet's id column may hold numbers)."""
    if value is None:
        return ""
    if words_only and not isinstance(value, str):
        raise ValueError("phải là chữ")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)
    # One spelling per name (NFC), as every typed field has (services/commands.py).
    return clean_text(" ".join(text.split()))


def _words(value: Any) -> str:
    return _text(value, words_only=True)


def _name(value: Any) -> str:
    if isinstance(value, bool):
        raise ValueError("phải là chữ")
    name = _words(value)
    if not name:
        raise ValueError("bắt buộc, đang trống")
    if len(name) > 200:
        raise ValueError("quá dài (tối đa 200 ký tự)")
    return name


def _member_id(value: Any) -> str:
    if isinstance(value, bool):
        raise ValueError("phải là chữ hoặc số")
    key = _text(value)
    if not key:
        raise ValueError("bắt buộc, đang trống")
    if len(key) > ROSTER_ID_LENGTH:
        raise ValueError(f"quá dài (tối đa {ROSTER_ID_LENGTH} ký tự)")
    return key


def _required(parse):
    def read(value: Any) -> Any:
        if _blank(value):
            raise ValueError("bắt buộc, đang trống")
        return parse(value if isinstance(value, (dt.date, int, float)) else _text(value))
    return read


def _optional(parse):
    def read(value: Any) -> Any:
        if _blank(value):
            return None
        if isinstance(value, bool):
            raise ValueError(f"“{value}” không dùng được ở cột này")
        return parse(_text(value))
    return read


def _number(value: Any) -> int | float:
    return words.number(value if isinstance(value, (int, float)) else _text(value))


def _field_of_path(path: str) -> str:
    """The roster column of a scenario path (`criteria.tasks` → criteria_tasks)."""
    head, _, rest = path.partition(".")
    if head in ("criteria", "score") and rest:
        return f"{head}_{rest.split('.')[0]}"
    return head


_IDENTIFIER = re.compile(r"\b[a-z][a-z_]*[a-z]\b")


def _in_file_words(message: str, table: RosterRows) -> str:
    """The engine's message with each field identifier it quotes named as the file
    names that column (or by its Vietnamese header)."""
    if table.in_identifiers:
        return message
    return _IDENTIFIER.sub(lambda m: f"“{table.label(m[0])}”" if m[0] in COLUMNS else m[0], message)
