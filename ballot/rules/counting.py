"""From ballots to a voted level (DESIGN 2.3): generic, shared by every profile.

A level is reached when the votes for it and for every higher level together
exceed (strictly) its threshold share of the denominator; the voted level is the
highest level reached, and None (undetermined) when none is. All arithmetic is on
integers and Fractions: a share exactly at the threshold does not reach it.
"""

from __future__ import annotations

from fractions import Fraction

from ballot.rules.levels import LEVEL_NAMES_VI, LEVELS_DESCENDING, Level
from ballot.rules.model import Denominator, MemberFacts, Scenario, Thresholds, Votes
from ballot.rules.results import Reason
from ballot.rules.text import percent_vi, votes_of


def entitled_voters(members: tuple[MemberFacts, ...]) -> int:
    """Full members less those exempt, suspended or absent with leave approved."""
    return sum(
        1
        for member in members
        if member.is_full_member
        and not member.exempt
        and not member.suspended
        and not member.absent_with_leave
    )


def present_voters(members: tuple[MemberFacts, ...]) -> int:
    """Full members present who may vote (not exempt, not suspended)."""
    return sum(1 for member in members if member.may_vote)


def denominator(scenario: Scenario) -> int:
    mode = scenario.settings.denominator
    if mode is Denominator.ENTITLED:
        return entitled_voters(scenario.members)
    if mode is Denominator.PRESENT:
        return present_voters(scenario.members)
    return scenario.tally.ballots


def reaches(votes: Votes, level: Level, threshold: Fraction, base: int) -> bool:
    return votes.at_or_above(level) > threshold * base


def voted_level(votes: Votes, thresholds: Thresholds, base: int) -> Level | None:
    for level in LEVELS_DESCENDING:
        if reaches(votes, level, thresholds.for_level(level), base):
            return level
    return None


def shares(votes: Votes, base: int) -> dict[Level, Fraction]:
    """Each level's votes over the denominator; all zero when the denominator is 0."""
    if base == 0:
        return {level: Fraction(0) for level in LEVELS_DESCENDING}
    return {level: Fraction(votes.for_level(level), base) for level in LEVELS_DESCENDING}


def _cumulative(votes: Votes, level: Level, threshold: Fraction, base: int) -> str:
    and_above = "" if level is Level.HTXSNV else " trở lên"
    return (
        f"“{LEVEL_NAMES_VI[level]}”{and_above} được {votes_of(votes.at_or_above(level), base)}, "
        f"cần trên {percent_vi(threshold)}"
    )


def vote_reason(
    votes: Votes, level: Level | None, thresholds: Thresholds, base: int, section: str
) -> Reason:
    """The counting, spelled out: the reached level and the one above it that was not."""
    if level is None:
        lowest = LEVELS_DESCENDING[-1]
        return Reason(
            "no_level_reached",
            section,
            f"Chưa xác định: không mức nào đạt ngưỡng; kể cả "
            f"{_cumulative(votes, lowest, thresholds.for_level(lowest), base)}. "
            "Cần bỏ phiếu bổ sung đối với đồng chí này.",
        )
    parts = []
    higher = [other for other in LEVELS_DESCENDING if other > level]
    if higher:
        above = higher[-1]
        parts.append(_cumulative(votes, above, thresholds.for_level(above), base) + ": chưa đạt")
    parts.append(_cumulative(votes, level, thresholds.for_level(level), base) + ": đạt")
    return Reason(
        "voted_level",
        section,
        "Kết quả bỏ phiếu: " + "; ".join(parts) + f" → “{LEVEL_NAMES_VI[level]}”.",
    )
