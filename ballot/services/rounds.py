"""Ballot rounds: create, open, sign blinded ballots, cast, close (DESIGN.md section 3).

The server sees a member only when it signs a blinded message, and a ballot only
when it arrives on a request that names nobody. Each round has its own RSA key;
its private half lives in a 0600 file in the data directory while the round is
open and is deleted when the round closes, so no ballot can be signed afterwards.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ballot.crypto import blind_rsa, canonical, tracking
from ballot.crypto.errors import CryptoError
from ballot.models import LEVELS, Ballot, Meeting, Member, Question, Round, SignatureIssuance, utcnow
from ballot.services import audit
from ballot.services.codes import new_id
from ballot.services.errors import conflict, forbidden, invalid, not_found
from ballot.services.meetings import ensure_editable, member_by_key

ORGANISATION_QUESTION = "chi_bo"
MAX_BALLOT_BYTES = 64 * 1024


class KeyVault:
    """Where the private keys of open rounds live: one 0600 PEM file per round
    (so a restarted server goes on signing), cached in memory while in use."""

    def __init__(self, directory: Path, bits: int = 2048) -> None:
        self.directory = directory
        self.bits = bits
        self._loaded: dict[str, blind_rsa.rsa.RSAPrivateKey] = {}

    def path(self, round_id: str) -> Path:
        return self.directory / f"round-{round_id}.pem"

    def create(self, round_id: str) -> blind_rsa.rsa.RSAPublicKey:
        self.directory.mkdir(parents=True, exist_ok=True)
        key = blind_rsa.generate_private_key(self.bits)
        fd = os.open(self.path(round_id), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(blind_rsa.private_key_to_pem(key))
            handle.flush()
            os.fsync(handle.fileno())
        return key.public_key()

    def load(self, round_id: str) -> blind_rsa.rsa.RSAPrivateKey:
        if round_id not in self._loaded:
            try:
                pem = self.path(round_id).read_bytes()
            except FileNotFoundError:
                raise conflict("round_key_gone", "Khóa của vòng này đã bị hủy.") from None
            self._loaded[round_id] = blind_rsa.private_key_from_pem(pem)
        return self._loaded[round_id]

    def destroy(self, round_id: str) -> None:
        self._loaded.pop(round_id, None)
        self.path(round_id).unlink(missing_ok=True)


# --- creating and opening ----------------------------------------------------------


def create_round(
    session: Session,
    vault: KeyVault,
    actor: str,
    meeting: Meeting,
    kind: str,
    member_keys: list[str] | None = None,
) -> Round:
    ensure_editable(meeting)
    if any(r.status == "open" for r in meeting.rounds):
        raise conflict("round_already_open", "Đang có một vòng bỏ phiếu mở; hãy kết thúc vòng đó trước.")
    number = len(meeting.rounds) + 1
    round_ = Round(id=new_id(), meeting_id=meeting.id, number=number, kind=kind, public_key_pem="")
    round_.questions = _questions_for(meeting, kind, member_keys)
    public_key = vault.create(round_.id)
    round_.public_key_pem = public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    meeting.rounds.append(round_)
    session.flush()
    audit.record(session, meeting.id, actor, "round_created", round=round_.id, kind=kind,
                 questions=len(round_.questions))
    return round_


def _questions_for(meeting: Meeting, kind: str, member_keys: list[str] | None) -> list[Question]:
    if kind == "organisation":
        if member_keys:
            raise invalid("unexpected_members", "Vòng xếp loại chi bộ không chọn đảng viên.")
        return [Question(key=ORGANISATION_QUESTION, position=0, label=meeting.branch_name)]
    if kind == "classification":
        if member_keys:
            raise invalid("unexpected_members", "Vòng xếp loại chính gồm mọi đảng viên được xếp loại.")
        members = [m for m in meeting.members if _on_ballot(meeting, m)]
    elif kind == "followup":
        if not member_keys or not isinstance(member_keys, list):
            raise invalid("members_required", "Vòng bổ sung cần chọn ít nhất một đảng viên.")
        members = [member_by_key(meeting, str(k)) for k in dict.fromkeys(member_keys)]
        for member in members:
            if not _on_ballot(meeting, member):
                raise invalid("member_not_classifiable",
                              f"{member.name} không thuộc diện xếp loại trong cuộc họp này.")
    else:
        raise invalid("bad_round_kind", "Loại vòng phải là classification, followup hoặc organisation.")
    if not members:
        raise invalid("nobody_to_classify", "Không có đảng viên nào để xếp loại.")
    return [
        Question(key=m.key, position=i, member_id=m.id, label=m.name)
        for i, m in enumerate(members)
    ]


def _on_ballot(meeting: Meeting, member: Member) -> bool:
    """Present and classifiable under the meeting's profile (DESIGN 2.1)."""
    from ballot.services.proposal import classifiable

    return member.present and classifiable(meeting, member)


