"""Immutable input of the engine: a scenario (organisation, settings, members, the
tallies of its rounds).

Built by `ballot.rules.scenario.parse_scenario` from JSON, or directly by the
services layer. Nothing here validates: the parser does, once, at the border.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import Enum
from fractions import Fraction
from types import MappingProxyType

from ballot.rules.levels import Grade, Level


class OrganisationKind(Enum):
    # A chi bộ cơ sở decides its members' levels itself (II.B.2.5, bước 2), so the
    # 20% cap binds there; a chi bộ trực thuộc only proposes to its đảng ủy cơ sở.
    CHI_BO_CO_SO = "chi_bo_co_so"
    CHI_BO_TRUC_THUOC = "chi_bo_truc_thuoc"


class MembershipStatus(Enum):
    FULL = "chinh_thuc"  # đảng viên chính thức: votes
    PROBATIONARY = "du_bi"  # đảng viên dự bị: classified, does not vote


class Discipline(Enum):
    """A party discipline form (Điều lệ Đảng, Điều 35), lightest first: every form is
    "khiển trách trở lên". Read by profile `366-2025` (QĐ 366 khoản 4.2)."""

    KHIEN_TRACH = "khien_trach"  # reprimand
    CANH_CAO = "canh_cao"  # warning
    CACH_CHUC = "cach_chuc"  # removal from office
    KHAI_TRU = "khai_tru"  # expulsion

    @property
    def vietnamese(self) -> str:
        return _DISCIPLINE_VI[self]


_DISCIPLINE_VI = {
    Discipline.KHIEN_TRACH: "khiển trách",
    Discipline.CANH_CAO: "cảnh cáo",
    Discipline.CACH_CHUC: "cách chức",
    Discipline.KHAI_TRU: "khai trừ",
}


class TemporaryRegistration(Enum):
    """Sinh hoạt tạm thời (II.B.6; docs/rules.md, “Sinh hoạt tạm thời”)."""

    HERE = "here"  # officially registered elsewhere, temporarily in this chi bộ
    ELSEWHERE = "elsewhere"  # officially registered here, temporarily in another chi bộ


class BodyKind(Enum):
    """The bodies of the same level whose ratings II.B.1.3 reads."""

    GOVERNMENT = "chinh_quyen"  # chính quyền cùng cấp
    FRONT = "mat_tran"  # Mặt trận Tổ quốc
    MASS_ORGANISATION = "doan_the"  # đoàn thể chính trị - xã hội

    @property
    def vietnamese(self) -> str:
        return _BODY_KIND_VI[self]


_BODY_KIND_VI = {
    BodyKind.GOVERNMENT: "chính quyền",
    BodyKind.FRONT: "Mặt trận Tổ quốc",
    BodyKind.MASS_ORGANISATION: "đoàn thể chính trị - xã hội",
}


class KhtnvByAccumulation(Enum):
    """What a KHTNV reached only by adding the higher levels' votes becomes
    (docs/rules.md, “Không hoàn thành nhiệm vụ chỉ do cộng dồn”)."""

    KHTNV = "khtnv"  # stays KHTNV, flagged for the meeting
    UNDETERMINED = "undetermined"  # undetermined: a follow-up round decides


class Denominator(Enum):
    ENTITLED = "entitled"  # full members not exempt, suspended or absent with leave
    PRESENT = "present"  # full members present (and able to vote)
    BALLOTS = "ballots"  # ballots cast


@dataclass(frozen=True, slots=True)
class Criteria:
    """Self-assessed grades (Mẫu 02 for a member, Mẫu 01 for a chi bộ): the criteria
    on the tasks (kết quả thực hiện nhiệm vụ) and all the others."""

    tasks: Grade
    other: Grade


@dataclass(frozen=True, slots=True)
class Body:
    """A body of the same level (chính quyền, Mặt trận, đoàn thể) and its rating."""

    name: str
    kind: BodyKind
    level: Level


@dataclass(frozen=True, slots=True)
class Organisation:
    name: str = ""
    # The scenario parser requires the kind (a silent default gave a chi bộ cơ sở an
    # advisory cap); the default here serves only code that builds an Organisation.
    kind: OrganisationKind = OrganisationKind.CHI_BO_TRUC_THUOC
    disciplined: bool = False
    # II.B.1.3.c: disciplined, but found the violation itself and remedied it.
    discipline_self_remedied: bool = False
    # Cap on HTXSNV in percent of HTTNV, where the profile lets the organisation set
    # it (366-2025: 20, or 25 where the competent level grants it). None: the
    # profile's default. Profiles that fix the ratio (21-HD-2019) ignore it.
    cap_percent: int | None = None
    founded_on: date | None = None  # II.B.6: founded under 6 months: not classified
    criteria: Criteria | None = None  # Mẫu 01 self-assessment (II.B.1.3.a–c)
    bodies: tuple[Body, ...] = ()  # chính quyền, Mặt trận, đoàn thể cùng cấp


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Share of the denominator that the votes for a level and above must exceed.

    KHTNV has no threshold of its own in the scenario schema: it is reached with
    the HTNV threshold, so that "no level reached" means too few votes at all.
    """

    htxsnv: Fraction = Fraction(1, 2)
    httnv: Fraction = Fraction(1, 2)
    htnv: Fraction = Fraction(1, 2)

    def for_level(self, level: Level) -> Fraction:
        if level is Level.HTXSNV:
            return self.htxsnv
        if level is Level.HTTNV:
            return self.httnv
        return self.htnv


