"""The counting committee's dealerless key generation (docs/encrypted-ballots.md, 4).

Pedersen's DKG with Feldman commitments, in three signed messages per trustee:
announce (keys), dealing (commitments + shares encrypted to each recipient),
confirmation (or complaints). Every function here takes and returns messages
(canonical-JSON-ready dicts); the server only relays and stores them.

    t = Trustee(seed, context, index)
    t.announce()                                  -> envelope
    t.deal(announcements)                         -> envelope
    t.respond(announcements, dealings)            -> [confirmation] or [complaint, …]
    verify_committee(transcript)                  -> Committee (joint key, fingerprint, …)

A transcript is {"context", "announcements", "dealings", "complaints",
"confirmations"}: lists of envelopes {"message", "signature"}.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature as _PyCaInvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ballot.crypto.canonical import canonical_json
from ballot.crypto.encoding import b64url_decode, b64url_encode, hex_groups
from ballot.crypto.errors import CeremonyFailed, CommitteeError, CryptoError, InvalidProof
from ballot.crypto.ristretto import Element, Scalar, element_sum, expand_message_xmd, hash_to_scalar
from ballot.crypto.zkp import ChallengeResponse, prove_dleq, prove_schnorr, verify_dleq, verify_schnorr

MAX_TRUSTEES = 7
SEED_SIZE = 32
CONTEXT_PREFIX = b"phieukin-v1 committee-context\n"
FINGERPRINT_PREFIX = b"phieukin-v1 committee\n"
MESSAGE_PREFIX = b"phieukin-v1 trustee-message\n"
SHORT_FINGERPRINT_BYTES = 8
DST_SIGN = b"phieukin-v1-trustee-sign"
DST_ENC = "phieukin-v1-trustee-enc"
DST_POLY = "phieukin-v1-trustee-poly"
DST_NONCE = "phieukin-v1-trustee-nonce"
DST_PAD = "phieukin-v1-share-pad"


# --- context and envelopes ---------------------------------------------------------


def check_context(context: Any) -> tuple[int, int]:
    """(n, t) of a valid context; it may carry more (meeting id, names), all bound."""
    if not isinstance(context, dict) or not {"ceremony", "n", "t"} <= set(context):
        raise CommitteeError(
            "context needs ceremony, n, t",
            message="Hồ sơ ban kiểm phiếu thiếu mã lễ tạo khóa, số thành viên hoặc ngưỡng.",
        )
    n, t = context["n"], context["t"]
    if not (isinstance(n, int) and isinstance(t, int) and 1 <= t <= n <= MAX_TRUSTEES):
        raise CommitteeError(
            f"need 1 <= t <= n <= {MAX_TRUSTEES}",
            message=f"Ban kiểm phiếu phải có từ 1 đến {MAX_TRUSTEES} người, ngưỡng từ 1 đến số người.",
        )
    if not isinstance(context["ceremony"], str) or not context["ceremony"]:
        raise CommitteeError("ceremony id must be a non-empty string")
    canonical_json(context)  # strings and integers only
    return n, t


def context_hash(context: Mapping[str, Any]) -> bytes:
    return hashlib.sha256(CONTEXT_PREFIX + canonical_json(context)).digest()


def sign_message(key: Ed25519PrivateKey, message: dict[str, Any]) -> dict[str, Any]:
    signature = key.sign(MESSAGE_PREFIX + canonical_json(message))
    return {"message": message, "signature": b64url_encode(signature)}


def open_envelope(envelope: Any, sign_key: bytes, *, kind: str, ctx: bytes, who: int) -> dict[str, Any]:
    """The message of `envelope` if its signature, type, context and sender hold."""
    if not isinstance(envelope, dict) or set(envelope) != {"message", "signature"}:
        raise CommitteeError(f"{kind} from trustee {who}: not an envelope")
    message = envelope["message"]
    if not isinstance(message, dict) or message.get("type") != kind:
        raise CommitteeError(f"{kind} from trustee {who}: wrong type")
    if message.get("context") != b64url_encode(ctx) or message.get("trustee") != who:
        raise CommitteeError(
            f"{kind} from trustee {who}: another ceremony or sender",
            message=f"Thông điệp của thành viên {who} thuộc một lễ tạo khóa khác.",
        )
    try:
        Ed25519PublicKey.from_public_bytes(sign_key).verify(
            b64url_decode(envelope["signature"]), MESSAGE_PREFIX + canonical_json(message)
        )
    except (_PyCaInvalidSignature, CryptoError, ValueError, TypeError):
        raise CommitteeError(
            f"{kind} from trustee {who}: bad signature",
            message=f"Chữ ký trên thông điệp của thành viên {who} không đúng.",
        ) from None
    return message


# --- the trustee's phone ---------------------------------------------------------------


class Trustee:
    """Everything one trustee computes, from its 32-byte seed (the backup)."""

    def __init__(self, seed: bytes, context: dict[str, Any], index: int) -> None:
        self.n, self.t = check_context(context)
        if len(seed) != SEED_SIZE:
            raise CryptoError("a trustee seed is 32 bytes")
        if not 1 <= index <= self.n:
            raise CommitteeError(f"trustee index must be 1..{self.n}")
        self.context, self.index, self._seed = context, index, bytes(seed)
        self.ctx = context_hash(context)
        self._sign = Ed25519PrivateKey.from_private_bytes(expand_message_xmd(self._seed, DST_SIGN, 32))
        self.sign_key = self._sign.public_key().public_bytes_raw()
        self._e = hash_to_scalar(DST_ENC, self._seed)
        self.enc_key = Element.base_times(self._e)
        self._coefficients = [hash_to_scalar(DST_POLY, self._seed, self.ctx, k) for k in range(self.t)]

    @staticmethod
    def new_seed() -> bytes:
        return secrets.token_bytes(SEED_SIZE)

    def _nonce(self, purpose: str, *items: Any) -> Scalar:
        return hash_to_scalar(DST_NONCE, self._seed, self.ctx, purpose, *items)

    def _message(self, kind: str, **fields: Any) -> dict[str, Any]:
        return {"type": kind, "context": b64url_encode(self.ctx), "trustee": self.index, **fields}

    def sign(self, message: dict[str, Any]) -> dict[str, Any]:
        return sign_message(self._sign, message)

    def announce(self) -> dict[str, Any]:
        proof = prove_schnorr(self._e, ["enc-key", self.ctx, self.index], self._nonce("enc-key"))
        return self.sign(
            self._message(
                "announce",
                sign_key=b64url_encode(self.sign_key),
                enc_key=self.enc_key.b64(),
                enc_proof=proof.b64(),
            )
        )

    def deal(self, announcements: Sequence[Any]) -> dict[str, Any]:
        keys = check_announcements(self.context, announcements)
        commitments = [Element.base_times(a) for a in self._coefficients]
        proofs = [
            prove_schnorr(a, ["coefficient", self.ctx, self.index, k], self._nonce("coefficient", k)).b64()
            for k, a in enumerate(self._coefficients)
        ]
        shares = []
        for j in range(1, self.n + 1):
            if j == self.index:
                continue
            rho = self._nonce("share", j)
            eph = Element.base_times(rho)
            pad = share_pad(self.ctx, self.index, j, eph, rho * keys[j].enc_key)
            shares.append({"to": j, "eph": eph.b64(), "share": (self._evaluate(j) + pad).b64()})
        return self.sign(
            self._message(
                "dealing",
                commitments=[c.b64() for c in commitments],
                proofs=proofs,
                shares=shares,
            )
        )

    def _evaluate(self, x: int) -> Scalar:
        return evaluate(self._coefficients, x)

    def received_shares(self, announcements: Sequence[Any], dealings: Sequence[Any]) -> dict[int, Scalar | None]:
        """f_i(index) for each dealer i, or None where it fails Feldman's check."""
        keys = check_announcements(self.context, announcements)
        deals = check_dealings(self.context, keys, dealings)
        out: dict[int, Scalar | None] = {}
        for i, dealing in deals.items():
            if i == self.index:
                out[i] = self._evaluate(self.index)
                continue
            eph, masked = dealing.shares[self.index]
            value = masked - share_pad(self.ctx, i, self.index, eph, self._e * eph)
            out[i] = value if feldman_holds(dealing.commitments, self.index, value) else None
        return out

    def respond(self, announcements: Sequence[Any], dealings: Sequence[Any]) -> list[dict[str, Any]]:
        """[confirmation] if every share is right, else one complaint per bad dealer."""
        shares = self.received_shares(announcements, dealings)
        bad = [i for i, s in shares.items() if s is None]
        if bad:
            deals = check_dealings(self.context, check_announcements(self.context, announcements), dealings)
            return [self._complaint(i, deals[i].shares[self.index][0]) for i in bad]
        keys = check_announcements(self.context, announcements)
        deals = check_dealings(self.context, keys, dealings)
        record = committee_record(self.context, keys, deals)
        own = sum_scalars(shares.values())  # type: ignore[arg-type]
        return [
            self.sign(
                self._message(
                    "confirmation",
                    fingerprint=b64url_encode(fingerprint(record)),
                    dealings=b64url_encode(dealings_digest(dealings)),
                    verification_key=Element.base_times(own).b64(),
                )
            )
        ]

    def _complaint(self, dealer: int, eph: Element) -> dict[str, Any]:
        ctx_items = ["complaint", self.ctx, dealer, self.index]
        k, proof = prove_dleq(self._e, eph, ctx_items, self._nonce("complaint", dealer))
        return self.sign(self._message("complaint", against=dealer, key=k.b64(), proof=proof.b64()))

    def secret_share(self, transcript: Mapping[str, Any]) -> Scalar:
        """s_index, checked against the committee's verification key Y_index."""
        committee = verify_committee(transcript)
        shares = self.received_shares(transcript["announcements"], transcript["dealings"])
        if any(s is None for s in shares.values()):
            raise CommitteeError("a received share fails Feldman's check")
        s = sum_scalars(shares.values())  # type: ignore[arg-type]
        if Element.base_times(s) != committee.verification_keys[self.index]:
            raise CommitteeError("own share does not match the verification key")
        return s


