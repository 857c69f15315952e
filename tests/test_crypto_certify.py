"""The chi bộ's Ed25519 certification key: key store, document signatures, CLI."""

from __future__ import annotations

import hashlib
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ballot.crypto.canonical import canonical_json
from ballot.crypto.certify import (
    PRIVATE_KEY_FILE,
    PUBLIC_KEY_FILE,
    KeyStore,
    document_digest,
    fingerprint,
    public_key_b64url,
    public_key_from_b64url,
    public_key_raw,
    sign_document,
    verify_document,
)
from ballot.crypto.encoding import b64url_decode, b64url_encode
from ballot.crypto.errors import CryptoError

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = {
    "branch": "Chi bộ Phòng Tổ chức",
    "proposal": {"m01": "HTXSNV", "m02": "HTTNV"},
    "ballots": 23,
}
FINGERPRINT_PATTERN = r"([0-9A-F]{4} ){15}[0-9A-F]{4}"


def _code(excinfo: pytest.ExceptionInfo[CryptoError]) -> str:
    assert excinfo.value.message
    return excinfo.value.code


# --- key store ------------------------------------------------------------------


def test_init_writes_private_key_mode_0600(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys")
    public_key = store.init(None)
    private_path = tmp_path / "keys" / PRIVATE_KEY_FILE
    assert stat.S_IMODE(os.stat(private_path).st_mode) == 0o600
    assert private_path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    assert (tmp_path / "keys" / PUBLIC_KEY_FILE).read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")
    assert public_key_raw(store.public_key()) == public_key_raw(public_key)
    assert public_key_raw(store.load_private(None).public_key()) == public_key_raw(public_key)
    assert sorted(p.name for p in (tmp_path / "keys").iterdir()) == [PRIVATE_KEY_FILE, PUBLIC_KEY_FILE]


def test_init_mode_does_not_depend_on_umask(tmp_path: Path) -> None:
    previous = os.umask(0)
    try:
        KeyStore(tmp_path).init(None)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(os.stat(tmp_path / PRIVATE_KEY_FILE).st_mode) == 0o600


def test_init_twice_is_refused_and_keeps_the_key(tmp_path: Path) -> None:
    store = KeyStore(tmp_path)
    store.init(None)
    before = (tmp_path / PRIVATE_KEY_FILE).read_bytes()
    with pytest.raises(CryptoError) as excinfo:
        store.init(None)
    assert _code(excinfo) == "key_exists"
    assert (tmp_path / PRIVATE_KEY_FILE).read_bytes() == before


def test_init_refuses_a_stray_public_key(tmp_path: Path) -> None:
    (tmp_path / PUBLIC_KEY_FILE).write_text("old")
    with pytest.raises(CryptoError) as excinfo:
        KeyStore(tmp_path).init(None)
    assert _code(excinfo) == "key_exists"
    assert not (tmp_path / PRIVATE_KEY_FILE).exists()


def test_passphrase_round_trip(tmp_path: Path) -> None:
    store = KeyStore(tmp_path)
    public_key = store.init("mật khẩu".encode())
    assert (tmp_path / PRIVATE_KEY_FILE).read_bytes().startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    private_key = store.load_private("mật khẩu".encode())
    assert public_key_raw(private_key.public_key()) == public_key_raw(public_key)
    assert public_key_raw(store.check_pair("mật khẩu".encode())) == public_key_raw(public_key)


@pytest.mark.parametrize("given", [b"wrong", None, b""])
def test_wrong_or_missing_passphrase_is_refused(tmp_path: Path, given: bytes | None) -> None:
    store = KeyStore(tmp_path)
    store.init(b"right")
    with pytest.raises(CryptoError) as excinfo:
        store.load_private(given)
    assert _code(excinfo) == "bad_passphrase"


def test_passphrase_for_a_clear_key_is_refused(tmp_path: Path) -> None:
    store = KeyStore(tmp_path)
    store.init(None)
    with pytest.raises(CryptoError) as excinfo:
        store.load_private(b"unexpected")
    assert _code(excinfo) == "bad_passphrase"


def test_missing_key_is_reported(tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "nowhere")
    assert not store.exists()
    for load in (lambda: store.load_private(None), store.public_key, lambda: store.check_pair(None)):
        with pytest.raises(CryptoError) as excinfo:
            load()
        assert _code(excinfo) == "key_missing"


def test_mismatched_public_key_is_detected(tmp_path: Path) -> None:
    first, second = KeyStore(tmp_path / "a"), KeyStore(tmp_path / "b")
    first.init(None)
    second.init(None)
    (tmp_path / "a" / PUBLIC_KEY_FILE).write_bytes((tmp_path / "b" / PUBLIC_KEY_FILE).read_bytes())
    with pytest.raises(CryptoError) as excinfo:
        first.check_pair(None)
    assert _code(excinfo) == "bad_key"


def test_fingerprint_is_sha256_of_raw_key_in_groups() -> None:
    public_key = Ed25519PrivateKey.generate().public_key()
    fp = fingerprint(public_key)
    assert re.fullmatch(FINGERPRINT_PATTERN, fp)
    assert fp.replace(" ", "") == hashlib.sha256(public_key_raw(public_key)).hexdigest().upper()


def test_public_key_b64url_round_trip() -> None:
    public_key = Ed25519PrivateKey.generate().public_key()
    text = public_key_b64url(public_key)
    assert len(text) == 43
    assert public_key_raw(public_key_from_b64url(text)) == public_key_raw(public_key)
    with pytest.raises(CryptoError) as excinfo:
        public_key_from_b64url(b64url_encode(public_key_raw(public_key)[:-1]))
    assert _code(excinfo) == "bad_key"


# --- document signatures --------------------------------------------------------


@pytest.fixture(scope="module")
def signer() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def test_sign_and_verify_document(signer: Ed25519PrivateKey) -> None:
    signature = sign_document(signer, DOCUMENT)
    assert len(b64url_decode(signature)) == 64
    verify_document(signer.public_key(), DOCUMENT, signature)
    # The signature covers SHA-256 of the canonical bytes, whatever the key order.
    assert document_digest(DOCUMENT) == hashlib.sha256(canonical_json(DOCUMENT)).digest()
    verify_document(signer.public_key(), dict(reversed(list(DOCUMENT.items()))), signature)


@pytest.mark.parametrize(
    "tampered",
    [
        {**DOCUMENT, "ballots": 24},
        {**DOCUMENT, "proposal": {"m01": "HTTNV", "m02": "HTTNV"}},
        {**DOCUMENT, "extra": "x"},
        {k: v for k, v in DOCUMENT.items() if k != "ballots"},
        {**DOCUMENT, "branch": "Chi bộ Phòng Tổ chức "},
    ],
)
def test_tampered_document_is_refused(signer: Ed25519PrivateKey, tampered: dict) -> None:
    signature = sign_document(signer, DOCUMENT)
    with pytest.raises(CryptoError) as excinfo:
        verify_document(signer.public_key(), tampered, signature)
    assert _code(excinfo) == "bad_signature"


def test_signature_by_another_key_is_refused(signer: Ed25519PrivateKey) -> None:
    other = Ed25519PrivateKey.generate()
    with pytest.raises(CryptoError) as excinfo:
        verify_document(signer.public_key(), DOCUMENT, sign_document(other, DOCUMENT))
    assert _code(excinfo) == "bad_signature"


@pytest.mark.parametrize("mangle", ["flip", "short", "padding", "garbage", "empty"])
def test_malformed_signature_is_refused(signer: Ed25519PrivateKey, mangle: str) -> None:
    good = b64url_decode(sign_document(signer, DOCUMENT))
    signature = {
        "flip": b64url_encode(good[:-1] + bytes([good[-1] ^ 1])),
        "short": b64url_encode(good[:-1]),
        "padding": b64url_encode(good) + "==",
        "garbage": "not base64!",
        "empty": "",
    }[mangle]
    with pytest.raises(CryptoError) as excinfo:
        verify_document(signer.public_key(), DOCUMENT, signature)
    assert _code(excinfo) == "bad_signature"


# --- `ballot keys` via a real process ---------------------------------------------


def _ballot(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    clean_env = {k: v for k, v in os.environ.items() if not k.startswith("PHIEUKIN_")}
    clean_env["PYTHONIOENCODING"] = "utf-8"
    clean_env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), clean_env.get("PYTHONPATH")]))
    clean_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "ballot.cli", *args],
        cwd=cwd,
        env=clean_env,
        capture_output=True,
        encoding="utf-8",
        timeout=60,
    )


