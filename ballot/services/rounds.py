"""Ballot rounds: create, open, close (docs/protocol.md, “Round keys”).

Each round has its own RSA key; its private half is made when the round is
created and destroyed once its close commits (the caller's unit of work runs
that), so no ballot can be signed afterwards.
"""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization
from sqlalchemy import select
from sqlalchemy.orm import Session

from ballot.services import audit, ballot_box, counting, trustees, voting
from ballot.services.codes import new_id
from ballot.services.commands import NewRound
from ballot.services.errors import conflict, invalid
from ballot.services.guards import ensure_editable, member_by_key
from ballot.services.phases import is_counted, is_counting
from ballot.services.scenario import on_ballot, quorum
from ballot.store.keyvault import RoundKeyStore
from ballot.store.models import Meeting, Question, Round, utcnow
from ballot.vocabulary import ORGANISATION_QUESTION, MeetingState, RoundKind, RoundStatus


def create_round(session: Session, vault: RoundKeyStore, actor: str, meeting: Meeting, command: NewRound) -> Round:
    ensure_editable(meeting)
    if any(r.status == RoundStatus.OPEN for r in meeting.rounds):
        raise conflict("round_already_open", "Đang có một vòng bỏ phiếu mở; hãy kết thúc vòng đó trước.")
    if any(is_counting(r) for r in meeting.rounds):
        raise conflict("round_counting", "Vòng trước đang chờ ban kiểm phiếu giải mã; hãy đợi kết quả "
                       "(hoặc hủy vòng đó) trước khi tạo vòng mới.")
    _ensure_in_order(meeting, command.kind)
    # While the meeting has a counting committee, every new round is encrypted to its
    # joint key (docs/encrypted-ballots.md, 14).
    ceremony = trustees.current_ceremony(session, meeting)
    refusal = trustees.ready_for_rounds(ceremony)
    if refusal is not None:
        raise conflict(*refusal)
    round_ = Round(id=new_id(), meeting_id=meeting.id, number=len(meeting.rounds) + 1,
                   kind=command.kind, public_key_pem="", ceremony_id=ceremony.id if ceremony else None)
    round_.questions = _questions_for(meeting, command)
    public_key = vault.create(session, round_.id)
    round_.public_key_pem = public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    meeting.rounds.append(round_)
    session.flush()
    audit.record(session, meeting.id, actor, "round_created", round=round_.id, kind=command.kind.value,
                 questions=len(round_.questions))
    return round_


def _ensure_in_order(meeting: Meeting, kind: RoundKind) -> None:
    refusal = out_of_order(meeting, kind)
    if refusal is not None:
        raise conflict(*refusal)


def out_of_order(meeting: Meeting, kind: RoundKind) -> tuple[str, str] | None:
    """(code, message) if a round of this kind cannot come now. Rounds go in the order
    the rules read them: the members' classification first; a follow-up decides what a
    closed member round left open (docs/rules.md, “Vòng bỏ phiếu bổ sung”); the chi
    bộ's own level needs its members' results, which its standards count (II.B.1.3)."""
    if kind == RoundKind.CLASSIFICATION:
        return None
    classified = any(r.kind == RoundKind.CLASSIFICATION and is_counted(r) for r in meeting.rounds)
    if kind == RoundKind.FOLLOWUP and not classified:
        return ("classification_first",
                "Vòng bổ sung chỉ tạo được sau khi vòng xếp loại đảng viên đã kết thúc.")
    if kind == RoundKind.ORGANISATION and not classified and any(on_ballot(meeting, m) for m in meeting.members):
        return ("members_first", "Chi bộ tự xếp loại sau khi đã có kết quả xếp loại đảng viên: "
                "hãy tạo và kết thúc vòng xếp loại đảng viên trước.")
    return None


def quorum_refusal(meeting: Meeting) -> str | None:
    """Why no round may open now: a vote needs more than half the full members (Điều lệ Đảng)."""
    attendance = quorum(meeting)
    if attendance["reached"]:
        return None
    return ("Chưa mở được vòng bỏ phiếu: cần quá nửa đảng viên chính thức có mặt, hiện có "
            f"{attendance['full_members_present']}/{attendance['full_members_expected']} (Điều lệ Đảng).")


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
    refusal = quorum_refusal(round_.meeting)
    if refusal is not None:
        raise conflict("no_quorum", refusal)
    ceremony = trustees.current_ceremony(session, round_.meeting)
    if (ceremony.id if ceremony else None) != round_.ceremony_id:
        raise conflict("committee_changed", "Ban kiểm phiếu đã thay đổi sau khi tạo vòng này: "
                       "hãy xóa vòng và tạo lại.")
    if ceremony is not None and ceremony.confirmed_aloud_at is None:
        raise conflict("fingerprint_not_confirmed", "Các thành viên ban kiểm phiếu chưa đọc to mã khóa "
                       "và xác nhận khớp với màn chiếu; chưa mở được vòng.")
    round_.status = RoundStatus.OPEN
    round_.opened_at = utcnow()
    audit.record(session, round_.meeting_id, actor, "round_opened", round=round_.id)
    return round_


def delete_draft(session: Session, actor: str, round_: Round) -> None:
    """A draft round nobody could vote in yet, gone; the later rounds move up a number
    so the minutes count rounds without a gap. The caller destroys its key once this
    has committed."""
    meeting = round_.meeting
    ensure_editable(meeting)
    if round_.status != RoundStatus.DRAFT:
        raise conflict("round_not_draft", "Chỉ xóa được vòng chưa mở.")
    number = round_.number
    meeting.rounds.remove(round_)
    session.flush()
    for later in sorted((r for r in meeting.rounds if r.number > number), key=lambda r: r.number):
        later.number -= 1
        session.flush()
    audit.record(session, meeting.id, actor, "round_deleted", round=round_.id, number=number)


def close_round(session: Session, actor: str, round_: Round) -> Round:
    """Close the round; the caller destroys its key once this has committed."""
    ensure_editable(round_.meeting)
    if round_.status != RoundStatus.OPEN:
        raise conflict("round_not_open", "Vòng này không đang mở.")
    round_.status = RoundStatus.CLOSED
    round_.closed_at = utcnow()
    voting.forget_what_was_signed(session, round_)
    if round_.ceremony_id is not None:
        counting.start_counting(session, round_)  # the committee decrypts its totals
    else:
        # No ballot can arrive any more: counted once, not again for every screen,
        # proposal and bundle (a round of 1,000 ballots of 1,000 questions).
        round_.counts = ballot_box.count_ballots(session, round_)
    audit.record(session, round_.meeting_id, actor, "round_closed", round=round_.id,
                 ballots=ballot_box.ballot_count(session, round_.id))
    session.flush()
    return round_


def current_round(meeting: Meeting) -> Round | None:
    """The open round, else the latest closed one (so a phone sees that voting closed,
    or that its count is awaited)."""
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
