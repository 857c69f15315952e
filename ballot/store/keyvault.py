"""Where the private keys of open rounds live (docs/protocol.md, “Round keys”):
one 0600 PEM file per round in a 0700 folder of the data directory, so that a
restarted server goes on signing, cached in memory while in use, and deleted
when the round closes, so that no ballot can be signed afterwards."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol

from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy.orm import Session

from ballot.crypto import blind_rsa


class RoundKeyGone(LookupError):
    """The round's private key was destroyed (the round closed) or never made."""


class RoundKeyStore(Protocol):
    """Where a round's private key lives from its creation to its close: files here
    (SQLite, one process), a table on PostgreSQL (ballot/store/round_keys.py)."""

    def create(self, session: Session, round_id: str) -> rsa.RSAPublicKey: ...

    def load(self, session: Session, round_id: str) -> rsa.RSAPrivateKey: ...

    def round_ids(self, session: Session) -> list[str]: ...

    def discard(self, session: Session, round_id: str) -> None:
        """In the transaction that closes or deletes the round."""

    def destroy(self, round_id: str) -> None:
        """Once that transaction has committed."""


class KeyVault:
    """The files of a SQLite installation, served by one process. The same methods as
    ballot/store/round_keys.py's DatabaseKeyVault (PostgreSQL); the unit of work's
    session is not used here, and a key is destroyed only after its round's close
    commits (a file cannot roll back)."""

    def __init__(self, directory: Path, bits: int = 2048) -> None:
        self.directory = directory
        self.bits = bits
        self._loaded: dict[str, rsa.RSAPrivateKey] = {}

    def path(self, round_id: str) -> Path:
        return self.directory / f"round-{round_id}.pem"

    def create(self, session: Session, round_id: str) -> rsa.RSAPublicKey:
        self.directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        key = blind_rsa.generate_private_key(self.bits)
        fd = os.open(self.path(round_id), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(blind_rsa.private_key_to_pem(key))
            handle.flush()
            os.fsync(handle.fileno())
        return key.public_key()

    def load(self, session: Session, round_id: str) -> rsa.RSAPrivateKey:
        if round_id not in self._loaded:
            try:
                pem = self.path(round_id).read_bytes()
            except FileNotFoundError:
                raise RoundKeyGone(round_id) from None
            self._loaded[round_id] = blind_rsa.private_key_from_pem(pem)
        return self._loaded[round_id]

    def round_ids(self, session: Session) -> list[str]:
        """The rounds whose key files are on disk."""
        if not self.directory.is_dir():
            return []
        return sorted(p.name[len("round-"):-len(".pem")] for p in self.directory.glob("round-*.pem"))

    def discard(self, session: Session, round_id: str) -> None:
        """Nothing before the commit: the file goes once the close has committed."""

    def destroy(self, round_id: str) -> None:
        """Overwrite the key file, then remove it. The overwrite is best effort: a
        journalling or copy-on-write file system, an SSD's remapping or a backup taken
        while the round was open may still keep the old bytes (docs/threat-model.md)."""
        self._loaded.pop(round_id, None)
        path = self.path(round_id)
        try:
            with path.open("r+b") as handle:
                handle.write(b"\0" * path.stat().st_size)
                handle.flush()
                os.fsync(handle.fileno())
        except FileNotFoundError:
            return
        path.unlink(missing_ok=True)
