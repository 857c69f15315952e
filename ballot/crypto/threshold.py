"""Decrypting totals with t of n trustees (docs/encrypted-ballots.md, section 8).

    partial_decryption(trustee, share, committee, tally) -> envelope (trustee's phone)
    check_partial_decryption(committee, tally, envelope) -> {q: [D ×4]} or InvalidShare
    combine(committee, tally, envelopes)                 -> Decryption (counts, used, refused)

Only an encrypted tally is ever decrypted; each share's Chaum–Pedersen proofs name
the round, the tally's digest, the question, the level and the trustee.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ballot.crypto.committee import Committee, Trustee, context_hash, open_envelope
from ballot.crypto.elgamal import Ciphertext
from ballot.crypto.encoding import b64url_encode
from ballot.crypto.encrypted_ballot import LEVELS, EncryptedTally
from ballot.crypto.errors import CommitteeError, CountOutOfRange, CryptoError, InvalidShare, NotEnoughShares
from ballot.crypto.ristretto import GENERATOR, IDENTITY, Element, Scalar, element_sum
from ballot.crypto.zkp import ChallengeResponse, prove_dleq, verify_dleq

MAX_BALLOTS = 2000  # the bounded discrete log's table; a chi bộ has at most a few hundred voters


def decryption_context(
    tally: EncryptedTally, digest: bytes, question: str, level: str, trustee: int, ct: Ciphertext
) -> list[Any]:
    return ["decryption", tally.round_id, digest, question, level, trustee, ct.beta]


def partial_decryption(
    trustee: Trustee,
    share: Scalar,
    committee: Committee,
    tally: EncryptedTally,
    nonces: Sequence[Scalar] | None = None,
) -> dict[str, Any]:
    """The trustee's signed decryption share of every (question, level) total."""
    if tally.key != committee.joint_key:
        raise CryptoError("the tally is not under this committee's key")
    digest = tally.digest()
    draws = iter(nonces) if nonces is not None else None
    shares = {}
    for q, cts in tally.totals.items():
        row = []
        for level, ct in zip(LEVELS, cts, strict=True):
            nonce = next(draws) if draws is not None else None
            d, proof = prove_dleq(
                share, ct.alpha, decryption_context(tally, digest, q, level, trustee.index, ct), nonce
            )
            row.append({"share": d.b64(), "proof": proof.b64()})
        shares[q] = row
    return trustee.sign(
        {
            "type": "partial-decryption",
            "context": b64url_encode(trustee.ctx),
            "trustee": trustee.index,
            "round": tally.round_id,
            "tally": b64url_encode(digest),
            "shares": shares,
        }
    )


def check_partial_decryption(
    committee: Committee, tally: EncryptedTally, envelope: Any
) -> tuple[int, dict[str, list[Element]]]:
    """(trustee, shares) if the envelope's signature and every proof hold; else InvalidShare."""
    who = envelope.get("message", {}).get("trustee") if isinstance(envelope, dict) else None
    if who not in committee.sign_keys:
        raise InvalidShare(f"unknown trustee {who!r}")
    try:
        msg = open_envelope(
            envelope, committee.sign_keys[who], kind="partial-decryption", ctx=context_hash(committee.context), who=who
        )
    except CommitteeError as exc:
        raise _refused(who, exc.detail) from None
    digest = tally.digest()
    if msg.get("round") != tally.round_id or msg.get("tally") != b64url_encode(digest):
        raise _refused(who, "share of another round or tally")
    shares = msg.get("shares")
    if not isinstance(shares, dict) or set(shares) != set(tally.totals):
        raise _refused(who, "shares do not cover exactly the tally's questions")
    y = committee.verification_keys[who]
    out = {}
    for q, cts in tally.totals.items():
        row = shares[q]
        if not isinstance(row, list) or len(row) != len(LEVELS):
            raise _refused(who, f"{q}: needs {len(LEVELS)} shares")
        ds = []
        for level, ct, item in zip(LEVELS, cts, row, strict=True):
            try:
                d = Element.from_b64(item["share"], allow_identity=True)
                verify_dleq(
                    y,
                    ct.alpha,
                    d,
                    ChallengeResponse.from_b64(item["proof"]),
                    decryption_context(tally, digest, q, level, who, ct),
                )
            except (CryptoError, KeyError, TypeError):
                raise _refused(who, f"{q}/{level}: proof of correct decryption fails") from None
            ds.append(d)
        out[q] = ds
    return who, out


