"""Immutable output of the engine: the chi bộ's proposal (docs/rules.md, “Đề xuất”)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction

from ballot.rules.levels import Level
from ballot.rules.model import ScenarioWarning, Votes


class MemberStatus(Enum):
    CLASSIFIED = "classified"
    NOT_CLASSIFIED = "not_classified"  # exempt, suspended, admitted under 6 months
    ABSENT = "absent"  # to be classified as soon as possible (II.B.6)
    UNDETERMINED = "undetermined"  # no level reached by the ballots
    TIE = "tie"  # equal HTXSNV shares straddling the 20% cap: the meeting decides
    # Not classified yet: a condition of the regulation is not met (II.B.6: a civil
    # servant is classified after the civil-service rating). Classified later.
    DEFERRED = "deferred"


@dataclass(frozen=True, slots=True)
class Reason:
    """Why something was decided: a stable code, the section of the regulation (or the
    profile's own rule), a Vietnamese text read aloud in the meeting."""

    code: str
    section: str
    message: str


@dataclass(frozen=True, slots=True)
class MemberResult:
    id: str
    name: str
    status: MemberStatus
    voted_level: Level | None  # from the ballots alone
    level: Level | None  # final proposed level; None unless status is CLASSIFIED
    votes: Votes
    shares: Mapping[Level, Fraction]  # votes / denominator, exact
    reasons: tuple[Reason, ...]
    round: int = 0  # the round whose votes decided: 0 main, 1.. follow-ups in order
    # The cap on excellence's decision for a candidate: "kept", "tied", "demoted"
    # (also where the cap is only advice); None for a member who was no candidate.
    cap_decision: str | None = None
    # False when the level is KHTNV only because of a discipline for a violation at
    # the previous organisation: II.B.6 counts it there, not in this chi bộ's level.
    counts_for_organisation: bool = True


@dataclass(frozen=True, slots=True)
class Totals:
    htxsnv: int
    httnv: int
    htnv: int
    khtnv: int
    classified: int

    def for_level(self, level: Level) -> int:
        return {
            Level.HTXSNV: self.htxsnv,
            Level.HTTNV: self.httnv,
            Level.HTNV: self.htnv,
            Level.KHTNV: self.khtnv,
        }[level]


@dataclass(frozen=True, slots=True)
class CapGroupReport:
    """The cap within one group of comparable position and role (grouped profiles)."""

    group: str | None  # the members' cap_group; None: those without one
    candidates: int
    good: int
    max_excellent: int
    tied: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CapReport:
    """The cap over the chi bộ; for a grouped profile, the sums over its groups."""

    candidates: int  # k: classified HTXSNV after per-member constraints
    good: int  # h: classified HTTNV after per-member constraints
    max_excellent: int  # x: how many may stay HTXSNV
    binding: bool  # False: advice only (chi bộ trực thuộc)
    tied: tuple[str, ...]  # member ids with equal shares straddling the cut
    # Grouped profiles only (366-2025): the ratio applied and each group's cap.
    # Ungrouped profiles leave these empty and their output keeps the ungrouped shape.
    ratio: Fraction | None = None
    groups: tuple[CapGroupReport, ...] = ()


@dataclass(frozen=True, slots=True)
class OrganisationResult:
    max_level: Level | None  # None only when no member could be counted
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class RoundReport:
    """One round as counted: its ballots, its denominator, whom it asked."""

    ballots: int
    denominator: int
    asked: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Proposal:
    profile: str
    members: tuple[MemberResult, ...]
    totals: Totals
    cap: CapReport
    organisation: OrganisationResult
    denominator: int  # the main round's
    rules_version: int = 2
    rounds: tuple[RoundReport, ...] = ()
    warnings: tuple[ScenarioWarning, ...] = ()

    def member(self, member_id: str) -> MemberResult:
        for result in self.members:
            if result.id == member_id:
                return result
        raise KeyError(member_id)
