"""The open rounds' private keys in the database (docs/protocol.md, “Round keys”),
for a PostgreSQL installation whose server processes all sign (docs/architecture.md,
“Several server processes”).

Each key is sealed with AES-GCM (a fresh 96-bit nonce, the round's id as associated
data, so a row copied onto another round does not open) under a key derived with
HKDF-SHA256 from the installation's secret, which is in no table: whoever reads the
database, its WAL or a dump without the secret holds no usable key. The row is
written in the transaction that creates the round and deleted in the one that
closes it, so no process can sign once the close has committed. A process keeps the
keys it has opened in memory while their rows exist; at each signing it forgets
those whose rows are gone (docs/threat-model.md, “The database server”).
"""

from __future__ import annotations

import os
import threading

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ballot.crypto import blind_rsa
from ballot.store.keyvault import RoundKeyGone
from ballot.store.models import RoundKey

KEY_INFO = b"phieukin round keys v1"


def sealing_key(secret: str) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=KEY_INFO).derive(secret.encode())


class DatabaseKeyVault:
    def __init__(self, secret: str, bits: int = 2048) -> None:
        self._aead = AESGCM(sealing_key(secret))
        self.bits = bits
        self._loaded: dict[str, tuple[bytes, rsa.RSAPrivateKey]] = {}  # round -> (sealed, key)
        self._lock = threading.Lock()

    def create(self, session: Session, round_id: str) -> rsa.RSAPublicKey:
        key = blind_rsa.generate_private_key(self.bits)
        self.adopt(session, round_id, key)
        return key.public_key()

    def adopt(self, session: Session, round_id: str, key: rsa.RSAPrivateKey) -> None:
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, blind_rsa.private_key_to_pem(key), round_id.encode())
        session.add(RoundKey(round_id=round_id, nonce=nonce, sealed=sealed))

    def load(self, session: Session, round_id: str) -> rsa.RSAPrivateKey:
        row = session.execute(
            select(RoundKey.nonce, RoundKey.sealed).where(RoundKey.round_id == round_id)
        ).one_or_none()
        self._forget_gone(session, keep=round_id if row else None)
        if row is None:
            raise RoundKeyGone(round_id)
        nonce, sealed = row
        with self._lock:
            cached = self._loaded.get(round_id)
        if cached is not None and cached[0] == sealed:
            return cached[1]
        key = blind_rsa.private_key_from_pem(self._aead.decrypt(nonce, sealed, round_id.encode()))
        with self._lock:
            self._loaded[round_id] = (sealed, key)
        return key

    def _forget_gone(self, session: Session, keep: str | None) -> None:
        """Drop from memory the keys whose rows another process deleted."""
        with self._lock:
            others = [r for r in self._loaded if r != keep]
        if not others:
            return
        alive = set(session.scalars(select(RoundKey.round_id).where(RoundKey.round_id.in_(others))))
        with self._lock:
            for round_id in others:
                if round_id not in alive:
                    self._loaded.pop(round_id, None)

    def round_ids(self, session: Session) -> list[str]:
        return sorted(session.scalars(select(RoundKey.round_id)))

    def discard(self, session: Session, round_id: str) -> None:
        """Delete the key's row in the transaction that closes (or deletes) its round."""
        session.execute(delete(RoundKey).where(RoundKey.round_id == round_id))

    def destroy(self, round_id: str) -> None:
        """After that transaction commits: forget this process's copy."""
        with self._lock:
            self._loaded.pop(round_id, None)
