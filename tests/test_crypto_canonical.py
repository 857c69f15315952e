"""Canonical ballot bytes (RFC 8785, strings and integers only, NFC strings)."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ballot.crypto.canonical import MAX_SAFE_INTEGER, canonical_json, parse_canonical
from ballot.crypto.errors import CryptoError

BALLOT = {
    "round": "r-2024-1",
    "choices": {"m01": "HTXSNV", "m02": "HTTNV", "m10": "KHTNV"},
    "nonce": "q8Jk3",
}


# --- known bytes ----------------------------------------------------------------


def test_ballot_bytes() -> None:
    assert canonical_json(BALLOT) == (
        b'{"choices":{"m01":"HTXSNV","m02":"HTTNV","m10":"KHTNV"},'
        b'"nonce":"q8Jk3","round":"r-2024-1"}'
    )


def test_vietnamese_text_is_raw_utf8_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Hồng Nhung")
    assert decomposed != "Nguyễn Thị Hồng Nhung"
    expected = '{"tên":"Nguyễn Thị Hồng Nhung"}'.encode()
    assert canonical_json({"tên": decomposed}) == expected
    assert canonical_json({unicodedata.normalize("NFD", "tên"): decomposed}) == expected


def test_keys_sorted_by_utf16_code_units() -> None:
    """RFC 8785 section 3.2.3: U+1F600 (surrogates D83D DE00) sorts before U+FF21,
    although its code point is larger."""
    keys = ["\uff21", "\U0001f600", "\u00f6", "\u0080", "</script>", "1", "\r", "\u20ac"]
    out = canonical_json({key: 0 for key in keys}).decode()
    expected_order = ["\r", "1", "</script>", "\u0080", "\u00f6", "\u20ac", "\U0001f600", "\uff21"]
    assert out == "{" + ",".join(f"{json.dumps(k, ensure_ascii=False)}:0" for k in expected_order) + "}"
    assert [k for k in json.loads(out)] == expected_order


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ('"', '\\"'),
        ("\\", "\\\\"),
        ("\b\f\n\r\t", "\\b\\f\\n\\r\\t"),
        ("\x00\x01\x1f", "\\u0000\\u0001\\u001f"),
        ("\x0b", "\\u000b"),
        ("/", "/"),  # not escaped
        ("\x7f", "\x7f"),  # DEL is not escaped by JSON.stringify
        ("\u2028\u2029", "\u2028\u2029"),
        ("\U0001f600", "\U0001f600"),  # astral plane stays raw UTF-8
    ],
)
def test_string_escapes_match_es6_json_stringify(text: str, escaped: str) -> None:
    assert canonical_json({"s": text}) == ('{"s":"' + escaped + '"}').encode()


@pytest.mark.parametrize(
    ("value", "text"),
    [(0, "0"), (-1, "-1"), (MAX_SAFE_INTEGER, "9007199254740991"), (-MAX_SAFE_INTEGER, "-9007199254740991")],
)
def test_integers(value: int, text: str) -> None:
    assert canonical_json({"n": value}) == f'{{"n":{text}}}'.encode()


def test_arrays_and_nesting() -> None:
    assert canonical_json({"b": [3, "x", {"d": 1, "c": []}], "a": {}}) == (
        b'{"a":{},"b":[3,"x",{"c":[],"d":1}]}'
    )


# --- values canonical_json refuses ----------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [
        {"x": 1.0},
        {"x": 1.5},
        {"x": True},
        {"x": False},
        {"x": None},
        {"x": b"bytes"},
        {"x": {1, 2}},
        {1: "non-string key"},
        {"x": MAX_SAFE_INTEGER + 1},
        {"x": -MAX_SAFE_INTEGER - 1},
        {"x": "\ud800"},  # lone surrogate
        {"é": 1, "e\u0301": 2},  # the same key once normalised
    ],
    ids=repr,
)
def test_unsupported_values_are_refused(bad: dict[Any, Any]) -> None:
    with pytest.raises(CryptoError) as excinfo:
        canonical_json(bad)
    assert excinfo.value.code == "non_canonical"


def test_deep_nesting_is_refused() -> None:
    deep: Any = "leaf"
    for _ in range(100):
        deep = {"k": deep}
    with pytest.raises(CryptoError) as excinfo:
        canonical_json(deep)
    assert excinfo.value.code == "non_canonical"


# --- parse_canonical ------------------------------------------------------------


def test_parse_accepts_canonical_bytes_and_text() -> None:
    data = canonical_json(BALLOT)
    assert parse_canonical(data) == BALLOT
    assert parse_canonical(data.decode()) == BALLOT
    assert parse_canonical('{"tên":"Hồng"}'.encode()) == {"tên": "Hồng"}


@pytest.mark.parametrize(
    "data",
    [
        b'{"a": 1}',  # space after colon
        b'{"a":1 }',
        b' {"a":1}',
        b'{"a":1}\n',  # trailing newline
        b'{"b":1,"a":2}',  # unsorted keys
        '{"a":"e\u0302\u0323"}'.encode(),  # decomposed ệ, not NFC
        b'{"a":"\\u00e9"}',  # escaped where a raw é is canonical
        b'{"a":"\\/"}',  # escaped solidus
        b'{"a":"\\u001F"}',  # upper-case hex escape
        b'{"a":"\\u000a"}',  # \u000a where \n is canonical
        b'{"a":"\\ud800"}',  # lone surrogate
        b'{"a":1.0}',  # floats
        b'{"a":1e2}',
        b'{"a":-0}',
        b'{"a":01}',
        b'{"a":9007199254740992}',  # beyond 2**53 - 1
        b'{"a":true}',
        b'{"a":null}',
        b'{"a":NaN}',
        b'{"a":1,"a":1}',  # duplicate keys
        '{"é":1,"e\u0301":1}'.encode(),  # duplicates once normalised
        b'{"a":"\xff"}',  # invalid UTF-8
        b'{"a":"\xed\xa0\x80"}',  # UTF-8-encoded surrogate
        b'\xef\xbb\xbf{"a":1}',  # byte-order mark
        b'["a"]',  # not an object
        b'"a"',
        b"",
        b"{",
        b"[" * 100_000,
    ],
    ids=lambda d: repr(d[:40]),
)
def test_parse_refuses_non_canonical(data: bytes) -> None:
    with pytest.raises(CryptoError) as excinfo:
        parse_canonical(data)
    assert excinfo.value.code == "non_canonical"
    assert excinfo.value.message


def test_parse_refuses_huge_integer_literal() -> None:
    with pytest.raises(CryptoError) as excinfo:
        parse_canonical(b'{"a":' + b"9" * 5000 + b"}")
    assert excinfo.value.code == "non_canonical"


def test_parse_refuses_non_bytes() -> None:
    with pytest.raises(CryptoError) as excinfo:
        parse_canonical(123)  # type: ignore[arg-type]
    assert excinfo.value.code == "non_canonical"


# --- properties -----------------------------------------------------------------

SAFE_INTS = st.integers(min_value=-MAX_SAFE_INTEGER, max_value=MAX_SAFE_INTEGER)
JSON_VALUES = st.recursive(
    st.text() | SAFE_INTS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children, max_size=4),
    max_leaves=12,
)
OBJECTS = st.dictionaries(st.text(), JSON_VALUES, max_size=6)


def _nfc(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [_nfc(item) for item in value]
    if isinstance(value, dict):
        return {_nfc(key): _nfc(item) for key, item in value.items()}
    return value


@given(OBJECTS)
def test_canonical_bytes_round_trip_through_parse(obj: dict[str, Any]) -> None:
    try:
        data = canonical_json(obj)
    except CryptoError:  # two keys equal once NFC-normalised
        return
    parsed = parse_canonical(data)
    assert parsed == _nfc(obj)
    assert canonical_json(parsed) == data


@given(OBJECTS, st.randoms(use_true_random=False))
def test_canonical_bytes_do_not_depend_on_key_order(obj: dict[str, Any], rnd: Any) -> None:
    def shuffled(value: Any) -> Any:
        if isinstance(value, dict):
            items = [(key, shuffled(item)) for key, item in value.items()]
            rnd.shuffle(items)
            return dict(items)
        if isinstance(value, list):
            return [shuffled(item) for item in value]
        return value

    try:
        expected = canonical_json(obj)
    except CryptoError:
        return
    assert canonical_json(shuffled(obj)) == expected


BMP_TEXT = st.text(st.characters(max_codepoint=0xFFFF, exclude_categories=("Cs",)))
BMP_OBJECTS = st.dictionaries(
    BMP_TEXT,
    st.recursive(
        BMP_TEXT | SAFE_INTS,
        lambda c: st.lists(c, max_size=3) | st.dictionaries(BMP_TEXT, c, max_size=3),
        max_leaves=8,
    ),
    max_size=5,
)


@given(BMP_OBJECTS)
def test_agrees_with_stdlib_json_on_the_basic_plane(obj: dict[str, Any]) -> None:
    """Below U+10000, UTF-16 order is code-point order and Python's json escapes
    exactly as JSON.stringify does: an independent oracle for the writer."""
    normalised = _nfc(obj)
    try:
        data = canonical_json(obj)
    except CryptoError:
        return
    oracle = json.dumps(normalised, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    assert data == oracle.encode("utf-8")


@given(OBJECTS)
def test_any_whitespace_makes_it_non_canonical(obj: dict[str, Any]) -> None:
    try:
        pretty = json.dumps(_nfc(obj), ensure_ascii=False, indent=1, sort_keys=True)
        canonical_json(obj)
    except CryptoError:
        return
    if pretty.encode() != canonical_json(obj):
        with pytest.raises(CryptoError):
            parse_canonical(pretty.encode())