# --- shared computations ----------------------------------------------------------------


@dataclass(frozen=True)
class TrusteeKeys:
    sign_key: bytes
    enc_key: Element


@dataclass(frozen=True)
class Dealing:
    commitments: tuple[Element, ...]
    shares: dict[int, tuple[Element, Scalar]]  # recipient -> (eph, masked share)


def share_pad(ctx: bytes, dealer: int, recipient: int, eph: Element, dh: Element) -> Scalar:
    return hash_to_scalar(DST_PAD, ctx, dealer, recipient, eph, dh)


def evaluate(coefficients: Sequence[Scalar], x: int) -> Scalar:
    """f(x) by Horner's rule, in libsodium's scalar arithmetic."""
    xs = Scalar.from_int(x)
    acc = Scalar.from_int(0)
    for a in reversed(coefficients):
        acc = acc * xs + a
    return acc


def commitment_at(commitments: Sequence[Element], x: int) -> Element:
    """Σ_k x^k·A_k = f(x)·G, from the public commitments."""
    return element_sum(Scalar.from_int(x**k) * a for k, a in enumerate(commitments))


def feldman_holds(commitments: Sequence[Element], x: int, value: Scalar) -> bool:
    return Element.base_times(value) == commitment_at(commitments, x)


def sum_scalars(values: Any) -> Scalar:
    total = Scalar.from_int(0)
    for v in values:
        total = total + v
    return total


