"""Canonical ballot bytes: RFC 8785 (JCS) restricted to objects, arrays, strings
and integers.

A ballot is signed as bytes, so Python and the phone's JavaScript must produce the
same bytes for the same ballot, and the server must accept one spelling only
(otherwise one signed ballot could be replayed under several spellings). Rules:

- objects: keys sorted by their UTF-16 code units (RFC 8785 section 3.2.3), no
  duplicate keys; separators "," and ":" with no white space;
- strings: NFC-normalised (a product rule on top of RFC 8785, so that "ệ" typed
  precomposed or decomposed is one ballot), UTF-8, escaping only what ES6
  `JSON.stringify` escapes (RFC 8785 section 3.2.2.2): \\" \\\\ \\b \\f \\n \\r \\t and
  other controls as \\u00xx in lower-case hex;
- integers: only |n| <= 2**53 - 1, where every JSON number is exact in JavaScript,
  written in plain decimal; no floats, booleans or null.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

import orjson

from ballot.crypto.errors import NonCanonical

MAX_SAFE_INTEGER = 2**53 - 1
# Ballots nest two levels; a bound keeps hostile input from exhausting the stack.
MAX_DEPTH = 64

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_ESCAPES.update({chr(c): f"\\u{c:04x}" for c in range(0x20) if chr(c) not in _ESCAPES})
_ESCAPE_TABLE = str.maketrans(_ESCAPES)


def canonical_json(obj: Any) -> bytes:
    """The canonical UTF-8 bytes of `obj` (dicts with str keys, lists, str, int)."""
    if _already_plain(obj, 0):
        # The same bytes, written by orjson: every string already NFC, every key below
        # U+D800 (so its code-point order is UTF-16 order), orjson's escapes being the
        # ones listed above. A property test holds the two paths equal.
        try:
            return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:
            pass  # a lone surrogate: refused below with its reason
    parts: list[str] = []
    _write_value(obj, parts, depth=0)
    try:
        return "".join(parts).encode("utf-8")
    except UnicodeEncodeError:
        raise NonCanonical("string holds a lone surrogate (not valid Unicode text)") from None


def _already_plain(value: Any, depth: int) -> bool:
    """True when writing `value` needs no normalising, reordering or refusing."""
    kind = type(value)
    if kind is str:
        return unicodedata.is_normalized("NFC", value)
    if kind is int:
        return -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER
    if depth >= MAX_DEPTH:
        return False
    if kind is dict:
        return _plain_keys(value) and _plain_items(value.values(), depth)
    if kind is list:
        return _plain_items(value, depth)
    return False


def _plain_keys(obj: dict[Any, Any]) -> bool:
    # All at once where they are ASCII (join refuses a key that is not a string).
    try:
        if "".join(obj).isascii():
            return True
    except TypeError:
        return False
    return all(_plain_key(key) for key in obj)


def _plain_items(items: Any, depth: int) -> bool:
    # A ballot is a thousand strings under one object: ASCII strings all at once
    # (join refuses any other item), else leaves inline.
    try:
        if "".join(items).isascii():
            return True
    except TypeError:
        pass
    for item in items:
        kind = type(item)
        if kind is str:
            if not (item.isascii() or unicodedata.is_normalized("NFC", item)):
                return False
        elif kind is int:
            if not -MAX_SAFE_INTEGER <= item <= MAX_SAFE_INTEGER:
                return False
        elif not _already_plain(item, depth + 1):
            return False
    return True


def _plain_key(key: str) -> bool:
    return (key.isascii() or max(key) < "\ud800") and unicodedata.is_normalized("NFC", key)


def parse_canonical(data: bytes | str) -> dict[str, Any]:
    """Parse a JSON object, accepting it only if it is already canonical.

    Raises NonCanonical on invalid UTF-8, duplicate keys, floats, true/false/null,
    white space, unsorted keys, non-NFC strings, unneeded escapes, unsafe integers.
    """
    raw = _as_utf8_bytes(data)
    # The common case at C speed: a canonical text parses to a plain value that writes
    # back to the same bytes (a repeated key, a float or a literal cannot: the value
    # loses the key or is not plain). Anything else takes the strict reader, which
    # says what is wrong.
    try:
        value = orjson.loads(raw)
        if type(value) is dict and _already_plain(value, 0) and orjson.dumps(value, option=orjson.OPT_SORT_KEYS) == raw:
            return value
    except (orjson.JSONDecodeError, orjson.JSONEncodeError):
        pass
    return _parse_strict(raw)


def _parse_strict(raw: bytes) -> dict[str, Any]:
    """parse_canonical by the standard library's reader, each refusal with its reason."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NonCanonical(f"invalid UTF-8 at byte {exc.start}") from None
    value = _load_json(text)
    if not isinstance(value, dict):
        raise NonCanonical("the top level must be a JSON object")
    canonical = canonical_json(value)
    if canonical != raw:
        raise NonCanonical(f"differs from the canonical form at byte {_first_difference(raw, canonical)}")
    return value


