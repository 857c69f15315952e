"""What a rule profile is (docs/rules.md, “Hồ sơ quy tắc”): the whole rule set of one
regulation.

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
from ballot.rules.model import (
    KhtnvByAccumulation,
    MemberFacts,
    Organisation,
    OrganisationKind,
    Thresholds,
)
from ballot.rules.results import OrganisationResult, Reason


@dataclass(frozen=True, slots=True)
class LevelCap:
    """A per-member constraint: the level may be no higher than `level`.

    `counts_against_organisation=False`: the constraint belongs to another
    organisation's result (II.B.6, a violation at the previous organisation), so a
    member lowered only by it is left out of this chi bộ's own level."""

    level: Level
    reason: Reason
    counts_against_organisation: bool = True


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
    `pending` members (absent, undetermined, deferred) have no level yet.
    `elsewhere`: members left out because their result counts for another
    organisation (II.B.6).
    """

    htxsnv: int
    httnv: int
    htnv: int
    khtnv: int
    tied: int
    pending: int
    elsewhere: int = 0

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
    # Why a member is not classified yet though present (a condition still
    # missing, classified later), or None.
    deferral_reason: Callable[[MemberFacts], Reason | None]
    member_caps: Callable[[MemberFacts], tuple[LevelCap, ...]]
    # Notes that change no level (for example maternity leave).
    member_notes: Callable[[MemberFacts], tuple[Reason, ...]]
    # The cap's rule; where the organisation may set its ratio, the default one.
    # The pipeline asks `cap_rule(organisation)`.
    excellence_cap: ExcellenceCapRule
    organisation_level: Callable[[MemberLevelCounts, Organisation, date], OrganisationResult]
    # Where the organisation sets the cap's parameters (366-2025: its cap_percent),
    # the rule for a given organisation; None: `excellence_cap` always.
    excellence_cap_for: Callable[[Organisation], ExcellenceCapRule] | None = None
    # The bí thư chi bộ no higher than the chi bộ's level (21-HD-2019: II.B.4); the
    # reason when the level was lowered, or None where the profile does not apply it.
    secretary_cap: Callable[[Level, MemberLevelCounts], Reason] | None = None
    default_khtnv_by_accumulation: KhtnvByAccumulation = KhtnvByAccumulation.KHTNV

    def cap_rule(self, organisation: Organisation) -> ExcellenceCapRule:
        """The cap on excellence that applies to this organisation."""
        if self.excellence_cap_for is None:
            return self.excellence_cap
        return self.excellence_cap_for(organisation)
