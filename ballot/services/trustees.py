"""The counting committee (ban kiểm phiếu) in the meeting: designating its trustees,
relaying and checking their key-generation messages, and the reading aloud of the
fingerprint (docs/encrypted-ballots.md, sections 4 and 14).

The server holds no secret of the committee: it stores the signed envelopes as the
trustees sent them, checks each on arrival so that a bad one is refused at once with
the trustee named, and runs `verify_committee` itself only to tell the console the
ceremony is complete. Every phone and the projector check the transcript themselves.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ballot.crypto import committee as crypto
from ballot.crypto.canonical import canonical_json
from ballot.crypto.encoding import b64url_decode, b64url_encode
from ballot.crypto.errors import CryptoError
from ballot.services import audit
from ballot.services.codes import new_id
from ballot.services.errors import conflict, forbidden, invalid
from ballot.services.guards import ensure_editable
from ballot.services.phases import is_counting
from ballot.services.scenario import may_vote
from ballot.store.models import CeremonyMessage, CommitteeCeremony, Meeting, Member, Trustee, utcnow
from ballot.vocabulary import RoundStatus

RUNNING, COMPLETE, FAILED = "running", "complete", "failed"
KINDS = ("announce", "dealing", "confirmation", "complaint")
TRANSCRIPT_LISTS = {"announce": "announcements", "dealing": "dealings",
                    "confirmation": "confirmations", "complaint": "complaints"}


def current_ceremony(session: Session, meeting: Meeting) -> CommitteeCeremony | None:
    """The meeting's latest ceremony: the one new rounds are encrypted to."""
    return session.scalars(
        select(CommitteeCeremony).where(CommitteeCeremony.meeting_id == meeting.id)
        .order_by(CommitteeCeremony.number.desc()).limit(1)
    ).first()


def designate(session: Session, actor: str, meeting: Meeting, member_keys: list[str], t: int) -> CommitteeCeremony:
    """A new committee and its ceremony; an earlier ceremony stays in the record."""
    ensure_editable(meeting)
    waiting = [r for r in meeting.rounds if r.status == RoundStatus.OPEN or is_counting(r)]
    if waiting:
        raise conflict("round_in_progress", "Không đổi được ban kiểm phiếu khi một vòng bỏ phiếu đang mở "
                       "hoặc đang chờ kiểm phiếu.")
    keys = list(dict.fromkeys(member_keys))
    if len(keys) != len(member_keys):
        raise invalid("trustee_twice", "Một đảng viên được chọn hai lần vào ban kiểm phiếu.", field="member_ids")
    if not 1 <= len(keys) <= crypto.MAX_TRUSTEES:
        raise invalid("trustee_count", f"Ban kiểm phiếu có từ 1 đến {crypto.MAX_TRUSTEES} thành viên.",
                      field="member_ids")
    if not 1 <= t <= len(keys):
        raise invalid("threshold", "Số thành viên cần để giải mã phải từ 1 đến số thành viên của ban.",
                      field="threshold")
    by_key = {m.key: m for m in meeting.members}
    unknown = [key for key in keys if key not in by_key]
    if unknown:
        raise invalid("unknown_member", f"Không có đảng viên mã “{unknown[0]}” trong danh sách.", field="member_ids")
    members = [by_key[key] for key in keys]
    for member in members:
        if not may_vote(member):
            raise invalid("trustee_not_present", f"{member.name} không phải đảng viên chính thức có mặt.",
                          field="member_ids")
    previous = current_ceremony(session, meeting)
    ceremony = CommitteeCeremony(id=new_id(), meeting_id=meeting.id,
                                 number=(previous.number + 1) if previous else 1, n=len(keys), t=t,
                                 state=RUNNING, context="")
    ceremony.context = canonical_json(
        {"ceremony": ceremony.id, "meeting": meeting.id, "n": len(keys), "t": t}).decode()
    ceremony.trustees = [Trustee(index=i + 1, member_id=m.id) for i, m in enumerate(members)]
    session.add(ceremony)
    if not meeting.counting_committee:
        # The minutes' "Ban kiểm phiếu" is this committee unless the host named another.
        meeting.counting_committee = [m.name for m in members]
    if previous is not None and previous.state == RUNNING:
        previous.state, previous.failure = FAILED, "Ban kiểm phiếu đã được chọn lại."
    session.flush()
    audit.record(session, meeting.id, actor, "committee_designated", ceremony=ceremony.id, n=len(keys), t=t,
                 members=keys)
    return ceremony


