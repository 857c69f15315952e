"""RSA blind signatures, RFC 9474 variant RSABSSA-SHA384-PSS-Randomized.

The voter's phone runs `prepare`, `blind` and `finalize` (in JavaScript; the Python
versions here serve tests, the verifier and cross-checks); the server runs
`blind_sign`; anybody runs `verify`. A finalized signature is an ordinary RSASSA-PSS
signature (SHA-384, MGF1-SHA-384, 48-byte salt) over prefix || message, so the
final check is `cryptography`'s standard PSS verification.

Two steps are not offered by `cryptography` and are written here:
- EMSA-PSS encoding on the client side (RFC 8017 section 9.1.1), because `blind`
  must encode before the signer sees anything;
- the raw RSA private operation (RSASP1, RFC 8017 section 5.2.1) on an already
  encoded, blinded integer. It uses CRT with gmpy2's `powmod_sec`
  (GMP `mpz_powm_sec`), whose running time does not depend on the secret
  exponent; this module has no branch or early exit on secret data. (The
  reductions mod p and q and the recombination are ordinary GMP arithmetic;
  the signer's input is not re-blinded, because each member obtains at most
  one signature per round, far too few queries for a timing attack.)
"""

from __future__ import annotations

import hashlib
import math
import secrets
from collections.abc import Mapping
from typing import Any

import gmpy2
from cryptography.exceptions import InvalidSignature as _PyCaInvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from ballot.crypto.encoding import b64url_decode, b64url_encode, hex_groups
from ballot.crypto.errors import (
    BlindingError,
    InvalidKey,
    InvalidLength,
    InvalidSignature,
    MessageOutOfRange,
    SigningFailure,
)

# RFC 9474 section 5, RSABSSA-SHA384-PSS-Randomized.
HASH_LEN = 48  # SHA-384 output, hLen
SALT_LEN = 48  # sLen = hLen
PREFIX_LEN = 32  # RFC 9474 section 4.1: 32 random bytes for randomized variants
PUBLIC_EXPONENT = 65537
MIN_MODULUS_BITS = 2048  # the product issues and accepts no smaller round key


# --- keys -----------------------------------------------------------------------


def generate_private_key(bits: int = 2048) -> rsa.RSAPrivateKey:
    """A fresh round key; RFC 9474 section 6.2: a blind-signing key serves nothing else."""
    if bits < MIN_MODULUS_BITS:
        raise ValueError(f"RSA modulus must be at least {MIN_MODULUS_BITS} bits")
    return rsa.generate_private_key(public_exponent=PUBLIC_EXPONENT, key_size=bits)


def modulus_len(public_key: rsa.RSAPublicKey) -> int:
    """k in RFC 8017: the length in bytes of the modulus, of every blinded
    message, blind signature and signature under this key."""
    return _byte_len(_public_numbers(public_key).n)


def public_key_to_json(public_key: rsa.RSAPublicKey) -> dict[str, str]:
    """The round's public key as published to phones (n, e) and to verifiers (SPKI)."""
    numbers = _public_numbers(public_key)
    spki_pem = public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")
    return {
        "n": b64url_encode(_int_to_min_bytes(numbers.n)),
        "e": b64url_encode(_int_to_min_bytes(numbers.e)),
        "spki_pem": spki_pem,
    }


def public_key_from_json(obj: Mapping[str, Any]) -> rsa.RSAPublicKey:
    """Inverse of `public_key_to_json`; `spki_pem` is optional but must match n, e."""
    if not isinstance(obj, Mapping) or not isinstance(obj.get("n"), str) or not isinstance(
        obj.get("e"), str
    ):
        raise InvalidKey("expected an object with string fields n and e")
    n = _min_bytes_to_int(b64url_decode(obj["n"]), "n")
    e = _min_bytes_to_int(b64url_decode(obj["e"]), "e")
    try:
        public_key = rsa.RSAPublicNumbers(e, n).public_key()
    except ValueError as exc:
        raise InvalidKey(f"invalid RSA public numbers: {exc}") from None
    if n.bit_length() < MIN_MODULUS_BITS:
        raise InvalidKey(f"modulus shorter than {MIN_MODULUS_BITS} bits")
    if "spki_pem" in obj:
        _check_spki_matches(obj["spki_pem"], public_key)
    return public_key


