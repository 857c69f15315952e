"""Use cases of the host before voting: accounts, meetings, the roster, presence."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ballot.models import LEVELS, HostAccount, Meeting, Member
from ballot.services import audit, roster
from ballot.services.codes import (
    MEETING_CODE_LENGTH,
    PERSONAL_CODE_LENGTH,
    new_id,
    readable_code,
)
from ballot.services.errors import (
    MeetingCertified,
    ServiceError,
    conflict,
    forbidden,
    invalid,
    not_found,
)

DEFAULT_PROFILE = "21-HD-2019"
ORGANISATION_KINDS = ("chi_bo_co_so", "chi_bo_truc_thuoc")
DENOMINATORS = ("entitled", "present", "ballots")


# --- host accounts -----------------------------------------------------------------


def create_host(session: Session, username: str, password: str) -> HostAccount:
    if not username or len(password) < 8:
        raise invalid("weak_password", "Tên đăng nhập không được trống, mật khẩu ít nhất 8 ký tự.")
    host = HostAccount(username=username, password_hash=generate_password_hash(password))
    session.add(host)
    try:
        session.flush()
    except IntegrityError:
        raise conflict("username_taken", "Tên đăng nhập đã có.") from None
    audit.record(session, None, username, "host_created")
    return host


def authenticate(session: Session, username: str, password: str) -> HostAccount:
    host = session.scalar(select(HostAccount).where(HostAccount.username == username))
    # Hash even for an unknown name, so timing does not tell which names exist.
    stored = host.password_hash if host else generate_password_hash("-")
    if not check_password_hash(stored, password) or host is None:
        raise ServiceError("bad_credentials", "Sai tên đăng nhập hoặc mật khẩu.", 401)
    return host


# --- meetings ----------------------------------------------------------------------


def create_meeting(session: Session, host: HostAccount, fields: dict[str, Any]) -> Meeting:
    review_date = _parse_date(fields.get("date") or fields.get("review_date"), "date")
    meeting = Meeting(
        id=new_id(),
        code=_unused_meeting_code(session),
        host_id=host.id,
        branch_name=_required_text(fields, "branch_name"),
        title=_required_text(fields, "title"),
        review_date=review_date,
        profile=_profile(fields.get("profile"), review_date),
        denominator=_choice(fields.get("denominator", "entitled"), DENOMINATORS, "denominator"),
        thresholds=_thresholds(fields.get("thresholds")),
        organisation_kind=_choice(
            fields.get("organisation_kind", "chi_bo_truc_thuoc"), ORGANISATION_KINDS, "organisation_kind"
        ),
        organisation_disciplined=bool(fields.get("organisation_disciplined", False)),
        cap_percent=_cap_percent(fields.get("cap_percent")),
        projector_live=bool(fields.get("projector_live", False)),
    )
    session.add(meeting)
    session.flush()
    audit.record(session, meeting.id, host.username, "meeting_created", title=meeting.title)
    return meeting


def meeting_for_host(session: Session, host: HostAccount, meeting_id: str) -> Meeting:
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or meeting.host_id != host.id:
        raise not_found("cuộc họp")
    return meeting


def meeting_by_code(session: Session, code: str) -> Meeting:
    meeting = session.scalar(select(Meeting).where(Meeting.code == code))
    if meeting is None:
        raise not_found("cuộc họp với mã này")
    return meeting


def ensure_editable(meeting: Meeting) -> None:
    """Every change to a meeting passes here: a certified meeting is frozen (issue 5)."""
    if meeting.state == "certified":
        raise MeetingCertified(meeting.id)


def set_projector_live(session: Session, host: HostAccount, meeting: Meeting, live: bool) -> None:
    ensure_editable(meeting)
    meeting.projector_live = bool(live)
    audit.record(session, meeting.id, host.username, "projector_live_set", live=bool(live))


# --- roster ------------------------------------------------------------------------


def import_roster(
    session: Session, host: HostAccount, meeting: Meeting, rows: list[dict[str, Any]]
) -> list[Member]:
    """Replace the roster with validated rows: all rows or none (row errors listed)."""
    ensure_editable(meeting)
    if meeting.rounds:
        raise conflict("roster_locked", "Đã có vòng bỏ phiếu, không thể nhập lại danh sách.")
    members = roster.validate_rows(rows)
    meeting.members.clear()
    session.flush()
    codes = _unique_codes(len(members))
    for position, (member, code) in enumerate(zip(members, codes)):
        meeting.members.append(Member(position=position, personal_code=code, **member))
    session.flush()
    audit.record(session, meeting.id, host.username, "roster_imported", members=len(members))
    return list(meeting.members)


def update_member(
    session: Session, host: HostAccount, meeting: Meeting, member_key: str, changes: dict[str, Any]
) -> Member:
    ensure_editable(meeting)
    member = member_by_key(meeting, member_key)
    current = roster.member_as_row(member)
    current.update(changes)
    validated = roster.validate_rows([current])[0]
    for field, value in validated.items():
        setattr(member, field, value)
    audit.record(session, meeting.id, host.username, "member_updated", member=member_key,
                 fields=sorted(changes))
    return member


def member_by_key(meeting: Meeting, member_key: str) -> Member:
    for member in meeting.members:
        if member.key == member_key:
            return member
    raise not_found(f"đảng viên {member_key}")


def set_presence(
    session: Session,
    host: HostAccount,
    meeting: Meeting,
    member_key: str,
    present: bool,
    absent_with_leave: bool = False,
) -> Member:
    ensure_editable(meeting)
    if present and absent_with_leave:
        raise invalid("bad_presence", "Không thể vừa có mặt vừa vắng có phép.")
    member = member_by_key(meeting, member_key)
    if not present and _has_taken_a_ballot(session, member):
        # The sign-in sheet says they were here; the count of ballots relies on it.
        raise conflict("member_has_voted", f"{member.name} đã nhận phiếu trong một vòng, "
                       "không thể đánh dấu vắng mặt.")
    member.present = present
    member.absent_with_leave = absent_with_leave
    audit.record(session, meeting.id, host.username, "presence_set", member=member_key,
                 present=present, absent_with_leave=absent_with_leave)
    return member


def _has_taken_a_ballot(session: Session, member: Member) -> bool:
    from ballot.models import SignatureIssuance

    return session.scalar(
        select(SignatureIssuance.id).where(SignatureIssuance.member_id == member.id).limit(1)
    ) is not None


def quorum(meeting: Meeting) -> dict[str, Any]:
    """Attendance and quorum (Điều lệ Đảng; ballot.rules.attendance)."""
    from ballot.rules.attendance import quorum as members_quorum

    return members_quorum([roster.member_scenario(m) for m in meeting.members])


def require_host(meeting: Meeting, host: HostAccount) -> None:
    if meeting.host_id != host.id:
        raise forbidden("not_host", "Bạn không chủ trì cuộc họp này.")


# --- field helpers -----------------------------------------------------------------


def _required_text(fields: dict[str, Any], name: str) -> str:
    value = fields.get(name)
    if not isinstance(value, str) or not value.strip():
        raise invalid("missing_field", f"Thiếu trường “{name}”.")
    if len(value) > 300:
        raise invalid("field_too_long", f"Trường “{name}” quá dài.")
    return value.strip()


def _parse_date(value: Any, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise invalid("bad_date", f"Trường “{name}” phải là ngày dạng YYYY-MM-DD.") from None


def _choice(value: Any, allowed: tuple[str, ...], name: str) -> str:
    if value not in allowed:
        raise invalid("bad_choice", f"Trường “{name}” phải là một trong: {', '.join(allowed)}.")
    return value


def _profile(value: Any, review_date: dt.date) -> str:
    from ballot.services.proposal import profile_in_force, profile_names

    if value in (None, ""):
        return profile_in_force(review_date)
    return _choice(value, tuple(profile_names()), "profile")


def _cap_percent(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if value not in (20, 25) or isinstance(value, bool):
        raise invalid("bad_cap_percent", "Tỷ lệ giới hạn xuất sắc phải là 20 hoặc 25 (%).")
    return value


def _thresholds(value: Any) -> dict[str, float]:
    if value is None:
        return {}
    if not isinstance(value, dict) or any(
        level not in LEVELS[:3] or isinstance(share, bool) or not isinstance(share, (int, float))
        or not 0 < share < 1
        for level, share in value.items()
    ):
        raise invalid("bad_thresholds", "Ngưỡng phải là số trong (0, 1) cho HTXSNV, HTTNV, HTNV.")
    return dict(value)


def _unused_meeting_code(session: Session) -> str:
    while True:
        code = readable_code(MEETING_CODE_LENGTH)
        if session.scalar(select(Meeting.id).where(Meeting.code == code)) is None:
            return code


def _unique_codes(count: int) -> list[str]:
    codes: set[str] = set()
    while len(codes) < count:
        codes.add(readable_code(PERSONAL_CODE_LENGTH))
    return list(codes)
