"""Use cases of the host before voting: meetings, the roster, presence."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ballot.services import audit, ballot_box, roster
from ballot.services.codes import MEETING_CODE_LENGTH, PERSONAL_CODE_LENGTH, new_id, readable_code
from ballot.services.commands import MeetingDetails, NewMeeting, SetPresence
from ballot.services.errors import ServiceError, conflict, invalid
from ballot.services.guards import ensure_editable, member_by_key
from ballot.services.scenario import meeting_settings_error, profile_in_force, profile_names
from ballot.store.models import HostAccount, Meeting, Member
from ballot.vocabulary import MeetingState


def create_meeting(session: Session, host: HostAccount, command: NewMeeting) -> Meeting:
    if command.profile is not None and command.profile not in profile_names():
        raise invalid("bad_profile", f"Bộ quy tắc phải là một trong: {', '.join(profile_names())}.",
                      field="profile")
    thresholds = command.thresholds.model_dump(exclude_none=True) if command.thresholds else {}
    meeting = Meeting(
        id=new_id(),
        code=_unused_meeting_code(session),
        host_id=host.id,
        branch_name=command.branch_name,
        title=command.title,
        review_date=command.date,
        profile=command.profile or profile_in_force(command.date),
        denominator=command.denominator,
        thresholds=thresholds,
        organisation_kind=command.organisation_kind,
        organisation_disciplined=command.organisation_disciplined,
        cap_percent=command.cap_percent,
        organisation_facts=_organisation_facts(command),
        khtnv_by_accumulation=command.khtnv_by_accumulation.value
        if command.khtnv_by_accumulation else None,
        place=command.place,
        counting_committee=list(command.counting_committee or []),
        timezone=command.timezone,
    )
    problem = meeting_settings_error(meeting)
    if problem is not None:
        field, message = problem
        label = next((name for path, name in SETTINGS_FIELDS.items() if field.startswith(path)), field)
        raise invalid("bad_settings", f"{label}: {message}", field=label_path(field))
    session.add(meeting)
    session.flush()
    audit.record(session, meeting.id, host.username, "meeting_created", title=meeting.title)
    return meeting


def update_details(session: Session, host: HostAccount, meeting: Meeting, command: MeetingDetails) -> None:
    """The place, the counting committee and the time zone, until the meeting is certified
    (then the bundle holds them, docs/bundle.md, `meeting`). A field the request left out
    is kept; null clears it."""
    ensure_editable(meeting)
    given = command.model_fields_set
    changed = []
    if "place" in given:
        meeting.place = command.place
        changed.append("place")
    if "counting_committee" in given:
        meeting.counting_committee = list(command.counting_committee or [])
        changed.append("counting_committee")
    if "timezone" in given:
        meeting.timezone = command.timezone
        changed.append("timezone")
    audit.record(session, meeting.id, host.username, "meeting_details_changed", fields=changed)


# The meeting form's fields as the rules engine's scenario names them, and as a person
# reads them (the engine's message follows the label).
SETTINGS_FIELDS = {
    "organisation.founded_on": "Ngày thành lập chi bộ",
    "organisation.discipline_self_remedied": "Chi bộ tự phát hiện và khắc phục xong hậu quả vi phạm",
    "organisation.bodies": "Chính quyền, Mặt trận, đoàn thể cùng cấp",
    "organisation.criteria": "Tự đánh giá của chi bộ (Mẫu 01)",
    "organisation.cap_percent": "Tỷ lệ giới hạn xuất sắc",
    "settings.thresholds": "Ngưỡng phiếu",
    "settings.khtnv_by_accumulation": "“Không hoàn thành nhiệm vụ” chỉ đạt do cộng dồn",
}
_FORM_FIELDS = {"organisation.criteria": "organisation_criteria"}


def label_path(field: str) -> str:
    """The request's field for an engine path: `organisation.bodies[1].kind` → `bodies[1].kind`."""
    for prefix, name in _FORM_FIELDS.items():
        if field.startswith(prefix):
            return name + field.removeprefix(prefix)
    return field.removeprefix("settings.").removeprefix("organisation.")


def _organisation_facts(command: NewMeeting) -> dict[str, Any]:
    """The chi bộ's facts in the scenario's keys (docs/rules.md, “Dữ liệu đầu vào”)."""
    facts: dict[str, Any] = {}
    if command.discipline_self_remedied:
        facts["discipline_self_remedied"] = True
    if command.founded_on is not None:
        facts["founded_on"] = command.founded_on.isoformat()
    if command.organisation_criteria is not None:
        facts["criteria"] = command.organisation_criteria.model_dump(mode="json")
    if command.bodies:
        facts["bodies"] = [body.model_dump(mode="json") for body in command.bodies]
    return facts