def trustee_of(session: Session, member: Member) -> Trustee | None:
    """The member's seat on the meeting's current committee, if any."""
    ceremony = current_ceremony(session, member.meeting)
    if ceremony is None:
        return None
    return next((tr for tr in ceremony.trustees if tr.member_id == member.id), None)


def context_of(ceremony: CommitteeCeremony) -> dict[str, Any]:
    return json.loads(ceremony.context)


def messages(session: Session, ceremony: CommitteeCeremony) -> list[CeremonyMessage]:
    return list(session.scalars(
        select(CeremonyMessage).where(CeremonyMessage.ceremony_id == ceremony.id)
        .order_by(CeremonyMessage.kind, CeremonyMessage.trustee_index, CeremonyMessage.against)
    ))


def transcript(session: Session, ceremony: CommitteeCeremony) -> dict[str, Any]:
    """The ceremony's public record as `verify_committee` reads it (each list by sender)."""
    out: dict[str, Any] = {"context": context_of(ceremony), **{name: [] for name in TRANSCRIPT_LISTS.values()}}
    for message in messages(session, ceremony):
        out[TRANSCRIPT_LISTS[message.kind]].append(json.loads(message.envelope))
    return out


def receive(session: Session, trustee: Trustee, envelope: Any) -> None:
    """Store one of the trustee's signed messages after checking it; completes or fails
    the ceremony when the last one arrives."""
    ceremony = trustee.ceremony
    meeting = session.get(Meeting, ceremony.meeting_id)
    ensure_editable(meeting)
    if ceremony.state != RUNNING:
        raise conflict("ceremony_over", "Lễ tạo khóa này đã kết thúc; không nhận thêm thông điệp.")
    message = envelope.get("message") if isinstance(envelope, dict) else None
    kind = message.get("type") if isinstance(message, dict) else None
    if kind not in KINDS:
        raise invalid("bad_message", "Thông điệp của ban kiểm phiếu không đúng dạng.", field="envelope")
    if message.get("trustee") != trustee.index:
        raise forbidden("other_trustee", "Điện thoại này chỉ gửi được thông điệp của chính thành viên mình.")
    against = _complaint_target(message, trustee.index, ceremony.n) if kind == "complaint" else 0
    record = transcript(session, ceremony)
    existing = session.get(CeremonyMessage, (ceremony.id, trustee.index, kind, against))
    if existing is not None:
        if json.loads(existing.envelope) == envelope:
            return  # the same message again (a reload): nothing new
        raise conflict("already_sent", "Thành viên này đã gửi thông điệp này rồi.")
    _check(record, kind, envelope, trustee.index)
    session.add(CeremonyMessage(ceremony_id=ceremony.id, trustee_index=trustee.index, kind=kind,
                                against=against, envelope=canonical_json(envelope).decode()))
    session.flush()
    record[TRANSCRIPT_LISTS[kind]].append(envelope)
    _settle(session, ceremony, record)


def _complaint_target(message: dict[str, Any], sender: int, n: int) -> int:
    """The dealer a complaint names, if it has a complaint's shape (docs/encrypted-ballots.md,
    4.2): another trustee's index, the disclosed key and its proof."""
    against = message.get("against")
    if (not isinstance(against, int) or isinstance(against, bool) or not 1 <= against <= n
            or against == sender or not isinstance(message.get("key"), str)
            or not isinstance(message.get("proof"), str)):
        raise invalid("bad_message", "Khiếu nại phải nêu một thành viên khác của ban, kèm khóa và bằng chứng.",
                      field="envelope")
    return against