def _refused(who: int, detail: str) -> InvalidShare:
    return InvalidShare(
        f"trustee {who}: {detail}",
        message=f"Phần giải mã của thành viên {who} của ban kiểm phiếu không đúng nên bị từ chối.",
    )


def lagrange_at_zero(indices: Sequence[int]) -> dict[int, Scalar]:
    """λ_j = Π_{k≠j} k / (k − j) mod ORDER."""
    out = {}
    for j in indices:
        num, den = Scalar.from_int(1), Scalar.from_int(1)
        for k in indices:
            if k != j:
                num = num * Scalar.from_int(k)
                den = den * Scalar.from_int(k - j)
        out[j] = num * den.inverse()
    return out


class DiscreteLog:
    """m from m·G for 0 <= m <= bound: a table of bound + 1 additions."""

    def __init__(self, bound: int) -> None:
        if not 0 <= bound <= MAX_BALLOTS:
            raise CryptoError(f"counts are bounded by {MAX_BALLOTS}")
        self.bound = bound
        self._table = {IDENTITY: 0}
        point = IDENTITY
        for m in range(1, bound + 1):
            point = point + GENERATOR
            self._table[point] = m

    def __call__(self, point: Element) -> int:
        try:
            return self._table[point]
        except KeyError:
            raise CountOutOfRange(f"no count in 0..{self.bound}") from None


@dataclass(frozen=True)
class Decryption:
    counts: dict[str, dict[str, int]]  # question -> level -> votes
    used: list[int]  # the trustees whose shares were combined
    refused: dict[int, str]  # trustee -> why its share was refused

    def to_json(self) -> dict[str, Any]:
        return {"counts": self.counts, "trustees": self.used}


def combine(
    committee: Committee, tally: EncryptedTally, envelopes: Sequence[Any], dlog: DiscreteLog | None = None
) -> Decryption:
    """Counts from the first t valid shares (lowest indices); the rest are not needed."""
    if tally.key != committee.joint_key:
        raise CryptoError("the tally is not under this committee's key")
    valid: dict[int, dict[str, list[Element]]] = {}
    refused: dict[int, str] = {}
    for env in envelopes:
        try:
            who, shares = check_partial_decryption(committee, tally, env)
        except InvalidShare as exc:
            who = env.get("message", {}).get("trustee") if isinstance(env, dict) else None
            refused[who if isinstance(who, int) else -1] = exc.message
            continue
        valid.setdefault(who, shares)
    if len(valid) < committee.t:
        missing = sorted(set(range(1, committee.n + 1)) - set(valid))
        raise NotEnoughShares(
            f"{len(valid)} valid shares, {committee.t} needed",
            missing=missing,
            message=f"Mới có {len(valid)} trên {committee.t} phần giải mã hợp lệ cần thiết; "
            f"còn chờ thành viên {', '.join(map(str, missing))} của ban kiểm phiếu.",
        )
    used = sorted(valid)[: committee.t]
    lambdas = lagrange_at_zero(used)
    dlog = dlog if dlog is not None and dlog.bound >= tally.ballots else DiscreteLog(tally.ballots)
    counts = {}
    for q, cts in tally.totals.items():
        row = {}
        for i, (level, ct) in enumerate(zip(LEVELS, cts, strict=True)):
            mask = element_sum(lambdas[j] * valid[j][q][i] for j in used)
            row[level] = dlog(ct.beta - mask)
        if sum(row.values()) > tally.ballots:
            raise CountOutOfRange(f"{q}: more votes than ballots")
        counts[q] = row
    return Decryption(counts, used, refused)


def decrypt_with_shares(tally: EncryptedTally, shares: Mapping[int, Scalar]) -> dict[str, dict[str, int]]:
    """Counts from the secret shares themselves (tests only: no phone ever pools them)."""
    lambdas = lagrange_at_zero(sorted(shares))
    secret = Scalar.from_int(0)
    for j, s in shares.items():
        secret = secret + lambdas[j] * s
    dlog = DiscreteLog(tally.ballots)
    return {
        q: {lv: dlog(ct.beta - secret * ct.alpha) for lv, ct in zip(LEVELS, cts, strict=True)}
        for q, cts in tally.totals.items()
    }
