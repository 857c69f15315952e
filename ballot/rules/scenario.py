"""Scenario parser and validator: JSON value → `Scenario`, or `ScenarioError`.

Every error names the field by its path (`members[3].status`,
`tally.votes.m01.HTXSNV`, `followups[0].ballots`; list indexes count from 0) and
says in Vietnamese what is wrong. Unknown keys are errors too: in a ballot count a
misspelt `"presnt": false` silently ignored would be worse than a refusal. Data
that may be legitimate but deserves a second look (a probation over long ago)
becomes a `ScenarioWarning`, kept in the scenario and printed by `ballot classify`.
The schema is documented in docs/rules.md, “Dữ liệu đầu vào”.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from fractions import Fraction
from types import MappingProxyType
from typing import Any, TypeVar

from ballot.rules.dates import add_months
from ballot.rules.levels import LEVELS_DESCENDING, Grade, Level
from ballot.rules.model import (
    RULES_VERSION,
    RULES_VERSIONS,
    Body,
    BodyKind,
    Criteria,
    Denominator,
    Discipline,
    KhtnvByAccumulation,
    MemberFacts,
    MembershipStatus,
    Organisation,
    OrganisationKind,
    Scenario,
    ScenarioWarning,
    Score,
    Settings,
    Tally,
    TemporaryRegistration,
    Thresholds,
    Votes,
)
from ballot.rules.profiles import DEFAULT_PROFILE, get_profile, profile_names

E = TypeVar("E", bound=Enum)
T = TypeVar("T")

ROOT = "kịch bản"  # how an error on the whole scenario names its "field"
MAX_SICK_LEAVE_MONTHS = 12
MAX_MONTHS_AT_PREVIOUS_BRANCH = 12
# 366-2025 (QĐ 366, Mẫu 2A–2C): 100 points, general criteria 30, task results 70.
SCORE_MAX = Fraction(100)
SCORE_GENERAL_MAX = Fraction(30)
SCORE_TASKS_MAX = Fraction(70)
# organisation.cap_percent (QĐ 366 khoản 1.5): 20, or 25 where the competent level grants it.
CAP_PERCENTS = (20, 25)
# The Party was founded on 3 February 1930: nobody was admitted before.
PARTY_FOUNDED = date(1930, 2, 3)
# Điều lệ Đảng, Điều 5: a probation of 12 months. Past it the recognition may still be
# pending for a while (a warning); past twice that it cannot be (an error).
PROBATION_MONTHS = 12
PROBATION_IMPOSSIBLE_MONTHS = 24
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_FRACTION = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


class ScenarioError(ValueError):
    """A malformed scenario: `path` names the field, `code` is stable, `message` Vietnamese."""

    def __init__(self, path: str, message: str, code: str = "invalid_value") -> None:
        path = path or ROOT
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message
        self.code = code


@dataclass
class _Reading:
    """What the whole reading shares: the rules version and the warnings found."""

    rules_version: int = RULES_VERSION
    warnings: list[ScenarioWarning] = field(default_factory=list)

    @property
    def strict(self) -> bool:
        """Checks added with rules version 2 refuse; for older bundles they only warn,
        so that a bundle certified before them still verifies."""
        return self.rules_version >= 2

    def warn(self, path: str, message: str, code: str) -> None:
        self.warnings.append(ScenarioWarning(path or ROOT, code, message))

    def refuse_or_warn(self, path: str, message: str, code: str) -> None:
        if self.strict:
            raise ScenarioError(path, message, code)
        self.warn(path, message, code)


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


def read_share(value: Any, path: str) -> Fraction:
    """A number (0.5) or an exact fraction written as text ("2/3")."""
    if isinstance(value, str):
        match = _FRACTION.fullmatch(value)
        if not match or int(match.group(2)) == 0:
            raise ScenarioError(
                path, f"phân số không hợp lệ “{value}” (cần dạng “2/3”)", "invalid_value"
            )
        return Fraction(int(match.group(1)), int(match.group(2)))
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _wrong_type(path, "số (ví dụ 0.5) hoặc phân số dạng “2/3”", value)
    return read_number(value, path)


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
    reading = _Reading(_read_rules_version(root))
    profile_name = _read_profile(root)
    review_date = read_date(root.required("review_date"), "review_date")
    organisation = _read_organisation(root.optional("organisation", None), review_date, reading)
    settings = _read_settings(root.optional("settings", {}), profile_name, reading)
    members = _read_members(root.required("members"), review_date, reading)
    tally = _read_tally(root.required("tally"), "tally", members)
    followups = _read_followups(root.optional("followups", []), members)
    root.done()
    return Scenario(
        profile_name,
        review_date,
        organisation,
        settings,
        members,
        tally,
        followups,
        reading.rules_version,
        tuple(reading.warnings),
    )


def parse_member(
    value: Any, review_date: date, *, rules_version: int = RULES_VERSION
) -> MemberFacts:
    """One member read exactly as within a scenario (for a roster row), with the path
    of its fields starting at the member (`status`, `criteria.tasks`)."""
    return _read_member(value, "", review_date, _Reading(rules_version))


def _read_rules_version(root: _Object) -> int:
    value = root.optional("rules_version", RULES_VERSION)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _wrong_type("rules_version", "số nguyên", value)
    if value not in RULES_VERSIONS:
        allowed = ", ".join(str(v) for v in RULES_VERSIONS)
        raise ScenarioError(
            "rules_version", f"không có phiên bản quy tắc {value} (có: {allowed})", "out_of_range"
        )
    return value


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


_KIND_REQUIRED = (
    "phải ghi rõ loại chi bộ, không có giá trị mặc định: “chi_bo_co_so” (chi bộ cơ sở, "
    "tự quyết định xếp loại đảng viên, giới hạn 20% áp dụng tại chi bộ) hoặc "
    "“chi_bo_truc_thuoc” (chi bộ trực thuộc đảng ủy cơ sở, chỉ đề xuất)"
)


def _read_organisation(value: Any, review_date: date, reading: _Reading) -> Organisation:
    if value is None:
        if reading.strict:
            raise ScenarioError("organisation.kind", _KIND_REQUIRED, "missing")
        value = {}
    obj = _Object(value, "organisation")
    name = obj.optional("name", "")
    if not isinstance(name, str):
        raise _wrong_type(obj.at("name"), "chuỗi", name)
    if "kind" not in obj.value and reading.strict:
        raise ScenarioError(obj.at("kind"), _KIND_REQUIRED, "missing")
    organisation = Organisation(
        name=name,
        kind=read_enum(
            obj.optional("kind", OrganisationKind.CHI_BO_TRUC_THUOC.value),
            obj.at("kind"),
            OrganisationKind,
        ),
        disciplined=read_bool(obj.optional("disciplined", False), obj.at("disciplined")),
        discipline_self_remedied=read_bool(
            obj.optional("discipline_self_remedied", False), obj.at("discipline_self_remedied")
        ),
        cap_percent=_read_cap_percent(obj),
        founded_on=read_optional(obj.optional("founded_on", None), obj.at("founded_on"), read_date),
        criteria=read_optional(obj.optional("criteria", None), obj.at("criteria"), _read_criteria),
        bodies=_read_bodies(obj.optional("bodies", []), obj.at("bodies")),
    )
    obj.done()
    if organisation.discipline_self_remedied and not organisation.disciplined:
        raise ScenarioError(
            obj.at("discipline_self_remedied"),
            "tự phát hiện và khắc phục chỉ có nghĩa khi chi bộ bị xử lý kỷ luật "
            "(đặt disciplined: true)",
            "inconsistent",
        )
    if organisation.founded_on is not None and organisation.founded_on > review_date:
        raise ScenarioError(
            obj.at("founded_on"),
            f"ngày thành lập {organisation.founded_on.isoformat()} sau ngày xếp loại "
            f"{review_date.isoformat()}",
            "inconsistent",
        )
    return organisation


def _read_bodies(value: Any, path: str) -> tuple[Body, ...]:
    if not isinstance(value, list):
        raise _wrong_type(path, "danh sách các tổ chức cùng cấp", value)
    bodies = []
    for index, item in enumerate(value):
        obj = _Object(item, f"{path}[{index}]")
        bodies.append(
            Body(
                name=read_text(obj.required("name"), obj.at("name")),
                kind=read_enum(obj.required("kind"), obj.at("kind"), BodyKind),
                level=read_level(obj.required("level"), obj.at("level")),
            )
        )
        obj.done(expected="name, kind, level")
    governments = [i for i, body in enumerate(bodies) if body.kind is BodyKind.GOVERNMENT]
    if len(governments) > 1:
        raise ScenarioError(
            f"{path}[{governments[1]}].kind",
            "chỉ có một chính quyền cùng cấp",
            "duplicate",
        )
    return tuple(bodies)


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


def _read_settings(value: Any, profile_name: str, reading: _Reading) -> Settings:
    obj = _Object(value, "settings")
    profile = get_profile(profile_name)
    mode = read_enum(
        obj.optional("denominator", Denominator.ENTITLED.value), obj.at("denominator"), Denominator
    )
    thresholds = _read_thresholds(
        obj.optional("thresholds", {}), profile.default_thresholds, reading
    )
    accumulation = read_enum(
        obj.optional("khtnv_by_accumulation", profile.default_khtnv_by_accumulation.value),
        obj.at("khtnv_by_accumulation"),
        KhtnvByAccumulation,
    )
    obj.done()
    return Settings(denominator=mode, thresholds=thresholds, khtnv_by_accumulation=accumulation)


# Shares a meeting may mean exactly but can write only as a rounded decimal.
_SIMPLE_FRACTIONS = sorted(
    {Fraction(p, q) for q in range(3, 11) for p in range(1, q)}, key=lambda f: (f.denominator, f)
)


def _near_simple_fraction(share: Fraction) -> Fraction | None:
    for simple in _SIMPLE_FRACTIONS:
        if share != simple and abs(share - simple) < Fraction(1, 1000):
            if (simple * 10000).denominator != 1:  # not itself a short decimal
                return simple
    return None


def _read_thresholds(value: Any, defaults: Thresholds, reading: _Reading) -> Thresholds:
    obj = _Object(value, "settings.thresholds")
    read: dict[Level, Fraction] = {}
    for level in (Level.HTXSNV, Level.HTTNV, Level.HTNV):
        path = obj.at(level.value)
        share = obj.optional(level.value, None)
        read[level] = defaults.for_level(level) if share is None else read_share(share, path)
        if not 0 < read[level] < 1:
            raise ScenarioError(path, "ngưỡng phải lớn hơn 0 và nhỏ hơn 1", "out_of_range")
        near = _near_simple_fraction(read[level]) if isinstance(share, float) else None
        if near is not None:
            reading.warn(
                path,
                f"ngưỡng {share} gần {near.numerator}/{near.denominator} nhưng không bằng; "
                f"nếu cần đúng {near.numerator}/{near.denominator}, ghi "
                f"“{near.numerator}/{near.denominator}”",
                "threshold_near_fraction",
            )
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


def _read_members(value: Any, review_date: date, reading: _Reading) -> tuple[MemberFacts, ...]:
    if not isinstance(value, list):
        raise _wrong_type("members", "danh sách đảng viên", value)
    if not value:
        raise ScenarioError("members", "cần ít nhất một đảng viên", "invalid_value")
    members: list[MemberFacts] = []
    first_index: dict[str, int] = {}
    secretary: int | None = None
    for index, item in enumerate(value):
        member = _read_member(item, f"members[{index}]", review_date, reading)
        if member.id in first_index:
            raise ScenarioError(
                f"members[{index}].id",
                f"mã “{member.id}” trùng với members[{first_index[member.id]}].id",
                "duplicate",
            )
        if member.is_secretary:
            if secretary is not None:
                raise ScenarioError(
                    f"members[{index}].is_secretary",
                    f"chi bộ chỉ có một bí thư (đã ghi ở members[{secretary}])",
                    "duplicate",
                )
            secretary = index
        first_index[member.id] = index
        members.append(member)
    return tuple(members)


def _read_member(value: Any, path: str, review_date: date, reading: _Reading) -> MemberFacts:
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
        targets_completed_pct=_read_percent(obj, reading),
        sick_leave_months=_read_sick_leave(obj),
        maternity_leave=flag("maternity_leave"),
        civil_servant_level=level_or_null("civil_servant_level"),
        criteria=read_optional(obj.optional("criteria", None), obj.at("criteria"), _read_criteria),
        heads_collective_level=level_or_null("heads_collective_level"),
        self_level=level_or_null("self_level"),
        committee_level=level_or_null("committee_level"),
        civil_servant_rating_pending=flag("civil_servant_rating_pending"),
        temporary_registration=read_optional(
            obj.optional("temporary_registration", None),
            obj.at("temporary_registration"),
            lambda value, at: read_enum(value, at, TemporaryRegistration),
        ),
        months_at_previous_branch=_read_months_at_previous_branch(obj),
        other_branch_comments_received=flag("other_branch_comments_received"),
        discipline_at_previous_organisation=flag("discipline_at_previous_organisation"),
        discipline_already_counted=flag("discipline_already_counted"),
        head_transferred_in=flag("head_transferred_in"),
        is_secretary=flag("is_secretary"),
        committee_activity_suspended=flag("committee_activity_suspended"),
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
    _check_membership_dates(member, obj, review_date, reading)
    return member


def _read_percent(obj: _Object, reading: _Reading) -> Fraction:
    path = obj.at("targets_completed_pct")
    pct = read_number(obj.optional("targets_completed_pct", 100), path)
    if pct < 0:
        raise ScenarioError(path, "tỷ lệ hoàn thành không được âm", "out_of_range")
    if pct > 100:
        reading.refuse_or_warn(
            path,
            f"tỷ lệ chỉ tiêu, nhiệm vụ đã hoàn thành không thể quá 100% (nhận được "
            f"{_plain(pct)}); hoàn thành vượt mức thì ghi 100",
            "out_of_range",
        )
    return pct


def _read_sick_leave(obj: _Object) -> Fraction:
    path = obj.at("sick_leave_months")
    months = read_number(obj.optional("sick_leave_months", 0), path)
    if not 0 <= months <= MAX_SICK_LEAVE_MONTHS:
        raise ScenarioError(path, "số tháng nghỉ ốm phải từ 0 đến 12", "out_of_range")
    return months


def _read_months_at_previous_branch(obj: _Object) -> Fraction | None:
    value = obj.optional("months_at_previous_branch", None)
    if value is None:
        return None
    return read_number_between(
        value,
        obj.at("months_at_previous_branch"),
        Fraction(0),
        Fraction(MAX_MONTHS_AT_PREVIOUS_BRANCH),
    )


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


def _inconsistent(path: str, message: str) -> ScenarioError:
    return ScenarioError(path, message, "inconsistent")


def _check_member_consistency(member: MemberFacts, obj: _Object, review_date: date) -> None:
    if member.admitted_on > review_date:
        raise _inconsistent(
            obj.at("admitted_on"),
            f"ngày kết nạp {member.admitted_on.isoformat()} sau ngày xếp loại "
            f"{review_date.isoformat()}",
        )
    completed, failed = member.tasks_completed_pct, member.tasks_failed_pct
    if completed is not None and failed is not None and completed + failed > 100:
        raise _inconsistent(
            obj.at("tasks_failed_pct"),
            f"tỷ lệ nhiệm vụ hoàn thành ({_plain(completed)}%) cộng tỷ lệ không hoàn thành "
            f"({_plain(failed)}%) vượt quá 100%",
        )
    if member.absent_with_leave and member.present:
        raise _inconsistent(
            obj.at("absent_with_leave"),
            "vắng mặt có phép nhưng present là true (đặt present: false)",
        )
    disciplined = member.disciplined_this_year or member.discipline is not None
    for key in ("discipline_at_previous_organisation", "discipline_already_counted"):
        if getattr(member, key) and not disciplined:
            raise _inconsistent(
                obj.at(key),
                "chỉ có nghĩa khi đảng viên bị thi hành kỷ luật trong năm "
                "(disciplined_this_year hoặc discipline)",
            )
    if member.civil_servant_rating_pending and member.civil_servant_level is not None:
        raise _inconsistent(
            obj.at("civil_servant_rating_pending"),
            "đã ghi kết quả xếp loại công chức, viên chức (civil_servant_level) thì không "
            "còn chờ kết quả",
        )
    if member.is_secretary and member.temporary_registration is TemporaryRegistration.HERE:
        raise _inconsistent(
            obj.at("is_secretary"),
            "bí thư chi bộ phải sinh hoạt chính thức tại chi bộ",
        )
    if member.head_transferred_in and member.heads_collective_level is None:
        raise _inconsistent(
            obj.at("head_transferred_in"),
            "người đứng đầu mới chuyển đến: cần ghi mức xếp loại của tập thể do đồng chí "
            "đứng đầu (heads_collective_level)",
        )
    if member.other_branch_comments_received and not (
        member.months_at_previous_branch is not None
        or member.temporary_registration is TemporaryRegistration.ELSEWHERE
    ):
        raise _inconsistent(
            obj.at("other_branch_comments_received"),
            "chỉ có nghĩa với đảng viên chuyển đến (months_at_previous_branch) hoặc sinh hoạt "
            "tạm thời ở nơi khác (temporary_registration: “elsewhere”)",
        )


def _check_membership_dates(
    member: MemberFacts, obj: _Object, review_date: date, reading: _Reading
) -> None:
    """Status against dates (Điều lệ Đảng, Điều 5: 12 months' probation)."""
    path = obj.at("admitted_on")
    if member.admitted_on < PARTY_FOUNDED:
        reading.refuse_or_warn(
            path,
            f"ngày kết nạp {member.admitted_on.isoformat()} trước ngày thành lập Đảng "
            f"({PARTY_FOUNDED.isoformat()})",
            "inconsistent",
        )
        return
    probation_ends = add_months(member.admitted_on, PROBATION_MONTHS)
    if member.status is MembershipStatus.FULL and probation_ends > review_date:
        reading.refuse_or_warn(
            obj.at("status"),
            f"đảng viên chính thức nhưng kết nạp ngày {member.admitted_on.isoformat()}, "
            f"chưa qua 12 tháng dự bị (đủ từ {probation_ends.isoformat()})",
            "inconsistent",
        )
    if member.status is not MembershipStatus.PROBATIONARY or probation_ends > review_date:
        return
    if add_months(member.admitted_on, PROBATION_IMPOSSIBLE_MONTHS) <= review_date:
        reading.refuse_or_warn(
            obj.at("status"),
            f"đảng viên dự bị nhưng kết nạp ngày {member.admitted_on.isoformat()}, đã quá "
            "24 tháng: thời gian dự bị là 12 tháng",
            "inconsistent",
        )
    else:
        reading.warn(
            obj.at("status"),
            f"thời gian dự bị 12 tháng đã hết từ {probation_ends.isoformat()}; kiểm tra lại "
            "việc công nhận đảng viên chính thức",
            "probation_over",
        )


def _read_tally(value: Any, path: str, members: tuple[MemberFacts, ...]) -> Tally:
    obj = _Object(value, path)
    ballots = read_count(obj.required("ballots"), obj.at("ballots"))
    voters = sum(1 for member in members if member.may_vote)
    if ballots > voters:
        raise _inconsistent(
            obj.at("ballots"),
            f"{ballots} phiếu nhưng chỉ có {voters} đảng viên chính thức có mặt được biểu quyết",
        )
    votes = _read_votes(
        obj.optional("votes", {}), obj.at("votes"), ballots, {member.id for member in members}
    )
    obj.done()
    return Tally(ballots=ballots, votes=votes)


def _read_followups(value: Any, members: tuple[MemberFacts, ...]) -> tuple[Tally, ...]:
    if not isinstance(value, list):
        raise _wrong_type("followups", "danh sách các vòng bỏ phiếu bổ sung", value)
    rounds = []
    for index, item in enumerate(value):
        path = f"followups[{index}]"
        tally = _read_tally(item, path, members)
        if not tally.votes:
            raise ScenarioError(
                f"{path}.votes",
                "vòng bổ sung phải hỏi ít nhất một đảng viên (mỗi đảng viên được hỏi có một "
                "mục, kể cả khi không ai chọn mức)",
                "invalid_value",
            )
        rounds.append(tally)
    return tuple(rounds)


def _read_votes(value: Any, path: str, ballots: int, member_ids: set[str]) -> Mapping[str, Votes]:
    obj = _Object(value, path)
    votes: dict[str, Votes] = {}
    for member_id in list(obj.value):
        at = obj.at(member_id)
        if member_id not in member_ids:
            raise ScenarioError(at, f"không có đảng viên mã “{member_id}”", "unknown_member")
        votes[member_id] = _read_member_votes(obj.required(member_id), at)
        if votes[member_id].total > ballots:
            raise _inconsistent(
                at,
                f"tổng số phiếu {votes[member_id].total} lớn hơn số phiếu thu về ({ballots})",
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