def _check(record: dict[str, Any], kind: str, envelope: dict[str, Any], index: int) -> None:
    context, n = record["context"], record["context"]["n"]
    try:
        if kind == "announce":
            crypto.check_announcement(context, envelope, index)
            return
        if len(record["announcements"]) < n:
            raise conflict("too_early", "Chưa đủ khóa công khai của các thành viên; hãy đợi.")
        keys = crypto.check_announcements(context, record["announcements"])
        if kind == "dealing":
            crypto.check_dealing(context, keys, envelope, index)
            return
        if len(record["dealings"]) < n:
            raise conflict("too_early", "Chưa đủ phần chia khóa của các thành viên; hãy đợi.")
        crypto.open_envelope(envelope, keys[index].sign_key, kind=kind,
                             ctx=crypto.context_hash(context), who=index)
        # A complaint is checked (and its culprit named) when the ceremony settles.
    except CryptoError as exc:
        raise invalid("bad_message", exc.message or "Thông điệp của ban kiểm phiếu không hợp lệ.",
                      field="envelope") from None


def _settle(session: Session, ceremony: CommitteeCeremony, record: dict[str, Any]) -> None:
    """Complete with the n-th confirmation; fail on a complaint (verify_committee names
    the trustee at fault) or on confirmations of different records."""
    if not record["complaints"] and len(record["confirmations"]) < ceremony.n:
        return
    try:
        committee = crypto.verify_committee(record)
    except CryptoError as exc:
        _fail(session, ceremony, exc.message or "Lễ tạo khóa thất bại: hồ sơ khóa không khớp.")
        return
    ceremony.state = COMPLETE
    ceremony.joint_key = committee.joint_key.b64()
    ceremony.fingerprint = b64url_encode(committee.fingerprint)
    audit.record(session, ceremony.meeting_id, "server", "committee_complete", ceremony=ceremony.id,
                 fingerprint=committee.short_fingerprint)


def _fail(session: Session, ceremony: CommitteeCeremony, reason: str) -> None:
    ceremony.state, ceremony.failure = FAILED, reason
    audit.record(session, ceremony.meeting_id, "server", "committee_failed", ceremony=ceremony.id, reason=reason)


def confirm_aloud(session: Session, actor: str, meeting: Meeting) -> CommitteeCeremony:
    """The host records that every trustee read the short fingerprint on their phone
    aloud and that it matched the projector's (section 4.3)."""
    ensure_editable(meeting)
    ceremony = current_ceremony(session, meeting)
    if ceremony is None or ceremony.state != COMPLETE:
        raise conflict("committee_not_ready", "Ban kiểm phiếu chưa tạo xong khóa chung.")
    if ceremony.confirmed_aloud_at is None:
        ceremony.confirmed_aloud_at = utcnow()
        audit.record(session, meeting.id, actor, "committee_confirmed_aloud", ceremony=ceremony.id,
                     fingerprint=crypto.short_fingerprint(_fingerprint_bytes(ceremony)))
    return ceremony


def _fingerprint_bytes(ceremony: CommitteeCeremony) -> bytes:
    return b64url_decode(ceremony.fingerprint or "")


def short_fingerprint(ceremony: CommitteeCeremony) -> str | None:
    return crypto.short_fingerprint(_fingerprint_bytes(ceremony)) if ceremony.fingerprint else None


def ready_for_rounds(ceremony: CommitteeCeremony | None) -> tuple[str, str] | None:
    """(code, message) if rounds cannot be encrypted to this committee yet."""
    if ceremony is None:
        return None
    if ceremony.state == FAILED:
        return ("committee_failed", "Lễ tạo khóa của ban kiểm phiếu đã thất bại: hãy chọn lại ban kiểm phiếu.")
    if ceremony.state != COMPLETE:
        return ("committee_not_ready", "Ban kiểm phiếu chưa tạo xong khóa chung: hãy đợi các thành viên.")
    return None


def progress(session: Session, ceremony: CommitteeCeremony) -> dict[int, set[str]]:
    """Which messages each trustee has sent."""
    sent: dict[int, set[str]] = {tr.index: set() for tr in ceremony.trustees}
    for message in messages(session, ceremony):
        sent.setdefault(message.trustee_index, set()).add(message.kind)
    return sent
