"""The proposal as JSON-ready data, deterministic (docs/rules.md, “Đề xuất”).

Members keep the scenario's order; every level map lists the levels highest
first; shares are votes / denominator rounded half-up to 4 decimals (0.1304 =
13.04%), computed exactly and converted to a JSON number only at the end. The
meeting's results and the certified bundle carry this exact shape; its
`rules_version` tells a verifier which reading of the rules made it.
"""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from ballot.rules.levels import LEVELS_DESCENDING, Level
from ballot.rules.model import ScenarioWarning, Votes
from ballot.rules.results import (
    CapGroupReport,
    CapReport,
    MemberResult,
    OrganisationResult,
    Proposal,
    Reason,
    RoundReport,
    Totals,
)
from ballot.rules.text import round_fraction

SHARE_DECIMALS = 4


def proposal_to_dict(proposal: Proposal) -> dict[str, Any]:
    return {
        "profile": proposal.profile,
        "rules_version": proposal.rules_version,
        "members": [member_to_dict(member) for member in proposal.members],
        "totals": totals_to_dict(proposal.totals),
        "cap": cap_to_dict(proposal.cap),
        "organisation": organisation_to_dict(proposal.organisation),
        "denominator": proposal.denominator,
        "rounds": [round_to_dict(r) for r in proposal.rounds],
        "warnings": [warning_to_dict(w) for w in proposal.warnings],
    }


def round_to_dict(report: RoundReport) -> dict[str, Any]:
    return {
        "ballots": report.ballots,
        "denominator": report.denominator,
        "asked": list(report.asked),
    }


def warning_to_dict(warning: ScenarioWarning) -> dict[str, str]:
    return {"field": warning.path, "code": warning.code, "message": warning.message}


def _level(level: Level | None) -> str | None:
    return None if level is None else level.value


def reason_to_dict(reason: Reason) -> dict[str, str]:
    return {"code": reason.code, "section": reason.section, "message": reason.message}


def votes_to_dict(votes: Votes) -> dict[str, int]:
    return {level.value: votes.for_level(level) for level in LEVELS_DESCENDING}


def shares_to_dict(shares: Mapping[Level, Fraction]) -> dict[str, float]:
    return {
        level.value: float(round_fraction(shares[level], SHARE_DECIMALS))
        for level in LEVELS_DESCENDING
    }


def member_to_dict(member: MemberResult) -> dict[str, Any]:
    return {
        "id": member.id,
        "name": member.name,
        "status": member.status.value,
        "voted_level": _level(member.voted_level),
        "level": _level(member.level),
        "votes": votes_to_dict(member.votes),
        "shares": shares_to_dict(member.shares),
        "round": member.round,
        "reasons": [reason_to_dict(reason) for reason in member.reasons],
    }


def totals_to_dict(totals: Totals) -> dict[str, int]:
    per_level = {level.value: totals.for_level(level) for level in LEVELS_DESCENDING}
    return {**per_level, "classified": totals.classified}


def cap_to_dict(cap: CapReport) -> dict[str, Any]:
    """The cap; a grouped profile (366-2025) adds "percent" and "groups"."""
    data: dict[str, Any] = {
        "candidates": cap.candidates,
        "good": cap.good,
        "max_excellent": cap.max_excellent,
        "binding": cap.binding,
        "tied": list(cap.tied),
    }
    if cap.groups:
        percent = (cap.ratio if cap.ratio is not None else Fraction(0)) * 100
        whole = percent.denominator == 1
        data["percent"] = percent.numerator if whole else float(round_fraction(percent, 2))
        data["groups"] = [cap_group_to_dict(group) for group in cap.groups]
    return data


def cap_group_to_dict(group: CapGroupReport) -> dict[str, Any]:
    return {
        "group": group.group,
        "candidates": group.candidates,
        "good": group.good,
        "max_excellent": group.max_excellent,
        "tied": list(group.tied),
    }


def organisation_to_dict(organisation: OrganisationResult) -> dict[str, Any]:
    return {
        "max_level": _level(organisation.max_level),
        "reasons": [reason_to_dict(reason) for reason in organisation.reasons],
    }
