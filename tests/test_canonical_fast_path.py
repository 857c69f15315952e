"""Both canonical forms are written by orjson when the value allows it
(ballot.crypto.canonical for ballots, ballot.report.canonical for bundles). These
properties hold the fast path byte-equal to the full writers — the ballot subset's
own and the rfc8785 package — on any JSON value, refusals included: a signature over
one spelling must verify under the other."""

from __future__ import annotations

import json

import rfc8785
from hypothesis import given, settings
from hypothesis import strategies as st

from ballot.crypto import canonical as ballot_canonical
from ballot.crypto.errors import NonCanonical
from ballot.report import canonical as bundle_canonical
from ballot.report.canonical import BundleFormatError

# Text from the whole of Unicode, lone surrogates and decomposed letters included.
TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=12) | st.sampled_from(
    ["Nguyễn", "Nguye\u0302\u0303n", "\ud800", "\ue000", "\U0001f600", "a\u0000b", "\u2028", ""])
INTEGERS = st.integers(min_value=-(2**60), max_value=2**60) | st.sampled_from([2**53 - 1, 2**53, -(2**53) + 1])
FLOATS = st.floats() | st.sampled_from([0.0, -0.0, 1.0, 0.6667, 1e-5, 1e-7, 1e16, 1e21, 2.0**53, 123456.789])


def json_values(scalars):
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                        | st.dictionaries(TEXT, inner, max_size=4), max_leaves=25)


def _outcome(write, value, refusal):
    try:
        return write(value)
    except refusal:
        return "refused"


@settings(max_examples=400, deadline=None)
@given(json_values(st.none() | st.booleans() | INTEGERS | FLOATS | TEXT))
def test_bundle_bytes_are_rfc8785_on_any_value(value):
    fast = _outcome(bundle_canonical.canonical_bytes, value, BundleFormatError)
    full = _outcome(rfc8785.dumps, value, (rfc8785.CanonicalizationError, UnicodeEncodeError))
    assert fast == full


@settings(max_examples=400, deadline=None)
@given(json_values(INTEGERS | TEXT | st.none() | st.booleans()))
def test_ballot_bytes_are_the_full_writers_on_any_value(value):
    def full(obj):
        parts: list[str] = []
        ballot_canonical._write_value(obj, parts, depth=0)
        try:
            return "".join(parts).encode("utf-8")
        except UnicodeEncodeError:
            raise NonCanonical("lone surrogate") from None

    assert _outcome(ballot_canonical.canonical_json, value, NonCanonical) == _outcome(full, value, NonCanonical)


def _spellings(value):
    """The canonical bytes of a value, and other spellings a client might send."""
    texts = [json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True),
             json.dumps(value), json.dumps(value, ensure_ascii=False, separators=(",", ":"))]
    try:
        texts.insert(0, ballot_canonical.canonical_json(value).decode())
    except NonCanonical:
        pass
    return [text.encode("utf-8", "surrogatepass") for text in texts]


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(TEXT, json_values(st.none() | st.booleans() | INTEGERS | FLOATS | TEXT), max_size=4))
def test_a_ballot_is_accepted_or_refused_alike_by_the_fast_and_the_strict_reader(value):
    for data in _spellings(value):
        fast = _outcome(ballot_canonical.parse_canonical, data, NonCanonical)
        strict = _outcome(ballot_canonical._parse_strict, data, NonCanonical)
        assert fast == strict
