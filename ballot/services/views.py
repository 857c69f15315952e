"""Snapshots of a meeting for the projector and the host console (pushed over
Socket.IO and served by the JSON API). The projector's snapshot is public: turnout,
and the distribution only when the host allows it or the round has closed;
never who cast which ballot, never a ballot's contents."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ballot.models import CheckIn, Meeting, Member, Round, SignatureIssuance
from ballot.services import meetings, proposal, rounds


def public_state(session: Session, meeting: Meeting) -> dict[str, Any]:
    latest = meeting.rounds[-1] if meeting.rounds else None
    state: dict[str, Any] = {
        "meeting": _meeting_view(meeting),
        "attendance": meetings.quorum(meeting),
        "voters": sum(1 for m in meeting.members if rounds.may_vote(m)),
        "round": _round_summary(session, meeting, latest) if latest else None,
        "results": None,
    }
    if proposal.closed_member_rounds(meeting) and not (latest and latest.status == "open"):
        state["results"] = proposal.compute(session, meeting)
    return state


def host_state(session: Session, meeting: Meeting) -> dict[str, Any]:
    state = public_state(session, meeting)
    state["meeting"]["code"] = meeting.code
    state["members"] = [_member_view(m) for m in meeting.members]
    state["pending_check_ins"] = [
        {"id": c.id, "member_id": c.member.key, "name": c.member.name}
        for c in session.scalars(
            select(CheckIn).where(CheckIn.meeting_id == meeting.id, CheckIn.state == "pending")
        )
    ]
    state["rounds"] = [_round_summary(session, meeting, r, force_tally=True) for r in meeting.rounds]
    if state["round"]:
        state["round"] = state["rounds"][-1]
        state["round"]["signed"] = _signed_member_keys(session, meeting.rounds[-1])
    state["organisation_vote"] = proposal.organisation_vote(session, meeting)
    return state


def _meeting_view(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.id,
        "title": meeting.title,
        "branch_name": meeting.branch_name,
        "code": meeting.code,
        "date": meeting.review_date.isoformat(),
        "profile": meeting.profile,
        "denominator": meeting.denominator,
        "organisation_kind": meeting.organisation_kind,
        "projector_live": meeting.projector_live,
        "state": meeting.state,
    }


def _round_summary(
    session: Session, meeting: Meeting, round_: Round, force_tally: bool = False
) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "id": round_.id,
        "number": round_.number,
        "kind": round_.kind,
        "status": round_.status,
        "participants": rounds.participation_count(session, round_.id),
        "ballots_cast": rounds.ballot_count(session, round_.id),
        "questions": [{"id": q.key, "label": q.label} for q in round_.questions],
    }
    show_tally = force_tally or round_.status == "closed" or (
        round_.status == "open" and meeting.projector_live)
    if show_tally:
        summary["tally"] = rounds.tally(session, round_)
    if round_.status == "closed":
        summary["tracking_codes"] = rounds.tracking_codes(session, round_.id)
    return summary


def _signed_member_keys(session: Session, round_: Round) -> list[str]:
    """The sign-in sheet: who received a signature (not who cast what)."""
    return sorted(session.scalars(
        select(Member.key).join(SignatureIssuance, SignatureIssuance.member_id == Member.id)
        .where(SignatureIssuance.round_id == round_.id)
    ))


def _member_view(member: Member) -> dict[str, Any]:
    return {
        "id": member.key,
        "name": member.name,
        "role": member.role,
        "status": member.status,
        "admitted_on": member.admitted_on.isoformat(),
        "present": member.present,
        "absent_with_leave": member.absent_with_leave,
        "self_level": member.self_level,
        "committee_level": member.committee_level,
        "personal_code": member.personal_code,
        "facts": member.facts,
        "may_vote": rounds.may_vote(member),
    }
