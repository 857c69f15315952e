"""The ristretto255 group (RFC 9496) and hash-to-scalar (RFC 9497 section 4.1).

docs/encrypted-ballots.md, sections 2 and 3. Thin immutable wrappers over libsodium
through `rbcl`: every operation on points and scalars is libsodium's; this module
only checks encodings strictly and names things.

- `Scalar`: an integer mod ORDER, 32 bytes little-endian, always < ORDER.
- `Element`: a group element, its 32-byte RFC 9496 encoding.
- `hash_to_scalar(dst, *items)`: expand_message_xmd(SHA-512, 64 bytes) of the
  length-prefixed items, reduced mod ORDER.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterable

import rbcl

from ballot.crypto.encoding import b64url_decode, b64url_encode
from ballot.crypto.errors import CryptoError, InvalidElement, InvalidScalar

ORDER = 2**252 + 27742317777372353535851937790883648493
SIZE = 32

_sodium_base = rbcl.crypto_scalarmult_ristretto255_base_allow_scalar_zero
_sodium_mul = rbcl.crypto_scalarmult_ristretto255_allow_scalar_zero
_sodium_add = rbcl.crypto_core_ristretto255_add
_sodium_sub = rbcl.crypto_core_ristretto255_sub
_sodium_valid = rbcl.crypto_core_ristretto255_is_valid_point
_s_add = rbcl.crypto_core_ristretto255_scalar_add
_s_sub = rbcl.crypto_core_ristretto255_scalar_sub
_s_mul = rbcl.crypto_core_ristretto255_scalar_mul
_s_neg = rbcl.crypto_core_ristretto255_scalar_negate
_s_inv = rbcl.crypto_core_ristretto255_scalar_invert
_s_reduce = rbcl.crypto_core_ristretto255_scalar_reduce


def _forget_rbcl_temp_copy() -> None:
    # rbcl writes its bundled libsodium to a temporary file and loads it from
    # there, leaving one 2.7 MB file per process; once loaded, POSIX lets us
    # unlink it (on Windows the loaded file cannot be removed and stays).
    path = getattr(rbcl._sodium, "_name", None)  # ctypes.CDLL._name: the loaded path
    if os.name == "posix" and isinstance(path, str) and os.path.basename(path).startswith("tmp"):
        try:
            os.unlink(path)
        except OSError:
            pass


_forget_rbcl_temp_copy()


class Scalar:
    """An integer mod ORDER (immutable); arithmetic by libsodium."""

    __slots__ = ("_b",)

    def __init__(self, data: bytes) -> None:
        # Trusted constructor (callers pass canonical bytes); use from_bytes for input.
        self._b = data

    @classmethod
    def from_bytes(cls, data: bytes) -> Scalar:
        if not isinstance(data, (bytes, bytearray)) or len(data) != SIZE:
            raise InvalidScalar("a scalar is 32 bytes")
        if int.from_bytes(data, "little") >= ORDER:
            raise InvalidScalar("scalar not reduced (>= group order): non-canonical")
        return cls(bytes(data))

    @classmethod
    def from_b64(cls, text: str) -> Scalar:
        return cls.from_bytes(_b64(text, InvalidScalar))

    @classmethod
    def from_int(cls, value: int) -> Scalar:
        return cls((value % ORDER).to_bytes(SIZE, "little"))

    @classmethod
    def from_uniform(cls, data: bytes) -> Scalar:
        """64 uniform bytes reduced mod ORDER (RFC 9496 scalar from uniform bytes)."""
        if len(data) != 64:
            raise InvalidScalar("uniform input is 64 bytes")
        return cls(_s_reduce(bytes(data)))

    @classmethod
    def random(cls) -> Scalar:
        """Uniform in [1, ORDER): zero would expose a plaintext or a key."""
        while True:
            s = cls.from_uniform(secrets.token_bytes(64))
            if s:
                return s

    def to_bytes(self) -> bytes:
        return self._b

    def b64(self) -> str:
        return b64url_encode(self._b)

    def __int__(self) -> int:
        return int.from_bytes(self._b, "little")

    def __bool__(self) -> bool:
        return self._b != _ZERO_BYTES

    def __add__(self, other: Scalar) -> Scalar:
        return Scalar(_s_add(self._b, other._b))

    def __sub__(self, other: Scalar) -> Scalar:
        return Scalar(_s_sub(self._b, other._b))

    def __mul__(self, other: Scalar) -> Scalar:
        if not isinstance(other, Scalar):
            return NotImplemented  # Scalar * Element: Element.__rmul__
        return Scalar(_s_mul(self._b, other._b))

    def __neg__(self) -> Scalar:
        return Scalar(_s_neg(self._b))

    def inverse(self) -> Scalar:
        if not self:
            raise InvalidScalar("zero has no inverse")
        return Scalar(_s_inv(self._b))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Scalar) and secrets.compare_digest(self._b, other._b)

    def __hash__(self) -> int:
        return hash(self._b)

    def __repr__(self) -> str:
        return "Scalar(…)"  # never print a secret by accident


_ZERO_BYTES = bytes(SIZE)


class Element:
    """A ristretto255 group element (immutable), held as its canonical encoding."""

    __slots__ = ("_b",)

    def __init__(self, data: bytes) -> None:
        self._b = data  # trusted: from libsodium or a checked decode

    @classmethod
    def decode(cls, data: bytes, *, allow_identity: bool = False) -> Element:
        """RFC 9496 section 4.3.1 decoding, refusing every non-canonical spelling."""
        if not isinstance(data, (bytes, bytearray)) or len(data) != SIZE:
            raise InvalidElement("an element is 32 bytes")
        data = bytes(data)
        # libsodium 1.0.18 (bundled by rbcl) ignores bit 255; RFC 9496 refuses it.
        if data[31] & 0x80 or not _sodium_valid(data):
            raise InvalidElement("not the canonical encoding of a ristretto255 element")
        if not allow_identity and data == _ZERO_BYTES:
            raise InvalidElement("the identity element is not allowed here")
        return cls(data)

    @classmethod
    def from_b64(cls, text: str, *, allow_identity: bool = False) -> Element:
        return cls.decode(_b64(text, InvalidElement), allow_identity=allow_identity)

    @classmethod
    def base_times(cls, s: Scalar) -> Element:
        return cls(_sodium_base(s._b))

    @classmethod
    def from_uniform(cls, data: bytes) -> Element:
        """RFC 9496 section 4.3.4 element derivation from 64 uniform bytes."""
        if len(data) != 64:
            raise InvalidElement("uniform input is 64 bytes")
        return cls(rbcl.crypto_core_ristretto255_from_hash(bytes(data)))

    def to_bytes(self) -> bytes:
        return self._b

    def b64(self) -> str:
        return b64url_encode(self._b)

    def is_identity(self) -> bool:
        return self._b == _ZERO_BYTES

    def __add__(self, other: Element) -> Element:
        return Element(_sodium_add(self._b, other._b))

    def __sub__(self, other: Element) -> Element:
        return Element(_sodium_sub(self._b, other._b))

    def __neg__(self) -> Element:
        return Element(_sodium_sub(_ZERO_BYTES, self._b))

    def __rmul__(self, s: Scalar) -> Element:
        if not isinstance(s, Scalar):
            return NotImplemented
        if self._b == _ZERO_BYTES:
            return self
        return Element(_sodium_mul(s._b, self._b))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Element) and self._b == other._b

    def __hash__(self) -> int:
        return hash(self._b)

    def __repr__(self) -> str:
        return f"Element({self._b.hex()})"


IDENTITY = Element(_ZERO_BYTES)
IDENTITY_BYTES = _ZERO_BYTES

GENERATOR = Element(bytes.fromhex("e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76"))


def add_bytes(a: bytes, b: bytes) -> bytes:
    """The sum of two encodings, without the Element objects (a tally of thousands of
    ciphertexts); libsodium refuses an encoding that is not a point."""
    return _sodium_add(a, b)


def element_sum(elements: Iterable[Element]) -> Element:
    total = _ZERO_BYTES
    for e in elements:
        total = _sodium_add(total, e._b)
    return Element(total)


# --- hashing ------------------------------------------------------------------


def expand_message_xmd(msg: bytes, dst: bytes, length: int) -> bytes:
    """RFC 9380 section 5.3.1 with SHA-512 (b_in_bytes 64, s_in_bytes 128)."""
    if len(dst) > 255 or not dst:
        raise CryptoError("DST must be 1 to 255 bytes")
    ell = -(-length // 64)
    if ell > 255 or length > 65535:
        raise CryptoError("expand_message_xmd: requested length too large")
    dst_prime = dst + bytes([len(dst)])
    b0 = hashlib.sha512(bytes(128) + msg + length.to_bytes(2, "big") + b"\x00" + dst_prime).digest()
    blocks = [hashlib.sha512(b0 + b"\x01" + dst_prime).digest()]
    for i in range(2, ell + 1):
        mixed = bytes(x ^ y for x, y in zip(b0, blocks[-1], strict=True))
        blocks.append(hashlib.sha512(mixed + bytes([i]) + dst_prime).digest())
    return b"".join(blocks)[:length]


def transcript(items: Iterable[bytes | str | int | Element | Scalar]) -> bytes:
    """I2OSP(len, 4) || item for each item: one list of items, one byte string."""
    out = bytearray()
    for item in items:
        raw = item_bytes(item)
        out += len(raw).to_bytes(4, "big")
        out += raw
    return bytes(out)


def item_bytes(item: bytes | str | int | Element | Scalar) -> bytes:
    if isinstance(item, (Element, Scalar)):
        return item.to_bytes()
    if isinstance(item, bool):
        raise TypeError("booleans are not transcript items")
    if isinstance(item, int):
        return str(item).encode("ascii")
    if isinstance(item, str):
        return item.encode("utf-8")
    if isinstance(item, (bytes, bytearray)):
        return bytes(item)
    raise TypeError(f"not a transcript item: {type(item).__name__}")


def hash_to_scalar(dst: str, *items: bytes | str | int | Element | Scalar) -> Scalar:
    """RFC 9497 HashToScalar (ristretto255-SHA512) of the length-prefixed items."""
    uniform = expand_message_xmd(transcript(items), dst.encode("ascii"), 64)
    return Scalar.from_uniform(uniform)


def _b64(text: str, error: type[CryptoError]) -> bytes:
    try:
        return b64url_decode(text)
    except CryptoError as exc:
        raise error(f"base64url: {exc.detail}") from None