def private_key_to_pem(private_key: rsa.RSAPrivateKey) -> bytes:
    """Unencrypted PKCS#8 PEM for a round key (the file layer sets mode 0600)."""
    return private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def private_key_from_pem(data: bytes) -> rsa.RSAPrivateKey:
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise InvalidKey(f"cannot load RSA private key: {exc}") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise InvalidKey(f"expected an RSA key, got {type(key).__name__}")
    return key


def key_fingerprint(public_key: rsa.RSAPublicKey) -> str:
    """SHA-256 of the SubjectPublicKeyInfo DER, in groups of four hex digits."""
    der = public_key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hex_groups(hashlib.sha256(der).digest())


# --- protocol (RFC 9474 section 4) ----------------------------------------------


def prepare(msg: bytes, prefix: bytes | None = None) -> tuple[bytes, bytes]:
    """RFC 9474 section 4.1 (randomized): (prefix, prefix || msg).

    The random prefix keeps the signed input unpredictable to the signer even when
    the ballot itself has little entropy (RFC 9474 section 7, "Message Entropy")."""
    if prefix is None:
        prefix = secrets.token_bytes(PREFIX_LEN)
    if len(prefix) != PREFIX_LEN:
        raise InvalidLength(f"prefix must be {PREFIX_LEN} bytes")
    return prefix, prefix + msg


def blind(
    public_key: rsa.RSAPublicKey,
    prepared_msg: bytes,
    *,
    salt: bytes | None = None,
    r: int | None = None,
) -> tuple[bytes, bytes]:
    """RFC 9474 section 4.2: (blinded_msg, inv), both k bytes big-endian.

    `salt` and `r` are for test vectors only; normally both are fresh random.
    A given salt's length is the PSS salt length (48 for this variant)."""
    numbers = _public_numbers(public_key)
    n, e, k = numbers.n, numbers.e, _byte_len(numbers.n)
    if salt is None:
        salt = secrets.token_bytes(SALT_LEN)
    # Step 1. emBits = modBits - 1, exactly as RSASSA-PSS-SIGN (RFC 8017 section
    # 8.1.1 step 1), so the finalized signature verifies as standard PSS.
    encoded_msg = emsa_pss_encode(prepared_msg, n.bit_length() - 1, salt)
    m = int.from_bytes(encoded_msg, "big")
    # Step 4. A message sharing a factor with n cannot be blinded (and would factor n).
    if math.gcd(m, n) != 1:
        raise BlindingError("encoded message is not coprime to the modulus")
    # Step 5-6. r uniform in [1, n); its inverse unblinds in `finalize`.
    if r is None:
        r = 1 + secrets.randbelow(n - 1)
    if not 1 <= r < n or math.gcd(r, n) != 1:
        raise BlindingError("blinding factor is not invertible modulo n")
    inv = pow(r, -1, n)
    # Step 7-9. z = m * r^e mod n: uniformly distributed, so it hides m.
    blinded = m * pow(r, e, n) % n
    return blinded.to_bytes(k, "big"), inv.to_bytes(k, "big")


