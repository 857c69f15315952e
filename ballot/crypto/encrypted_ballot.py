"""The encrypted ballot and the encrypted tally (docs/encrypted-ballots.md, 6 and 8).

A ballot holds, for every question of its round, a one-hot vector over the four
levels of 21-HD II.B.2.3 (all zeros = blank): four ciphertexts, each with a proof
that it encrypts 0 or 1, and a proof that their sum encrypts 0 or 1. Every proof is
bound to the round, the ballot's nonce, the question, the level and the joint key.

    encrypt_ballot(key, round_id, question_ids, choices) -> dict (canonical JSON of strings)
    check_encrypted_ballot(obj, round_id=…, question_ids=…, key=…) -> EncryptedBallot
    EncryptedTally.empty(round_id, key, question_ids).add(ballot) …; .to_json(); .digest()
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ballot.crypto.canonical import canonical_json
from ballot.crypto.elgamal import ZERO, Ciphertext, ciphertext_sum, encrypt
from ballot.crypto.encoding import b64url_decode, b64url_encode
from ballot.crypto.errors import CryptoError, InvalidEncryptedBallot, InvalidProof
from ballot.crypto.ristretto import IDENTITY_BYTES, Element, Scalar, add_bytes
from ballot.crypto.zkp import ZeroOrOneProof, prove_zero_or_one, verify_zero_or_one
from ballot.rules.levels import LEVELS_DESCENDING

# The regulation's order, best first (21-HD II.B.2.3): index i of every vector.
LEVELS: tuple[str, ...] = tuple(level.value for level in LEVELS_DESCENDING)
NONCE_SIZE = 16
BALLOT_KEYS = {"round", "nonce", "key", "choices"}
QUESTION_KEYS = {"ciphertexts", "proofs", "sum_proof"}
TALLY_PREFIX = b"phieukin-v1 tally\n"


def bit_context(round_id: str, nonce: bytes, question: str, level: str) -> list[Any]:
    return ["bit", round_id, nonce, question, level]


def sum_context(round_id: str, nonce: bytes, question: str) -> list[Any]:
    return ["sum", round_id, nonce, question]


@dataclass(frozen=True, slots=True)
class EncryptedQuestion:
    ciphertexts: tuple[Ciphertext, ...]
    proofs: tuple[ZeroOrOneProof, ...]
    sum_proof: ZeroOrOneProof

    def to_json(self) -> dict[str, Any]:
        return {
            "ciphertexts": [ct.b64() for ct in self.ciphertexts],
            "proofs": [p.b64() for p in self.proofs],
            "sum_proof": self.sum_proof.b64(),
        }


@dataclass(frozen=True, slots=True)
class EncryptedBallot:
    round_id: str
    nonce: bytes
    key: Element
    choices: dict[str, EncryptedQuestion]

    def to_json(self) -> dict[str, Any]:
        return {
            "round": self.round_id,
            "nonce": b64url_encode(self.nonce),
            "key": self.key.b64(),
            "choices": {q: enc.to_json() for q, enc in self.choices.items()},
        }


# --- the phone's side (and tests) ------------------------------------------------


def encrypt_ballot(
    key: Element,
    round_id: str,
    question_ids: Sequence[str],
    choices: Mapping[str, str],
    *,
    nonce: bytes | None = None,
    randomness: Iterator[Scalar] | None = None,
) -> dict[str, Any]:
    """The canonical-JSON-ready encrypted ballot. `choices` maps a question to a
    level code; a question left out is a blank. `randomness` (for test vectors)
    yields the scalars in the order of docs/encrypted-ballots.md section 6."""
    unknown = set(choices) - set(question_ids)
    if unknown:
        raise CryptoError(f"choices for questions not in the round: {sorted(unknown)}")
    bad = {q: lv for q, lv in choices.items() if lv not in LEVELS}
    if bad:
        raise CryptoError(f"unknown levels: {bad}")
    nonce = secrets.token_bytes(NONCE_SIZE) if nonce is None else nonce
    draw = (lambda: next(randomness)) if randomness is not None else Scalar.random  # type: ignore[arg-type]
    questions = {}
    for question in question_ids:
        bits = [1 if choices.get(question) == level else 0 for level in LEVELS]
        cts, proofs, rs = [], [], []
        for level, m in zip(LEVELS, bits, strict=True):
            r = draw()
            ct = encrypt(key, m, r)
            nonces = (draw(), draw(), draw())
            proofs.append(prove_zero_or_one(key, ct, m, r, bit_context(round_id, nonce, question, level), nonces))
            cts.append(ct)
            rs.append(r)
        total_r = rs[0] + rs[1] + rs[2] + rs[3]
        sum_proof = prove_zero_or_one(
            key,
            ciphertext_sum(cts),
            sum(bits),
            total_r,
            sum_context(round_id, nonce, question),
            (draw(), draw(), draw()),
        )
        questions[question] = EncryptedQuestion(tuple(cts), tuple(proofs), sum_proof)
    return EncryptedBallot(round_id, nonce, key, questions).to_json()


# --- the server's and the verifier's side ----------------------------------------


def parse_encrypted_ballot(obj: Any) -> EncryptedBallot:
    """Strict structure and encodings (no proof checked yet)."""
    if not isinstance(obj, dict) or set(obj) != BALLOT_KEYS:
        raise _bad("fields", "Phiếu mã hóa phải gồm đúng các trường round, nonce, key, choices.")
    if not isinstance(obj["round"], str) or not isinstance(obj["choices"], dict):
        raise _bad("fields", "Trường round phải là chuỗi và choices phải là một đối tượng.")
    nonce = _decode(lambda: b64url_decode(obj["nonce"]), "nonce")
    if len(nonce) != NONCE_SIZE:
        raise _bad("nonce", f"Trường nonce phải dài {NONCE_SIZE} byte.")
    key = _decode(lambda: Element.from_b64(obj["key"]), "key")
    choices = {}
    for question, enc in obj["choices"].items():
        choices[question] = _parse_question(question, enc)
    return EncryptedBallot(obj["round"], nonce, key, choices)


def _parse_question(question: str, enc: Any) -> EncryptedQuestion:
    where = f"choices.{question}"
    if not isinstance(enc, dict) or set(enc) != QUESTION_KEYS:
        raise _bad(where, f"Mục {question} của phiếu phải gồm ciphertexts, proofs, sum_proof.")
    cts, proofs = enc["ciphertexts"], enc["proofs"]
    if not (isinstance(cts, list) and isinstance(proofs, list) and len(cts) == len(proofs) == len(LEVELS)):
        raise _bad(where, f"Mục {question} của phiếu phải có đúng {len(LEVELS)} bản mã và {len(LEVELS)} bằng chứng.")
    return EncryptedQuestion(
        tuple(_decode(lambda t=t: Ciphertext.from_b64(t), f"{where}.ciphertexts") for t in cts),
        tuple(_decode(lambda t=t: ZeroOrOneProof.from_b64(t), f"{where}.proofs") for t in proofs),
        _decode(lambda: ZeroOrOneProof.from_b64(enc["sum_proof"]), f"{where}.sum_proof"),
    )


def verify_encrypted_ballot(
    ballot: EncryptedBallot, *, round_id: str, question_ids: Sequence[str], key: Element, proofs: bool = True
) -> None:
    """Every proof, for exactly this round's questions, under exactly this key
    (`proofs=False`: the round, key and questions only, for ballots whose proofs were
    checked when they were cast)."""
    if ballot.round_id != round_id:
        raise _bad("round", "Phiếu này thuộc một vòng bỏ phiếu khác.")
    if ballot.key != key:
        raise _bad("key", "Phiếu được mã hóa bằng một khóa khác khóa chung của ban kiểm phiếu.")
    if set(ballot.choices) != set(question_ids) or len(ballot.choices) != len(question_ids):
        missing = sorted(set(question_ids) - set(ballot.choices))
        extra = sorted(set(ballot.choices) - set(question_ids))
        raise _bad("choices", f"Phiếu phải có đúng các mục của vòng (thiếu: {missing}, thừa: {extra}).")
    if not proofs:
        return
    for question in question_ids:
        enc = ballot.choices[question]
        for level, ct, proof in zip(LEVELS, enc.ciphertexts, enc.proofs, strict=True):
            try:
                verify_zero_or_one(key, ct, proof, bit_context(round_id, ballot.nonce, question, level))
            except InvalidProof:
                raise _bad(
                    f"choices.{question}.proofs", f"Mục {question}, mức {level}: bằng chứng 0 hoặc 1 không đúng."
                ) from None
        try:
            verify_zero_or_one(
                key, ciphertext_sum(enc.ciphertexts), enc.sum_proof, sum_context(round_id, ballot.nonce, question)
            )
        except InvalidProof:
            raise _bad(
                f"choices.{question}.sum_proof", f"Mục {question}: bằng chứng “chọn nhiều nhất một mức” không đúng."
            ) from None


def check_encrypted_ballot(obj: Any, *, round_id: str, question_ids: Sequence[str], key: Element) -> EncryptedBallot:
    ballot = parse_encrypted_ballot(obj)
    verify_encrypted_ballot(ballot, round_id=round_id, question_ids=question_ids, key=key)
    return ballot


# --- the encrypted tally ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EncryptedTally:
    """Sums per (question, level) of a round's accepted ballots."""

    round_id: str
    key: Element
    ballots: int
    totals: dict[str, tuple[Ciphertext, ...]]

    @classmethod
    def empty(cls, round_id: str, key: Element, question_ids: Sequence[str]) -> EncryptedTally:
        return cls(round_id, key, 0, {q: (ZERO,) * len(LEVELS) for q in question_ids})

    def add(self, ballot: EncryptedBallot) -> EncryptedTally:
        """A new tally with `ballot` (already verified for this round) added."""
        if ballot.round_id != self.round_id or ballot.key != self.key or set(ballot.choices) != set(self.totals):
            raise CryptoError("ballot does not belong to this tally")
        totals = {
            q: tuple(t + c for t, c in zip(self.totals[q], ballot.choices[q].ciphertexts, strict=True))
            for q in self.totals
        }
        return EncryptedTally(self.round_id, self.key, self.ballots + 1, totals)

    @classmethod
    def of(
        cls, round_id: str, key: Element, question_ids: Sequence[str], ballots: Sequence[EncryptedBallot]
    ) -> EncryptedTally:
        tally = cls.empty(round_id, key, question_ids)
        totals = {q: list(v) for q, v in tally.totals.items()}
        for ballot in ballots:
            if ballot.round_id != round_id or ballot.key != key:
                raise CryptoError("ballot does not belong to this tally")
            for q, sums in totals.items():
                for i, c in enumerate(ballot.choices[q].ciphertexts):
                    sums[i] = sums[i] + c
        return cls(round_id, key, len(ballots), {q: tuple(v) for q, v in totals.items()})

    @classmethod
    def of_checked(
        cls, round_id: str, key: Element, question_ids: Sequence[str], ballots: Iterable[Mapping[str, Any]]
    ) -> EncryptedTally:
        """The sum of ballots (parsed JSON) checked in full when they were cast: only their
        ciphertexts are read, with no second decoding check (the server's close, where
        reading 170 ballots of 200 members the full way took 15 s; the verifier re-reads
        everything)."""
        sums = {q: [[IDENTITY_BYTES, IDENTITY_BYTES] for _ in LEVELS] for q in question_ids}
        count = 0
        for ballot in ballots:
            if ballot["round"] != round_id or ballot["key"] != key.b64():
                raise CryptoError("ballot does not belong to this tally")
            count += 1
            for q, row in sums.items():
                for pair, text in zip(row, ballot["choices"][q]["ciphertexts"], strict=True):
                    raw = b64url_decode(text)
                    pair[0], pair[1] = add_bytes(pair[0], raw[:32]), add_bytes(pair[1], raw[32:])
        totals = {q: tuple(Ciphertext(Element(a), Element(b)) for a, b in row) for q, row in sums.items()}
        return cls(round_id, key, count, totals)

    def to_json(self) -> dict[str, Any]:
        return {
            "round": self.round_id,
            "ballots": self.ballots,
            "key": self.key.b64(),
            "totals": {q: [ct.b64() for ct in cts] for q, cts in self.totals.items()},
        }

    @classmethod
    def from_json(cls, obj: Any) -> EncryptedTally:
        if not isinstance(obj, dict) or set(obj) != {"round", "ballots", "key", "totals"}:
            raise CryptoError("an encrypted tally has exactly round, ballots, key, totals")
        if not isinstance(obj["ballots"], int) or isinstance(obj["ballots"], bool) or obj["ballots"] < 0:
            raise CryptoError("ballots must be a non-negative integer")
        totals = {}
        for q, cts in obj["totals"].items():
            if not isinstance(cts, list) or len(cts) != len(LEVELS):
                raise CryptoError(f"totals.{q} must hold {len(LEVELS)} ciphertexts")
            # A sum of no ballots is the identity ciphertext.
            totals[q] = tuple(Ciphertext.from_b64(t, allow_identity_alpha=True) for t in cts)
        return cls(obj["round"], Element.from_b64(obj["key"]), obj["ballots"], totals)

    def digest(self) -> bytes:
        """SHA-256 over its canonical JSON: what every decryption share names."""
        return hashlib.sha256(TALLY_PREFIX + canonical_json(self.to_json())).digest()


def _decode(fn: Any, field: str) -> Any:
    try:
        return fn()
    except CryptoError as exc:
        raise _bad(field, f"Trường {field} của phiếu không hợp lệ ({exc.message})") from None
    except (TypeError, AttributeError):
        raise _bad(field, f"Trường {field} của phiếu phải là chuỗi base64url.") from None


def _bad(field: str, message: str) -> InvalidEncryptedBallot:
    err = InvalidEncryptedBallot(field, message=message)
    err.field = field  # type: ignore[attr-defined]
    return err
