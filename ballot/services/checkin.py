"""Phones joining the meeting: by personal code (approved at once), or by
choosing a name (pending until the host approves, as a paper sign-in would be
checked by the chair)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ballot.models import CheckIn, HostAccount, Meeting, Member
from ballot.services import audit
from ballot.services.codes import new_id, normalise_code
from ballot.services.errors import ServiceError, conflict, forbidden, not_found
from ballot.services.meetings import ensure_editable


def join_with_code(session: Session, meeting: Meeting, personal_code: str) -> CheckIn:
    code = normalise_code(personal_code)
    # One indexed row (uq_member_personal_code), not the whole roster: a join costs
    # the same with 1,000 members as with 10.
    member = session.scalar(
        select(Member).where(Member.meeting_id == meeting.id, Member.personal_code == code)
    )
    if member is None:
        raise ServiceError("bad_personal_code", "Mã cá nhân không đúng.", 401)
    return _check_in(session, meeting, member, "approved")


def join_by_name(session: Session, meeting: Meeting, member: Member) -> CheckIn:
    return _check_in(session, meeting, member, "pending")


def decide(session: Session, host: HostAccount, meeting: Meeting, check_in_id: str, approve: bool) -> None:
    ensure_editable(meeting)
    check_in = session.get(CheckIn, check_in_id)
    if check_in is None or check_in.meeting_id != meeting.id:
        raise not_found("lượt tham gia")
    if check_in.state != "pending":
        raise conflict("check_in_decided", "Lượt tham gia này đã được xử lý.")
    check_in.state = "approved" if approve else "refused"
    if approve:
        _mark_present(check_in.member)
    audit.record(session, meeting.id, host.username,
                 "check_in_approved" if approve else "check_in_refused", member=check_in.member.key)


def voter(session: Session, check_in_id: object, require_approved: bool) -> CheckIn:
    check_in = session.get(CheckIn, check_in_id) if isinstance(check_in_id, str) else None
    if check_in is None or check_in.state == "refused":
        raise ServiceError("not_checked_in", "Bạn chưa tham gia cuộc họp (hoặc đã bị từ chối).", 401)
    if require_approved and check_in.state != "approved":
        raise forbidden("check_in_pending", "Chủ tọa chưa xác nhận bạn.")
    return check_in


def _check_in(session: Session, meeting: Meeting, member: Member, state: str) -> CheckIn:
    ensure_editable(meeting)
    check_in = CheckIn(id=new_id(), meeting_id=meeting.id, member=member, state=state)
    session.add(check_in)
    if state == "approved":
        _mark_present(member)
    audit.record(session, meeting.id, f"member:{member.key}", f"check_in_{state}")
    return check_in


def _mark_present(member: Member) -> None:
    member.present = True
    member.absent_with_leave = False
