"""Strict base64url and tracking codes."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ballot.crypto.encoding import b64url_decode, b64url_encode, hex_groups
from ballot.crypto.errors import CryptoError
from ballot.crypto.tracking import ballot_digest, tracking_code

# --- base64url ------------------------------------------------------------------


@given(st.binary(max_size=300))
def test_b64url_round_trip(data: bytes) -> None:
    text = b64url_encode(data)
    assert re.fullmatch(r"[A-Za-z0-9_-]*", text)
    assert b64url_decode(text) == data


@pytest.mark.parametrize(
    ("data", "text"),
    [(b"", ""), (b"\xfb\xff", "-_8"), (b"\x00", "AA"), (b"\x01\x00\x01", "AQAB"), (b"ab", "YWI")],
)
def test_b64url_known_values(data: bytes, text: str) -> None:
    assert b64url_encode(data) == text
    assert b64url_decode(text) == data


@pytest.mark.parametrize(
    "text",
    [
        "AA==",  # padding
        "AA=",
        "+_8",  # standard alphabet
        "/_8",
        "AQ AB",  # white space
        "AQAB\n",
        "A",  # impossible length
        "AB",  # non-zero trailing bits: "AA" is the only spelling of b"\x00"
        "AAB",  # likewise for two bytes ("AAA")
        "Ạ",  # non-ASCII
        "AQ.B",
    ],
)
def test_b64url_decode_is_strict(text: str) -> None:
    with pytest.raises(CryptoError) as excinfo:
        b64url_decode(text)
    assert excinfo.value.code == "bad_base64"


@pytest.mark.parametrize("value", [b"AQAB", None, 12])
def test_b64url_decode_refuses_non_text(value: object) -> None:
    with pytest.raises(CryptoError) as excinfo:
        b64url_decode(value)  # type: ignore[arg-type]
    assert excinfo.value.code == "bad_base64"


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=+/ ", max_size=12))
def test_b64url_decode_accepts_only_its_own_spelling(text: str) -> None:
    try:
        data = b64url_decode(text)
    except CryptoError:
        return
    assert b64url_encode(data) == text


def test_hex_groups() -> None:
    assert hex_groups(bytes(range(6))) == "0001 0203 0405"
    assert hex_groups(b"\xab\xcd\xef") == "ABCD EF"


# --- tracking codes -------------------------------------------------------------

PREFIX = bytes(range(32))
MESSAGE = b'{"choices":{"m01":"HTTNV"},"nonce":"n","round":"r1"}'
SIGNATURE = bytes(256)


def test_tracking_code_format() -> None:
    code = tracking_code(PREFIX, MESSAGE, SIGNATURE)
    assert re.fullmatch(r"[A-Z2-7]{5}-[A-Z2-7]{5}", code)


def test_tracking_code_is_sha256_base32_of_the_signed_ballot() -> None:
    digest = hashlib.sha256(PREFIX + MESSAGE + SIGNATURE).digest()
    assert ballot_digest(PREFIX, MESSAGE, SIGNATURE) == digest
    letters = base64.b32encode(digest).decode()
    assert tracking_code(PREFIX, MESSAGE, SIGNATURE) == f"{letters[:5]}-{letters[5:10]}"


def test_tracking_code_known_value() -> None:
    # Pinned (computed once with `sha256sum | base32`) so that the JavaScript and any
    # re-implementation can check against the same value.
    assert tracking_code(bytes(32), b"{}", bytes(256)) == "2F2XH-M4PTP"


@pytest.mark.parametrize("part", ["prefix", "message", "signature"])
def test_tracking_code_changes_with_every_part(part: str) -> None:
    parts = {"prefix": PREFIX, "message": MESSAGE, "signature": SIGNATURE}
    parts[part] = parts[part][:-1] + bytes([parts[part][-1] ^ 1])
    assert tracking_code(**parts) != tracking_code(PREFIX, MESSAGE, SIGNATURE)


def test_tracking_code_refuses_a_prefix_of_the_wrong_length() -> None:
    with pytest.raises(CryptoError) as excinfo:
        tracking_code(PREFIX[:-1], MESSAGE, SIGNATURE)
    assert excinfo.value.code == "bad_length"
