"""Byte encodings shared by the crypto modules: strict base64url and hex groups."""

from __future__ import annotations

import base64
import binascii
import re

from ballot.crypto.errors import Base64Error

_B64URL_ALPHABET = re.compile(r"[A-Za-z0-9_-]*")


def b64url_encode(data: bytes) -> str:
    """Base64url without padding (RFC 4648 section 5)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode unpadded base64url, accepting exactly one spelling per byte string.

    Rejects padding, characters outside the URL-safe alphabet and non-zero
    trailing bits, so that two different strings never decode to the same bytes
    (a ballot or signature has one representation only).
    """
    if not isinstance(text, str):
        raise Base64Error(f"expected str, got {type(text).__name__}")
    if not _B64URL_ALPHABET.fullmatch(text):
        raise Base64Error("character outside the base64url alphabet (or padding)")
    if len(text) % 4 == 1:
        raise Base64Error("impossible length")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:  # pragma: no cover - guarded above
        raise Base64Error(str(exc)) from None
    if b64url_encode(data) != text:
        raise Base64Error("non-canonical trailing bits")
    return data


def hex_groups(data: bytes, group: int = 4) -> str:
    """Upper-case hex in groups separated by spaces, for reading a fingerprint aloud."""
    digits = data.hex().upper()
    return " ".join(digits[i : i + group] for i in range(0, len(digits), group))