def open_round(session: Session, actor: str, round_: Round) -> Round:
    ensure_editable(round_.meeting)
    if round_.status != "draft":
        raise conflict("round_not_draft", "Vòng này đã được mở trước đó.")
    if any(r.status == "open" for r in round_.meeting.rounds if r.id != round_.id):
        raise conflict("round_already_open", "Đang có một vòng bỏ phiếu khác mở.")
    round_.status = "open"
    round_.opened_at = utcnow()
    audit.record(session, round_.meeting_id, actor, "round_opened", round=round_.id)
    return round_


def close_round(session: Session, actor: str, round_: Round) -> Round:
    ensure_editable(round_.meeting)
    if round_.status != "open":
        raise conflict("round_not_open", "Vòng này không đang mở.")
    round_.status = "closed"
    round_.closed_at = utcnow()
    audit.record(session, round_.meeting_id, actor, "round_closed", round=round_.id,
                 ballots=ballot_count(session, round_.id))
    session.flush()
    # The key is destroyed by the caller once this has committed (Services.close_round).
    return round_


def get_round(session: Session, round_id: str) -> Round:
    round_ = session.get(Round, round_id) if isinstance(round_id, str) else None
    if round_ is None:
        raise not_found("vòng bỏ phiếu")
    return round_


# --- signing (the only step that knows the member) ----------------------------------


def may_vote(member: Member) -> bool:
    """Only full members present vote (DESIGN 2.3; ballot.rules.attendance)."""
    from ballot.rules.attendance import may_vote as scenario_member_may_vote
    from ballot.services.roster import member_scenario

    return scenario_member_may_vote(member_scenario(member))


def sign_blinded(
    session: Session, vault: KeyVault, round_: Round, member: Member, blinded_b64: Any
) -> bytes:
    ensure_editable(round_.meeting)
    if round_.status != "open":
        raise conflict("round_not_open", "Vòng bỏ phiếu không đang mở.")
    if member.meeting_id != round_.meeting_id:
        raise forbidden("wrong_meeting", "Bạn không thuộc cuộc họp của vòng này.")
    if not may_vote(member):
        raise forbidden("not_a_voter", "Bạn không có quyền biểu quyết trong vòng này "
                        "(chỉ đảng viên chính thức có mặt).")
    blinded = _decode(blinded_b64, "blinded")
    session.add(SignatureIssuance(round_id=round_.id, member_id=member.id))
    try:
        session.flush()
    except IntegrityError:
        raise conflict("already_signed", "Bạn đã nhận chữ ký cho vòng này rồi.") from None
    try:
        # The signature is returned only after the issuance row commits (the
        # caller's unit of work), so a crash cannot hand out a second one.
        return blind_rsa.blind_sign(vault.load(round_.id), blinded)
    except CryptoError as exc:
        raise invalid(exc.code, exc.message) from None


def has_signature(session: Session, round_id: str, member_id: int) -> bool:
    return session.scalar(
        select(SignatureIssuance.id).where(
            SignatureIssuance.round_id == round_id, SignatureIssuance.member_id == member_id
        )
    ) is not None


# --- casting (anonymous) -----------------------------------------------------------


@dataclass(frozen=True)
class CastResult:
    tracking_code: str
    created: bool


def cast_ballot(session: Session, round_: Round, body: Any) -> CastResult:
    text, prefix, signature = _ballot_parts(body)
    ballot = _parse_ballot(text, round_)
    digest = tracking.ballot_digest(prefix, text.encode(), signature)
    existing = session.get(Ballot, digest)
    if existing is not None and existing.round_id == round_.id:
        return CastResult(existing.tracking_code, created=False)  # a resend: idempotent
    ensure_editable(round_.meeting)
    if round_.status != "open":
        raise conflict("round_not_open", "Vòng bỏ phiếu đã kết thúc hoặc chưa mở.")
    public_key = serialization.load_pem_public_key(round_.public_key_pem.encode())
    try:
        blind_rsa.verify(public_key, prefix + text.encode(), signature)
    except CryptoError:
        raise invalid("bad_signature", "Chữ ký của phiếu không hợp lệ cho vòng này.") from None
    _check_choices(session, ballot, round_)
    if ballot_count(session, round_.id) >= participation_count(session, round_.id):
        raise conflict("over_participation", "Số phiếu không thể vượt số người đã nhận chữ ký.")
    code = tracking.tracking_code(prefix, text.encode(), signature)
    session.add(Ballot(digest=digest, round_id=round_.id, text=text, prefix=prefix,
                       signature=signature, tracking_code=code))
    try:
        session.flush()
    except IntegrityError:
        raise conflict("duplicate_ballot", "Phiếu này đã được ghi nhận.") from None
    return CastResult(code, created=True)


