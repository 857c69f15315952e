"""The chi bộ's Ed25519 certification key and document signatures.

The key pair lives in one directory (`keys/` by default): the private key as
PKCS#8 PEM, mode 0600, encrypted when a passphrase is given; the public key as
SubjectPublicKeyInfo PEM beside it. A certified document is signed over
SHA-256 of its canonical JSON bytes, so the đảng ủy can re-derive exactly what was
signed from the document alone.

Pure code: the passphrase is an argument; reading it from the environment is the
CLI's job.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature as _PyCaInvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from ballot.crypto.canonical import canonical_json
from ballot.crypto.encoding import b64url_decode, b64url_encode, hex_groups
from ballot.crypto.errors import (
    CryptoError,
    InvalidKey,
    InvalidSignature,
    KeyExists,
    KeyMissing,
    WrongPassphrase,
)

PRIVATE_KEY_FILE = "certify_ed25519.pem"
PUBLIC_KEY_FILE = "certify_ed25519.pub.pem"
PRIVATE_KEY_MODE = 0o600
PUBLIC_KEY_MODE = 0o644
_ENCRYPTED_PEM_HEADER = b"-----BEGIN ENCRYPTED PRIVATE KEY-----"


class KeyStore:
    """The certification key pair in `directory`."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)

    @property
    def private_path(self) -> Path:
        return self.directory / PRIVATE_KEY_FILE

    @property
    def public_path(self) -> Path:
        return self.directory / PUBLIC_KEY_FILE

    def exists(self) -> bool:
        return self.private_path.exists()

    def init(self, passphrase: bytes | None = None) -> Ed25519PublicKey:
        """Create the key pair; refuse if either file is already there.

        An empty passphrase means none (the private key is then stored in clear)."""
        for path in (self.private_path, self.public_path):
            if path.exists():
                raise KeyExists(f"{path} already exists")
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        private_key = Ed25519PrivateKey.generate()
        public_key = private_key.public_key()
        _write_new_file(self.private_path, _private_pem(private_key, passphrase), PRIVATE_KEY_MODE)
        _write_new_file(self.public_path, _public_pem(public_key), PUBLIC_KEY_MODE)
        return public_key

    def adopt(self, other: KeyStore) -> Ed25519PublicKey:
        """Copy `other`'s key pair here, byte for byte (still encrypted if it was);
        refuse if either file is already here."""
        public_key = other.public_key()
        private_pem, public_pem = _read_key_file(other.private_path), _read_key_file(other.public_path)
        for path in (self.private_path, self.public_path):
            if path.exists():
                raise KeyExists(f"{path} already exists")
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        _write_new_file(self.private_path, private_pem, PRIVATE_KEY_MODE)
        _write_new_file(self.public_path, public_pem, PUBLIC_KEY_MODE)
        return public_key

    def load_private(self, passphrase: bytes | None = None) -> Ed25519PrivateKey:
        data = _read_key_file(self.private_path)
        encrypted = data.lstrip().startswith(_ENCRYPTED_PEM_HEADER)
        if encrypted and not passphrase:
            raise WrongPassphrase(
                "the private key is encrypted and no passphrase was given",
                message="Khóa chứng thực được bảo vệ bằng mật khẩu nhưng chưa có mật khẩu.",
            )
        if not encrypted and passphrase:
            raise WrongPassphrase(
                "a passphrase was given but the private key is not encrypted",
                message="Đã cung cấp mật khẩu nhưng khóa chứng thực không được mã hóa.",
            )
        try:
            key = serialization.load_pem_private_key(data, password=passphrase or None)
        except ValueError:
            if encrypted:
                raise WrongPassphrase("could not decrypt the private key") from None
            raise InvalidKey(f"{self.private_path} is not a valid private key") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise InvalidKey(f"{self.private_path} is not an Ed25519 key")
        return key

    def public_key(self) -> Ed25519PublicKey:
        data = _read_key_file(self.public_path)
        try:
            key = serialization.load_pem_public_key(data)
        except ValueError:
            raise InvalidKey(f"{self.public_path} is not a valid public key") from None
        if not isinstance(key, Ed25519PublicKey):
            raise InvalidKey(f"{self.public_path} is not an Ed25519 key")
        return key

    def check_pair(self, passphrase: bytes | None = None) -> Ed25519PublicKey:
        """Load both files and confirm the public key belongs to the private one."""
        derived = self.load_private(passphrase).public_key()
        public_key = self.public_key()
        if public_key_raw(derived) != public_key_raw(public_key):
            raise InvalidKey(
                f"{self.public_path} does not match {self.private_path}",
                message="Khóa công khai không khớp với khóa riêng.",
            )
        return public_key


# --- keys as text ---------------------------------------------------------------


def public_key_raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_b64url(public_key: Ed25519PublicKey) -> str:
    return b64url_encode(public_key_raw(public_key))


def public_key_from_b64url(text: str) -> Ed25519PublicKey:
    raw = b64url_decode(text)
    if len(raw) != 32:
        raise InvalidKey("an Ed25519 public key is 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


def fingerprint(public_key: Ed25519PublicKey) -> str:
    """SHA-256 of the raw public key, "ABCD 1234 ..." (16 groups), to read aloud."""
    return hex_groups(hashlib.sha256(public_key_raw(public_key)).digest())


# --- documents ------------------------------------------------------------------


def document_digest(doc: dict[str, Any]) -> bytes:
    """SHA-256 of the document's canonical JSON bytes: what gets signed."""
    return hashlib.sha256(canonical_json(doc)).digest()


def sign_document(private_key: Ed25519PrivateKey, doc: dict[str, Any]) -> str:
    return b64url_encode(private_key.sign(document_digest(doc)))


def verify_document(public_key: Ed25519PublicKey, doc: dict[str, Any], signature: str) -> None:
    """Raise InvalidSignature unless `signature` signs this exact document."""
    try:
        signature_bytes = b64url_decode(signature)
    except CryptoError:
        raise InvalidSignature("signature is not base64url") from None
    try:
        public_key.verify(signature_bytes, document_digest(doc))
    except _PyCaInvalidSignature:
        raise InvalidSignature("Ed25519 verification failed") from None


# --- files ----------------------------------------------------------------------


def _private_pem(private_key: Ed25519PrivateKey, passphrase: bytes | None) -> bytes:
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(passphrase)
        if passphrase
        else serialization.NoEncryption()
    )
    return private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


def _public_pem(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _read_key_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise KeyMissing(f"{path} not found") from None


def _write_new_file(path: Path, data: bytes, mode: int) -> None:
    """Write `data` to a file that must not exist yet, all or nothing.

    The bytes go to a temporary file created with O_EXCL and `mode` (so a private
    key is never readable by others, not even for a moment), are synced, and the
    file is then hard-linked into place: link() is atomic and refuses to replace
    an existing file, so a crash leaves either no key or a whole key.
    """
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    _write_exclusive(temporary, data, mode)
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise KeyExists(f"{path} already exists") from None
    except OSError:
        # File systems without hard links (FAT): exclusive create in place.
        _write_exclusive(path, data, mode)
    finally:
        temporary.unlink(missing_ok=True)
    _sync_directory(path.parent)


def _write_exclusive(path: Path, data: bytes, mode: int) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(path, flags, mode)
    except FileExistsError:
        raise KeyExists(f"{path} already exists") from None
    try:
        if hasattr(os, "fchmod"):
            os.fchmod(fd, mode)  # exact mode whatever the umask
        with os.fdopen(fd, "wb", closefd=False) as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
    except BaseException:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise
    os.close(fd)


def _sync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # not possible on every platform; the file itself is synced
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
