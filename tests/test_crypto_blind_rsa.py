"""RFC 9474 blind RSA (RSABSSA-SHA384-PSS-Randomized): vectors, round trips, refusals."""

from __future__ import annotations

import functools
import hashlib
import json
import math
import random
import re
from pathlib import Path

import gmpy2
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballot.crypto import blind_rsa
from ballot.crypto.blind_rsa import (
    blind,
    blind_sign,
    finalize,
    generate_private_key,
    key_fingerprint,
    modulus_len,
    prepare,
    private_key_from_pem,
    private_key_to_pem,
    public_key_from_json,
    public_key_to_json,
    verify,
)
from ballot.crypto.encoding import b64url_decode, b64url_encode
from ballot.crypto.errors import CryptoError

VECTORS_FILE = Path(__file__).resolve().parent / "data" / "rfc9474-test-vectors.json"
VARIANT = "RSABSSA-SHA384-PSS-Randomized"
PSS_SHA384 = padding.PSS(mgf=padding.MGF1(hashes.SHA384()), salt_length=48)
slow_settings = settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


# --- fixtures -------------------------------------------------------------------


def _hex(value: str) -> bytes:
    return bytes.fromhex(value.removeprefix("0x"))


def _vector_keys(vector: dict[str, str]) -> rsa.RSAPrivateKey:
    return _vector_key_cached(*(vector[name] for name in ("p", "q", "n", "e", "d")))


@functools.lru_cache(maxsize=None)
def _vector_key_cached(*hex_numbers: str) -> rsa.RSAPrivateKey:
    # Loading checks the key, which takes a noticeable time at 4096 bits.
    p, q, n, e, d = (int(value, 16) for value in hex_numbers)
    public = rsa.RSAPublicNumbers(e, n)
    return rsa.RSAPrivateNumbers(
        p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q), public
    ).private_key()


