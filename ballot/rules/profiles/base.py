"""What a rule profile is (DESIGN 2.7): the whole rule set of one regulation.

A profile is data plus small functions. The generic pipeline (counting, the cap's
fixed point, tie detection, totals) lives in `ballot.rules.pipeline` and asks the
profile only for what differs between regulations: who is classified, the
per-member caps, the cap's parameters, the organisation's level, and the sections
to cite. A new regulation is a new module beside the old ones, never an edit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from ballot.rules.levels import Level
from ballot.rules.model import MemberFacts, Organisation, OrganisationKind, Thresholds
from ballot.rules.results import OrganisationResult, Reason


@dataclass(frozen=True, slots=True)
class LevelCap:
    """A per-member constraint: the level may be no higher than `level`."""

    level: Level
    reason: Reason


@dataclass(frozen=True, slots=True)
class ExcellenceCapRule:
    """At most `ratio` × (final HTTNV count) members HTXSNV, rounded down.

    Where fewer than `small_count` members end up HTTNV, `small_allowance` members
    may still be HTXSNV if qualified; `small_allowance = 0` means no such exception.

    `grouped`: the cap applies within each group of comparable position and role
    (`MemberFacts.cap_group`; members without one form a single default group)
    rather than across the whole chi bộ. `ratio_note` is added after the ratio in
    every reason (for example who granted a raised ratio).
    """

    ratio: Fraction
    small_count: int
    small_allowance: int
    binding_kinds: frozenset[OrganisationKind]
    section: str
    small_section: str
    grouped: bool = False
    ratio_note: str = ""

    @property
    def has_small_exception(self) -> bool:
        return self.small_allowance > 0


@dataclass(frozen=True, slots=True)
class MemberLevelCounts:
    """The members' results as the organisation's own level sees them.

    `tied` members are HTXSNV or HTTNV, not yet which: "HTTNV or better" either way.
    `pending` members (absent, undetermined) have no level yet.
    """

    htxsnv: int
    httnv: int
    htnv: int
    khtnv: int
    tied: int
    pending: int

    @property
    def counted(self) -> int:
        return self.htxsnv + self.httnv + self.htnv + self.khtnv + self.tied

    @property
    def good_or_better(self) -> int:
        return self.htxsnv + self.httnv + self.tied


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    title: str  # the regulation, in Vietnamese, for minutes and tables
    default_thresholds: Thresholds
    counting_section: str  # where the vote itself comes from
    # Reasons a member is not classified at all (empty: classified).
    exclusion_reasons: Callable[[MemberFacts, date], tuple[Reason, ...]]
    # Why a member is not assessed in this round (absent), or None.
    absence_reason: Callable[[MemberFacts], Reason | None]
    member_caps: Callable[[MemberFacts], tuple[LevelCap, ...]]
    # Notes that change no level (for example maternity leave).
    member_notes: Callable[[MemberFacts], tuple[Reason, ...]]
    # The cap's rule; where the organisation may set its ratio, the default one.
    # The pipeline asks `cap_rule(organisation)`.
    excellence_cap: ExcellenceCapRule
    organisation_level: Callable[[MemberLevelCounts, Organisation], OrganisationResult]
    # Where the organisation sets the cap's parameters (366-2025: its cap_percent),
    # the rule for a given organisation; None: `excellence_cap` always.
    excellence_cap_for: Callable[[Organisation], ExcellenceCapRule] | None = None

    def cap_rule(self, organisation: Organisation) -> ExcellenceCapRule:
        """The cap on excellence that applies to this organisation."""
        if self.excellence_cap_for is None:
            return self.excellence_cap
        return self.excellence_cap_for(organisation)
