"""Counting an encrypted round (docs/encrypted-ballots.md, sections 8 and 14): the
encrypted tally at close, the trustees' decryption shares, their combination into
counts, and voiding a round the committee cannot count.

No ballot is ever decrypted here or anywhere: the server adds ciphertexts, and only
the totals are decrypted, by `t` trustees' shares each with a proof.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ballot.crypto import threshold
from ballot.crypto.canonical import canonical_json
from ballot.crypto.committee import Committee, context_hash, open_envelope, verify_committee
from ballot.crypto.encrypted_ballot import EncryptedTally
from ballot.crypto.errors import CryptoError
from ballot.crypto.ristretto import Element
from ballot.services import audit, trustees
from ballot.services.errors import conflict, forbidden, invalid
from ballot.services.guards import ensure_editable
from ballot.services.phases import is_counting
from ballot.store.models import Ballot, CommitteeCeremony, DecryptionShare, Round, Trustee, utcnow


def committee_of(session: Session, round_: Round) -> Committee:
    """The committee the round's ballots are encrypted to, checked from its record."""
    ceremony = session.get(CommitteeCeremony, round_.ceremony_id)
    return verify_committee(trustees.transcript(session, ceremony))


def question_ids(round_: Round) -> list[str]:
    return [q.key for q in round_.questions]


def start_counting(session: Session, round_: Round) -> None:
    """At close: the round's ballots added into its encrypted tally (checked when cast)."""
    ceremony = session.get(CommitteeCeremony, round_.ceremony_id)
    key = Element.from_b64(ceremony.joint_key)
    texts = session.scalars(select(Ballot.text).where(Ballot.round_id == round_.id))
    tally = EncryptedTally.of_checked(round_.id, key, question_ids(round_), (json.loads(t) for t in texts))
    round_.encrypted_tally = canonical_json(tally.to_json()).decode()


def tally_of(round_: Round) -> EncryptedTally:
    return EncryptedTally.from_json(json.loads(round_.encrypted_tally or "null"))


def shares_of(session: Session, round_: Round) -> list[DecryptionShare]:
    return list(session.scalars(
        select(DecryptionShare).where(DecryptionShare.round_id == round_.id)
        .order_by(DecryptionShare.trustee_index)
    ))


def receive_share(session: Session, trustee: Trustee, round_: Round, envelope: Any) -> None:
    """A trustee's partial decryption: kept whatever it is (a refused one names its
    trustee on the console); the t-th valid one gives the counts."""
    ensure_editable(round_.meeting)
    if round_.ceremony_id != trustee.ceremony_id:
        raise forbidden("not_this_committee", "Đồng chí không thuộc ban kiểm phiếu của vòng này.")
    if not is_counting(round_):
        raise conflict("not_counting", "Vòng này không chờ giải mã.")
    committee, tally = committee_of(session, round_), tally_of(round_)
    _check_signed(committee, trustee, envelope)
    existing = session.get(DecryptionShare, (round_.id, trustee.index))
    if existing is not None and existing.refused is None:
        if json.loads(existing.envelope) == envelope:
            return  # sent again after a reload
        raise conflict("already_sent", "Thành viên này đã gửi phần giải mã hợp lệ cho vòng này.")
    refused = None
    try:
        threshold.check_partial_decryption(committee, tally, envelope)
    except CryptoError as exc:
        refused = exc.message
    text = canonical_json(envelope).decode()
    if existing is None:
        session.add(DecryptionShare(round_id=round_.id, trustee_index=trustee.index, envelope=text,
                                    refused=refused))
    else:
        existing.envelope, existing.refused = text, refused
    session.flush()
    audit.record(session, round_.meeting_id, f"trustee:{trustee.index}", "decryption_share",
                 round=round_.id, accepted=refused is None)
    if refused is None:
        _combine_if_enough(session, round_, committee, tally)


def _check_signed(committee: Committee, trustee: Trustee, envelope: Any) -> None:
    """Only a share the trustee signed is kept (and, if its proofs fail, named on the
    console as theirs): anything else is refused and stores nothing, so that whoever holds
    a trustee's cookie cannot put a wrong share under their name."""
    message = envelope.get("message") if isinstance(envelope, dict) else None
    if not isinstance(message, dict) or message.get("trustee") != trustee.index:
        raise invalid("bad_share", "Phần giải mã phải là thông điệp có chữ ký của chính thành viên này.",
                      field="envelope")
    try:
        open_envelope(envelope, committee.sign_keys[trustee.index], kind="partial-decryption",
                      ctx=context_hash(committee.context), who=trustee.index)
    except CryptoError:
        raise invalid("bad_share", "Phần giải mã không mang chữ ký đúng của thành viên này.",
                      field="envelope") from None


def _combine_if_enough(session: Session, round_: Round, committee: Committee, tally: EncryptedTally) -> None:
    accepted = [json.loads(s.envelope) for s in shares_of(session, round_) if s.refused is None]
    if len(accepted) < committee.t:
        return
    decryption = threshold.combine(committee, tally, accepted)
    round_.counts = {"ballots": tally.ballots, "votes": decryption.counts, "trustees": decryption.used}
    audit.record(session, round_.meeting_id, "server", "round_counted", round=round_.id,
                 trustees=decryption.used)


def void(session: Session, actor: str, round_: Round) -> None:
    """A round the committee cannot count: its ballots stay in the record, uncounted."""
    ensure_editable(round_.meeting)
    if not is_counting(round_):
        raise conflict("not_counting", "Chỉ hủy được vòng đang chờ ban kiểm phiếu giải mã.")
    round_.voided_at = utcnow()
    audit.record(session, round_.meeting_id, actor, "round_voided", round=round_.id)


def decryption_view(session: Session, round_: Round) -> dict[str, Any]:
    """Who has sent a share, who was refused and why (the console)."""
    shares = shares_of(session, round_)
    ceremony = session.get(CommitteeCeremony, round_.ceremony_id)
    return {
        "needed": ceremony.t,
        "shares": [s.trustee_index for s in shares if s.refused is None],
        "refused": [{"index": s.trustee_index, "reason": s.refused} for s in shares if s.refused is not None],
    }
