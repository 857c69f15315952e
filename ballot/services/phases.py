"""Where a round is in its life, as the screens and the rules read it
(docs/encrypted-ballots.md, 14). The stored status is draft, open or closed; an
encrypted round that is closed waits for the counting committee ("counting") until
its counts are decrypted ("closed"), or is voided by the host ("void")."""

from __future__ import annotations

from ballot.store.models import Round
from ballot.vocabulary import RoundPhase, RoundStatus


def is_counting(round_: Round) -> bool:
    """Closed to ballots, encrypted, and neither decrypted nor voided yet."""
    return (round_.status == RoundStatus.CLOSED and round_.ceremony_id is not None
            and round_.counts is None and round_.voided_at is None)


def is_counted(round_: Round) -> bool:
    """Closed with results: what the rules, the minutes and the bundle read."""
    return (round_.status == RoundStatus.CLOSED and round_.voided_at is None
            and (round_.ceremony_id is None or round_.counts is not None))


def phase(round_: Round) -> RoundPhase:
    if round_.voided_at is not None:
        return RoundPhase.VOID
    if is_counting(round_):
        return RoundPhase.COUNTING
    return RoundPhase(round_.status.value)
