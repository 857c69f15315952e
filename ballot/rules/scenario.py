"""Scenario parser and validator: JSON value → `Scenario`, or `ScenarioError`.

The schema is issue 2's. Every error names the field by its path
(`members[3].status`, `tally.votes.m01.HTXSNV`; list indexes count from 0) and
says in Vietnamese what is wrong. Unknown keys are errors too: in a ballot count a
misspelt `"presnt": false` silently ignored would be worse than a refusal.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import date
from enum import Enum
from fractions import Fraction
from types import MappingProxyType
from typing import Any, TypeVar

from ballot.rules.levels import LEVELS_DESCENDING, Grade, Level
from ballot.rules.model import (
    Criteria,
    Denominator,
    Discipline,
    MemberFacts,
    MembershipStatus,
    Organisation,
    OrganisationKind,
    Scenario,
    Score,
    Settings,
    Tally,
    Thresholds,
    Votes,
)
from ballot.rules.profiles import DEFAULT_PROFILE, get_profile, profile_names

E = TypeVar("E", bound=Enum)
T = TypeVar("T")

MAX_SICK_LEAVE_MONTHS = 12
# 366-2025 (QĐ 366, Mẫu 2A–2C): 100 points, general criteria 30, task results 70.
SCORE_MAX = Fraction(100)
SCORE_GENERAL_MAX = Fraction(30)
SCORE_TASKS_MAX = Fraction(70)
# organisation.cap_percent (QĐ 366 khoản 1.5): 20, or 25 where the competent level grants it.
CAP_PERCENTS = (20, 25)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class ScenarioError(ValueError):
    """A malformed scenario: `path` names the field, `code` is stable, `message` Vietnamese."""

    def __init__(self, path: str, message: str, code: str = "invalid_value") -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message
        self.code = code


# --- typed readers ------------------------------------------------------------------


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "số"
    if isinstance(value, str):
        return "chuỗi"
    if isinstance(value, list):
        return "danh sách"
    if isinstance(value, dict):
        return "đối tượng"
    return type(value).__name__


def _wrong_type(path: str, expected: str, value: Any) -> ScenarioError:
    return ScenarioError(path, f"cần {expected}, nhận được {_type_name(value)}", "wrong_type")


def read_bool(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise _wrong_type(path, "true hoặc false", value)
    return value


def read_count(value: Any, path: str) -> int:
    """A whole number >= 0. `true` is not 1 and `3.0` is not 3 here."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise _wrong_type(path, "số nguyên", value)
    if value < 0:
        raise ScenarioError(path, f"không được âm (nhận được {value})", "out_of_range")
    return value