def _by_sender(envelopes: Any, n: int, kind: str) -> dict[int, Any]:
    if not isinstance(envelopes, list):
        raise CommitteeError(f"{kind}s must be a list")
    out: dict[int, Any] = {}
    for env in envelopes:
        who = env.get("message", {}).get("trustee") if isinstance(env, dict) else None
        if not isinstance(who, int) or not 1 <= who <= n or who in out:
            raise CommitteeError(f"{kind}: unknown or repeated trustee {who!r}")
        out[who] = env
    missing = sorted(set(range(1, n + 1)) - set(out))
    if missing:
        raise CommitteeError(
            f"{kind}: missing from trustees {missing}",
            message=f"Còn thiếu thông điệp của thành viên {', '.join(map(str, missing))}.",
        )
    return out


def check_announcements(context: dict[str, Any], announcements: Any) -> dict[int, TrusteeKeys]:
    n, _ = check_context(context)
    keys = {i: check_announcement(context, env, i)
            for i, env in sorted(_by_sender(announcements, n, "announce").items())}
    if len({k.sign_key for k in keys.values()}) != n or len({k.enc_key for k in keys.values()}) != n:
        raise CommitteeError(
            "two trustees announced the same key", message="Hai thành viên ban kiểm phiếu có cùng một khóa."
        )
    return keys


