"""A trustee's printable backup code (docs/encrypted-ballots.md, section 9).

40 bytes as 64 base32 characters in 16 groups of 4 (also the QR's text):
version/flags | trustee index | fingerprint[0:4] | seed (XOR an scrypt pad when
PIN-protected) | SHA-256(first 38)[0:2]. A PIN only slows down whoever finds the
paper: the paper is to be kept like a key to the ballot box.
"""

from __future__ import annotations

import base64
import hashlib
import unicodedata
from dataclasses import dataclass
from typing import Any

from ballot.crypto.committee import Trustee, verify_committee
from ballot.crypto.errors import InvalidBackup, WrongPin
from ballot.crypto.ristretto import Scalar

VERSION = 0x01
PIN_FLAG = 0x80
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
SALT_PREFIX = b"phieukin-v1 backup"
CODE_BYTES = 40
GROUP = 4


@dataclass(frozen=True)
class Backup:
    index: int
    fingerprint_prefix: bytes
    seed: bytes


def _pin_pad(pin: str, index: int, fpr4: bytes) -> bytes:
    if not isinstance(pin, str) or not pin:
        raise WrongPin("empty PIN", message="Mã PIN không được để trống.")
    secret = unicodedata.normalize("NFC", pin).encode("utf-8")
    return hashlib.scrypt(
        secret,
        salt=SALT_PREFIX + bytes([index]) + fpr4,
        n=SCRYPT_N,
        r=SCRYPT_R,
        p=SCRYPT_P,
        maxmem=64 * 1024 * 1024,
        dklen=32,
    )


def encode_backup(seed: bytes, index: int, fingerprint: bytes, pin: str | None = None) -> str:
    if len(seed) != 32 or not 1 <= index <= 255:
        raise InvalidBackup("seed is 32 bytes, index 1..255")
    fpr4 = fingerprint[:4]
    body = seed if pin is None else bytes(a ^ b for a, b in zip(seed, _pin_pad(pin, index, fpr4), strict=True))
    head = bytes([VERSION | (PIN_FLAG if pin is not None else 0), index]) + fpr4 + body
    raw = head + hashlib.sha256(head).digest()[:2]
    text = base64.b32encode(raw).decode("ascii")
    return "-".join(text[i : i + GROUP] for i in range(0, len(text), GROUP))


def needs_pin(code: str) -> bool:
    return bool(_raw(code)[0] & PIN_FLAG)


def decode_backup(code: str, pin: str | None = None) -> Backup:
    raw = _raw(code)
    flags, index, fpr4, body = raw[0], raw[1], raw[2:6], raw[6:38]
    if flags & ~PIN_FLAG != VERSION:
        raise InvalidBackup("unknown backup version")
    if flags & PIN_FLAG:
        if pin is None:
            raise WrongPin("this backup needs its PIN", message="Bản sao lưu này cần mã PIN.")
        body = bytes(a ^ b for a, b in zip(body, _pin_pad(pin, index, fpr4), strict=True))
    return Backup(index, fpr4, body)


def _raw(code: str) -> bytes:
    if not isinstance(code, str):
        raise InvalidBackup("not text")
    letters = "".join(code.split()).replace("-", "").upper()
    # Hand-typed codes: O and 0, I/L and 1 are not in the base32 alphabet's digits.
    letters = letters.replace("0", "O").replace("1", "I")
    try:
        raw = base64.b32decode(letters)
    except ValueError:
        raise InvalidBackup("not base32") from None
    if len(raw) != CODE_BYTES or hashlib.sha256(raw[:38]).digest()[:2] != raw[38:]:
        raise InvalidBackup("checksum")
    return raw


def restore_trustee(code: str, pin: str | None, transcript: dict[str, Any]) -> tuple[Trustee, Scalar]:
    """The trustee and its share from a backup and the public transcript.

    The seed must give back the trustee's announced keys: a wrong PIN gives another
    seed, hence other keys, and is refused here."""
    backup = decode_backup(code, pin)
    committee = verify_committee(transcript)
    if committee.fingerprint[:4] != backup.fingerprint_prefix or backup.index > committee.n:
        raise InvalidBackup("backup of another committee", message="Mã sao lưu này thuộc một ban kiểm phiếu khác.")
    trustee = Trustee(backup.seed, committee.context, backup.index)
    if trustee.sign_key != committee.sign_keys[backup.index]:
        raise (WrongPin("seed gives other keys") if pin is not None else InvalidBackup("seed gives other keys"))
    return trustee, trustee.secret_share(transcript)
