"""From the stored meeting to the chi bộ's proposal (docs/rules.md, “The proposal”)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ballot.services import ballot_box
from ballot.services.phases import is_counted
from ballot.services.scenario import classify_scenario, meeting_scenario
from ballot.store.models import Meeting, Round
from ballot.vocabulary import MEMBER_ROUND_KINDS, ORGANISATION_QUESTION, RoundKind


def scenario(session: Session, meeting: Meeting) -> dict[str, Any]:
    """The meeting as a scenario, with the tallies of its closed member rounds."""
    return meeting_scenario(meeting, (ballot_box.tally(session, r) for r in closed_member_rounds(meeting)))


def compute(session: Session, meeting: Meeting) -> dict[str, Any]:
    """The proposal, in the schema of `ballot classify`."""
    return classify_scenario(scenario(session, meeting))


def closed_member_rounds(meeting: Meeting) -> list[Round]:
    return [r for r in meeting.rounds if r.kind in MEMBER_ROUND_KINDS and is_counted(r)]


def organisation_vote(session: Session, meeting: Meeting) -> dict[str, Any] | None:
    """The chi bộ's own level as voted (II.B.1.5), from its latest closed round."""
    closed = [r for r in meeting.rounds if r.kind == RoundKind.ORGANISATION and is_counted(r)]
    if not closed:
        return None
    counted = ballot_box.tally(session, closed[-1])
    return {"round_id": closed[-1].id, "ballots": counted["ballots"],
            "votes": counted["votes"][ORGANISATION_QUESTION]}
