"""Tracking codes: what a voter looks for on the bulletin board (docs/protocol.md, “Tracking codes”).

The code is derived from the whole signed ballot (prefix, message, signature), so
it names one stored ballot and reveals nothing about its contents. The input is a
plain concatenation; it splits one way only because the prefix is always
PREFIX_LEN bytes and the signature always the round key's modulus length.
"""

from __future__ import annotations

import base64
import hashlib

from ballot.crypto.blind_rsa import PREFIX_LEN
from ballot.crypto.errors import InvalidLength

TRACKING_CHARS = 10  # 50 bits: no accidental collision among a round's ballots
GROUP = 5


def ballot_digest(prefix: bytes, message: bytes, signature: bytes) -> bytes:
    """SHA-256(prefix || message || signature): the stored ballot's unique key."""
    if len(prefix) != PREFIX_LEN:
        raise InvalidLength(f"prefix must be {PREFIX_LEN} bytes")
    return hashlib.sha256(prefix + message + signature).digest()


def tracking_code(prefix: bytes, message: bytes, signature: bytes) -> str:
    """First 10 characters of base32 (RFC 4648, upper case) of the digest, as "ABCDE-FGHIJ"."""
    return format_tracking_code(ballot_digest(prefix, message, signature))


def format_tracking_code(digest: bytes) -> str:
    letters = base64.b32encode(digest).decode("ascii")[:TRACKING_CHARS]
    return "-".join(letters[i : i + GROUP] for i in range(0, TRACKING_CHARS, GROUP))