def _all_vectors() -> list[dict[str, str]]:
    return json.loads(VECTORS_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def vector() -> dict[str, str]:
    (chosen,) = [v for v in _all_vectors() if v["name"] == VARIANT]
    return chosen


@pytest.fixture(scope="module")
def round_key() -> rsa.RSAPrivateKey:
    return generate_private_key(2048)


@pytest.fixture(scope="module")
def other_round_key() -> rsa.RSAPrivateKey:
    return generate_private_key(2048)


def _sign_ballot(private_key: rsa.RSAPrivateKey, msg: bytes) -> tuple[bytes, bytes, bytes]:
    """The whole protocol: returns (prefix, prepared_msg, signature)."""
    public_key = private_key.public_key()
    prefix, prepared = prepare(msg)
    blinded, inv = blind(public_key, prepared)
    signature = finalize(public_key, prepared, blind_sign(private_key, blinded), inv)
    return prefix, prepared, signature


# --- RFC 9474 appendix A --------------------------------------------------------


def test_vector_file_is_the_rfc_one(vector: dict[str, str]) -> None:
    assert vector["sLen"] == "0x30" and vector["is_randomized"] == "0x01"
    assert _hex(vector["input_msg"]) == _hex(vector["msg_prefix"]) + _hex(vector["msg"])


def test_vector_prepare(vector: dict[str, str]) -> None:
    prefix, prepared = prepare(_hex(vector["msg"]), _hex(vector["msg_prefix"]))
    assert prefix == _hex(vector["msg_prefix"])
    assert prepared == _hex(vector["input_msg"])


def test_vector_blind_sign_finalize_verify(vector: dict[str, str]) -> None:
    private_key = _vector_keys(vector)
    public_key = private_key.public_key()
    n = public_key.public_numbers().n
    inv = int(vector["inv"], 16)
    prepared = _hex(vector["input_msg"])

    blinded, inv_bytes = blind(public_key, prepared, salt=_hex(vector["salt"]), r=pow(inv, -1, n))
    assert blinded == _hex(vector["blinded_msg"])
    assert int.from_bytes(inv_bytes, "big") == inv and len(inv_bytes) == modulus_len(public_key)

    blind_sig = blind_sign(private_key, blinded)
    assert blind_sig == _hex(vector["blind_sig"])

    signature = finalize(public_key, prepared, blind_sig, inv_bytes)
    assert signature == _hex(vector["sig"])
    verify(public_key, prepared, signature)


def test_vector_signature_is_standard_pss_for_cryptography(vector: dict[str, str]) -> None:
    public_key = _vector_keys(vector).public_key()
    public_key.verify(_hex(vector["sig"]), _hex(vector["input_msg"]), PSS_SHA384, hashes.SHA384())


@pytest.mark.parametrize("variant", _all_vectors(), ids=lambda v: v["name"])
def test_every_rfc_variant_shares_the_same_core(variant: dict[str, str]) -> None:
    """The other three variants only change prefix and salt length: same primitives."""
    private_key = _vector_keys(variant)
    public_key = private_key.public_key()
    n = public_key.public_numbers().n
    salt = _hex(variant["salt"])
    r = pow(int(variant["inv"], 16), -1, n)
    prepared = _hex(variant["input_msg"])
    blinded, inv = blind(public_key, prepared, salt=salt, r=r)
    assert blinded == _hex(variant["blinded_msg"])
    assert blind_sign(private_key, blinded) == _hex(variant["blind_sig"])
    signature = finalize(public_key, prepared, _hex(variant["blind_sig"]), inv, salt_len=len(salt))
    assert signature == _hex(variant["sig"])


# --- round trips ----------------------------------------------------------------


def test_round_trip_with_fresh_key(round_key: rsa.RSAPrivateKey) -> None:
    ballot = '{"choices":{"m1":"HTTNV"},"nonce":"x","round":"r1"}'.encode()
    prefix, prepared, signature = _sign_ballot(round_key, ballot)
    assert prepared == prefix + ballot and len(prefix) == 32
    assert len(signature) == 256
    verify(round_key.public_key(), prepared, signature)
    round_key.public_key().verify(signature, prepared, PSS_SHA384, hashes.SHA384())


@slow_settings
@given(msg=st.binary(max_size=600))
def test_round_trip_any_message(round_key: rsa.RSAPrivateKey, msg: bytes) -> None:
    _, prepared, signature = _sign_ballot(round_key, msg)
    verify(round_key.public_key(), prepared, signature)


def test_round_trip_3072_bits() -> None:
    private_key = generate_private_key(3072)
    _, prepared, signature = _sign_ballot(private_key, b"ballot")
    assert len(signature) == 384
    verify(private_key.public_key(), prepared, signature)


def test_round_trip_when_encoding_is_one_byte_shorter_than_modulus() -> None:
    """modBits = 2049: emBits = 2048, so EM has k - 1 bytes (RFC 8017 section 8.1.1 note)."""
    private_key = _key_with_modulus_bits(2049)
    assert modulus_len(private_key.public_key()) == 257
    _, prepared, signature = _sign_ballot(private_key, b"ballot")
    verify(private_key.public_key(), prepared, signature)


def test_randomness_prefix_and_blinding_differ_each_time(round_key: rsa.RSAPrivateKey) -> None:
    public_key = round_key.public_key()
    first, second = prepare(b"same"), prepare(b"same")
    assert first[0] != second[0]
    assert blind(public_key, first[1])[0] != blind(public_key, first[1])[0]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_constant_time_crt_matches_textbook_rsa(
    round_key: rsa.RSAPrivateKey, data: st.DataObject
) -> None:
    numbers = round_key.private_numbers()
    n, d = numbers.public_numbers.n, numbers.d
    m = data.draw(st.integers(min_value=1, max_value=n - 1))
    crt = blind_rsa._CrtKey(numbers)
    assert int(crt.rsasp1(m)) == pow(m, d, n)


# --- refusals -------------------------------------------------------------------


def _code(excinfo: pytest.ExceptionInfo[CryptoError]) -> str:
    assert excinfo.value.message  # every error has a Vietnamese message
    return excinfo.value.code


def test_wrong_key_signer_is_caught_by_finalize(
    round_key: rsa.RSAPrivateKey, other_round_key: rsa.RSAPrivateKey
) -> None:
    public_key = round_key.public_key()
    _, prepared = prepare(b"ballot")
    blinded, inv = blind(public_key, prepared)
    other_n = other_round_key.public_key().public_numbers().n
    # Reduced so the other signer accepts it whichever modulus is larger.
    blinded = (int.from_bytes(blinded, "big") % other_n).to_bytes(256, "big")
    with pytest.raises(CryptoError) as excinfo:
        finalize(public_key, prepared, blind_sign(other_round_key, blinded), inv)
    assert _code(excinfo) == "bad_signature"


def test_signature_from_another_rounds_key_is_refused(
    round_key: rsa.RSAPrivateKey, other_round_key: rsa.RSAPrivateKey
) -> None:
    _, prepared, signature = _sign_ballot(other_round_key, b"ballot")
    with pytest.raises(CryptoError) as excinfo:
        verify(round_key.public_key(), prepared, signature)
    assert _code(excinfo) == "bad_signature"


def test_tampered_message_is_refused(round_key: rsa.RSAPrivateKey) -> None:
    prefix, _, signature = _sign_ballot(round_key, b'{"choice":"HTTNV"}')
    with pytest.raises(CryptoError) as excinfo:
        verify(round_key.public_key(), prefix + b'{"choice":"HTXSNV"}', signature)
    assert _code(excinfo) == "bad_signature"


def test_tampered_prefix_is_refused(round_key: rsa.RSAPrivateKey) -> None:
    prefix, prepared, signature = _sign_ballot(round_key, b"ballot")
    tampered = bytes([prefix[0] ^ 1]) + prepared[1:]
    with pytest.raises(CryptoError) as excinfo:
        verify(round_key.public_key(), tampered, signature)
    assert _code(excinfo) == "bad_signature"


def test_missing_prefix_is_refused(round_key: rsa.RSAPrivateKey) -> None:
    prefix, prepared, signature = _sign_ballot(round_key, b"ballot")
    with pytest.raises(CryptoError) as excinfo:
        verify(round_key.public_key(), prepared[len(prefix) :], signature)
    assert _code(excinfo) == "bad_signature"


@pytest.mark.parametrize("mangle", ["flip_bit", "truncate", "extend", "zero"])
def test_tampered_signature_is_refused(round_key: rsa.RSAPrivateKey, mangle: str) -> None:
    _, prepared, signature = _sign_ballot(round_key, b"ballot")
    bad = {
        "flip_bit": signature[:-1] + bytes([signature[-1] ^ 1]),
        "truncate": signature[:-1],
        "extend": signature + b"\x00",
        "zero": bytes(len(signature)),
    }[mangle]
    with pytest.raises(CryptoError) as excinfo:
        verify(round_key.public_key(), prepared, bad)
    assert _code(excinfo) == "bad_signature"


def test_wrong_inverse_is_caught_by_finalize(round_key: rsa.RSAPrivateKey) -> None:
    public_key = round_key.public_key()
    _, prepared = prepare(b"ballot")
    blinded, _ = blind(public_key, prepared)
    _, other_inv = blind(public_key, prepared)
    with pytest.raises(CryptoError) as excinfo:
        finalize(public_key, prepared, blind_sign(round_key, blinded), other_inv)
    assert _code(excinfo) == "bad_signature"


def test_blind_signature_of_wrong_length_is_refused(round_key: rsa.RSAPrivateKey) -> None:
    public_key = round_key.public_key()
    _, prepared = prepare(b"ballot")
    blinded, inv = blind(public_key, prepared)
    blind_sig = blind_sign(round_key, blinded)
    with pytest.raises(CryptoError) as excinfo:
        finalize(public_key, prepared, blind_sig[1:], inv)
    assert _code(excinfo) == "bad_length"


@pytest.mark.parametrize("case", ["zero", "n", "n_plus_1", "all_ff", "short", "long", "empty"])
def test_blinded_message_out_of_range_is_refused(round_key: rsa.RSAPrivateKey, case: str) -> None:
    n = round_key.public_key().public_numbers().n
    k = modulus_len(round_key.public_key())
    blinded = {
        "zero": bytes(k),
        "n": n.to_bytes(k, "big"),
        "n_plus_1": (n + 1).to_bytes(k, "big"),
        "all_ff": b"\xff" * k,
        "short": b"\x01" * (k - 1),
        "long": b"\x00" + b"\x01" * k,
        "empty": b"",
    }[case]
    with pytest.raises(CryptoError) as excinfo:
        blind_sign(round_key, blinded)
    assert _code(excinfo) == "blinded_out_of_range"


def test_largest_blinded_message_in_range_is_signed(round_key: rsa.RSAPrivateKey) -> None:
    n = round_key.public_key().public_numbers().n
    blind_sig = blind_sign(round_key, (n - 1).to_bytes(256, "big"))
    assert int.from_bytes(blind_sig, "big") == n - 1  # (-1)^d = -1 for odd d


def test_faulty_private_operation_is_never_released(
    round_key: rsa.RSAPrivateKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    """RFC 9474 section 4.3 step 4: a corrupted CRT half must not leave the signer."""
    genuine = blind_rsa._CrtKey.rsasp1
    monkeypatch.setattr(blind_rsa._CrtKey, "rsasp1", lambda self, m: genuine(self, m) + self.q)
    _, prepared = prepare(b"ballot")
    blinded, _ = blind(round_key.public_key(), prepared)
    with pytest.raises(CryptoError) as excinfo:
        blind_sign(round_key, blinded)
    assert _code(excinfo) == "signing_failed"


@pytest.mark.parametrize("r_name", ["zero", "n", "p"])
def test_non_invertible_blinding_factor_is_refused(vector: dict[str, str], r_name: str) -> None:
    public_key = _vector_keys(vector).public_key()
    r = {"zero": 0, "n": public_key.public_numbers().n, "p": int(vector["p"], 16)}[r_name]
    with pytest.raises(CryptoError) as excinfo:
        blind(public_key, b"ballot", r=r)
    assert _code(excinfo) == "blinding_failed"


def test_prepare_refuses_a_prefix_of_the_wrong_length() -> None:
    with pytest.raises(CryptoError) as excinfo:
        prepare(b"ballot", b"\x00" * 31)
    assert _code(excinfo) == "bad_length"


def test_generate_refuses_short_keys() -> None:
    with pytest.raises(ValueError):
        generate_private_key(1024)


# --- key formats ----------------------------------------------------------------


def test_public_key_json_round_trip(round_key: rsa.RSAPrivateKey) -> None:
    public_key = round_key.public_key()
    obj = public_key_to_json(public_key)
    assert set(obj) == {"n", "e", "spki_pem"}
    assert obj["e"] == "AQAB"
    assert len(b64url_decode(obj["n"])) == 256
    assert obj["spki_pem"].startswith("-----BEGIN PUBLIC KEY-----")
    restored = public_key_from_json(json.loads(json.dumps(obj)))
    assert restored.public_numbers() == public_key.public_numbers()
    without_pem = public_key_from_json({"n": obj["n"], "e": obj["e"]})
    assert without_pem.public_numbers() == public_key.public_numbers()


def test_public_key_json_refusals(
    round_key: rsa.RSAPrivateKey, other_round_key: rsa.RSAPrivateKey
) -> None:
    obj = public_key_to_json(round_key.public_key())
    other = public_key_to_json(other_round_key.public_key())
    short = rsa.generate_private_key(65537, 1024).public_key()
    bad_inputs = [
        {**obj, "spki_pem": other["spki_pem"]},  # PEM of another key
        {**obj, "n": b64url_encode(b"\x00" + b64url_decode(obj["n"]))},  # leading zero
        {"n": obj["n"]},
        {"n": obj["n"], "e": 65537},
        public_key_to_json(short),
        [],
    ]
    for bad in bad_inputs:
        with pytest.raises(CryptoError) as excinfo:
            public_key_from_json(bad)  # type: ignore[arg-type]
        assert _code(excinfo) == "bad_key"
    with pytest.raises(CryptoError) as excinfo:
        public_key_from_json({**obj, "n": obj["n"] + "="})
    assert _code(excinfo) == "bad_base64"


def test_private_key_pem_round_trip(round_key: rsa.RSAPrivateKey) -> None:
    pem = private_key_to_pem(round_key)
    assert pem.startswith(b"-----BEGIN PRIVATE KEY-----")
    restored = private_key_from_pem(pem)
    assert restored.private_numbers() == round_key.private_numbers()


def test_private_key_pem_refusals() -> None:
    ed_pem = ed25519.Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    for bad in (b"not a key", ed_pem):
        with pytest.raises(CryptoError) as excinfo:
            private_key_from_pem(bad)
        assert _code(excinfo) == "bad_key"


def test_key_fingerprint(round_key: rsa.RSAPrivateKey, other_round_key: rsa.RSAPrivateKey) -> None:
    public_key = round_key.public_key()
    fp = key_fingerprint(public_key)
    assert re.fullmatch(r"([0-9A-F]{4} ){15}[0-9A-F]{4}", fp)
    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert fp.replace(" ", "") == hashlib.sha256(der).hexdigest().upper()
    assert fp != key_fingerprint(other_round_key.public_key())


# --- helpers --------------------------------------------------------------------


def _key_with_modulus_bits(bits: int) -> rsa.RSAPrivateKey:
    """A test-only key whose modulus has exactly `bits` bits (OpenSSL avoids 2049)."""
    rng = random.Random(bits)
    e = 65537
    while True:
        p = int(gmpy2.next_prime(rng.getrandbits(bits // 2 + 1) | 1 << (bits // 2)))
        q = int(gmpy2.next_prime(rng.getrandbits(bits - bits // 2 - 1) | 1 << (bits - bits // 2 - 2)))
        n = p * q
        lam = math.lcm(p - 1, q - 1)
        if n.bit_length() == bits and p != q and math.gcd(e, lam) == 1:
            break
    d = pow(e, -1, lam)
    return rsa.RSAPrivateNumbers(
        p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), rsa.rsa_crt_iqmp(p, q),
        rsa.RSAPublicNumbers(e, n),
    ).private_key()