def _printed_public_key(output: str) -> str:
    match = re.search(r"base64url\): ([A-Za-z0-9_-]{43})$", output, re.MULTILINE)
    assert match, output
    return match.group(1)


def test_cli_init_then_show(tmp_path: Path) -> None:
    keys_dir = tmp_path / "k"
    init = _ballot("keys", "init", "--dir", str(keys_dir), cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    assert "Đã tạo khóa chứng thực" in init.stdout and "Created" in init.stdout
    assert stat.S_IMODE(os.stat(keys_dir / PRIVATE_KEY_FILE).st_mode) == 0o600

    show = _ballot("keys", "show", "--dir", str(keys_dir), cwd=tmp_path)
    assert show.returncode == 0, show.stderr
    public_text = _printed_public_key(show.stdout)
    assert public_text == _printed_public_key(init.stdout)
    public_key = public_key_from_b64url(public_text)
    assert public_key_raw(public_key) == public_key_raw(KeyStore(keys_dir).public_key())
    assert fingerprint(public_key) in show.stdout
    assert re.search(FINGERPRINT_PATTERN, show.stdout)


def test_cli_init_refuses_existing_key(tmp_path: Path) -> None:
    assert _ballot("keys", "init", "--dir", str(tmp_path), cwd=tmp_path).returncode == 0
    again = _ballot("keys", "init", "--dir", str(tmp_path), cwd=tmp_path)
    assert again.returncode == 2
    assert "đã tồn tại" in again.stderr and "already exists" in again.stderr


def test_cli_show_without_key(tmp_path: Path) -> None:
    show = _ballot("keys", "show", "--dir", str(tmp_path / "empty"), cwd=tmp_path)
    assert show.returncode == 2
    assert "ballot keys init" in show.stderr


def test_cli_passphrase_from_environment(tmp_path: Path) -> None:
    right = {"PHIEUKIN_KEY_PASSPHRASE": "đúng rồi"}
    init = _ballot("keys", "init", "--dir", str(tmp_path), cwd=tmp_path, env=right)
    assert init.returncode == 0, init.stderr
    assert KeyStore(tmp_path).load_private("đúng rồi".encode())
    assert _ballot("keys", "show", "--dir", str(tmp_path), cwd=tmp_path, env=right).returncode == 0
    wrong = _ballot(
        "keys", "show", "--dir", str(tmp_path), cwd=tmp_path, env={"PHIEUKIN_KEY_PASSPHRASE": "sai"}
    )
    assert wrong.returncode == 2
    assert "Mật khẩu" in wrong.stderr
    missing = _ballot("keys", "show", "--dir", str(tmp_path), cwd=tmp_path)
    assert missing.returncode == 2


def test_cli_default_directory_is_keys_in_the_data_directory(tmp_path: Path) -> None:
    assert _ballot("keys", "init", cwd=tmp_path).returncode == 0
    assert (tmp_path / "instance" / "keys" / PRIVATE_KEY_FILE).exists()
    data = tmp_path / "elsewhere"
    assert _ballot("keys", "init", "--data", str(data), cwd=tmp_path).returncode == 0
    assert (data / "keys" / PRIVATE_KEY_FILE).exists()


def test_cli_adopts_a_key_left_in_keys_of_the_working_folder(tmp_path: Path) -> None:
    """An earlier version kept the key in ./keys: it is copied into the data
    directory, never replaced by a new one."""
    old = KeyStore(tmp_path / "keys")
    old_public = old.init()
    init = _ballot("keys", "init", "--data", str(tmp_path / "data"), cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    assert "Đã chuyển khóa chứng thực cũ" in init.stdout
    adopted = KeyStore(tmp_path / "data" / "keys")
    assert public_key_raw(adopted.public_key()) == public_key_raw(old_public)
    assert stat.S_IMODE(os.stat(adopted.private_path).st_mode) == 0o600


def test_cli_directory_from_environment(tmp_path: Path) -> None:
    env = {"PHIEUKIN_KEYS_DIR": str(tmp_path / "from-env")}
    assert _ballot("keys", "init", cwd=tmp_path, env=env).returncode == 0
    assert (tmp_path / "from-env" / PRIVATE_KEY_FILE).exists()
    assert not (tmp_path / "keys").exists()


def test_cli_reports_an_unusable_directory(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("not a directory")
    init = _ballot("keys", "init", "--dir", str(tmp_path / "a-file"), cwd=tmp_path)
    assert init.returncode == 2
    assert "thư mục khóa" in init.stderr