@dataclass(frozen=True, slots=True)
class Settings:
    denominator: Denominator = Denominator.ENTITLED
    thresholds: Thresholds = field(default_factory=Thresholds)
    khtnv_by_accumulation: KhtnvByAccumulation = KhtnvByAccumulation.KHTNV


@dataclass(frozen=True, slots=True)
class Score:
    """The checked (thẩm định) score on 100 points, with its two parts when given:
    general criteria out of 30 and task results out of 70 (366-2025, Mẫu 2A–2C)."""

    total: Fraction
    general: Fraction | None = None
    tasks: Fraction | None = None


@dataclass(frozen=True, slots=True)
class MemberFacts:
    id: str
    name: str
    status: MembershipStatus
    admitted_on: date
    present: bool = True
    absent_with_leave: bool = False
    exempt: bool = False
    suspended: bool = False
    disciplined_this_year: bool = False
    degradation_concluded: bool = False
    targets_completed_pct: Fraction = Fraction(100)
    sick_leave_months: Fraction = Fraction(0)
    maternity_leave: bool = False
    civil_servant_level: Level | None = None
    criteria: Criteria | None = None
    heads_collective_level: Level | None = None
    self_level: Level | None = None
    committee_level: Level | None = None
    # Inputs of II.B.2.1 and II.B.6 (docs/rules.md, “Đối tượng xếp loại” and the
    # headings after it); each defaults to the ordinary case.
    civil_servant_rating_pending: bool = False
    temporary_registration: TemporaryRegistration | None = None
    months_at_previous_branch: Fraction | None = None  # transferred in this year
    other_branch_comments_received: bool = False
    discipline_at_previous_organisation: bool = False
    discipline_already_counted: bool = False
    head_transferred_in: bool = False
    is_secretary: bool = False  # bí thư chi bộ
    committee_activity_suspended: bool = False  # đình chỉ sinh hoạt cấp ủy
    # Facts of the 2025 texts (QĐ 366, HD 43): optional, None when not given, read
    # only by profiles that use them (366-2025); 21-HD-2019 ignores them.
    score: Score | None = None
    tasks_completed_pct: Fraction | None = None
    tasks_exceeded_pct: Fraction | None = None
    tasks_behind_schedule_pct: Fraction | None = None
    tasks_failed_pct: Fraction | None = None
    earlier_shortcomings_fixed: bool | None = None
    discipline: Discipline | None = None
    cap_group: str | None = None  # group of comparable position and role for the cap

    @property
    def is_full_member(self) -> bool:
        return self.status is MembershipStatus.FULL

    @property
    def registered_here(self) -> bool:
        """False for a member only temporarily here (official registration elsewhere)."""
        return self.temporary_registration is not TemporaryRegistration.HERE

    @property
    def may_vote(self) -> bool:
        """A full member of this chi bộ, present, whose party rights are not exempted
        or suspended (mirrors `ballot.rules.attendance.may_vote`)."""
        return (
            self.is_full_member
            and self.registered_here
            and self.present
            and not self.exempt
            and not self.suspended
        )


@dataclass(frozen=True, slots=True)
class Votes:
    """Votes one member received, per level. Abstentions are not stored."""

    htxsnv: int = 0
    httnv: int = 0
    htnv: int = 0
    khtnv: int = 0

    def for_level(self, level: Level) -> int:
        return {
            Level.HTXSNV: self.htxsnv,
            Level.HTTNV: self.httnv,
            Level.HTNV: self.htnv,
            Level.KHTNV: self.khtnv,
        }[level]

    def at_or_above(self, level: Level) -> int:
        return sum(self.for_level(other) for other in Level if other >= level)

    @property
    def total(self) -> int:
        return self.htxsnv + self.httnv + self.htnv + self.khtnv

    @classmethod
    def from_levels(cls, counts: Mapping[Level, int]) -> Votes:
        return cls(
            htxsnv=counts.get(Level.HTXSNV, 0),
            httnv=counts.get(Level.HTTNV, 0),
            htnv=counts.get(Level.HTNV, 0),
            khtnv=counts.get(Level.KHTNV, 0),
        )


NO_VOTES = Votes()


@dataclass(frozen=True, slots=True)
class Tally:
    ballots: int
    votes: Mapping[str, Votes] = field(default_factory=lambda: MappingProxyType({}))

    def votes_for(self, member_id: str) -> Votes:
        return self.votes.get(member_id, NO_VOTES)


@dataclass(frozen=True, slots=True)
class ScenarioWarning:
    """Data that may be legitimate but deserves a second look: `path` names the field."""

    path: str
    code: str
    message: str


# The engine's reading of the rules, recorded in every proposal: a bundle certified
# under an older reading is re-applied under that reading (docs/rules.md,
# “Phiên bản quy tắc”). 1: before follow-up rounds decided only what they asked.
RULES_VERSION = 2
RULES_VERSIONS = (1, 2)


@dataclass(frozen=True, slots=True)
class Scenario:
    profile: str
    review_date: date
    organisation: Organisation
    settings: Settings
    members: tuple[MemberFacts, ...]
    tally: Tally  # the main round
    followups: tuple[Tally, ...] = ()  # later rounds, in order, each on those it asked
    rules_version: int = RULES_VERSION
    warnings: tuple[ScenarioWarning, ...] = ()

    @property
    def rounds(self) -> tuple[Tally, ...]:
        return (self.tally, *self.followups)
