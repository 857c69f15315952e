"""Phones joining the meeting: by personal code (approved at once), or by
choosing a name (pending until the host approves, as a paper sign-in would be
checked by the chair)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ballot.services import audit
from ballot.services.codes import new_id, normalise_code
from ballot.services.errors import conflict, not_found, unauthorised
from ballot.services.guards import ensure_editable
from ballot.store.models import CheckIn, HostAccount, Meeting, Member
from ballot.vocabulary import CheckInState


def join_with_code(session: Session, meeting: Meeting, personal_code: str) -> CheckIn:
    code = normalise_code(personal_code)
    # One indexed row (uq_member_personal_code), not the whole roster: a join costs
    # the same with 1,000 members as with 10.
    member = session.scalar(
        select(Member).where(Member.meeting_id == meeting.id, Member.personal_code == code)
    )
    if member is None:
        raise unauthorised("bad_personal_code", "Mã cá nhân không đúng.")
    return _check_in(session, meeting, member, CheckInState.APPROVED)


def join_by_name(session: Session, meeting: Meeting, member: Member) -> CheckIn:
    return _check_in(session, meeting, member, CheckInState.PENDING)


def decide(session: Session, host: HostAccount, meeting: Meeting, check_in_id: str, approve: bool) -> None:
    ensure_editable(meeting)
    check_in = session.get(CheckIn, check_in_id)
    if check_in is None or check_in.meeting_id != meeting.id:
        raise not_found("lượt tham gia")
    if check_in.state != CheckInState.PENDING:
        raise conflict("check_in_decided", "Lượt tham gia này đã được xử lý.")
    check_in.state = CheckInState.APPROVED if approve else CheckInState.REFUSED
    if approve:
        _mark_present(check_in.member)
    audit.record(session, meeting.id, host.username,
                 "check_in_approved" if approve else "check_in_refused", member=check_in.member.key)


def pending(session: Session, meeting: Meeting) -> list[CheckIn]:
    return list(session.scalars(
        select(CheckIn).where(CheckIn.meeting_id == meeting.id, CheckIn.state == CheckInState.PENDING)
    ))


def _check_in(session: Session, meeting: Meeting, member: Member, state: CheckInState) -> CheckIn:
    ensure_editable(meeting)
    check_in = CheckIn(id=new_id(), meeting_id=meeting.id, member=member, state=state)
    session.add(check_in)
    if state == CheckInState.APPROVED:
        _mark_present(member)
    audit.record(session, meeting.id, f"member:{member.key}", f"check_in_{state.value}")
    return check_in


def _mark_present(member: Member) -> None:
    member.present = True
    member.absent_with_leave = False
