"""The phone's JavaScript crypto (static/js/) under Node, and against Python.

- every tests/js/*.test.mjs under Node's runner, a process each (RFC 9474 vectors, canonical JSON,
  encodings, tracking codes, the vendored SHA-2, browser safety);
- cross-implementation: ballots prepared, blinded and finalized in JavaScript
  around Python's `blind_sign`, verified by `cryptography`'s standard PSS; the
  same canonical JSON bytes and tracking codes from both sides (Hypothesis).

Node.js 20 or later is required: without it these tests fail, they do not skip,
because the phone's half of the protocol would go untested.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from ballot.crypto import blind_rsa
from ballot.crypto.canonical import MAX_SAFE_INTEGER, canonical_json
from ballot.crypto.encoding import b64url_decode, b64url_encode
from ballot.crypto.errors import CryptoError
from ballot.crypto.tracking import tracking_code

ROOT = Path(__file__).resolve().parent.parent
JS_TESTS = ROOT / "tests" / "js"
CROSS_HELPER = JS_TESTS / "cross_helper.mjs"
MIN_NODE_MAJOR = 20

cross_settings = settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


# --- Node -----------------------------------------------------------------------


def _node() -> str:
    """Path of a Node.js >= 20, or fail the test with a clear message."""
    node = shutil.which("node")
    if node is None:
        pytest.fail(
            "Node.js (>= 20) is required to test the phone's JavaScript crypto "
            "(static/js/), but `node` is not on PATH. Install Node.js 20 or later.",
            pytrace=False,
        )
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True)
    major = int(re.match(r"v(\d+)", version.stdout.strip()).group(1))  # type: ignore[union-attr]
    if major < MIN_NODE_MAJOR:
        pytest.fail(
            f"Node.js >= {MIN_NODE_MAJOR} is required (global crypto, node:test); "
            f"found {version.stdout.strip()} at {node}.",
            pytrace=False,
        )
    return node


JS_TEST_FILES = sorted(JS_TESTS.glob("*.test.mjs"))
# A file that has not finished in this long is stuck (each takes a few seconds here).
JS_FILE_TIMEOUT_S = 120


def _stuck_process(pid: int) -> str:
    """What Linux says of a process that stopped making progress: its state, the CPU
    it used (a loop spins, a wait does not) and the kernel call it sleeps in, so a
    hang that shows once in many runs leaves something to read."""
    proc = Path("/proc") / str(pid)
    try:
        status = (proc / "status").read_text()
        fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        wchan = (proc / "wchan").read_text()
    except OSError as exc:
        return f"(no /proc view: {exc})"
    state = re.search(r"^State:.*$", status, re.M)
    ticks = os.sysconf("SC_CLK_TCK")
    user, system = int(fields[11]) / ticks, int(fields[12]) / ticks
    threads = re.search(r"^Threads:.*$", status, re.M)
    return (
        f"{state.group(0) if state else ''}; {threads.group(0) if threads else ''}; "
        f"CPU user {user:.1f} s, system {system:.1f} s; waiting in {wchan or '-'}"
    )


@pytest.mark.parametrize("path", JS_TEST_FILES, ids=[path.name for path in JS_TEST_FILES])
def test_node_test_file_passes(path: Path) -> None:
    """One tests/js/*.test.mjs under Node's built-in runner, in its own process.

    One process a file, so a file that fails or hangs is named, with its whole TAP
    output (the tests that passed before it stopped) and, when it hangs, what the
    process was doing."""
    node = _node()
    process = subprocess.Popen(
        [node, "--test-reporter=tap", str(path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        output, _ = process.communicate(timeout=JS_FILE_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        seen = _stuck_process(process.pid)
        process.kill()
        output, _ = process.communicate()
        pytest.fail(
            f"{path.name} did not finish in {JS_FILE_TIMEOUT_S} s ({seen}). "
            f"Its output so far:\n{output[-8000:]}",
            pytrace=False,
        )
    assert process.returncode == 0, f"{path.name} failed:\n{output[-8000:]}"
    passed = re.search(r"^# pass (\d+)$", output, re.M)
    failed = re.search(r"^# fail (\d+)$", output, re.M)
    ran = re.search(r"^# tests (\d+)$", output, re.M)
    assert passed and failed and ran, f"no TAP summary in node output:\n{output[-3000:]}"
    assert int(failed.group(1)) == 0
    assert int(passed.group(1)) == int(ran.group(1)), f"{path.name}: not every test passed (skipped, todo)"
    assert int(passed.group(1)) >= _declared_tests(path), f"only {passed.group(1)} of {path.name}'s tests ran"


def _declared_tests(path: Path) -> int:
    """The `it(` and `test(` calls a file opens a line with: a test inside a loop counts
    once and runs more often, so at least this many must pass."""
    return len(re.findall(r"^\s*(?:it|test)\(", path.read_text(encoding="utf-8"), re.M))


def test_every_javascript_test_file_is_run() -> None:
    """The files above are found by their name: a suite renamed out of the pattern
    would silently stop running."""
    modules = {path.name for path in JS_TESTS.glob("*.mjs")}
    helpers = {"helpers.mjs", "cross_helper.mjs", "sandbox_run.mjs"}
    assert modules - helpers == {path.name for path in JS_TEST_FILES}
    assert len(JS_TEST_FILES) >= 10
    declared = sum(_declared_tests(path) for path in JS_TEST_FILES)
    assert declared >= 50, f"only {declared} JS tests declared"


class NodeHelper:
    """One `node tests/js/cross_helper.mjs` process: a JSON line in, a JSON line out."""

    def __init__(self, node: str) -> None:
        self._stderr = tempfile.TemporaryFile(mode="w+")
        self._proc = subprocess.Popen(
            [node, str(CROSS_HELPER)],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )

    def __call__(self, op: str, **fields: Any) -> dict[str, Any]:
        assert self._proc.stdin and self._proc.stdout
        # ensure_ascii: every code unit travels as an escape, so JSON.parse sees
        # exactly the string Python holds (non-NFC, controls, lone surrogates).
        self._proc.stdin.write(json.dumps({"op": op, **fields}, ensure_ascii=True) + "\n")
        self._proc.stdin.flush()
        line = self._proc.stdout.readline()
        if not line:
            self._stderr.seek(0)
            raise RuntimeError(f"cross_helper.mjs exited:\n{self._stderr.read()[-3000:]}")
        return json.loads(line)

    def ok(self, op: str, **fields: Any) -> dict[str, Any]:
        answer = self(op, **fields)
        assert "error" not in answer, f"JS {op} failed: {answer['error']}"
        return answer

    def close(self) -> None:
        if self._proc.stdin:
            self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        if self._proc.stdout:
            self._proc.stdout.close()
        self._stderr.close()


@pytest.fixture(scope="module")
def js() -> Iterator[NodeHelper]:
    helper = NodeHelper(_node())
    yield helper
    helper.close()


# --- (a) blind signatures: JS client, Python signer, cryptography verifier -------


@pytest.fixture(scope="module")
def round_key() -> rsa.RSAPrivateKey:
    return blind_rsa.generate_private_key(2048)


@pytest.fixture(scope="module")
def other_round_key() -> rsa.RSAPrivateKey:
    return blind_rsa.generate_private_key(2048)


VIETNAMESE_BALLOT = {
    "round": "vòng-1",
    "nonce": "Zm9vYmFyYmF6cXV4",
    "choices": {
        "m01": "Hoàn thành xuất sắc nhiệm vụ",
        "m02": "Hoàn thành tốt nhiệm vụ",
        "m03": "Hoàn thành nhiệm vụ",
        "m04": "Không hoàn thành nhiệm vụ",
    },
}

MESSAGES = [
    pytest.param(canonical_json(VIETNAMESE_BALLOT), id="vietnamese-ballot"),
    pytest.param(b"", id="empty"),
    pytest.param(b"x", id="one-byte"),
    pytest.param("Đảng viên Nguyễn Thị Hồng Nhung 🗳️".encode(), id="utf8-text"),
    pytest.param(bytes(range(256)) * 20, id="5120-bytes"),
]


def _pss_verify(public_key: rsa.RSAPublicKey, message: bytes, signature: bytes) -> None:
    """`cryptography`'s standard RSASSA-PSS verification (raises InvalidSignature)."""
    public_key.verify(
        signature,
        message,
        padding.PSS(mgf=padding.MGF1(hashes.SHA384()), salt_length=48),
        hashes.SHA384(),
    )


def _js_sign_round_trip(
    js: NodeHelper, key: rsa.RSAPrivateKey, msg: bytes
) -> tuple[bytes, bytes, bytes]:
    """Prepare and blind in JS, blind_sign in Python, finalize in JS: (prefix, prepared, sig)."""
    key_json = blind_rsa.public_key_to_json(key.public_key())
    client = js.ok("prepare_blind", key=key_json, msg=b64url_encode(msg))
    blind_sig = blind_rsa.blind_sign(key, b64url_decode(client["blinded"]))
    final = js.ok(
        "finalize",
        key=key_json,
        prepared=client["prepared"],
        blind_sig=b64url_encode(blind_sig),
        inv=client["inv"],
    )
    prefix, prepared = b64url_decode(client["prefix"]), b64url_decode(client["prepared"])
    return prefix, prepared, b64url_decode(final["sig"])


@pytest.mark.parametrize("msg", MESSAGES)
def test_js_blinded_python_signed_js_finalized_verifies_in_cryptography(
    js: NodeHelper, round_key: rsa.RSAPrivateKey, msg: bytes
) -> None:
    prefix, prepared, sig = _js_sign_round_trip(js, round_key, msg)
    assert len(prefix) == blind_rsa.PREFIX_LEN
    assert prepared == prefix + msg
    assert len(sig) == 256
    _pss_verify(round_key.public_key(), prefix + msg, sig)
    blind_rsa.verify(round_key.public_key(), prefix + msg, sig)


def test_js_verifies_python_finalized_signature(
    js: NodeHelper, round_key: rsa.RSAPrivateKey
) -> None:
    public = round_key.public_key()
    key_json = blind_rsa.public_key_to_json(public)
    msg = canonical_json(VIETNAMESE_BALLOT)
    _, prepared = blind_rsa.prepare(msg)
    blinded, inv = blind_rsa.blind(public, prepared)
    sig = blind_rsa.finalize(public, prepared, blind_rsa.blind_sign(round_key, blinded), inv)
    sig_b64 = b64url_encode(sig)
    assert js.ok("verify", key=key_json, prepared=b64url_encode(prepared), sig=sig_b64)["ok"]
    tampered = bytearray(prepared)
    tampered[-2] ^= 1
    answer = js("verify", key=key_json, prepared=b64url_encode(bytes(tampered)), sig=sig_b64)
    assert answer["error"]["code"] == "bad_signature"


def test_js_and_python_blind_identically_with_fixed_salt_and_r(
    js: NodeHelper, round_key: rsa.RSAPrivateKey
) -> None:
    """Same EMSA-PSS encoding and blinding on a 2048-bit key, not only the 4096-bit vector."""
    public = round_key.public_key()
    n = public.public_numbers().n
    prefix, prepared = blind_rsa.prepare(canonical_json(VIETNAMESE_BALLOT))
    random_r = 1 + int.from_bytes(os.urandom(255), "big")
    for salt, r in [(bytes(48), 2), (bytes(range(48)), n - 1), (os.urandom(48), random_r)]:
        py_blinded, py_inv = blind_rsa.blind(public, prepared, salt=salt, r=r)
        answer = js.ok(
            "blind",
            key=blind_rsa.public_key_to_json(public),
            prepared=b64url_encode(prepared),
            salt=b64url_encode(salt),
            r=b64url_encode(r.to_bytes(256, "big")),
        )
        assert b64url_decode(answer["blinded"]) == py_blinded
        assert b64url_decode(answer["inv"]) == py_inv


def test_js_finalize_refuses_signature_from_another_rounds_key(
    js: NodeHelper, round_key: rsa.RSAPrivateKey, other_round_key: rsa.RSAPrivateKey
) -> None:
    key_json = blind_rsa.public_key_to_json(round_key.public_key())
    client = js.ok("prepare_blind", key=key_json, msg=b64url_encode(b"ballot"))
    blinded = b64url_decode(client["blinded"])
    other_n = other_round_key.public_key().public_numbers().n
    if int.from_bytes(blinded, "big") >= other_n:  # the other signer would refuse it
        blinded = (int.from_bytes(blinded, "big") % other_n).to_bytes(256, "big")
    wrong = blind_rsa.blind_sign(other_round_key, blinded)
    answer = js(
        "finalize",
        key=key_json,
        prepared=client["prepared"],
        blind_sig=b64url_encode(wrong),
        inv=client["inv"],
    )
    assert answer["error"]["code"] == "bad_signature"


def test_js_verify_refuses_wrong_key(
    js: NodeHelper, round_key: rsa.RSAPrivateKey, other_round_key: rsa.RSAPrivateKey
) -> None:
    _, prepared, sig = _js_sign_round_trip(js, round_key, b"ballot")
    other_json = blind_rsa.public_key_to_json(other_round_key.public_key())
    answer = js("verify", key=other_json, prepared=b64url_encode(prepared), sig=b64url_encode(sig))
    assert answer["error"]["code"] == "bad_signature"


def test_js_refuses_key_python_would_refuse(js: NodeHelper) -> None:
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    numbers = small.public_numbers()
    key_json = {
        "n": b64url_encode(numbers.n.to_bytes(128, "big")),
        "e": b64url_encode(numbers.e.to_bytes(3, "big")),
    }
    answer = js("prepare_blind", key=key_json, msg=b64url_encode(b"x"))
    assert answer["error"]["code"] == "bad_key"


# --- (b) canonical JSON: same bytes on both sides --------------------------------

VIETNAMESE_LETTERS = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxy"
    "áàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệíìỉĩịóòỏõọốồổỗộớờởỡợúùủũụứừửữựýỳỷỹỵ"
    "ĂÂĐÊÔƠƯÁÀẢÃẠẤẦẨẪẬẮẰẲẴẶÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ"
)
COMBINING_MARKS = "\u0300\u0301\u0303\u0309\u0323\u0302\u0306\u031b"
# Astral characters (UTF-16 surrogate pairs, D800-DBFF) against high BMP ones
# (E000-FFFF): code-point order and UTF-16 order disagree between the two.
ASTRAL = [
    "\U0001f600", "\U0001f5f3\ufe0f", "\U0001f1fb\U0001f1f3", "\U00020000", "\U0001d11e",
    "\U0010fffd",
]  # fmt: skip
HIGH_BMP = [
    "\ue000", "\uff5e", "\ufffd", "\ufb33", "\uf900", "\u2028", "\u2029", "\u00a0", "\u20ac",
    "\u0080",
]  # fmt: skip
SPECIALS = [chr(c) for c in range(0x20)] + ["\x7f", '"', "\\", "/", " ", "<", "'"]


def _decomposed(base: str, marks: list[str]) -> str:
    return base + "".join(marks)


text_piece = st.one_of(
    st.sampled_from(VIETNAMESE_LETTERS),
    st.builds(
        _decomposed,
        st.sampled_from("aeiouyAEIOUYdD"),
        st.lists(st.sampled_from(COMBINING_MARKS), min_size=1, max_size=3),
    ),
    st.sampled_from(VIETNAMESE_LETTERS).map(lambda c: unicodedata.normalize("NFD", c)),
    st.sampled_from(ASTRAL),
    st.sampled_from(HIGH_BMP),
    st.sampled_from(SPECIALS),
    # Assigned characters only (no Cn): Python 3.11 knows Unicode 14, Node's ICU a
    # later version, and NFC is stable only for characters both know.
    st.characters(exclude_categories=("Cs", "Cn")),
)
texts = st.lists(text_piece, max_size=10).map("".join)
keys = st.lists(text_piece, max_size=4).map("".join)
safe_integers = st.one_of(
    st.integers(min_value=-MAX_SAFE_INTEGER, max_value=MAX_SAFE_INTEGER),
    st.sampled_from([0, 1, -1, MAX_SAFE_INTEGER, -MAX_SAFE_INTEGER, 10**15, 2**31, -(2**31)]),
)
json_values = st.recursive(
    st.one_of(texts, safe_integers),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=5)
    ),
    max_leaves=25,
)
ballot_like = st.fixed_dictionaries(
    {
        "round": texts,
        "nonce": texts,
        "choices": st.dictionaries(
            keys, st.sampled_from(sorted(VIETNAMESE_BALLOT["choices"].values())) | texts, max_size=8
        ),
    }
)


def _python_canonical(value: Any) -> bytes | None:
    try:
        return canonical_json(value)
    except CryptoError as exc:
        assert exc.code == "non_canonical", exc
        return None


def _js_canonical(js: NodeHelper, value: Any) -> bytes | None:
    answer = js("canonical", value=value)
    if "error" in answer:
        assert answer["error"]["code"] == "non_canonical", answer["error"]
        return None
    return b64url_decode(answer["bytes"])


@cross_settings
@given(value=json_values)
@example(value={"\u00e9": 1, "e\u0301": 2})  # equal keys after NFC: both refuse
@example(value={"\uff5e": 1, "\U0001f600": 2, "\ue000": 3, "a": [1, "e\u0323\u0302"]})
@example(value=["\x00\x1f\x7f\u2028\"\\/", -MAX_SAFE_INTEGER, MAX_SAFE_INTEGER])
@example(value={"\ufb33": "\u1e9b\u0323", "\u0344": "\u0f73"})  # NFC composition exclusions
def test_canonical_json_bytes_identical(js: NodeHelper, value: Any) -> None:
    assert _js_canonical(js, value) == _python_canonical(value)


@cross_settings
@given(ballot=ballot_like)
def test_canonical_ballot_bytes_identical(js: NodeHelper, ballot: dict[str, Any]) -> None:
    py = _python_canonical(ballot)
    assert _js_canonical(js, ballot) == py


@pytest.mark.parametrize(
    "value",
    [
        pytest.param(True, id="true"),
        pytest.param({"a": None}, id="null"),
        pytest.param({"a": [False]}, id="false"),
        pytest.param(MAX_SAFE_INTEGER + 1, id="2**53"),
        pytest.param({"a": -(2**64)}, id="-2**64"),
        pytest.param("\ud800", id="lone-high-surrogate"),
        pytest.param({"\udc00x": 1}, id="lone-low-surrogate-key"),
        pytest.param({"\u1ec7": 1, "e\u0323\u0302": 2}, id="keys-equal-after-nfc"),
    ],
)
def test_both_refuse(js: NodeHelper, value: Any) -> None:
    assert _python_canonical(value) is None
    assert _js_canonical(js, value) is None


# --- (c) tracking codes -----------------------------------------------------------


@cross_settings
@given(
    prefix=st.binary(min_size=32, max_size=32),
    message=st.binary(max_size=300),
    signature=st.binary(min_size=256, max_size=256) | st.binary(max_size=600),
)
def test_tracking_codes_identical(
    js: NodeHelper, prefix: bytes, message: bytes, signature: bytes
) -> None:
    answer = js.ok(
        "tracking",
        prefix=b64url_encode(prefix),
        message=b64url_encode(message),
        signature=b64url_encode(signature),
    )
    assert answer["code"] == tracking_code(prefix, message, signature)


def test_tracking_code_of_a_js_signed_ballot(
    js: NodeHelper, round_key: rsa.RSAPrivateKey
) -> None:
    msg = canonical_json(VIETNAMESE_BALLOT)
    prefix, _, sig = _js_sign_round_trip(js, round_key, msg)
    answer = js.ok(
        "tracking",
        prefix=b64url_encode(prefix),
        message=b64url_encode(msg),
        signature=b64url_encode(sig),
    )
    assert re.fullmatch(r"[A-Z2-7]{5}-[A-Z2-7]{5}", answer["code"])
    assert answer["code"] == tracking_code(prefix, msg, sig)


def test_tracking_code_prefix_length_refused_by_both(js: NodeHelper) -> None:
    with pytest.raises(CryptoError) as raised:
        tracking_code(b"\x00" * 31, b"m", b"s")
    answer = js("tracking", prefix=b64url_encode(b"\x00" * 31), message="bQ", signature="cw")
    assert answer["error"]["code"] == raised.value.code == "bad_length"