def check_announcement(context: dict[str, Any], env: Any, i: int) -> TrusteeKeys:
    """Trustee `i`'s keys from its announce, checked alone (the server, on arrival)."""
    ctx = context_hash(context)
    msg = env.get("message") if isinstance(env, dict) else None
    if not isinstance(msg, dict) or set(msg) != {"type", "context", "trustee", "sign_key", "enc_key", "enc_proof"}:
        raise CommitteeError(f"announce from trustee {i}: wrong fields")
    try:
        sign_key = b64url_decode(msg["sign_key"])
        enc_key = Element.from_b64(msg["enc_key"])
        verify_schnorr(enc_key, ChallengeResponse.from_b64(msg["enc_proof"]), ["enc-key", ctx, i])
    except (CryptoError, TypeError) as exc:
        raise CommitteeError(
            f"announce from trustee {i}: {exc}", message=f"Khóa công khai của thành viên {i} không hợp lệ."
        ) from None
    if len(sign_key) != 32:
        raise CommitteeError(f"announce from trustee {i}: signing key is 32 bytes")
    open_envelope(env, sign_key, kind="announce", ctx=ctx, who=i)
    return TrusteeKeys(sign_key, enc_key)


def check_dealings(context: dict[str, Any], keys: Mapping[int, TrusteeKeys], dealings: Any) -> dict[int, Dealing]:
    n, _ = check_context(context)
    return {i: check_dealing(context, keys, env, i)
            for i, env in sorted(_by_sender(dealings, n, "dealing").items())}


def check_dealing(context: dict[str, Any], keys: Mapping[int, TrusteeKeys], env: Any, i: int) -> Dealing:
    """Trustee `i`'s dealing, checked alone against the announced keys."""
    n, t = check_context(context)
    ctx = context_hash(context)
    msg = open_envelope(env, keys[i].sign_key, kind="dealing", ctx=ctx, who=i)
    try:
        return _parse_dealing(msg, ctx, i, n, t)
    except (CryptoError, TypeError, KeyError, AttributeError) as exc:
        raise CommitteeError(
            f"dealing from trustee {i}: {exc}", message=f"Phần chia khóa của thành viên {i} không hợp lệ."
        ) from None


def _parse_dealing(msg: dict[str, Any], ctx: bytes, i: int, n: int, t: int) -> Dealing:
    if set(msg) != {"type", "context", "trustee", "commitments", "proofs", "shares"}:
        raise CommitteeError("wrong fields")
    if len(msg["commitments"]) != t or len(msg["proofs"]) != t:
        raise CommitteeError(f"needs {t} commitments and proofs")
    commitments = tuple(Element.from_b64(c) for c in msg["commitments"])
    for k, (a, p) in enumerate(zip(commitments, msg["proofs"], strict=True)):
        try:
            verify_schnorr(a, ChallengeResponse.from_b64(p), ["coefficient", ctx, i, k])
        except InvalidProof:
            raise CommitteeError(f"proof of coefficient {k} fails") from None
    expected = [j for j in range(1, n + 1) if j != i]
    if [s.get("to") for s in msg["shares"]] != expected:
        raise CommitteeError(f"shares must go to {expected}, in order")
    shares = {}
    for s in msg["shares"]:
        if set(s) != {"to", "eph", "share"}:
            raise CommitteeError("a share has to, eph, share")
        shares[s["to"]] = (Element.from_b64(s["eph"]), Scalar.from_b64(s["share"]))
    return Dealing(commitments, shares)


def committee_record(
    context: dict[str, Any], keys: Mapping[int, TrusteeKeys], deals: Mapping[int, Dealing]
) -> dict[str, Any]:
    return {
        "context": context,
        "trustees": [
            {
                "trustee": i,
                "sign_key": b64url_encode(keys[i].sign_key),
                "enc_key": keys[i].enc_key.b64(),
                "commitments": [a.b64() for a in deals[i].commitments],
            }
            for i in sorted(keys)
        ],
    }


def fingerprint(record: Mapping[str, Any]) -> bytes:
    return hashlib.sha256(FINGERPRINT_PREFIX + canonical_json(record)).digest()


def short_fingerprint(full: bytes) -> str:
    """ "3F2A 9C01 77DE 42B0": what the trustees read aloud."""
    return hex_groups(full[:SHORT_FINGERPRINT_BYTES])


def dealings_digest(dealings: Sequence[Any]) -> bytes:
    ordered = sorted(dealings, key=lambda env: env["message"]["trustee"])
    return hashlib.sha256(canonical_json({"dealings": ordered})).digest()


