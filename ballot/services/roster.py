"""The roster: rows of a spreadsheet or a JSON import turned into members.

Columns (first row, in any order; `id`, `name`, `status`, `admitted_on` required):

| column | meaning | values |
|---|---|---|
| id | roster id | text, unique |
| name | họ và tên | text |
| status | chinh_thuc / du_bi (also "chính thức" / "dự bị") | |
| admitted_on | ngày vào Đảng | YYYY-MM-DD or DD/MM/YYYY |
| role | chức vụ | text |
| self_level, committee_level | tự nhận / chi ủy đề xuất | HTXSNV, HTTNV, HTNV, KHTNV or empty |
| exempt, suspended, absent_with_leave, disciplined_this_year, degradation_concluded,
  maternity_leave | | x / 1 / có / true, or empty |
| targets_completed_pct, sick_leave_months | | number |
| civil_servant_level, heads_collective_level | | a level or empty |
| civil_servant_rating_pending | công chức, viên chức chưa có kết quả xếp loại: xếp loại sau (II.B.6) | có / không |
| temporary_registration | sinh hoạt tạm thời (21-HD II.B.6), see below | here / elsewhere, or empty |
| months_at_previous_branch | chuyển đến trong năm: số tháng công tác ở chi bộ cũ (21-HD II.B.6) | 0..12, or empty |
| other_branch_comments_received | đã có nhận xét của chi bộ nơi chuyển đi / sinh hoạt tạm thời (II.B.6) | có / không |
| discipline_at_previous_organisation | kỷ luật vì vi phạm ở tổ chức đảng nơi công tác trước (II.B.6) | có / không |
| discipline_already_counted | vi phạm đã tính khi xếp loại năm trước (21-HD II.B.2.3.d) | có / không |
| head_transferred_in | người đứng đầu mới chuyển đến (21-HD II.B.6) | có / không |
| is_secretary | bí thư chi bộ, người đứng đầu chi bộ (21-HD II.B.4); nhiều nhất một người | có / không |
| committee_activity_suspended | đình chỉ sinh hoạt cấp ủy: vẫn đánh giá, xếp loại (21-HD II.B.2.1) | có / không |
| criteria_tasks, criteria_other | Mẫu 02 (21-HD-2019) | XUAT_SAC, TOT, TRUNG_BINH, KEM or empty |
| score, or score_general + score_tasks | điểm đã thẩm định (366-2025) | 0..100, or 0..30 + 0..70 |
| tasks_completed_pct, tasks_exceeded_pct, tasks_behind_schedule_pct, tasks_failed_pct | (366-2025) | number 0..100 |
| earlier_shortcomings_fixed | đã khắc phục hạn chế (366-2025) | có / không, or empty |
| discipline | hình thức kỷ luật (366-2025) | khien_trach, canh_cao, cach_chuc, khai_tru or empty |
| cap_group | nhóm vị trí, vai trò tương đồng (366-2025) | text |

A cell left empty means the ordinary case. `temporary_registration`: `here` (also "tại
đây": sinh hoạt chính thức nơi khác, tạm thời tại chi bộ này — không xếp loại ở đây, không
tính vào mẫu số), `elsewhere` (also "nơi khác": sinh hoạt chính thức ở đây, tạm thời nơi
khác — xếp loại ở đây, theo nhận xét của nơi sinh hoạt tạm thời). From 6 months at the
previous chi bộ its comments must be obtained ("phải lấy ý kiến nhận xét của chi bộ nơi
chuyển đi"); a discipline at the previous organisation counts in that organisation's
level ("tính vào kết quả … của tổ chức đảng nơi xảy ra vi phạm"); "một vi phạm bị xử lý
kỷ luật chỉ tính một lần khi xếp loại". Sections are those of 21-HD (Hướng dẫn 21-HD/BTCTW).

A row's errors name the row (as the spreadsheet numbers it) and the column.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ballot.services.commands import MAX_ROSTER_ROWS, ROSTER_ID_LENGTH, clean_text
from ballot.services.errors import ServiceError
from ballot.services.scenario import member_fact_error
from ballot.store.models import Member
from ballot.vocabulary import LEVEL_CODES, MembershipStatus, TemporaryRegistration

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
# Sinh hoạt tạm thời (21-HD II.B.6): the engine's values, and the words a roster may use.
TEMPORARY_REGISTRATION_WORDS = {
    "here": TemporaryRegistration.HERE.value, "tại đây": TemporaryRegistration.HERE.value,
    "elsewhere": TemporaryRegistration.ELSEWHERE.value,
    "nơi khác": TemporaryRegistration.ELSEWHERE.value,
}
TEXT_FACT_FIELDS = ("discipline", "cap_group")
LEVEL_FACT_FIELDS = ("civil_servant_level", "heads_collective_level")
CRITERIA_FIELDS = {"criteria_tasks": "tasks", "criteria_other": "other"}
# Every column a roster row may carry (an import ignores any other header).
COLUMNS = frozenset({
    "id", "name", "role", "status", "admitted_on", "present", "absent_with_leave", "self_level",
    "committee_level", "score", "score_general", "score_tasks", "earlier_shortcomings_fixed",
    "temporary_registration", *FLAG_FIELDS, *NUMBER_FIELDS, *TEXT_FACT_FIELDS, *LEVEL_FACT_FIELDS, *CRITERIA_FIELDS,
})
TRUE_WORDS = {"x", "1", "true", "yes", "có", "co", "c"}
FALSE_WORDS = {"", "0", "false", "no", "không", "khong", "k"}
STATUS_WORDS = {
    "chinh_thuc": MembershipStatus.FULL, "chính thức": MembershipStatus.FULL,
    "du_bi": MembershipStatus.PROBATIONARY, "dự bị": MembershipStatus.PROBATIONARY,
}


class RosterError(ServiceError):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("bad_roster", "Danh sách có lỗi, chưa nhập dòng nào: " + "; ".join(errors[:20]))
        self.errors = errors


def rows_of(table: list[list[Any]]) -> list[dict[str, Any]]:
    """Rows of a spreadsheet keyed by its header (the first non-blank row), each
    with `_row`, its number as the spreadsheet shows it."""
    numbered = [(number, row) for number, row in enumerate(table, start=1)
                if any(cell not in (None, "") for cell in row)]
    if not numbered:
        raise RosterError(["tệp trống"])
    if len(numbered) > MAX_ROSTER_ROWS + 1:
        raise RosterError([f"quá {MAX_ROSTER_ROWS} dòng"])
    header = [str(cell or "").strip().lower() for cell in numbered[0][1]]
    return [
        {"_row": number, **{name: cell for name, cell in zip(header, row, strict=False) if name}}
        for number, row in numbered[1:]
    ]


def validate_rows(rows: list[dict[str, Any]], review_date: dt.date | None) -> list[dict[str, Any]]:
    """Member fields for every row, or RosterError listing every problem."""
    errors: list[str] = []
    members: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, row in enumerate(rows):
        where = f"dòng {row.get('_row', index + 1)}"
        try:
            member = _member_fields(row)
            if member["key"] in seen:
                raise ValueError(f"id: trùng mã “{member['key']}”")
            seen.add(member["key"])
            problem = member_fact_error(Member(**member), review_date)
            if problem is not None:
                raise ValueError(f"{problem[0]}: {problem[1]}")
        except ValueError as exc:
            errors.append(f"{where}: {exc}")
            continue
        members.append(member)
    secretaries = [row.get("_row", index + 1) for index, (row, member) in enumerate(zip(rows, members, strict=True))
                   if member["facts"].get("is_secretary")] if not errors else []
    if len(secretaries) > 1:
        errors.append(f"dòng {secretaries[1]}: is_secretary: chi bộ chỉ có một bí thư "
                      f"(đã ghi ở dòng {secretaries[0]})")
    if errors:
        raise RosterError(errors)
    if not members:
        raise RosterError(["không có đảng viên nào"])
    return members


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


def _member_fields(row: dict[str, Any]) -> dict[str, Any]:
    facts: dict[str, Any] = {name: _flag(row, name) for name in FLAG_FIELDS}
    for name in NUMBER_FIELDS:
        if _text(row, name):
            facts[name] = _number(row, name)
    for name in LEVEL_FACT_FIELDS:
        facts[name] = _level(row, name)
    for name in TEXT_FACT_FIELDS:
        facts[name] = _text(row, name).lower() if name == "discipline" else _text(row, name)
        facts[name] = facts[name] or None
    if _text(row, "earlier_shortcomings_fixed"):
        facts["earlier_shortcomings_fixed"] = _flag(row, "earlier_shortcomings_fixed")
    facts["score"] = _score(row)
    facts["temporary_registration"] = _temporary_registration(row)
    criteria = {key: _text(row, column).upper() for column, key in CRITERIA_FIELDS.items()
                if _text(row, column)}
    facts["criteria"] = criteria or None
    if criteria and len(criteria) != 2:
        raise ValueError("criteria_tasks, criteria_other: cần cả hai hoặc bỏ trống cả hai")
    return {
        "key": _required(row, "id", ROSTER_ID_LENGTH),
        "name": _required(row, "name", words=True),
        "role": _text(row, "role", words=True),
        "status": _status(row),
        "admitted_on": _date(row, "admitted_on"),
        "present": _flag(row, "present"),
        "absent_with_leave": _flag(row, "absent_with_leave"),
        "self_level": _level(row, "self_level"),
        "committee_level": _level(row, "committee_level"),
        "facts": facts,
    }


def _score(row: dict[str, Any]) -> int | float | dict[str, int | float] | None:
    if _text(row, "score"):
        return _number(row, "score")
    parts = {key: _number(row, f"score_{key}") for key in ("general", "tasks")
             if _text(row, f"score_{key}")}
    if parts and len(parts) != 2:
        raise ValueError("score_general, score_tasks: cần cả hai hoặc bỏ trống cả hai")
    return parts or None


def _temporary_registration(row: dict[str, Any]) -> str | None:
    word = _text(row, "temporary_registration").lower()
    if not word:
        return None
    if word not in TEMPORARY_REGISTRATION_WORDS:
        raise ValueError(f"temporary_registration: “{word}” không phải here (sinh hoạt tạm thời tại "
                         "chi bộ này) hoặc elsewhere (sinh hoạt tạm thời nơi khác)")
    return TEMPORARY_REGISTRATION_WORDS[word]


def _text(row: dict[str, Any], name: str, *, words: bool = False) -> str:
    """The cell as text; `words`: a column of names or titles, which a number or a
    yes/no can never be (a spreadsheet's id column may hold numbers)."""
    value = row.get(name)
    if value is None:
        return ""
    if words and not isinstance(value, str):
        raise ValueError(f"{name}: phải là chữ")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)
    try:
        # One spelling per name (NFC), as every typed field has (services/commands.py).
        return clean_text(text.strip())
    except ValueError as exc:
        raise ValueError(f"{name}: {exc}") from None


