"""Phones joining the meeting: by personal code (approved at once), or by
choosing a name (pending until the host approves, as a paper sign-in would be
checked by the chair).

One member, one phone (docs/threat-model.md, “Another member”): a member already
in on a phone who comes in on a second one (by code or by name) waits for the
host, who sees since when the first phone has been in and may move the member
to the new phone only before the member has taken a ballot in the open round;
the first phone is then signed out and told why."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ballot.services import audit, ballot_box
from ballot.services.codes import new_id, normalise_code
from ballot.services.errors import conflict, not_found, unauthorised
from ballot.services.guards import ensure_editable
from ballot.store.models import CheckIn, HostAccount, Meeting, Member
from ballot.vocabulary import CheckInState, RoundStatus


def join_with_code(session: Session, meeting: Meeting, personal_code: str,
                   current: str | None = None) -> CheckIn:
    """`current`: the check-in this phone already holds (its session), if any."""
    code = normalise_code(personal_code)
    # One indexed row (uq_member_personal_code), not the whole roster: a join costs
    # the same with 1,000 members as with 10.
    member = session.scalar(
        select(Member).where(Member.meeting_id == meeting.id, Member.personal_code == code)
    )
    if member is None:
        raise unauthorised("bad_personal_code", "Mã cá nhân không đúng.")
    same_phone = session.get(CheckIn, current) if current else None
    if same_phone is not None and same_phone.member_id == member.id \
            and same_phone.state == CheckInState.APPROVED:
        return same_phone  # this phone again (a reload, the slip scanned twice)
    if active_check_in(session, member) is not None:
        return _check_in(session, meeting, member, CheckInState.PENDING, second_phone=True)
    return _check_in(session, meeting, member, CheckInState.APPROVED)


def join_by_name(session: Session, meeting: Meeting, member: Member) -> CheckIn:
    second = active_check_in(session, member) is not None or member.present
    return _check_in(session, meeting, member, CheckInState.PENDING, second_phone=second)


def active_check_in(session: Session, member: Member) -> CheckIn | None:
    """The phone the member is in on, if any."""
    return session.scalar(select(CheckIn).where(
        CheckIn.member_id == member.id, CheckIn.state == CheckInState.APPROVED))


def waiting_on_another_phone(session: Session, member: Member) -> bool:
    """Whether another phone asked to come in as this member and waits for the host."""
    return session.scalar(select(CheckIn.id).where(
        CheckIn.member_id == member.id, CheckIn.state == CheckInState.PENDING).limit(1)) is not None


def decide(session: Session, host: HostAccount, meeting: Meeting, check_in_id: str, approve: bool) -> None:
    ensure_editable(meeting)
    check_in = session.get(CheckIn, check_in_id)
    if check_in is None or check_in.meeting_id != meeting.id:
        raise not_found("lượt tham gia")
    if check_in.state != CheckInState.PENDING:
        raise conflict("check_in_decided", "Lượt tham gia này đã được xử lý.")
    if not approve:
        check_in.state = CheckInState.REFUSED
        audit.record(session, meeting.id, host.username, "check_in_refused", member=check_in.member.key)
        return
    other = active_check_in(session, check_in.member)
    if other is not None:
        _move(session, host, meeting, other, check_in)
    check_in.state = CheckInState.APPROVED
    _mark_present(check_in.member)
    audit.record(session, meeting.id, host.username, "check_in_approved", member=check_in.member.key)


def _move(session: Session, host: HostAccount, meeting: Meeting, old: CheckIn, new: CheckIn) -> None:
    """The member goes over to the new phone: allowed only while they hold no
    ballot of the open round (the old phone may hold its signature)."""
    open_round = next((r for r in meeting.rounds if r.status == RoundStatus.OPEN), None)
    if open_round is not None and ballot_box.has_signature(session, open_round.id, old.member_id):
        raise conflict("member_has_ballot",
                       f"{old.member.name} đã nhận phiếu của vòng đang mở trên điện thoại kia; "
                       "không thể chuyển sang điện thoại khác trong vòng này.")
    old.state = CheckInState.REPLACED
    audit.record(session, meeting.id, host.username, "member_moved_to_another_phone", member=old.member.key)


def pending(session: Session, meeting: Meeting) -> list[CheckIn]:
    return list(session.scalars(
        select(CheckIn).where(CheckIn.meeting_id == meeting.id, CheckIn.state == CheckInState.PENDING)
    ))


def _check_in(session: Session, meeting: Meeting, member: Member, state: CheckInState,
              second_phone: bool = False) -> CheckIn:
    ensure_editable(meeting)
    check_in = CheckIn(id=new_id(), meeting_id=meeting.id, member=member, state=state)
    session.add(check_in)
    if state == CheckInState.APPROVED:
        _mark_present(member)
    action = "check_in_second_phone" if second_phone else f"check_in_{state.value}"
    audit.record(session, meeting.id, f"member:{member.key}", action)
    return check_in


def _mark_present(member: Member) -> None:
    member.present = True
    member.absent_with_leave = False
