"""Exponential ElGamal on ristretto255 (docs/encrypted-ballots.md, section 5).

`(alpha, beta) = (r·G, r·h + m·G)`: ciphertexts add, so the server sums ballots
without reading them, and only a total is ever decrypted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ballot.crypto.encoding import b64url_encode
from ballot.crypto.errors import CryptoError, InvalidElement
from ballot.crypto.ristretto import GENERATOR, IDENTITY, SIZE, Element, Scalar, _b64

CIPHERTEXT_SIZE = 2 * SIZE


@dataclass(frozen=True, slots=True)
class Ciphertext:
    alpha: Element
    beta: Element

    def __add__(self, other: Ciphertext) -> Ciphertext:
        return Ciphertext(self.alpha + other.alpha, self.beta + other.beta)

    def to_bytes(self) -> bytes:
        return self.alpha.to_bytes() + self.beta.to_bytes()

    def b64(self) -> str:
        return b64url_encode(self.to_bytes())

    @classmethod
    def decode(cls, data: bytes, *, allow_identity_alpha: bool = False) -> Ciphertext:
        if len(data) != CIPHERTEXT_SIZE:
            raise InvalidElement("a ciphertext is 64 bytes")
        # alpha = r·G is the identity only for r = 0, which would expose m.
        alpha = Element.decode(data[:SIZE], allow_identity=allow_identity_alpha)
        return cls(alpha, Element.decode(data[SIZE:], allow_identity=True))

    @classmethod
    def from_b64(cls, text: str, *, allow_identity_alpha: bool = False) -> Ciphertext:
        return cls.decode(_b64(text, InvalidElement), allow_identity_alpha=allow_identity_alpha)


ZERO = Ciphertext(IDENTITY, IDENTITY)


def encrypt(key: Element, m: int, r: Scalar) -> Ciphertext:
    if m not in (0, 1):
        raise CryptoError("a ballot bit is 0 or 1")
    if not r:
        raise CryptoError("the randomness of a ciphertext must not be zero")
    beta = r * key
    if m:
        beta = beta + GENERATOR
    return Ciphertext(Element.base_times(r), beta)


def ciphertext_sum(cts: Iterable[Ciphertext]) -> Ciphertext:
    total = ZERO
    for ct in cts:
        total = total + ct
    return total
