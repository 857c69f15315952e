"""From the stored meeting to the rules engine and back (DESIGN.md 2.6).

The meeting is turned into a scenario in exactly the schema `ballot classify`
reads, so the proposal the host sees is the one the command line, the bundle
and `ballot verify` compute from the same facts.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ballot.models import Meeting, Member, Round
from ballot.rules import attendance
from ballot.services import rounds as rounds_service
from ballot.services.roster import member_scenario

MEMBER_ROUND_KINDS = ("classification", "followup")


def scenario(session: Session, meeting: Meeting) -> dict[str, Any]:
    """The meeting as a scenario: the main round's tally and each closed follow-up
    round's, in order; a follow-up decides only the members it asked about."""
    return {
        "profile": meeting.profile,
        "review_date": meeting.review_date.isoformat(),
        "organisation": {
            "name": meeting.branch_name,
            "kind": meeting.organisation_kind,
            "disciplined": meeting.organisation_disciplined,
            **({"cap_percent": meeting.cap_percent} if meeting.cap_percent else {}),
        },
        "settings": {"denominator": meeting.denominator, **(
            {"thresholds": meeting.thresholds} if meeting.thresholds else {})},
        "members": [member_scenario(m) for m in meeting.members],
        **round_tallies(session, meeting),
    }


def round_tallies(session: Session, meeting: Meeting) -> dict[str, Any]:
    return attendance.scenario_tallies(
        rounds_service.tally(session, r) for r in closed_member_rounds(meeting)
    )


def closed_member_rounds(meeting: Meeting) -> list[Round]:
    return [r for r in meeting.rounds if r.kind in MEMBER_ROUND_KINDS and r.status == "closed"]


def organisation_vote(session: Session, meeting: Meeting) -> dict[str, Any] | None:
    """The chi bộ's own level as voted (II.B.1.5), from its latest closed round."""
    closed = [r for r in meeting.rounds if r.kind == "organisation" and r.status == "closed"]
    if not closed:
        return None
    counted = rounds_service.tally(session, closed[-1])
    return {"round_id": closed[-1].id, "ballots": counted["ballots"],
            "votes": counted["votes"][rounds_service.ORGANISATION_QUESTION]}


def compute(session: Session, meeting: Meeting) -> dict[str, Any]:
    """The proposal, in the schema of `ballot classify`."""
    return classify_scenario(scenario(session, meeting))


def classify_scenario(data: dict[str, Any]) -> dict[str, Any]:
    from ballot.rules.pipeline import classify
    from ballot.rules.scenario import parse_scenario
    from ballot.rules.serialize import proposal_to_dict

    return proposal_to_dict(classify(parse_scenario(data)))


def classifiable(meeting: Meeting, member: Member) -> bool:
    """Whether the profile classifies this member at all (DESIGN 2.1, II.B.2.1, II.B.6)."""
    from ballot.rules.profiles import get_profile

    facts = _parse_member(member_scenario(member), meeting.review_date)
    return not get_profile(meeting.profile).exclusion_reasons(facts, meeting.review_date)


def validate_member_facts(member: dict[str, Any]) -> None:
    """Raise ValueError naming the field if the rules engine would refuse this member
    (`member`: the fields of a `Member`, not yet stored)."""
    from ballot.rules.scenario import ScenarioError

    try:
        _parse_member(member_scenario(Member(**member)), None)
    except ScenarioError as exc:
        raise ValueError(f"{exc.path}: {exc.message}") from None


def _parse_member(data: dict[str, Any], review_date):
    """The rules engine's own reading of one member."""
    import datetime as dt

    from ballot.rules.scenario import parse_member

    return parse_member(data, review_date or dt.date.today())


def profile_names() -> tuple[str, ...]:
    from ballot.rules.profiles import profile_names as names

    return names()


def profile_in_force(on) -> str:
    """The profile a meeting on this date follows by default (DESIGN 2.7)."""
    from ballot.rules.profiles import profile_in_force as in_force

    return in_force(on)
