"""Read models: what each screen is sent (docs/architecture.md, “Read models”).

The projector's and the phones' snapshot is public: turnout, and the distribution
only when the host allows it or the round has closed; never who cast which
ballot, never a ballot's contents. The host console's adds the roster and the
sign-in sheet. A phone's ballot form is built once per round and version
(`RoundForms`): every phone asks for it when a round opens.
"""

from __future__ import annotations

import threading
from typing import Any

from cryptography.hazmat.primitives import serialization
from sqlalchemy import select
from sqlalchemy.orm import Session

from ballot.crypto.blind_rsa import public_key_to_json
from ballot.services import ballot_box, checkin, proposal
from ballot.services.rounds import current_round
from ballot.services.scenario import may_vote, quorum
from ballot.store.models import CheckIn, Meeting, Member, Question, Round
from ballot.vocabulary import LEVEL_CODES, CheckInState, RoundStatus


def public_state(session: Session, meeting: Meeting) -> dict[str, Any]:
    latest = meeting.rounds[-1] if meeting.rounds else None
    state: dict[str, Any] = {
        "meeting": _meeting_view(meeting),
        "attendance": quorum(meeting),
        "voters": sum(1 for m in meeting.members if may_vote(m)),
        "round": _round_summary(session, meeting, latest) if latest else None,
        "results": None,
    }
    if proposal.closed_member_rounds(meeting) and not (latest and latest.status == RoundStatus.OPEN):
        state["results"] = proposal.compute(session, meeting)
    return state


def host_state(session: Session, meeting: Meeting) -> dict[str, Any]:
    state = public_state(session, meeting)
    state["meeting"]["code"] = meeting.code
    state["members"] = [_member_view(m) for m in meeting.members]
    state["pending_check_ins"] = [
        {"id": c.id, "member_id": c.member.key, "name": c.member.name}
        for c in checkin.pending(session, meeting)
    ]
    state["rounds"] = [_round_summary(session, meeting, r, force_tally=True) for r in meeting.rounds]
    if state["round"]:
        state["round"] = state["rounds"][-1]
        state["round"]["signed"] = ballot_box.signed_member_keys(session, meeting.rounds[-1].id)
    state["organisation_vote"] = proposal.organisation_vote(session, meeting)
    return state


def check_in_view(meeting: Meeting, member: Member, check_in: CheckIn) -> dict[str, Any]:
    return {
        "member": {"id": member.key, "name": member.name, "status": member.status.value},
        "meeting": {"id": meeting.id, "title": meeting.title},
        "check_in": {"id": check_in.id, "state": check_in.state.value},
    }


def roster_names(meeting: Meeting) -> dict[str, Any]:
    return {"meeting": {"id": meeting.id, "title": meeting.title},
            "members": [{"id": m.key, "name": m.name} for m in meeting.members]}


def board(session: Session, round_: Round) -> dict[str, Any]:
    codes = ballot_box.tracking_codes(session, round_.id)
    return {"round_id": round_.id, "status": round_.status.value, "ballots_cast": len(codes),
            "tracking_codes": codes}


class RoundForms:
    """The ballot form of each round, built once per (round, status, version).

    Every phone asks for it when the round opens, and in a large meeting building
    it was most of the server's work (bench/meeting_load.py). Only editing a
    member changes it: `invalidate` bumps the version, and a form built from a
    snapshot older than the edit is filed under the old version, never read again.
    """

    def __init__(self) -> None:
        self._forms: dict[tuple[str, RoundStatus, int], dict[str, Any]] = {}
        self._version = 0
        self._lock = threading.Lock()

    @property
    def version(self) -> int:
        return self._version

    def invalidate(self) -> None:
        with self._lock:
            self._version += 1
            self._forms.clear()

    def form(self, session: Session, round_: Round, version: int) -> dict[str, Any]:
        key = (round_.id, round_.status, version)
        form = self._forms.get(key)
        if form is None:
            form = _round_form(session, round_)
            with self._lock:
                if version == self._version:
                    self._forms[key] = form
        return form


def voter_state(session: Session, forms: RoundForms, version: int, check_in: CheckIn) -> dict[str, Any]:
    member, meeting = check_in.member, check_in.member.meeting
    round_ = current_round(meeting)
    return {
        "meeting": {"id": meeting.id, "title": meeting.title,
                    "branch_name": meeting.branch_name, "state": meeting.state.value},
        "round": forms.form(session, round_, version) if round_ else None,
        "me": {
            "id": member.key, "name": member.name, "status": member.status.value,
            "check_in": check_in.state.value,
            "can_vote": check_in.state == CheckInState.APPROVED and may_vote(member),
            "has_signature": bool(round_) and ballot_box.has_signature(session, round_.id, member.id),
        },
    }


def _meeting_view(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.id,
        "title": meeting.title,
        "branch_name": meeting.branch_name,
        "code": meeting.code,
        "date": meeting.review_date.isoformat(),
        "profile": meeting.profile,
        "denominator": meeting.denominator.value,
        "organisation_kind": meeting.organisation_kind.value,
        "projector_live": meeting.projector_live,
        "state": meeting.state.value,
    }


def _round_summary(
    session: Session, meeting: Meeting, round_: Round, force_tally: bool = False
) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "id": round_.id,
        "number": round_.number,
        "kind": round_.kind.value,
        "status": round_.status.value,
        "participants": ballot_box.participation_count(session, round_.id),
        "ballots_cast": ballot_box.ballot_count(session, round_.id),
        "questions": [{"id": q.key, "label": q.label} for q in round_.questions],
    }
    show_tally = force_tally or round_.status == RoundStatus.CLOSED or (
        round_.status == RoundStatus.OPEN and meeting.projector_live)
    if show_tally:
        summary["tally"] = ballot_box.tally(session, round_)
    if round_.status == RoundStatus.CLOSED:
        summary["tracking_codes"] = ballot_box.tracking_codes(session, round_.id)
    return summary


def _member_view(member: Member) -> dict[str, Any]:
    return {
        "id": member.key,
        "name": member.name,
        "role": member.role,
        "status": member.status.value,
        "admitted_on": member.admitted_on.isoformat(),
        "present": member.present,
        "absent_with_leave": member.absent_with_leave,
        "self_level": member.self_level,
        "committee_level": member.committee_level,
        "personal_code": member.personal_code,
        "facts": member.facts,
        "may_vote": may_vote(member),
    }


def _round_form(session: Session, round_: Round) -> dict[str, Any]:
    public_key = serialization.load_pem_public_key(round_.public_key_pem.encode())
    # One query of plain rows, rather than a thousand Question and Member objects
    # built for it in a meeting of 1,000.
    rows = session.execute(
        select(Question.key, Question.label, Member.key, Member.self_level, Member.committee_level)
        .outerjoin(Member, Question.member_id == Member.id)
        .where(Question.round_id == round_.id)
        .order_by(Question.position)
    )
    return {
        "id": round_.id,
        "status": round_.status.value,
        "kind": round_.kind.value,
        "number": round_.number,
        "questions": [
            {
                "id": key,
                "member_id": member_key,
                "label": label,
                "options": list(LEVEL_CODES),
                "proposals": {"self": self_level, "committee": committee_level},
            }
            for key, label, member_key, self_level, committee_level in rows
        ],
        "public_key": public_key_to_json(public_key),
    }