def blind_sign(private_key: rsa.RSAPrivateKey, blinded_msg: bytes) -> bytes:
    """RFC 9474 section 4.3: the signer's step, on bytes it cannot read."""
    if not isinstance(private_key, rsa.RSAPrivateKey):
        raise TypeError("blind_sign needs an RSA private key")
    key = _CrtKey.from_private_key(private_key)
    if len(blinded_msg) != key.k:
        raise MessageOutOfRange(
            f"blinded message must be {key.k} bytes, got {len(blinded_msg)}"
        )
    m = int.from_bytes(blinded_msg, "big")
    # RSASP1 step 1 (RFC 8017 section 5.2.1) asks 0 <= m < n; 0 is refused too,
    # since blinding never yields it and its "signature" is 0.
    if not 0 < m < key.n:
        raise MessageOutOfRange("blinded message is not in the range 0 < m < n")
    s = key.rsasp1(m)
    # Step 3-4: check before release, so a fault in one CRT half cannot hand
    # out a value that factors n (RFC 9474 section 7.1, Bellcore attack).
    if pow(s, key.e, key.n) != m:
        raise SigningFailure("RSAVP1(s) != m")
    return int(s).to_bytes(key.k, "big")


def finalize(
    public_key: rsa.RSAPublicKey,
    prepared_msg: bytes,
    blind_sig: bytes,
    inv: bytes,
    *,
    salt_len: int = SALT_LEN,
) -> bytes:
    """RFC 9474 section 4.4: unblind, then verify before accepting the result."""
    numbers = _public_numbers(public_key)
    n, k = numbers.n, _byte_len(numbers.n)
    # Step 1: "unexpected input size".
    if len(blind_sig) != k:
        raise InvalidLength(f"blind signature must be {k} bytes, got {len(blind_sig)}")
    if len(inv) != k:
        raise InvalidLength(f"inverse must be {k} bytes, got {len(inv)}")
    z = int.from_bytes(blind_sig, "big")
    r_inv = int.from_bytes(inv, "big")
    if not 0 < r_inv < n:
        raise BlindingError("inverse is not in the range 0 < inv < n")
    if not 0 < z < n:
        raise InvalidSignature("blind signature is not in the range 0 < z < n")
    # Step 2-4: s = z * inv mod n.
    signature = (z * r_inv % n).to_bytes(k, "big")
    # Step 5-6: a signer that cheats (wrong key, tagged value) is caught here.
    _verify_pss(public_key, prepared_msg, signature, salt_len)
    return signature


def verify(public_key: rsa.RSAPublicKey, prepared_msg: bytes, signature: bytes) -> None:
    """RFC 9474 section 4.5: standard RSASSA-PSS verification; raises InvalidSignature."""
    _verify_pss(public_key, prepared_msg, signature, SALT_LEN)


# --- EMSA-PSS encoding (RFC 8017 section 9.1.1) --------------------------------


def emsa_pss_encode(message: bytes, em_bits: int, salt: bytes) -> bytes:
    """EMSA-PSS-ENCODE with SHA-384 and MGF1-SHA-384; the salt is given."""
    em_len = (em_bits + 7) // 8
    m_hash = _sha384(message)  # step 2
    if em_len < HASH_LEN + len(salt) + 2:  # step 3
        raise InvalidKey("modulus too small for EMSA-PSS with SHA-384")
    h = _sha384(b"\x00" * 8, m_hash, salt)  # steps 5-6: H = Hash(M')
    db = bytes(em_len - len(salt) - HASH_LEN - 2) + b"\x01" + salt  # steps 7-8
    db_mask = mgf1_sha384(h, len(db))  # step 9
    masked_db = _xor(db, db_mask)  # step 10
    unused_bits = 8 * em_len - em_bits  # step 11: clear the bits above emBits
    masked_db = bytes([masked_db[0] & (0xFF >> unused_bits)]) + masked_db[1:]
    return masked_db + h + b"\xbc"  # step 12


