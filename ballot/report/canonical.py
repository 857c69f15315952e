"""The bundle's canonical bytes and its hash (docs/bundle.md, “Canonical form and signature”).

A bundle is signed over SHA-256 of its RFC 8785 (JCS) serialisation with the
`signature` member left out. RFC 8785 is used whole here, not the ballot
subset of `ballot.crypto.canonical`: the bundle carries what the rules engine
reads and writes (booleans, null, the facts' and shares' decimal numbers), and
JCS fixes one spelling for each of them, numbers included (ECMAScript's
shortest round-trip form), so any JCS implementation, in any language,
re-derives the signed bytes from the file alone. The file itself may be
indented in any way: whitespace is not part of what is signed.

Strings are hashed as they are (no NFC step): the bundle is data the server
wrote, compared byte for byte, not text a phone typed.
"""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

import orjson
import rfc8785

from ballot.crypto.encoding import hex_groups

SIGNATURE_FIELD = "signature"


class BundleFormatError(ValueError):
    """The bytes are not a JSON bundle this code can read (a stable code and texts)."""

    def __init__(self, message_vi: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_vi = message_vi
        self.message_en = message_en


def unsigned_part(bundle: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in bundle.items() if key != SIGNATURE_FIELD}


def canonical_bytes(value: Any) -> bytes:
    """RFC 8785 bytes of a JSON value; a non-finite number or a huge integer is refused.

    Written by orjson when the value allows it (`_jcs_ready`), else by the
    rfc8785 package; a property test holds the two equal. RFC 8785 in pure Python is
    most of the cost of certifying and verifying a large bundle."""
    try:
        ready = _jcs_ready(value, 0)
    except _NeedsFullJcs:
        ready = None
    if ready is not None:
        try:
            return orjson.dumps(ready, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:
            pass  # a lone surrogate: the package's own refusal below
    try:
        return rfc8785.dumps(value)
    except (rfc8785.CanonicalizationError, UnicodeEncodeError) as exc:  # the latter: a lone surrogate key
        raise BundleFormatError(
            "Gói có giá trị không biểu diễn được theo RFC 8785.",
            f"value not representable under RFC 8785: {exc}",
        ) from None


class _NeedsFullJcs(Exception):
    """A value orjson would not spell as RFC 8785 does."""


_MAX_SAFE = 2**53 - 1
_JCS_DEPTH = 200


def _jcs_ready(value: Any, depth: int) -> Any:
    """`value` with each integral float as the integer RFC 8785 writes for it, when
    orjson then writes exactly the RFC 8785 bytes: its escapes are RFC 8785's,
    a non-integral float without exponent is printed alike, and keys below U+D800
    sort by code point as by UTF-16 code unit. Raises _NeedsFullJcs otherwise."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return value
    if kind is int:
        if -_MAX_SAFE <= value <= _MAX_SAFE:
            return value
        raise _NeedsFullJcs
    if kind is float:
        if math.isfinite(value) and value.is_integer():
            if abs(value) <= _MAX_SAFE:
                return int(value)
        elif math.isfinite(value) and "e" not in repr(value):
            return value
        raise _NeedsFullJcs
    if depth > _JCS_DEPTH:
        raise _NeedsFullJcs
    if kind is dict:
        ready = {}
        for key, member in value.items():
            if type(key) is not str or not (key.isascii() or max(key) < "\ud800"):
                raise _NeedsFullJcs
            ready[key] = _jcs_ready(member, depth + 1)
        return ready
    if kind is list or kind is tuple:
        return [_jcs_ready(item, depth + 1) for item in value]
    raise _NeedsFullJcs


def bundle_digest(bundle: dict[str, Any]) -> bytes:
    """SHA-256 of the canonical bundle without its signature: what the chi bộ signs."""
    return hashlib.sha256(canonical_bytes(unsigned_part(bundle))).digest()


def bundle_hash_text(bundle: dict[str, Any]) -> str:
    """The digest as the documents print it: 16 groups of 4 hex digits."""
    return hex_groups(bundle_digest(bundle))


def dump_bundle(bundle: dict[str, Any]) -> bytes:
    """The file as served: indented UTF-8 JSON, readable by a person."""
    return orjson.dumps(bundle, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n"


def load_bundle(data: bytes | str) -> dict[str, Any]:
    """Parse a bundle file, refusing what could hide a value: invalid UTF-8, a key
    given twice (JSON parsers disagree on which one wins), NaN or Infinity."""
    try:
        text = data.decode("utf-8") if isinstance(data, (bytes, bytearray)) else data
    except UnicodeDecodeError:
        raise BundleFormatError("Tệp không phải UTF-8.", "the file is not UTF-8") from None
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicate_keys, parse_constant=_no_constants)
    except BundleFormatError:
        raise
    except (ValueError, RecursionError) as exc:
        raise BundleFormatError("Tệp không phải JSON hợp lệ.", f"not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise BundleFormatError(
            "Gói phải là một đối tượng JSON.", "the bundle must be a JSON object"
        )
    return value


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise BundleFormatError(f"Khóa “{key}” xuất hiện hai lần.", f"duplicate key {key!r}")
        obj[key] = value
    return obj


def _no_constants(literal: str) -> Any:
    raise BundleFormatError(f"Giá trị {literal} không hợp lệ.", f"{literal} is not allowed")
