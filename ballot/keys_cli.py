"""`ballot keys init` and `ballot keys show`: the chi bộ's certification key, in
`<data>/keys/` unless the `keys_dir` setting (PHIEUKIN_KEYS_DIR, --dir) moves it;
PHIEUKIN_KEY_PASSPHRASE, if set, encrypts the private key (ballot.config)."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ballot.config import Settings
from ballot.crypto.certify import KeyStore, fingerprint, public_key_b64url
from ballot.crypto.errors import CryptoError, KeyExists, KeyMissing, WrongPassphrase
from ballot.services.certification_key import ensure_key

PASSPHRASE_ENV = "PHIEUKIN_KEY_PASSPHRASE"
EXIT_OK = 0
EXIT_REFUSED = 2


def run_keys(command: str, settings: Settings, legacy_dir: Path | None = None) -> int:
    store = KeyStore(settings.keys_directory)
    legacy = legacy_dir if legacy_dir is not None else Path.cwd() / "keys"
    try:
        if command == "init":
            return _init(store, settings, legacy)
        if command == "show":
            return _show(store, settings.key_passphrase, legacy)
    except CryptoError as exc:
        return _refuse(exc.message, exc.detail, _hint(exc))
    except OSError as exc:  # unreadable or unwritable key directory
        return _refuse(f"Không đọc/ghi được thư mục khóa {store.directory}.", str(exc))
    return _refuse(f"Lệnh không rõ: {command}", f"unknown command {command!r}")


def _init(store: KeyStore, settings: Settings, legacy: Path) -> int:
    if store.exists():
        raise KeyExists(f"{store.private_path} already exists")
    state = ensure_key(settings, legacy)
    if state.adopted_from is not None:
        print(f"Đã chuyển khóa chứng thực cũ từ {state.adopted_from} vào {store.directory} "
              f"(không tạo khóa mới).\nAdopted the earlier key from {state.adopted_from} "
              f"into {store.directory} (no new key made).")
        _print_public(store.public_key())
        return EXIT_OK
    passphrase = settings.key_passphrase
    public_key = store.public_key()
    print(
        f"Đã tạo khóa chứng thực Ed25519 của chi bộ trong {store.directory}\n"
        f"Created the branch's Ed25519 certification key in {store.directory}"
    )
    print(f"  Khóa riêng / private key: {store.private_path} (0600)")
    print(f"  Khóa công khai / public key file: {store.public_path}")
    if passphrase:
        print(f"  Khóa riêng được mã hóa bằng mật khẩu trong {PASSPHRASE_ENV}.")
        print(f"  The private key is encrypted with the passphrase from {PASSPHRASE_ENV}.")
    else:
        print(f"  Chú ý: khóa riêng không có mật khẩu (đặt {PASSPHRASE_ENV} để mã hóa).")
        print(f"  Note: the private key has no passphrase (set {PASSPHRASE_ENV} to encrypt it).")
    _print_public(public_key)
    print("Hãy sao lưu thư mục này an toàn; không bao giờ đưa lên git.")
    print("Back this folder up safely; never commit it.")
    return EXIT_OK


def _show(store: KeyStore, passphrase: bytes | None, legacy: Path) -> int:
    if not store.exists() and KeyStore(legacy).exists():
        print(f"Chưa có khóa trong {store.directory}, nhưng có khóa cũ trong {legacy}: "
              f"chạy “ballot keys init” để chuyển nó vào.\n"
              f"No key in {store.directory}; an earlier one is in {legacy}: "
              f"run `ballot keys init` to adopt it.", file=sys.stderr)
    public_key = store.check_pair(passphrase)
    print(f"Khóa chứng thực của chi bộ / Branch certification key ({store.directory})")
    _print_public(public_key)
    if _readable_by_others(store.private_path):
        print(
            f"Cảnh báo: {store.private_path} đọc được bởi người khác; hãy chạy chmod 600.\n"
            f"Warning: {store.private_path} is readable by others; run chmod 600.",
            file=sys.stderr,
        )
    return EXIT_OK


def _print_public(public_key: Ed25519PublicKey) -> None:
    print(f"Khóa công khai / Public key (Ed25519, base64url): {public_key_b64url(public_key)}")
    print(f"Dấu vân tay / Fingerprint (SHA-256): {fingerprint(public_key)}")


def _readable_by_others(path: Path) -> bool:
    return bool(path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO)) if os.name == "posix" else False


def _hint(exc: CryptoError) -> str:
    if isinstance(exc, KeyExists):
        return "Không ghi đè khóa cũ. / The existing key is kept; remove it yourself to start over."
    if isinstance(exc, KeyMissing):
        return "Hãy chạy: ballot keys init  / Run: ballot keys init"
    if isinstance(exc, WrongPassphrase):
        return f"Kiểm tra biến môi trường {PASSPHRASE_ENV}. / Check {PASSPHRASE_ENV}."
    return ""


def _refuse(message: str, detail: str, hint: str = "") -> int:
    print(f"Lỗi: {message}", file=sys.stderr)
    if detail:
        print(f"Error: {detail}", file=sys.stderr)
    if hint:
        print(hint, file=sys.stderr)
    return EXIT_REFUSED
