"""Signing and casting (docs/protocol.md, “Signing” and “Casting”).

The server sees a member only when it signs a blinded message, and a ballot only
when it arrives on a request that names nobody. Signing is the only step that
knows the member; casting never does.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import serialization
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ballot.crypto import blind_rsa, canonical, tracking
from ballot.crypto.encrypted_ballot import check_encrypted_ballot
from ballot.crypto.errors import CryptoError
from ballot.crypto.ristretto import Element
from ballot.services import ballot_box
from ballot.services.commands import CastBallot
from ballot.services.errors import conflict, forbidden, invalid
from ballot.services.guards import ensure_editable
from ballot.services.scenario import may_vote
from ballot.store.keyvault import RoundKeyGone, RoundKeyStore
from ballot.store.models import Ballot, CommitteeCeremony, Member, Question, Round, SignatureIssuance
from ballot.vocabulary import LEVEL_CODES, RoundStatus


def sign_blinded(session: Session, vault: RoundKeyStore, round_: Round, member: Member, blinded: bytes) -> bytes:
    """The blind signature for this member's one ballot of the round. Asked again with
    the same blinded message (its answer was lost), the same signature is answered
    and nothing new is issued; a different message is refused (docs/protocol.md,
    “The signing request”)."""
    ensure_editable(round_.meeting)
    if round_.status != RoundStatus.OPEN:
        raise conflict("round_not_open", "Vòng bỏ phiếu không đang mở.")
    if member.meeting_id != round_.meeting_id:
        raise forbidden("wrong_meeting", "Đồng chí không thuộc cuộc họp của vòng này.")
    if not may_vote(member):
        raise forbidden("not_a_voter", "Đồng chí không có quyền biểu quyết trong vòng này "
                        "(chỉ đảng viên chính thức có mặt).")
    digest = hashlib.sha256(blinded).digest()
    issued = session.get(SignatureIssuance, (round_.id, member.id))
    if issued is not None:
        if issued.blinded_digest is not None and hmac.compare_digest(issued.blinded_digest, digest):
            return issued.blind_signature  # the same request again: the same answer
        raise conflict("already_signed", "Đồng chí đã nhận chữ ký cho vòng này rồi.")
    try:
        signature = blind_rsa.blind_sign(vault.load(session, round_.id), blinded)
    except RoundKeyGone:
        raise conflict("round_key_gone", "Khóa của vòng này đã bị hủy.") from None
    except CryptoError as exc:
        raise invalid(exc.code, exc.message, field="blinded") from None
    session.add(SignatureIssuance(round_id=round_.id, member_id=member.id,
                                  blinded_digest=digest, blind_signature=signature))
    try:
        # Returned only after the issuance row commits (the caller's unit of work):
        # a crash before then hands out nothing.
        session.flush()
    except IntegrityError:
        raise conflict("already_signed", "Đồng chí đã nhận chữ ký cho vòng này rồi.") from None
    return signature


def forget_what_was_signed(session: Session, round_: Round) -> None:
    """At close: the blinded messages and blind signatures kept for resending are
    erased; the sign-in sheet keeps only who signed."""
    session.execute(
        update(SignatureIssuance).where(SignatureIssuance.round_id == round_.id)
        .values(blinded_digest=None, blind_signature=None)
    )


@dataclass(frozen=True)
class CastResult:
    tracking_code: str
    created: bool


@dataclass(frozen=True)
class EncryptedForm:
    """What checking an encrypted ballot needs, read before the cast's unit of work, so
    that its proofs (most of a cast's cost: 0.65 s at 200 members) are checked while no
    writer waits (docs/encrypted-ballots.md, 14 "Casting")."""

    round_id: str
    public_key_pem: str
    joint_key: str
    question_ids: tuple[str, ...]


class RoundQuestions:
    """Each round's question keys in ballot order, and whether its ballots are
    plaintext, read once per process: both are fixed when the round is made
    (services/rounds.py) and its id is never reused, so no commit of any process can
    make this stale. A cast then checks its choices without loading a thousand rows,
    and a plaintext ballot goes straight to its unit of work (bench/meeting_load.py,
    N = 1,000)."""

    def __init__(self, size: int = 64) -> None:
        self._keys: OrderedDict[str, tuple[str, ...]] = OrderedDict()
        self._plaintext: OrderedDict[str, None] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def plaintext(self, round_id: str) -> bool:
        """Known to take plaintext ballots (False: encrypted, or not read yet)."""
        return round_id in self._plaintext

    def note_plaintext(self, round_id: str) -> None:
        self._remember(self._plaintext, round_id, None)

    def keys(self, session: Session, round_id: str) -> tuple[str, ...]:
        with self._lock:
            if round_id in self._keys:
                self._keys.move_to_end(round_id)
                return self._keys[round_id]
        keys = tuple(session.scalars(select(Question.key).where(Question.round_id == round_id)
                                     .order_by(Question.position)))
        self._remember(self._keys, round_id, keys)
        return keys

    def _remember(self, cache: OrderedDict[str, Any], round_id: str, value: Any) -> None:
        with self._lock:
            cache[round_id] = value
            cache.move_to_end(round_id)
            while len(cache) > self._size:
                cache.popitem(last=False)


def encrypted_form(session: Session, round_: Round, questions: RoundQuestions) -> EncryptedForm | None:
    """An open encrypted round's form; None for any other round (checked in full in the
    cast's unit of work)."""
    if round_.ceremony_id is None:
        questions.note_plaintext(round_.id)
        return None
    if round_.status != RoundStatus.OPEN:
        return None
    ceremony = session.get(CommitteeCeremony, round_.ceremony_id)
    return EncryptedForm(round_.id, round_.public_key_pem, ceremony.joint_key, questions.keys(session, round_.id))


def already_stored(session: Session, round_id: str, command: CastBallot) -> bool:
    """Whether this very signed ballot is stored in the round (a resend)."""
    digest = tracking.ballot_digest(command.prefix, command.ballot.encode(), command.signature)
    stored = session.get(Ballot, digest)
    return stored is not None and stored.round_id == round_id


def check_encrypted_cast(form: EncryptedForm, command: CastBallot) -> None:
    """The cast's signature (cheap, first: an unsigned ballot costs no proof check), then
    every proof of the ballot. Pure: runs in a worker thread beside the server's loop."""
    try:
        ballot = canonical.parse_canonical(command.ballot)
    except CryptoError as exc:
        raise invalid(exc.code, "Phiếu không ở dạng JSON chuẩn tắc (RFC 8785).", field="ballot") from None
    public_key = serialization.load_pem_public_key(form.public_key_pem.encode())
    try:
        blind_rsa.verify(public_key, command.prefix + command.ballot.encode(), command.signature)
    except CryptoError:
        raise invalid("bad_signature", "Chữ ký của phiếu không hợp lệ cho vòng này.", field="signature") from None
    try:
        check_encrypted_ballot(ballot, round_id=form.round_id, question_ids=form.question_ids,
                               key=Element.from_b64(form.joint_key))
    except CryptoError as exc:
        raise invalid("bad_encrypted_ballot", exc.message, field="ballot") from None


def cast_ballot(session: Session, round_: Round, command: CastBallot, questions: RoundQuestions, *,
                proofs_checked: bool = False) -> CastResult:
    """Store a signed ballot once. `proofs_checked`: its encrypted ballot's proofs were
    checked against this open round's form (check_encrypted_cast) just before."""
    text, prefix, signature = command.ballot.encode(), command.prefix, command.signature
    ballot = _parse_ballot(command.ballot, round_)
    digest = tracking.ballot_digest(prefix, text, signature)
    existing = session.get(Ballot, digest)
    if existing is not None and existing.round_id == round_.id:
        return CastResult(existing.tracking_code, created=False)  # a resend: idempotent
    ensure_editable(round_.meeting)
    if round_.status != RoundStatus.OPEN:
        raise conflict("round_not_open", "Vòng bỏ phiếu đã kết thúc hoặc chưa mở.")
    public_key = serialization.load_pem_public_key(round_.public_key_pem.encode())
    try:
        blind_rsa.verify(public_key, prefix + text, signature)
    except CryptoError:
        raise invalid("bad_signature", "Chữ ký của phiếu không hợp lệ cho vòng này.",
                      field="signature") from None
    keys = questions.keys(session, round_.id)
    nonce = (_check_encrypted(session, ballot, round_, keys, proofs=not proofs_checked) if round_.ceremony_id
             else _check_choices(ballot, frozenset(keys)))
    if ballot_box.ballot_count(session, round_.id) >= ballot_box.participation_count(session, round_.id):
        raise conflict("over_participation", "Số phiếu không thể vượt số người đã nhận chữ ký.")
    code = tracking.tracking_code(prefix, text, signature)
    session.add(Ballot(digest=digest, round_id=round_.id, text=command.ballot, prefix=prefix,
                       signature=signature, tracking_code=code, nonce=nonce))
    try:
        session.flush()
    except IntegrityError:
        raise conflict("duplicate_ballot", "Phiếu này (hoặc một bản sao của nó) đã được ghi nhận.") from None
    return CastResult(code, created=True)


def _parse_ballot(text: str, round_: Round) -> dict[str, Any]:
    try:
        ballot = canonical.parse_canonical(text)
    except CryptoError as exc:
        raise invalid(exc.code, "Phiếu không ở dạng JSON chuẩn tắc (RFC 8785).", field="ballot") from None
    fields = {"round", "choices", "nonce", "key"} if round_.ceremony_id else {"round", "choices", "nonce"}
    if not isinstance(ballot, dict) or set(ballot) != fields \
            or not isinstance(ballot["choices"], dict) \
            or not isinstance(ballot["nonce"], str) or not ballot["nonce"]:
        raise invalid("bad_ballot", f"Phiếu phải gồm đúng các trường {', '.join(sorted(fields))}.",
                      field="ballot")
    if ballot["round"] != round_.id:
        raise invalid("wrong_round", "Phiếu này thuộc một vòng bỏ phiếu khác.", field="ballot")
    return ballot


def _check_encrypted(session: Session, ballot: dict[str, Any], round_: Round, keys: tuple[str, ...],
                     proofs: bool = True) -> str:
    """Every proof under the committee's joint key, for exactly the round's questions
    (docs/encrypted-ballots.md, 6); the nonce, which the stored ballot keeps unique.
    `proofs=False`: this very text passed check_encrypted_cast for this open round, so
    only its key and questions are compared again, as written (one spelling each), and
    nothing is decoded a second time while the writer's lock is held."""
    ceremony = session.get(CommitteeCeremony, round_.ceremony_id)
    if not proofs:
        if ballot["key"] != ceremony.joint_key or set(ballot["choices"]) != set(keys):
            raise invalid("bad_encrypted_ballot", "Phiếu không được mã hóa cho đúng các mục và khóa chung "
                          "của vòng này.", field="ballot")
        return ballot["nonce"]
    try:
        check_encrypted_ballot(ballot, round_id=round_.id, question_ids=list(keys),
                               key=Element.from_b64(ceremony.joint_key))
    except CryptoError as exc:
        raise invalid("bad_encrypted_ballot", exc.message, field="ballot") from None
    return ballot["nonce"]


_LEVEL_SET = frozenset(LEVEL_CODES)


def _check_choices(ballot: dict[str, Any], keys: frozenset[str]) -> None:
    choices = ballot["choices"]
    try:  # a thousand choices compared at C speed; a bad one is named below
        if choices.keys() <= keys and _LEVEL_SET.issuperset(choices.values()):
            return
    except TypeError:
        pass  # an option that is a list or an object
    for question, option in choices.items():
        if question not in keys:
            raise invalid("unknown_question", f"Phiếu có mục không thuộc vòng này: {question}.",
                          field="ballot")
        if option not in LEVEL_CODES:
            raise invalid("unknown_option", f"Mức xếp loại không hợp lệ: {option}.", field="ballot")