# --- writing --------------------------------------------------------------------


def _write_value(value: Any, parts: list[str], depth: int) -> None:
    if depth > MAX_DEPTH:
        raise NonCanonical(f"nested deeper than {MAX_DEPTH} levels")
    if isinstance(value, str):
        parts.append(_quote(value))
    elif isinstance(value, bool) or value is None:
        raise NonCanonical(f"{json.dumps(value)} is not allowed (strings and integers only)")
    elif isinstance(value, int):
        parts.append(_integer(value))
    elif isinstance(value, float):
        raise NonCanonical(f"float {value!r} is not allowed (strings and integers only)")
    elif isinstance(value, Mapping):
        _write_object(value, parts, depth)
    elif isinstance(value, Sequence) and not isinstance(value, (bytes, bytearray)):
        _write_array(value, parts, depth)
    else:
        raise NonCanonical(f"{type(value).__name__} is not allowed (strings and integers only)")


def _write_object(obj: Mapping[Any, Any], parts: list[str], depth: int) -> None:
    members: dict[str, Any] = {}
    for key, member in obj.items():
        if not isinstance(key, str):
            raise NonCanonical(f"object key {key!r} is not a string")
        nfc_key = unicodedata.normalize("NFC", key)
        if nfc_key in members:
            raise NonCanonical(f"duplicate key {nfc_key!r} after NFC normalisation")
        members[nfc_key] = member
    parts.append("{")
    for index, key in enumerate(sorted(members, key=_utf16_sort_key)):
        if index:
            parts.append(",")
        parts.append(_quote(key))
        parts.append(":")
        _write_value(members[key], parts, depth + 1)
    parts.append("}")


def _write_array(items: Sequence[Any], parts: list[str], depth: int) -> None:
    parts.append("[")
    for index, item in enumerate(items):
        if index:
            parts.append(",")
        _write_value(item, parts, depth + 1)
    parts.append("]")


def _quote(text: str) -> str:
    return '"' + unicodedata.normalize("NFC", text).translate(_ESCAPE_TABLE) + '"'


def _integer(value: int) -> str:
    if not -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
        raise NonCanonical(f"integer {value} is outside ±(2**53 - 1)")
    return str(int(value))  # int(): an IntEnum's str() would be its name


def _utf16_sort_key(key: str) -> bytes:
    # Big-endian UTF-16 bytes compare exactly as the code units do (RFC 8785
    # section 3.2.3); "surrogatepass" only so a lone surrogate reaches the
    # clear error raised at encoding time.
    return key.encode("utf-16-be", "surrogatepass")


# --- reading --------------------------------------------------------------------


def _as_utf8_bytes(data: bytes | str) -> bytes:
    if isinstance(data, str):
        try:
            return data.encode("utf-8")
        except UnicodeEncodeError:
            raise NonCanonical("text holds a lone surrogate") from None
    if isinstance(data, (bytes, bytearray, memoryview)):
        return bytes(data)
    raise NonCanonical(f"expected bytes or str, got {type(data).__name__}")


def _load_json(text: str) -> Any:
    try:
        return json.loads(
            text,
            object_pairs_hook=_object_without_duplicates,
            parse_float=_reject_float,
            parse_constant=_reject_constant,
        )
    except NonCanonical:
        raise
    except (ValueError, RecursionError) as exc:
        raise NonCanonical(f"not valid JSON: {exc}") from None


def _object_without_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise NonCanonical(f"duplicate key {key!r}")
        obj[key] = value
    return obj


def _reject_float(literal: str) -> NoReturn:
    raise NonCanonical(f"number {literal} is not an integer")


def _reject_constant(literal: str) -> NoReturn:
    raise NonCanonical(f"{literal} is not allowed")


def _first_difference(a: bytes, b: bytes) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
