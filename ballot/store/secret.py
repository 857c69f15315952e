"""The installation's secret (the `secret_key` setting, else the data directory's
`secret_key` file, 0600, made at the first start): it signs the cookies and, on a
shared PostgreSQL database, encrypts the open rounds' keys (ballot/store/round_keys.py).
Every server process of one database needs the same one (README, “Triển khai cho
đảng bộ”)."""

from __future__ import annotations

import os
import secrets

from ballot.config import Settings

SECRET_FILE = "secret_key"


def installation_secret(settings: Settings) -> str:
    if settings.secret_key:
        return settings.secret_key
    path = settings.data_dir / SECRET_FILE
    if not path.exists():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process of this data directory made it first
            pass
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(secrets.token_hex(32))
                handle.flush()
                os.fsync(handle.fileno())
    return path.read_text().strip()