def _ballot_parts(body: Any) -> tuple[str, bytes, bytes]:
    if not isinstance(body, dict):
        raise invalid("bad_request", "Nội dung yêu cầu phải là một đối tượng JSON.")
    text = body.get("ballot")
    if not isinstance(text, str) or not text:
        raise invalid("missing_field", "Thiếu trường “ballot”.")
    if len(text.encode()) > MAX_BALLOT_BYTES:
        raise invalid("ballot_too_large", "Phiếu quá lớn.")
    return text, _decode(body.get("prefix"), "prefix"), _decode(body.get("signature"), "signature")


def _parse_ballot(text: str, round_: Round) -> dict[str, Any]:
    try:
        ballot = canonical.parse_canonical(text)
    except CryptoError as exc:
        raise invalid(exc.code, "Phiếu không ở dạng JSON chuẩn tắc (RFC 8785).") from None
    if set(ballot) != {"round", "choices", "nonce"} or not isinstance(ballot["choices"], dict) \
            or not isinstance(ballot["nonce"], str) or not ballot["nonce"]:
        raise invalid("bad_ballot", "Phiếu phải gồm đúng các trường round, choices, nonce.")
    if ballot["round"] != round_.id:
        raise invalid("wrong_round", "Phiếu này thuộc một vòng bỏ phiếu khác.")
    return ballot


def _check_choices(session: Session, ballot: dict[str, Any], round_: Round) -> None:
    # The keys alone (not a thousand Question objects) on every cast.
    keys = set(session.scalars(select(Question.key).where(Question.round_id == round_.id)))
    for question, option in ballot["choices"].items():
        if question not in keys:
            raise invalid("unknown_question", f"Phiếu có mục không thuộc vòng này: {question}.")
        if option not in LEVELS:
            raise invalid("unknown_option", f"Mức xếp loại không hợp lệ: {option}.")


def _decode(value: Any, field: str) -> bytes:
    from ballot.crypto.encoding import b64url_decode

    if not isinstance(value, str) or not value:
        raise invalid("missing_field", f"Thiếu trường “{field}”.")
    try:
        return b64url_decode(value)
    except CryptoError:
        raise invalid("bad_base64", f"Trường “{field}” không phải base64url hợp lệ.") from None


# --- counting ------------------------------------------------------------------------


def ballot_count(session: Session, round_id: str) -> int:
    return session.scalar(select(func.count()).select_from(Ballot).where(Ballot.round_id == round_id)) or 0


def participation_count(session: Session, round_id: str) -> int:
    return session.scalar(
        select(func.count()).select_from(SignatureIssuance).where(SignatureIssuance.round_id == round_id)
    ) or 0


def tracking_codes(session: Session, round_id: str) -> list[str]:
    return sorted(session.scalars(select(Ballot.tracking_code).where(Ballot.round_id == round_id)))


def tally(session: Session, round_: Round) -> dict[str, Any]:
    """Votes per question and level; a blank is an abstention (DESIGN 2.3)."""
    texts = session.scalars(select(Ballot.text).where(Ballot.round_id == round_.id))
    pairs: Counter[tuple[str, str]] = Counter()  # (question, level) -> votes
    ballots = 0
    for text in texts:
        ballots += 1
        # Stored texts were checked canonical, and their choices valid, when cast
        # (cast_ballot); the plain parser reads them fifteen times faster, and
        # Counter.update counts a ballot's pairs in C. The verifier re-checks a
        # bundle's ballots strictly (ballot.report). The host console recounts
        # on every update, so this runs often with many ballots.
        pairs.update(json.loads(text)["choices"].items())
    return {
        "ballots": ballots,
        "votes": {q.key: {level: pairs[(q.key, level)] for level in LEVELS} for q in round_.questions},
    }