def mgf1_sha384(seed: bytes, length: int) -> bytes:
    """MGF1 (RFC 8017 appendix B.2.1) with SHA-384."""
    blocks = (
        _sha384(seed, counter.to_bytes(4, "big"))
        for counter in range(-(-length // HASH_LEN))
    )
    return b"".join(blocks)[:length]


# --- internals ------------------------------------------------------------------


class _CrtKey:
    """The private key as gmpy2 integers, for RSASP1 with CRT (RFC 8017 section
    5.2.1, step 2.b, with u = 2)."""

    __slots__ = ("n", "e", "k", "p", "q", "d_p", "d_q", "q_inv")

    def __init__(self, numbers: rsa.RSAPrivateNumbers) -> None:
        public = numbers.public_numbers
        self.n = public.n
        self.e = public.e
        self.k = _byte_len(public.n)
        self.p = gmpy2.mpz(numbers.p)
        self.q = gmpy2.mpz(numbers.q)
        self.d_p = gmpy2.mpz(numbers.dmp1)
        self.d_q = gmpy2.mpz(numbers.dmq1)
        self.q_inv = gmpy2.mpz(numbers.iqmp)

    @classmethod
    def from_private_key(cls, private_key: rsa.RSAPrivateKey) -> "_CrtKey":
        return cls(private_key.private_numbers())

    def rsasp1(self, m: int) -> gmpy2.mpz:
        # powmod_sec: time independent of the exponent bits (and of the base), so
        # the attacker-chosen m does not reveal d_p or d_q through timing.
        s_p = gmpy2.powmod_sec(m % self.p, self.d_p, self.p)
        s_q = gmpy2.powmod_sec(m % self.q, self.d_q, self.q)
        # Garner's recombination: straight-line arithmetic, no data-dependent branch.
        h = (s_p - s_q) * self.q_inv % self.p
        return s_q + self.q * h


def _verify_pss(
    public_key: rsa.RSAPublicKey, message: bytes, signature: bytes, salt_len: int
) -> None:
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise TypeError("verification needs an RSA public key")
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA384()), salt_length=salt_len)
    try:
        public_key.verify(bytes(signature), bytes(message), pss, hashes.SHA384())
    except _PyCaInvalidSignature:
        raise InvalidSignature("RSASSA-PSS verification failed") from None


def _public_numbers(public_key: rsa.RSAPublicKey) -> rsa.RSAPublicNumbers:
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise TypeError("expected an RSA public key")
    return public_key.public_numbers()


def _sha384(*parts: bytes) -> bytes:
    digest = hashes.Hash(hashes.SHA384())
    for part in parts:
        digest.update(part)
    return digest.finalize()


def _xor(a: bytes, b: bytes) -> bytes:
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).to_bytes(len(a), "big")


def _byte_len(n: int) -> int:
    return (n.bit_length() + 7) // 8


def _int_to_min_bytes(value: int) -> bytes:
    return value.to_bytes(_byte_len(value), "big")


def _min_bytes_to_int(data: bytes, name: str) -> int:
    """Big-endian integer with no leading zero byte (one encoding per key)."""
    if not data or data[0] == 0:
        raise InvalidKey(f"{name} must be a minimal big-endian integer")
    return int.from_bytes(data, "big")


def _check_spki_matches(spki_pem: object, public_key: rsa.RSAPublicKey) -> None:
    if not isinstance(spki_pem, str):
        raise InvalidKey("spki_pem must be a string")
    try:
        spki_key = serialization.load_pem_public_key(spki_pem.encode("ascii"))
    except (ValueError, UnicodeEncodeError) as exc:
        raise InvalidKey(f"cannot load spki_pem: {exc}") from None
    if not isinstance(spki_key, rsa.RSAPublicKey) or (
        spki_key.public_numbers() != public_key.public_numbers()
    ):
        raise InvalidKey("spki_pem does not match n and e")


__all__ = [
    "HASH_LEN",
    "MIN_MODULUS_BITS",
    "PREFIX_LEN",
    "SALT_LEN",
    "blind",
    "blind_sign",
    "emsa_pss_encode",
    "finalize",
    "generate_private_key",
    "key_fingerprint",
    "mgf1_sha384",
    "modulus_len",
    "prepare",
    "private_key_from_pem",
    "private_key_to_pem",
    "public_key_from_json",
    "public_key_to_json",
    "verify",
]