def open_meetings(session: Session) -> list[Meeting]:
    """Meetings not yet certified, newest first."""
    return list(session.scalars(
        select(Meeting).where(Meeting.state == MeetingState.OPEN).order_by(Meeting.created_at.desc())
    ))


def meeting_id_of_code(session: Session, code: str) -> str | None:
    return session.scalar(select(Meeting.id).where(Meeting.code == code))


def hosted_meetings(session: Session, host: HostAccount) -> list[Meeting]:
    """The host's own meetings, the open ones first, newest first within each."""
    return list(session.scalars(
        select(Meeting).where(Meeting.host_id == host.id)
        .order_by((Meeting.state == MeetingState.CERTIFIED).asc(), Meeting.created_at.desc())
    ))


# --- the roster ----------------------------------------------------------------------


def import_roster(
    session: Session, host: HostAccount, meeting: Meeting, rows: roster.RosterRows
) -> list[Member]:
    """Replace the roster with validated rows: all rows or none (row errors listed)."""
    ensure_editable(meeting)
    if meeting.rounds:
        raise conflict("roster_locked", "Đã có vòng bỏ phiếu, không thể nhập lại danh sách.")
    members = roster.validate_rows(rows, meeting.review_date)
    meeting.members.clear()
    session.flush()
    codes = _unique_codes(len(members))
    for position, (member, code) in enumerate(zip(members, codes, strict=True)):
        meeting.members.append(Member(position=position, personal_code=code, **member))
    session.flush()
    audit.record(session, meeting.id, host.username, "roster_imported", members=len(members))
    return list(meeting.members)


def update_member(
    session: Session, host: HostAccount, meeting: Meeting, member_key: str, changes: dict[str, Any]
) -> Member:
    ensure_editable(meeting)
    unknown = roster.unknown_column(changes)
    if unknown is not None:
        raise invalid("unknown_column", f"Danh sách không có cột “{unknown}”.", field=unknown)
    member = member_by_key(meeting, member_key)
    current = roster.member_as_row(member)
    current.update(changes)
    validated = roster.validate_rows([current], meeting.review_date)[0]
    if validated["key"] != member.key:
        _ensure_key_may_change(meeting, validated["key"])
    secretary = next((other for other in meeting.members if other is not member
                      and (other.facts or {}).get("is_secretary")), None)
    if validated["facts"].get("is_secretary") and secretary is not None:
        # 21-HD II.B.4 reads the bí thư as the chi bộ's head: there is one.
        raise invalid("two_secretaries", f"Bí thư chi bộ (is_secretary): đã ghi đồng chí {secretary.name} "
                      "là bí thư; chi bộ chỉ có một bí thư.", field="is_secretary")
    for field, value in validated.items():
        setattr(member, field, value)
    audit.record(session, meeting.id, host.username, "member_updated", member=member_key,
                 fields=sorted(changes))
    return member


def _ensure_key_may_change(meeting: Meeting, new_key: str) -> None:
    """Ballots name members by their roster id, so once a round exists the id is
    fixed; before that it may change, to an id no other member has."""
    if meeting.rounds:
        raise ServiceError("roster_id_locked", "Mã đảng viên (id): đã có vòng bỏ phiếu, không thể đổi mã; "
                           "phiếu đã ghi theo mã này.", status=409, field="id")
    if any(other.key == new_key for other in meeting.members):
        raise invalid("duplicate_id", f"Mã đảng viên (id): “{new_key}” đã có trong danh sách.", field="id")


def set_presence(session: Session, host: HostAccount, meeting: Meeting, command: SetPresence) -> Member:
    ensure_editable(meeting)
    if command.present and command.absent_with_leave:
        raise invalid("bad_presence", "Không thể vừa có mặt vừa vắng có phép.", field="absent_with_leave")
    member = member_by_key(meeting, command.member_id)
    if not command.present and ballot_box.has_signed_any(session, member):
        # The sign-in sheet says they were here; the count of ballots relies on it.
        raise conflict("member_has_voted", f"{member.name} đã nhận phiếu trong một vòng, "
                       "không thể đánh dấu vắng mặt.")
    member.present = command.present
    member.absent_with_leave = command.absent_with_leave
    audit.record(session, meeting.id, host.username, "presence_set", member=member.key,
                 present=command.present, absent_with_leave=command.absent_with_leave)
    return member


def mark_all_present(session: Session, host: HostAccount, meeting: Meeting) -> int:
    """Everyone not yet marked, present: the usual start of a meeting where few are
    away. Those on leave stay on leave; returns how many were marked."""
    ensure_editable(meeting)
    marked = [m for m in meeting.members if not m.present and not m.absent_with_leave]
    for member in marked:
        member.present = True
    audit.record(session, meeting.id, host.username, "presence_set_all", members=[m.key for m in marked])
    return len(marked)


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
