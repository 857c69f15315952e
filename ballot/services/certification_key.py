"""The chi bộ's Ed25519 certification key (docs/protocol.md, “Certification”).

It lives in the data directory (`<data>/keys/` unless the `keys_dir` setting
moves it), so that the data directory is the whole state of an installation and a
server started from any folder signs with the same key. It is made once: by
`ballot keys init`, or when the server first starts, which prints its
fingerprint; a certification never makes one behind the host's back. A key left in
`./keys` by an earlier version is adopted (copied into the data directory, with a
notice) rather than replaced.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ballot.config import Settings
from ballot.crypto.certify import KeyStore, fingerprint, public_key_b64url
from ballot.crypto.errors import CryptoError, KeyExists
from ballot.services.errors import ServiceError


@dataclass(frozen=True)
class KeyState:
    directory: Path
    public_key: str  # base64url, as `ballot keys show` prints it
    fingerprint: str
    created: bool = False
    adopted_from: Path | None = None


def ensure_key(settings: Settings, legacy_dir: Path | None = None) -> KeyState:
    """The installation's key, made or adopted if there is none yet."""
    store = KeyStore(settings.keys_directory)
    created, adopted_from = False, None
    if not store.exists():
        legacy = KeyStore(legacy_dir) if legacy_dir is not None else None
        try:
            if settings.keys_dir is None and legacy is not None and legacy.exists() \
                    and legacy.directory.resolve() != store.directory.resolve():
                store.adopt(legacy)
                adopted_from = legacy.directory
            else:
                store.init(settings.key_passphrase)
                created = True
        except KeyExists:
            pass  # made meanwhile by another process starting on the same data
    public_key = store.public_key()
    return KeyState(store.directory, public_key_b64url(public_key), fingerprint(public_key),
                    created, adopted_from)


def signing_key(settings: Settings) -> Ed25519PrivateKey:
    """The private key for a certification; never created here."""
    store = KeyStore(settings.keys_directory)
    try:
        if not store.exists():
            raise ServiceError("no_signing_key", "Chưa có khóa chứng thực của chi bộ; hãy khởi động lại "
                               "máy chủ hoặc chạy “ballot keys init”.", 409)
        return store.load_private(settings.key_passphrase)
    except (CryptoError, OSError) as exc:
        message = exc.message if isinstance(exc, CryptoError) else str(exc)
        raise ServiceError("signing_key_unusable",
                           f"Không dùng được khóa chứng thực của chi bộ: {message}", 500) from None


def public_info(settings: Settings) -> dict[str, str]:
    """The public key and fingerprint, to register with the đảng ủy."""
    store = KeyStore(settings.keys_directory)
    try:
        public_key = store.public_key()
    except (CryptoError, OSError):
        raise ServiceError("no_signing_key", "Chưa có khóa chứng thực của chi bộ.", 409) from None
    return {"public_key": public_key_b64url(public_key), "fingerprint": fingerprint(public_key)}
