"""The checks every use case starts with: the caller is who they say, the thing
they name exists and is theirs, and the meeting may still change. Each either
returns what it found or raises a ServiceError; none writes.

In a writer's unit of work on PostgreSQL, where several writers run at once, the
first guard that finds a meeting locks its row (SELECT … FOR UPDATE) until the commit:
the use cases of one meeting then run one after the other, as under SQLite's single
writer, so their check-then-insert sequences stay safe (one signature per member and
round, no more ballots than signatures, one phone per member, one certificate, no
signature or ballot after the close). One lock per meeting, always taken first: no
two units of work can wait on each other."""

from __future__ import annotations

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session, joinedload

from ballot.services.errors import MeetingCertified, forbidden, not_found, unauthorised
from ballot.store.models import CheckIn, HostAccount, Meeting, Member, Round
from ballot.vocabulary import CheckInState, MeetingState, RoundStatus


def serialised(session: Session, meeting_id: str) -> None:
    """Lock the meeting's row for the rest of this writer's unit of work (PostgreSQL;
    SQLite's writers are already one at a time, ballot.store.db)."""
    if not session.info.get("writer") or session.get_bind().dialect.name == "sqlite":
        return
    locked = session.info.setdefault("locked_meetings", set())
    if meeting_id in locked:
        return
    session.execute(select(Meeting.id).where(Meeting.id == meeting_id).with_for_update())
    locked.add(meeting_id)
    # What was read before the lock may have changed since: read it again.
    session.expire_all()


def ensure_editable(meeting: Meeting) -> None:
    """Every change to a meeting passes here: a certified meeting is frozen
    (docs/protocol.md, “Certification”)."""
    if meeting.state == MeetingState.CERTIFIED:
        raise MeetingCertified(meeting.id)


def host_account(session: Session, host_id: int) -> HostAccount:
    host = session.get(HostAccount, host_id)
    if host is None:
        raise unauthorised("not_logged_in", "Cần đăng nhập.")
    return host


def hosted_meeting(session: Session, host: HostAccount, meeting_id: str) -> Meeting:
    """The meeting, if this host chairs it; another host's meeting does not exist
    for them (404, not 403: its id tells them nothing)."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.host_id != host.id:
        raise not_found("cuộc họp")
    serialised(session, meeting.id)
    return meeting


def host_and_meeting(session: Session, host_id: int, meeting_id: str) -> tuple[HostAccount, Meeting]:
    host = host_account(session, host_id)
    return host, hosted_meeting(session, host, meeting_id)


def a_round(session: Session, round_id: str) -> Round:
    round_ = session.get(Round, round_id)
    if round_ is None:
        raise not_found("vòng bỏ phiếu")
    serialised(session, round_.meeting_id)
    return round_


def hosted_round(session: Session, host_id: int, round_id: str) -> tuple[HostAccount, Round]:
    host = host_account(session, host_id)
    round_ = a_round(session, round_id)
    hosted_meeting(session, host, round_.meeting_id)
    return host, round_


def meeting_by_code(session: Session, code: str) -> Meeting:
    meeting = session.scalar(select(Meeting).where(Meeting.code == code))
    if meeting is None:
        raise not_found("cuộc họp với mã này")
    serialised(session, meeting.id)
    return meeting


def member_by_key(meeting: Meeting, member_key: str) -> Member:
    """A member by roster id (`Member.key`), never by database id."""
    for member in meeting.members:
        if member.key == member_key:
            return member
    raise not_found(f"đảng viên có mã “{member_key}”")


# The hot paths' statements, built once: building one costs SQLAlchemy as much as
# running it (bench/README.md), and a room of phones runs these at once.
_PHONE_FORM_REVISION = (select(CheckIn.state, Meeting.forms_revision, Round.status)
                .join(Meeting, CheckIn.meeting_id == Meeting.id)
                .outerjoin(Round, and_(Round.id == bindparam("round_id"), Round.meeting_id == Meeting.id))
                .where(CheckIn.id == bindparam("check_in_id")))
# With its member and meeting, which every caller reads next: one query, not three.
_CHECK_IN = (select(CheckIn).options(joinedload(CheckIn.member).joinedload(Member.meeting))
             .where(CheckIn.id == bindparam("check_in_id")))


def phone_form_revision(session: Session, check_in_id: str, round_id: str) -> int:
    """The forms revision of the phone's meeting, for a round of it that has opened,
    read in one row and no objects: a room of phones fetches the same cached form at
    once. A phone no longer in its meeting is refused as by `checked_in`."""
    row = session.execute(_PHONE_FORM_REVISION, {"round_id": round_id, "check_in_id": check_in_id}).one_or_none()
    if row is None or row.state not in (CheckInState.APPROVED, CheckInState.PENDING):
        checked_in(session, check_in_id, approved=False)  # says why: refused, moved, unknown
        raise AssertionError("checked_in refuses every check-in neither approved nor pending")
    if row.status is None or row.status == RoundStatus.DRAFT:
        raise not_found("vòng bỏ phiếu")
    return row.forms_revision or 0


def checked_in(session: Session, check_in_id: str, *, approved: bool) -> CheckIn:
    """The phone's check-in (from its session cookie); `approved`: the host has
    confirmed it (a check-in by name waits for that)."""
    check_in = session.execute(_CHECK_IN, {"check_in_id": check_in_id}).scalar_one_or_none()
    if check_in is not None:
        serialised(session, check_in.meeting_id)
    if check_in is not None and check_in.state == CheckInState.REPLACED:
        raise unauthorised("moved_to_another_phone",
                           "Chủ tọa đã chuyển đồng chí sang một điện thoại khác, nên điện thoại này "
                           "không còn dùng để bỏ phiếu. Nếu đồng chí không yêu cầu việc này, hãy báo "
                           "chủ tọa ngay.")
    if check_in is None or check_in.state == CheckInState.REFUSED:
        raise unauthorised("not_checked_in", "Đồng chí chưa tham gia cuộc họp (hoặc đã bị từ chối).")
    if approved and check_in.state != CheckInState.APPROVED:
        raise forbidden("check_in_pending", "Chủ tọa chưa xác nhận đồng chí.")
    return check_in
