"""From ballots to a voted level (docs/rules.md, “Đếm phiếu”): generic, shared by
every profile.

A level is reached when the votes for it and for every higher level together
exceed (strictly) its threshold share of the denominator; the voted level is the
highest level reached, and None (undetermined) when none is. All arithmetic is on
integers and Fractions: a share exactly at the threshold does not reach it.
"""

from __future__ import annotations

from fractions import Fraction

from ballot.rules.levels import LEVELS_DESCENDING, Level
from ballot.rules.model import (
    Denominator,
    KhtnvByAccumulation,
    MemberFacts,
    Scenario,
    Tally,
    TemporaryRegistration,
    Thresholds,
    Votes,
)
from ballot.rules.results import Reason
from ballot.rules.text import quoted_level, threshold_vi, votes_of


def _expected_here(member: MemberFacts) -> bool:
    """Whether the member is one of this chi bộ's voters, present or not: not only
    temporarily here, and not away on temporary registration elsewhere (docs/rules.md,
    “Sinh hoạt tạm thời”)."""
    if not member.registered_here:
        return False
    away = member.temporary_registration is TemporaryRegistration.ELSEWHERE
    return not (away and not member.present)


def entitled_voters(members: tuple[MemberFacts, ...]) -> int:
    """Full members less those exempt, suspended, absent with leave approved, or
    registered temporarily elsewhere and not here (or only temporarily here)."""
    return sum(
        1
        for member in members
        if member.is_full_member
        and _expected_here(member)
        and not member.exempt
        and not member.suspended
        and not member.absent_with_leave
    )


def present_voters(members: tuple[MemberFacts, ...]) -> int:
    """Full members present who may vote (not exempt, not suspended)."""
    return sum(1 for member in members if member.may_vote)


def denominator(scenario: Scenario, tally: Tally | None = None) -> int:
    """The denominator of `tally` (default: the main round's). Only "ballots"
    differs between rounds: each round has its own ballots."""
    mode = scenario.settings.denominator
    if mode is Denominator.ENTITLED:
        return entitled_voters(scenario.members)
    if mode is Denominator.PRESENT:
        return present_voters(scenario.members)
    return (tally or scenario.tally).ballots


def reaches(votes: Votes, level: Level, threshold: Fraction, base: int) -> bool:
    return votes.at_or_above(level) > threshold * base


def voted_level(votes: Votes, thresholds: Thresholds, base: int) -> Level | None:
    for level in LEVELS_DESCENDING:
        if reaches(votes, level, thresholds.for_level(level), base):
            return level
    return None


def khtnv_only_by_accumulation(
    votes: Votes, level: Level | None, thresholds: Thresholds, base: int
) -> bool:
    """KHTNV reached although the KHTNV votes alone do not pass the threshold: the
    votes for the higher levels made it (docs/rules.md, “Không hoàn thành nhiệm vụ
    chỉ do cộng dồn”)."""
    return level is Level.KHTNV and not votes.khtnv > thresholds.htnv * base


def shares(votes: Votes, base: int) -> dict[Level, Fraction]:
    """Each level's votes over the denominator; all zero when the denominator is 0."""
    if base == 0:
        return {level: Fraction(0) for level in LEVELS_DESCENDING}
    return {level: Fraction(votes.for_level(level), base) for level in LEVELS_DESCENDING}


def _votes_from(votes: Votes, level: Level, base: int) -> str:
    """ "mức “…” được 3/9 phiếu (33,33%)", "từ mức “…” trở lên được …", or for the
    lowest level the votes that chose any level at all."""
    counted = votes_of(votes.at_or_above(level), base)
    if level is Level.HTXSNV:
        return f"mức {quoted_level(level)} được {counted}"
    if level is Level.KHTNV:
        return f"tổng số phiếu có chọn mức được {counted}"
    return f"từ mức {quoted_level(level)} trở lên được {counted}"


def _step(votes: Votes, level: Level, thresholds: Thresholds, base: int, reached: bool) -> str:
    outcome = "đạt" if reached else "chưa đạt"
    need = threshold_vi(thresholds.for_level(level))
    return f"{_votes_from(votes, level, base)}, {outcome} (cần trên {need})"


def round_label(round_index: int) -> str:
    """ "Kết quả bỏ phiếu" for the main round, "… bổ sung lần 2" for the second follow-up."""
    if round_index == 0:
        return "Kết quả bỏ phiếu"
    return f"Kết quả bỏ phiếu bổ sung lần {round_index}"


def vote_reason(
    votes: Votes,
    level: Level | None,
    thresholds: Thresholds,
    base: int,
    section: str,
    round_index: int = 0,
) -> Reason:
    """The counting, spelled out: the reached level and the one above it that was not."""
    label = round_label(round_index)
    if level is None:
        total = votes_of(votes.total, base)
        need = threshold_vi(thresholds.htnv)
        return Reason(
            "no_level_reached",
            section,
            f"{label}: chưa xác định; tổng số phiếu có chọn mức chỉ được {total}, "
            f"trong khi cần trên {need} để đạt bất kỳ mức nào. "
            "Cần bỏ phiếu bổ sung đối với đồng chí này.",
        )
    parts = []
    higher = [other for other in LEVELS_DESCENDING if other > level]
    if higher:
        parts.append(_step(votes, higher[-1], thresholds, base, reached=False))
    parts.append(_step(votes, level, thresholds, base, reached=True))
    return Reason(
        "voted_level",
        section,
        f"{label}: " + "; ".join(parts) + f". Mức theo kết quả bỏ phiếu: {quoted_level(level)}.",
    )


def accumulation_reason(
    votes: Votes, thresholds: Thresholds, base: int, section: str, rule: KhtnvByAccumulation
) -> Reason:
    """The flag on a KHTNV reached only by accumulation, or why it stays undetermined."""
    alone = votes_of(votes.khtnv, base)
    upper = votes_of(votes.at_or_above(Level.HTNV), base)
    need = threshold_vi(thresholds.htnv)
    facts = (
        f"{quoted_level(Level.KHTNV)} chỉ đạt do cộng dồn: riêng mức này chỉ được {alone}; "
        f"số phiếu từ mức {quoted_level(Level.HTNV)} trở lên được {upper}, không vượt quá {need}"
    )
    if rule is KhtnvByAccumulation.UNDETERMINED:
        return Reason(
            "khtnv_by_accumulation_undetermined",
            section,
            f"Chưa xác định: {facts}. Theo cách tính cuộc họp đã chọn, trường hợp này chưa được "
            f"coi là {quoted_level(Level.KHTNV)}: cần bỏ phiếu bổ sung đối với đồng chí này.",
        )
    return Reason(
        "khtnv_by_accumulation",
        section,
        f"{_capital(facts)}, nên kết quả là mức thấp nhất. Chi bộ cần xem xét kỹ trước khi "
        "đề xuất; cuộc họp có thể chọn cách tính coi trường hợp này là chưa xác định để bỏ "
        "phiếu bổ sung.",
    )


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