def _required(row: dict[str, Any], name: str, longest: int = 200, *, words: bool = False) -> str:
    if isinstance(row.get(name), bool):
        raise ValueError(f"{name}: phải là chữ hoặc số")
    value = _text(row, name, words=words)
    if not value:
        raise ValueError(f"{name}: bắt buộc, đang trống")
    if len(value) > longest:
        raise ValueError(f"{name}: quá dài")
    return value


def _status(row: dict[str, Any]) -> MembershipStatus:
    value = _required(row, "status").lower()
    if value not in STATUS_WORDS:
        raise ValueError(f"status: “{value}” không phải chinh_thuc hoặc du_bi")
    return STATUS_WORDS[value]


def _date(row: dict[str, Any], name: str) -> dt.date:
    raw = row.get(name)
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    value = _required(row, name)
    for parse in (dt.date.fromisoformat, lambda s: dt.datetime.strptime(s, "%d/%m/%Y").date()):
        try:
            return parse(value)
        except ValueError:
            continue
    raise ValueError(f"{name}: “{value}” không phải ngày (YYYY-MM-DD hoặc DD/MM/YYYY)")


def _flag(row: dict[str, Any], name: str) -> bool:
    value = row.get(name)
    if isinstance(value, bool):
        return value
    word = _text(row, name).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"{name}: “{word}” không phải có/không")


def _number(row: dict[str, Any], name: str) -> int | float:
    text = _text(row, name).replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"{name}: “{text}” không phải số") from None
    return int(number) if number.is_integer() else number


def _level(row: dict[str, Any], name: str) -> str | None:
    value = _text(row, name).upper()
    if not value:
        return None
    if value not in LEVEL_CODES:
        raise ValueError(f"{name}: “{value}” không phải HTXSNV, HTTNV, HTNV hoặc KHTNV")
    return value