def read_number(value: Any, path: str) -> Fraction:
    """A finite JSON number as an exact Fraction of its decimal text (0.1 is 1/10)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _wrong_type(path, "số", value)
    if isinstance(value, float) and not math.isfinite(value):
        raise ScenarioError(path, "cần một số hữu hạn", "out_of_range")
    return Fraction(value) if isinstance(value, int) else Fraction(repr(value))


def read_text(value: Any, path: str) -> str:
    if not isinstance(value, str):
        raise _wrong_type(path, "chuỗi", value)
    if not value.strip():
        raise ScenarioError(path, "không được để trống", "invalid_value")
    return value


def read_date(value: Any, path: str) -> date:
    if not isinstance(value, str):
        raise _wrong_type(path, "ngày dạng YYYY-MM-DD", value)
    try:
        if not _ISO_DATE.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise ScenarioError(
            path, f"ngày không hợp lệ “{value}” (cần dạng YYYY-MM-DD, ví dụ 2026-12-15)"
        ) from None


def read_enum(value: Any, path: str, enum: type[E]) -> E:
    allowed = [member.value for member in enum]
    if not isinstance(value, str):
        raise _wrong_type(path, "một trong: " + ", ".join(allowed), value)
    for member in enum:
        if member.value == value:
            return member
    raise ScenarioError(
        path, f"giá trị không hợp lệ “{value}” (cần một trong: {', '.join(allowed)})"
    )


def read_level(value: Any, path: str) -> Level:
    return read_enum(value, path, Level)


def read_number_between(value: Any, path: str, low: Fraction, high: Fraction) -> Fraction:
    number = read_number(value, path)
    if not low <= number <= high:
        raise ScenarioError(
            path, f"phải từ {_plain(low)} đến {_plain(high)} (nhận được {value})", "out_of_range"
        )
    return number


def _plain(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else str(float(value))


def read_optional(value: Any, path: str, reader: Callable[[Any, str], T]) -> T | None:
    return None if value is None else reader(value, path)


class _Object:
    """A JSON object being read at `path`; `done()` refuses keys nobody asked for."""

    def __init__(self, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            raise _wrong_type(path, "đối tượng JSON", value)
        self.value: dict[str, Any] = value
        self.path = path
        self.asked: set[str] = set()

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def required(self, key: str) -> Any:
        self.asked.add(key)
        if key not in self.value:
            raise ScenarioError(self.at(key), "thiếu trường bắt buộc", "missing")
        return self.value[key]

    def optional(self, key: str, default: Any) -> Any:
        self.asked.add(key)
        return self.value.get(key, default)

    def done(self, expected: str = "") -> None:
        for key in self.value:
            if key not in self.asked:
                hint = f" (cần một trong: {expected})" if expected else ""
                raise ScenarioError(
                    self.at(key), f"trường không được biết đến{hint}", "unknown_field"
                )


# --- sections of the scenario -------------------------------------------------------


def parse_scenario(data: Any) -> Scenario:
    """Validate a scenario (a JSON value, typically a dict) and build the `Scenario`."""
    root = _Object(data, "")
    profile_name = _read_profile(root)
    review_date = read_date(root.required("review_date"), "review_date")
    organisation = _read_organisation(root.optional("organisation", {}))
    settings = _read_settings(root.optional("settings", {}), profile_name)
    members = _read_members(root.required("members"), review_date)
    tally = _read_tally(root.required("tally"), members)
    root.done()
    return Scenario(profile_name, review_date, organisation, settings, members, tally)


def _read_profile(root: _Object) -> str:
    name = root.optional("profile", DEFAULT_PROFILE)
    if not isinstance(name, str):
        raise _wrong_type("profile", "tên hồ sơ quy tắc", name)
    try:
        get_profile(name)
    except KeyError:
        raise ScenarioError(
            "profile",
            f"không có hồ sơ quy tắc “{name}” (có: {', '.join(profile_names())})",
            "unknown_profile",
        ) from None
    return name


def _read_organisation(value: Any) -> Organisation:
    obj = _Object(value, "organisation")
    name = obj.optional("name", "")
    if not isinstance(name, str):
        raise _wrong_type(obj.at("name"), "chuỗi", name)
    organisation = Organisation(
        name=name,
        kind=read_enum(
            obj.optional("kind", OrganisationKind.CHI_BO_TRUC_THUOC.value),
            obj.at("kind"),
            OrganisationKind,
        ),
        disciplined=read_bool(obj.optional("disciplined", False), obj.at("disciplined")),
        cap_percent=_read_cap_percent(obj),
    )
    obj.done()
    return organisation


def _read_cap_percent(obj: _Object) -> int | None:
    path = obj.at("cap_percent")
    value = obj.optional("cap_percent", None)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _wrong_type(path, "số nguyên 20 hoặc 25", value)
    if value not in CAP_PERCENTS:
        raise ScenarioError(path, f"chỉ được là 20 hoặc 25 (nhận được {value})", "out_of_range")
    return value


def _read_settings(value: Any, profile_name: str) -> Settings:
    obj = _Object(value, "settings")
    mode = read_enum(
        obj.optional("denominator", Denominator.ENTITLED.value), obj.at("denominator"), Denominator
    )
    defaults = get_profile(profile_name).default_thresholds
    thresholds = _read_thresholds(obj.optional("thresholds", {}), defaults)
    obj.done()
    return Settings(denominator=mode, thresholds=thresholds)


def _read_thresholds(value: Any, defaults: Thresholds) -> Thresholds:
    obj = _Object(value, "settings.thresholds")
    read: dict[Level, Fraction] = {}
    for level in (Level.HTXSNV, Level.HTTNV, Level.HTNV):
        path = obj.at(level.value)
        share = obj.optional(level.value, None)
        read[level] = defaults.for_level(level) if share is None else read_number(share, path)
        if not 0 < read[level] < 1:
            raise ScenarioError(path, "ngưỡng phải lớn hơn 0 và nhỏ hơn 1", "out_of_range")
    obj.done()
    # A higher level never needs a smaller share: otherwise "highest level reached"
    # could skip a level the same votes did not reach.
    if not read[Level.HTXSNV] >= read[Level.HTTNV] >= read[Level.HTNV]:
        raise ScenarioError(
            "settings.thresholds",
            "ngưỡng của mức cao hơn không được nhỏ hơn ngưỡng của mức thấp hơn "
            "(cần HTXSNV ≥ HTTNV ≥ HTNV)",
        )
    return Thresholds(read[Level.HTXSNV], read[Level.HTTNV], read[Level.HTNV])


def _read_members(value: Any, review_date: date) -> tuple[MemberFacts, ...]:
    if not isinstance(value, list):
        raise _wrong_type("members", "danh sách đảng viên", value)
    if not value:
        raise ScenarioError("members", "cần ít nhất một đảng viên", "invalid_value")
    members: list[MemberFacts] = []
    first_index: dict[str, int] = {}
    for index, item in enumerate(value):
        member = _read_member(item, f"members[{index}]", review_date)
        if member.id in first_index:
            raise ScenarioError(
                f"members[{index}].id",
                f"mã “{member.id}” trùng với members[{first_index[member.id]}].id",
                "duplicate",
            )
        first_index[member.id] = index
        members.append(member)
    return tuple(members)


def _read_member(value: Any, path: str, review_date: date) -> MemberFacts:
    obj = _Object(value, path)

    def flag(key: str) -> bool:
        return read_bool(obj.optional(key, False), obj.at(key))

    def level_or_null(key: str) -> Level | None:
        return read_optional(obj.optional(key, None), obj.at(key), read_level)

    member = MemberFacts(
        id=read_text(obj.required("id"), obj.at("id")),
        name=read_text(obj.required("name"), obj.at("name")),
        status=read_enum(obj.required("status"), obj.at("status"), MembershipStatus),
        admitted_on=read_date(obj.required("admitted_on"), obj.at("admitted_on")),
        present=read_bool(obj.optional("present", True), obj.at("present")),
        absent_with_leave=flag("absent_with_leave"),
        exempt=flag("exempt"),
        suspended=flag("suspended"),
        disciplined_this_year=flag("disciplined_this_year"),
        degradation_concluded=flag("degradation_concluded"),
        targets_completed_pct=_read_percent(obj),
        sick_leave_months=_read_sick_leave(obj),
        maternity_leave=flag("maternity_leave"),
        civil_servant_level=level_or_null("civil_servant_level"),
        criteria=read_optional(obj.optional("criteria", None), obj.at("criteria"), _read_criteria),
        heads_collective_level=level_or_null("heads_collective_level"),
        self_level=level_or_null("self_level"),
        committee_level=level_or_null("committee_level"),
        score=read_optional(obj.optional("score", None), obj.at("score"), _read_score),
        tasks_completed_pct=_read_task_percent(obj, "tasks_completed_pct"),
        tasks_exceeded_pct=_read_task_percent(obj, "tasks_exceeded_pct"),
        tasks_behind_schedule_pct=_read_task_percent(obj, "tasks_behind_schedule_pct"),
        tasks_failed_pct=_read_task_percent(obj, "tasks_failed_pct"),
        earlier_shortcomings_fixed=read_optional(
            obj.optional("earlier_shortcomings_fixed", None),
            obj.at("earlier_shortcomings_fixed"),
            read_bool,
        ),
        discipline=read_optional(
            obj.optional("discipline", None),
            obj.at("discipline"),
            lambda value, at: read_enum(value, at, Discipline),
        ),
        cap_group=read_optional(obj.optional("cap_group", None), obj.at("cap_group"), read_text),
    )
    obj.done()
    _check_member_consistency(member, obj, review_date)
    return member


def _read_percent(obj: _Object) -> Fraction:
    path = obj.at("targets_completed_pct")
    pct = read_number(obj.optional("targets_completed_pct", 100), path)
    if pct < 0:
        raise ScenarioError(path, "tỷ lệ hoàn thành không được âm", "out_of_range")
    return pct


def _read_sick_leave(obj: _Object) -> Fraction:
    path = obj.at("sick_leave_months")
    months = read_number(obj.optional("sick_leave_months", 0), path)
    if not 0 <= months <= MAX_SICK_LEAVE_MONTHS:
        raise ScenarioError(path, "số tháng nghỉ ốm phải từ 0 đến 12", "out_of_range")
    return months


def _read_score(value: Any, path: str) -> Score:
    """A number 0..100, or {"general": 0..30, "tasks": 0..70} (both required)."""
    if isinstance(value, dict):
        obj = _Object(value, path)
        general = read_number_between(
            obj.required("general"), obj.at("general"), Fraction(0), SCORE_GENERAL_MAX
        )
        tasks = read_number_between(
            obj.required("tasks"), obj.at("tasks"), Fraction(0), SCORE_TASKS_MAX
        )
        obj.done(expected="general, tasks")
        return Score(total=general + tasks, general=general, tasks=tasks)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _wrong_type(path, 'số từ 0 đến 100 hoặc {"general": …, "tasks": …}', value)
    return Score(total=read_number_between(value, path, Fraction(0), SCORE_MAX))


def _read_task_percent(obj: _Object, key: str) -> Fraction | None:
    value = obj.optional(key, None)
    if value is None:
        return None
    return read_number_between(value, obj.at(key), Fraction(0), Fraction(100))


def _read_criteria(value: Any, path: str) -> Criteria:
    obj = _Object(value, path)
    criteria = Criteria(
        tasks=read_enum(obj.required("tasks"), obj.at("tasks"), Grade),
        other=read_enum(obj.required("other"), obj.at("other"), Grade),
    )
    obj.done()
    return criteria


def _check_member_consistency(member: MemberFacts, obj: _Object, review_date: date) -> None:
    if member.admitted_on > review_date:
        raise ScenarioError(
            obj.at("admitted_on"),
            f"ngày kết nạp {member.admitted_on.isoformat()} sau ngày xếp loại "
            f"{review_date.isoformat()}",
            "inconsistent",
        )
    completed, failed = member.tasks_completed_pct, member.tasks_failed_pct
    if completed is not None and failed is not None and completed + failed > 100:
        raise ScenarioError(
            obj.at("tasks_failed_pct"),
            f"tỷ lệ nhiệm vụ hoàn thành ({_plain(completed)}%) cộng tỷ lệ không hoàn thành "
            f"({_plain(failed)}%) vượt quá 100%",
            "inconsistent",
        )
    if member.absent_with_leave and member.present:
        raise ScenarioError(
            obj.at("absent_with_leave"),
            "vắng mặt có phép nhưng present là true (đặt present: false)",
            "inconsistent",
        )


def _read_tally(value: Any, members: tuple[MemberFacts, ...]) -> Tally:
    obj = _Object(value, "tally")
    ballots = read_count(obj.required("ballots"), obj.at("ballots"))
    voters = sum(1 for member in members if member.may_vote)
    if ballots > voters:
        raise ScenarioError(
            obj.at("ballots"),
            f"{ballots} phiếu nhưng chỉ có {voters} đảng viên chính thức có mặt được biểu quyết",
            "inconsistent",
        )
    votes = _read_votes(obj.optional("votes", {}), ballots, {member.id for member in members})
    obj.done()
    return Tally(ballots=ballots, votes=votes)


def _read_votes(value: Any, ballots: int, member_ids: set[str]) -> Mapping[str, Votes]:
    obj = _Object(value, "tally.votes")
    votes: dict[str, Votes] = {}
    for member_id in list(obj.value):
        path = obj.at(member_id)
        if member_id not in member_ids:
            raise ScenarioError(path, f"không có đảng viên mã “{member_id}”", "unknown_member")
        votes[member_id] = _read_member_votes(obj.required(member_id), path)
        if votes[member_id].total > ballots:
            raise ScenarioError(
                path,
                f"tổng số phiếu {votes[member_id].total} lớn hơn số phiếu thu về "
                f"tally.ballots = {ballots}",
                "inconsistent",
            )
    obj.done()
    return MappingProxyType(votes)


def _read_member_votes(value: Any, path: str) -> Votes:
    obj = _Object(value, path)
    counts = {
        level: read_count(obj.optional(level.value, 0), obj.at(level.value))
        for level in LEVELS_DESCENDING
    }
    obj.done(expected=", ".join(level.value for level in LEVELS_DESCENDING))
    return Votes.from_levels(counts)
