"""What the ballot box and the sign-in sheet hold, read from storage: counts,
tracking codes, tallies, and who received a signature (never who cast what).
Queries only; nothing here writes."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from ballot.store.models import Ballot, Member, Round, SignatureIssuance
from ballot.vocabulary import LEVEL_CODES

# Built once: every cast and every live update reads both counts, and building a
# statement costs SQLAlchemy as much as running it (bench/README.md).
_BALLOT_COUNT = select(func.count()).select_from(Ballot).where(Ballot.round_id == bindparam("round_id"))
_PARTICIPATION_COUNT = (select(func.count()).select_from(SignatureIssuance)
                        .where(SignatureIssuance.round_id == bindparam("round_id")))


def ballot_count(session: Session, round_id: str) -> int:
    return session.scalar(_BALLOT_COUNT, {"round_id": round_id}) or 0


def participation_count(session: Session, round_id: str) -> int:
    return session.scalar(_PARTICIPATION_COUNT, {"round_id": round_id}) or 0


def tracking_codes(session: Session, round_id: str) -> list[str]:
    """Sorted, so that the board's order carries no timing (docs/protocol.md,
    “Bulletin board”)."""
    return sorted(session.scalars(select(Ballot.tracking_code).where(Ballot.round_id == round_id)))


def has_signature(session: Session, round_id: str, member_id: int) -> bool:
    return session.scalar(
        select(SignatureIssuance.member_id).where(
            SignatureIssuance.round_id == round_id, SignatureIssuance.member_id == member_id
        )
    ) is not None


def has_signed_any(session: Session, member: Member) -> bool:
    """Whether the member took a ballot in any round: the sign-in sheet says they were here."""
    return session.scalar(
        select(SignatureIssuance.member_id).where(SignatureIssuance.member_id == member.id).limit(1)
    ) is not None


def signed_member_keys(session: Session, round_id: str) -> list[str]:
    """The sign-in sheet of a round: roster ids of those who received a signature,
    sorted by id (not in the order they signed)."""
    return sorted(session.scalars(
        select(Member.key).join(SignatureIssuance, SignatureIssuance.member_id == Member.id)
        .where(SignatureIssuance.round_id == round_id)
    ))


def stored_ballots(session: Session, round_id: str) -> list[Ballot]:
    return list(session.scalars(select(Ballot).where(Ballot.round_id == round_id)))


def tally(session: Session, round_: Round) -> dict[str, Any]:
    """Votes per question and level; a blank is an abstention (docs/rules.md,
    “Counting”). A closed round's are its stored counts: a plaintext round's counted at
    its close, an encrypted round's as its committee decrypted them
    (docs/encrypted-ballots.md, 8); the verifier counts the bundle's ballots again."""
    if round_.counts is not None or round_.ceremony_id is not None:
        counts = round_.counts or {}
        return {"ballots": counts.get("ballots", 0), "votes": counts.get("votes", {})}
    return count_ballots(session, round_)


def count_ballots(session: Session, round_: Round) -> dict[str, Any]:
    """A plaintext round's ballots counted: once at its close, when its counts are
    stored (a round closed by an earlier version is counted each time it is read)."""
    texts = session.scalars(select(Ballot.text).where(Ballot.round_id == round_.id))
    pairs: Counter[tuple[str, str]] = Counter()  # (question, level) -> votes
    ballots = 0
    for text in texts:
        ballots += 1
        # Stored texts were checked canonical, and their choices valid, when cast
        # (services.voting); the plain parser reads them fifteen times faster, and
        # Counter.update counts a ballot's pairs in C. The verifier re-checks a
        # bundle's ballots strictly (ballot.report.verify).
        pairs.update(json.loads(text)["choices"].items())
    return {
        "ballots": ballots,
        "votes": {q.key: {level: pairs[(q.key, level)] for level in LEVEL_CODES} for q in round_.questions},
    }
