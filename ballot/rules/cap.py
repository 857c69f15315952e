"""The cap on excellence (docs/rules.md, “Giới hạn 20% Hoàn thành xuất sắc nhiệm vụ”):
generic arithmetic, parameters from the profile.

With k candidates (HTXSNV after per-member constraints) and h members HTTNV,
demoting a candidate makes them HTTNV, so at most x stay excellent where x is the
largest whole number with x <= ratio * (h + k - x): the fixed point, solved
exactly as x = floor(ratio * (h + k) / (1 + ratio)), never above k.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from ballot.rules.profiles.base import ExcellenceCapRule


@dataclass(frozen=True, slots=True)
class CapArithmetic:
    candidates: int  # k
    good: int  # h
    by_ratio: int  # largest x <= ratio * (h + k - x), at most k
    max_excellent: int  # by_ratio, or the small-organisation allowance
    small_exception: bool  # True when the allowance raised by_ratio

    @property
    def final_good(self) -> int:
        """HTTNV count once the cap has demoted every candidate beyond it."""
        return self.good + self.candidates - self.max_excellent


def largest_within_ratio(candidates: int, good: int, rule: ExcellenceCapRule) -> int:
    bound = rule.ratio * (good + candidates) / (1 + rule.ratio)
    return min(candidates, math.floor(bound))


def excellence_cap(
    candidates: int, good: int, rule: ExcellenceCapRule, *, small_exception: bool = True
) -> CapArithmetic:
    """`small_exception=False` where the "fewer than 5" count is not the chi bộ's own
    (a chi bộ trực thuộc: II.B.6's "những nơi" is the đảng bộ cơ sở)."""
    by_ratio = largest_within_ratio(candidates, good, rule)
    allowance = min(candidates, rule.small_allowance) if small_exception else 0
    # II.B.6 (21-HD-2019): fewer than 5 members ending up HTTNV still allows one HTXSNV.
    small = by_ratio < allowance and good + candidates - allowance < rule.small_count
    return CapArithmetic(
        candidates=candidates,
        good=good,
        by_ratio=by_ratio,
        max_excellent=allowance if small else by_ratio,
        small_exception=small,
    )


@dataclass(frozen=True, slots=True)
class Candidate:
    member_id: str
    # The HTXSNV votes (one denominator, so this orders shares), or the share itself
    # where denominators differ (the chi bộ of a đảng bộ, ballot.rules.committee).
    excellent_votes: int | Fraction


@dataclass(frozen=True, slots=True)
class CapSelection:
    kept: frozenset[str]
    tied: frozenset[str]  # equal votes straddling the cut: the meeting decides
    demoted: frozenset[str]
    open_seats: int  # seats left for the tied group


def select_excellent(candidates: Sequence[Candidate], seats: int) -> CapSelection:
    """Keep the `seats` candidates with the most HTXSNV votes; never break a tie."""
    ordered = sorted(candidates, key=lambda c: -c.excellent_votes)
    if seats >= len(ordered):
        return CapSelection(frozenset(c.member_id for c in ordered), frozenset(), frozenset(), 0)
    if seats == 0:
        return CapSelection(frozenset(), frozenset(), frozenset(c.member_id for c in ordered), 0)
    last_kept, first_out = ordered[seats - 1], ordered[seats]
    if last_kept.excellent_votes != first_out.excellent_votes:
        return CapSelection(
            kept=frozenset(c.member_id for c in ordered[:seats]),
            tied=frozenset(),
            demoted=frozenset(c.member_id for c in ordered[seats:]),
            open_seats=0,
        )
    cut = last_kept.excellent_votes
    above = frozenset(c.member_id for c in ordered if c.excellent_votes > cut)
    return CapSelection(
        kept=above,
        tied=frozenset(c.member_id for c in ordered if c.excellent_votes == cut),
        demoted=frozenset(c.member_id for c in ordered if c.excellent_votes < cut),
        open_seats=seats - len(above),
    )
