"""Short codes people read aloud, type on a phone, or print on a join slip."""

from __future__ import annotations

import secrets
import uuid

# No 0/O, 1/I/L: a code copied from a projector or a slip must not be misread.
READABLE = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"

MEETING_CODE_LENGTH = 6
# 8 characters of 31: about 2^39.6 possibilities, against guesses limited by the
# join endpoint's rate limit and the meeting's lifetime of an afternoon.
PERSONAL_CODE_LENGTH = 8


def readable_code(length: int) -> str:
    return "".join(secrets.choice(READABLE) for _ in range(length))


def normalise_code(text: str) -> str:
    """What a person typed: case, spaces and dashes do not matter."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def new_id() -> str:
    return uuid.uuid4().hex
