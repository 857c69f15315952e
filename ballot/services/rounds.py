"""Ballot rounds: create, open, close (docs/protocol.md, “Round keys”).

Each round has its own RSA key; its private half is made when the round is
created and destroyed once its close commits (the caller's unit of work runs
that), so no ballot can be signed afterwards.
"""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from sqlalchemy import select
from sqlalchemy.orm import Session

from ballot.services import audit, ballot_box, voting
from ballot.services.codes import new_id
from ballot.services.commands import NewRound
from ballot.services.errors import conflict, invalid
from ballot.services.guards import ensure_editable, member_by_key
from ballot.services.scenario import on_ballot
from ballot.store.keyvault import KeyVault
from ballot.store.models import Meeting, Question, Round, utcnow
from ballot.vocabulary import ORGANISATION_QUESTION, MeetingState, RoundKind, RoundStatus


def create_round(session: Session, vault: KeyVault, actor: str, meeting: Meeting, command: NewRound) -> Round:
    ensure_editable(meeting)
    if any(r.status == RoundStatus.OPEN for r in meeting.rounds):
        raise conflict("round_already_open", "Đang có một vòng bỏ phiếu mở; hãy kết thúc vòng đó trước.")
    round_ = Round(id=new_id(), meeting_id=meeting.id, number=len(meeting.rounds) + 1,
                   kind=command.kind, public_key_pem="")
    round_.questions = _questions_for(meeting, command)
    public_key = vault.create(round_.id)
    round_.public_key_pem = public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    meeting.rounds.append(round_)
    session.flush()
    audit.record(session, meeting.id, actor, "round_created", round=round_.id, kind=command.kind.value,
                 questions=len(round_.questions))
    return round_


def _questions_for(meeting: Meeting, command: NewRound) -> list[Question]:
    member_keys = command.member_ids
    if command.kind == RoundKind.ORGANISATION:
        if member_keys:
            raise invalid("unexpected_members", "Vòng xếp loại chi bộ không chọn đảng viên.",
                          field="member_ids")
        return [Question(key=ORGANISATION_QUESTION, position=0, label=meeting.branch_name)]
    if command.kind == RoundKind.CLASSIFICATION:
        if member_keys:
            raise invalid("unexpected_members", "Vòng xếp loại chính gồm mọi đảng viên được xếp loại.",
                          field="member_ids")
        members = [m for m in meeting.members if on_ballot(meeting, m)]
    else:
        if not member_keys:
            raise invalid("members_required", "Vòng bổ sung cần chọn ít nhất một đảng viên.",
                          field="member_ids")
        members = [member_by_key(meeting, k) for k in dict.fromkeys(member_keys)]
        for member in members:
            if not on_ballot(meeting, member):
                raise invalid("member_not_classifiable",
                              f"{member.name} không thuộc diện xếp loại trong cuộc họp này.",
                              field="member_ids")
    if not members:
        raise invalid("nobody_to_classify", "Không có đảng viên nào để xếp loại.")
    return [Question(key=m.key, position=i, member_id=m.id, label=m.name) for i, m in enumerate(members)]


def open_round(session: Session, actor: str, round_: Round) -> Round:
    ensure_editable(round_.meeting)
    if round_.status != RoundStatus.DRAFT:
        raise conflict("round_not_draft", "Vòng này đã được mở trước đó.")
    if any(r.status == RoundStatus.OPEN for r in round_.meeting.rounds if r.id != round_.id):
        raise conflict("round_already_open", "Đang có một vòng bỏ phiếu khác mở.")
    round_.status = RoundStatus.OPEN
    round_.opened_at = utcnow()
    audit.record(session, round_.meeting_id, actor, "round_opened", round=round_.id)
    return round_


def close_round(session: Session, actor: str, round_: Round) -> Round:
    """Close the round; the caller destroys its key once this has committed."""
    ensure_editable(round_.meeting)
    if round_.status != RoundStatus.OPEN:
        raise conflict("round_not_open", "Vòng này không đang mở.")
    round_.status = RoundStatus.CLOSED
    round_.closed_at = utcnow()
    voting.forget_what_was_signed(session, round_)
    audit.record(session, round_.meeting_id, actor, "round_closed", round=round_.id,
                 ballots=ballot_box.ballot_count(session, round_.id))
    session.flush()
    return round_


def current_round(meeting: Meeting) -> Round | None:
    """The open round, else the latest closed one (so a phone sees that voting closed)."""
    for round_ in meeting.rounds:
        if round_.status == RoundStatus.OPEN:
            return round_
    closed = [r for r in meeting.rounds if r.status == RoundStatus.CLOSED]
    return closed[-1] if closed else None


def round_ids_with_live_keys(session: Session) -> set[str]:
    """Rounds that may still sign: drafts and open rounds of meetings not certified."""
    return set(session.scalars(
        select(Round.id).join(Meeting, Round.meeting_id == Meeting.id)
        .where(Round.status != RoundStatus.CLOSED, Meeting.state != MeetingState.CERTIFIED)
    ))
