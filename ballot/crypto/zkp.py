"""Non-interactive zero-knowledge proofs (docs/encrypted-ballots.md, section 7).

Strong Fiat–Shamir throughout: each challenge hashes the whole statement (key,
ciphertext, the caller's context items) and the prover's commitments, so a proof
cannot be moved to another round, question, level, ballot or key.

- `prove_zero_or_one` / `verify_zero_or_one`: disjunctive Chaum–Pedersen
  (Cramer–Damgård–Schoenmakers) that (alpha, beta) encrypts 0 or 1 under h;
- `prove_schnorr` / `verify_schnorr`: knowledge of x with X = x·G;
- `prove_dleq` / `verify_dleq`: log_G Y = log_A D (Chaum–Pedersen).

A context is a sequence of transcript items (str, bytes, int, Element, Scalar).
Nonces are explicit arguments (None = fresh randomness) so that test vectors can
fix them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ballot.crypto.elgamal import Ciphertext
from ballot.crypto.encoding import b64url_encode
from ballot.crypto.errors import InvalidProof
from ballot.crypto.ristretto import GENERATOR, SIZE, Element, Scalar, _b64, hash_to_scalar

DST_ZERO_OR_ONE = "phieukin-v1-zero-or-one"
DST_SCHNORR = "phieukin-v1-schnorr"
DST_DLEQ = "phieukin-v1-dleq"
Item = "str | bytes | int | Element | Scalar"


def _scalars(data: bytes, count: int) -> list[Scalar]:
    if len(data) != count * SIZE:
        raise InvalidProof(f"a proof here is {count * SIZE} bytes")
    try:
        return [Scalar.from_bytes(data[i * SIZE : (i + 1) * SIZE]) for i in range(count)]
    except Exception as exc:  # noqa: BLE001 - a non-canonical scalar is a bad proof
        raise InvalidProof(f"non-canonical scalar in proof: {exc}") from None


# --- zero or one ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ZeroOrOneProof:
    c0: Scalar
    c1: Scalar
    v0: Scalar
    v1: Scalar

    SIZE = 4 * SIZE

    def to_bytes(self) -> bytes:
        return b"".join(s.to_bytes() for s in (self.c0, self.c1, self.v0, self.v1))

    def b64(self) -> str:
        return b64url_encode(self.to_bytes())

    @classmethod
    def decode(cls, data: bytes) -> ZeroOrOneProof:
        return cls(*_scalars(data, 4))

    @classmethod
    def from_b64(cls, text: str) -> ZeroOrOneProof:
        return cls.decode(_b64(text, InvalidProof))


def _zero_or_one_challenge(key: Element, ct: Ciphertext, context: Sequence, commitments: Sequence[Element]) -> Scalar:
    return hash_to_scalar(DST_ZERO_OR_ONE, *context, key, ct.alpha, ct.beta, *commitments)


def prove_zero_or_one(
    key: Element,
    ct: Ciphertext,
    m: int,
    r: Scalar,
    context: Sequence,
    nonces: tuple[Scalar, Scalar, Scalar] | None = None,
) -> ZeroOrOneProof:
    """`ct` = encrypt(key, m, r); nonces = (w, c_sim, v_sim) for the vectors."""
    if m not in (0, 1):
        raise InvalidProof("the plaintext must be 0 or 1 to prove it")
    w, c_sim, v_sim = nonces if nonces is not None else (Scalar.random(), Scalar.random(), Scalar.random())
    # Simulated branch from G and h only (the prover knows r): A = v·G − c·alpha =
    # (v − c·r)·G; B = v·h − c·(beta − m̄·G) = (v − c·r)·h + c·(m̄ − m)·G.
    k = v_sim - c_sim * r
    sign_c = c_sim if m == 0 else -c_sim  # c·(m̄ − m) is +c when m = 0, −c when m = 1
    a_sim = Element.base_times(k)
    b_sim = k * key + Element.base_times(sign_c)
    a_real, b_real = Element.base_times(w), w * key
    commitments = (a_real, b_real, a_sim, b_sim) if m == 0 else (a_sim, b_sim, a_real, b_real)
    c = _zero_or_one_challenge(key, ct, context, commitments)
    c_real = c - c_sim
    v_real = w + c_real * r
    if m == 0:
        return ZeroOrOneProof(c_real, c_sim, v_real, v_sim)
    return ZeroOrOneProof(c_sim, c_real, v_sim, v_real)


def verify_zero_or_one(key: Element, ct: Ciphertext, proof: ZeroOrOneProof, context: Sequence) -> None:
    """Raise InvalidProof unless `ct` provably encrypts 0 or 1 under `key`."""
    beta_minus_g = ct.beta - GENERATOR
    commitments = []
    for c, v, beta in ((proof.c0, proof.v0, ct.beta), (proof.c1, proof.v1, beta_minus_g)):
        commitments.append(Element.base_times(v) - c * ct.alpha)
        commitments.append(v * key - c * beta)
    if _zero_or_one_challenge(key, ct, context, commitments) != proof.c0 + proof.c1:
        raise InvalidProof("0-or-1 proof does not verify")


# --- two-scalar proofs: Schnorr and Chaum–Pedersen --------------------------------


@dataclass(frozen=True, slots=True)
class ChallengeResponse:
    c: Scalar
    v: Scalar

    SIZE = 2 * SIZE

    def to_bytes(self) -> bytes:
        return self.c.to_bytes() + self.v.to_bytes()

    def b64(self) -> str:
        return b64url_encode(self.to_bytes())

    @classmethod
    def decode(cls, data: bytes) -> ChallengeResponse:
        return cls(*_scalars(data, 2))

    @classmethod
    def from_b64(cls, text: str) -> ChallengeResponse:
        return cls.decode(_b64(text, InvalidProof))


def prove_schnorr(x: Scalar, context: Sequence, nonce: Scalar | None = None) -> ChallengeResponse:
    w = nonce if nonce is not None else Scalar.random()
    big_x, a = Element.base_times(x), Element.base_times(w)
    c = hash_to_scalar(DST_SCHNORR, *context, big_x, a)
    return ChallengeResponse(c, w + c * x)


def verify_schnorr(big_x: Element, proof: ChallengeResponse, context: Sequence) -> None:
    a = Element.base_times(proof.v) - proof.c * big_x
    if hash_to_scalar(DST_SCHNORR, *context, big_x, a) != proof.c:
        raise InvalidProof("proof of knowledge does not verify")


def prove_dleq(
    s: Scalar, base: Element, context: Sequence, nonce: Scalar | None = None
) -> tuple[Element, ChallengeResponse]:
    """D = s·base and a proof that log_G (s·G) = log_base D. Returns (D, proof)."""
    w = nonce if nonce is not None else Scalar.random()
    y, d = Element.base_times(s), s * base
    a, b = Element.base_times(w), w * base
    c = hash_to_scalar(DST_DLEQ, *context, y, base, d, a, b)
    return d, ChallengeResponse(c, w + c * s)


def verify_dleq(y: Element, base: Element, d: Element, proof: ChallengeResponse, context: Sequence) -> None:
    a = Element.base_times(proof.v) - proof.c * y
    b = proof.v * base - proof.c * d
    if hash_to_scalar(DST_DLEQ, *context, y, base, d, a, b) != proof.c:
        raise InvalidProof("Chaum–Pedersen proof does not verify")