def settle_complaint(
    context: dict[str, Any], keys: Mapping[int, TrusteeKeys], deals: Mapping[int, Dealing], envelope: Any
) -> int:
    """The trustee at fault: the dealer if the disclosed share is wrong, else the complainer."""
    n, _ = check_context(context)
    ctx = context_hash(context)
    msg = envelope.get("message", {}) if isinstance(envelope, dict) else {}
    j, i = msg.get("trustee"), msg.get("against")
    if j not in keys or i not in keys or i == j:
        raise CommitteeError("complaint names unknown trustees")
    open_envelope(envelope, keys[j].sign_key, kind="complaint", ctx=ctx, who=j)
    eph, masked = deals[i].shares[j]
    try:
        k = Element.from_b64(msg["key"])
        verify_dleq(keys[j].enc_key, eph, k, ChallengeResponse.from_b64(msg["proof"]), ["complaint", ctx, i, j])
    except CryptoError:
        return j  # a complaint without a valid disclosure is itself the fault
    value = masked - share_pad(ctx, i, j, eph, k)
    return j if feldman_holds(deals[i].commitments, j, value) else i


@dataclass(frozen=True)
class Committee:
    context: dict[str, Any]
    n: int
    t: int
    joint_key: Element
    fingerprint: bytes
    verification_keys: dict[int, Element]
    sign_keys: dict[int, bytes]
    record: dict[str, Any]

    @property
    def short_fingerprint(self) -> str:
        return short_fingerprint(self.fingerprint)


def verify_committee(transcript: Mapping[str, Any]) -> Committee:
    """The committee that follows from a complete, valid ceremony; raises otherwise.

    A complaint, valid or not, fails the ceremony (CeremonyFailed names the trustee
    at fault); so do missing or inconsistent confirmations."""
    if not isinstance(transcript, Mapping) or set(transcript) != {
        "context",
        "announcements",
        "dealings",
        "complaints",
        "confirmations",
    }:
        raise CommitteeError("a transcript has context, announcements, dealings, complaints, confirmations")
    context = transcript["context"]
    n, t = check_context(context)
    ctx = context_hash(context)
    keys = check_announcements(context, transcript["announcements"])
    deals = check_dealings(context, keys, transcript["dealings"])
    for complaint in transcript["complaints"]:
        culprit = settle_complaint(context, keys, deals, complaint)
        raise CeremonyFailed(
            f"complaint by {complaint['message']['trustee']} against {complaint['message']['against']}: "
            f"trustee {culprit} at fault",
            culprit=culprit,
            message=f"Lễ tạo khóa thất bại: thành viên {culprit} của ban kiểm phiếu đã gửi sai. "
            "Hãy chọn lại ban kiểm phiếu và tạo khóa lại.",
        )
    record = committee_record(context, keys, deals)
    fp = fingerprint(record)
    combined = [element_sum(deals[i].commitments[k] for i in deals) for k in range(t)]
    verification = {j: commitment_at(combined, j) for j in range(1, n + 1)}
    digest = b64url_encode(dealings_digest(transcript["dealings"]))
    for j, env in sorted(_by_sender(transcript["confirmations"], n, "confirmation").items()):
        msg = open_envelope(env, keys[j].sign_key, kind="confirmation", ctx=ctx, who=j)
        if msg.get("fingerprint") != b64url_encode(fp) or msg.get("dealings") != digest:
            raise CommitteeError(
                f"trustee {j} confirmed another record",
                message=f"Thành viên {j} đã xác nhận một hồ sơ khóa khác: dấu vân tay không khớp.",
            )
        if msg.get("verification_key") != verification[j].b64():
            raise CommitteeError(f"trustee {j}: verification key does not follow from the commitments")
    joint = element_sum(deals[i].commitments[0] for i in deals)
    return Committee(context, n, t, joint, fp, verification, {i: k.sign_key for i, k in keys.items()}, record)


def run_ceremony(context: dict[str, Any], seeds: Sequence[bytes]) -> dict[str, Any]:
    """A whole honest ceremony in one process (tests, benchmarks, the demo)."""
    trustees = [Trustee(seed, context, i + 1) for i, seed in enumerate(seeds)]
    announcements = [tr.announce() for tr in trustees]
    dealings = [tr.deal(announcements) for tr in trustees]
    confirmations = [tr.respond(announcements, dealings)[0] for tr in trustees]
    return {
        "context": context,
        "announcements": announcements,
        "dealings": dealings,
        "complaints": [],
        "confirmations": confirmations,
    }
