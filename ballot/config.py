"""The installation's settings, read once at start-up and passed down.

Three sources, each overriding the one before: the defaults below, an optional
`phieukin.toml` in the data directory, and `PHIEUKIN_*` environment variables
(plus the conventional `DATABASE_URL`). Command-line options override all three.
Nothing else in the package reads the environment, so a use case never depends on
the folder a server was started from: the data directory is the whole state of an
installation, the chi bộ's certification key included (docs/architecture.md,
“Configuration”).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

CONFIG_FILE = "phieukin.toml"
ENV_PREFIX = "PHIEUKIN_"
DATABASE_FILE = "phieukin.sqlite3"
# The đảng ủy's workspace (ballot committee …) keeps its own file in its data directory.
COMMITTEE_DATABASE_FILE = "committee.sqlite3"


class SettingsError(ValueError):
    """A setting that cannot be used; the message names it, in Vietnamese."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    # SQLite in the data directory unless a PostgreSQL URL is given.
    database_url: str = ""
    # The chi bộ's Ed25519 certification key: <data>/keys unless moved.
    keys_dir: Path | None = None
    key_passphrase: bytes | None = field(default=None, repr=False)
    # RSA modulus of each round's blind-signature key (RFC 9474).
    key_bits: int = 2048
    # The address phones reach this server at, for join links and slips; detected
    # from the LAN when empty, never taken from a request's Host header.
    public_url: str = ""
    # The meeting's local time zone for every time a person reads.
    timezone: str = "Asia/Ho_Chi_Minh"
    # Seconds a connection may keep the server waiting for the rest of a request (a
    # half-sent request must not hold a thread); above the realtime channel's ping.
    read_timeout: int = 60
    # The installation's secret, the same in every server process of one database:
    # it signs the cookies and encrypts the open rounds' keys stored in a PostgreSQL
    # database (docs/threat-model.md, “The database server”); empty: the data
    # directory's `secret_key` file, made at the first start.
    secret_key: str = field(default="", repr=False)
    # Redis, through which several server processes behind one address push the
    # screens' updates to each other's connections (README, “Triển khai cho đảng bộ”).
    redis_url: str = ""

    @property
    def database(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / DATABASE_FILE}"

    @property
    def committee_database(self) -> str:
        """The đảng ủy workspace's database: the same `database_url` setting, else its
        own SQLite file (its tables are prefixed, so they never meet a meeting's)."""
        return self.database_url or f"sqlite:///{self.data_dir / COMMITTEE_DATABASE_FILE}"

    @property
    def keys_directory(self) -> Path:
        return self.keys_dir or self.data_dir / "keys"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


# name -> (type, environment variable); the file uses the same names.
_SOURCES: dict[str, tuple[type, str]] = {
    "database_url": (str, "DATABASE_URL"),
    "keys_dir": (Path, "KEYS_DIR"),
    "key_passphrase": (bytes, "KEY_PASSPHRASE"),
    "key_bits": (int, "KEY_BITS"),
    "public_url": (str, "PUBLIC_URL"),
    "timezone": (str, "TIMEZONE"),
    "read_timeout": (int, "READ_TIMEOUT"),
    "secret_key": (str, "SECRET_KEY"),
    "redis_url": (str, "REDIS_URL"),
}


def load_settings(
    data_dir: str | Path,
    environ: Mapping[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Defaults < <data>/phieukin.toml < PHIEUKIN_* environment < `overrides`
    (command-line options; None means "not given")."""
    environ = os.environ if environ is None else environ
    data = Path(data_dir).expanduser().resolve()
    values: dict[str, Any] = {}
    values.update(_from_file(data / CONFIG_FILE))
    values.update(_from_environment(environ))
    values.update({k: v for k, v in overrides.items() if v is not None})
    unknown = set(values) - {f.name for f in fields(Settings)}
    if unknown:
        raise SettingsError(f"Thiết lập không có: {', '.join(sorted(unknown))}.")
    settings = replace(Settings(data_dir=data), **{k: _typed(k, v) for k, v in values.items()})
    _check(settings)
    return settings


def _from_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SettingsError(f"Tệp thiết lập {path} không đọc được: {exc}.") from None


def _from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    if environ.get("DATABASE_URL"):
        found["database_url"] = environ["DATABASE_URL"]
    for name, (_, suffix) in _SOURCES.items():
        value = environ.get(ENV_PREFIX + suffix)
        if value:
            found[name] = value
    return found


def _typed(name: str, value: Any) -> Any:
    kind = _SOURCES[name][0]
    if isinstance(value, kind):
        return value
    try:
        if kind is bytes:
            # fsencode: the exact bytes of the environment, even if they are not UTF-8.
            return os.fsencode(value)
        if kind is int and not isinstance(value, bool):
            return int(value)
        if kind is Path:
            return Path(value).expanduser()
        if kind is str and isinstance(value, str):
            return value
    except (TypeError, ValueError):
        pass
    raise SettingsError(f"Thiết lập “{name}” có giá trị không hợp lệ: {value!r}.")


def _check(settings: Settings) -> None:
    if settings.key_bits not in (2048, 3072, 4096):
        raise SettingsError("Thiết lập “key_bits” phải là 2048, 3072 hoặc 4096.")
    try:
        ZoneInfo(settings.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(f"Múi giờ “{settings.timezone}” không có.") from None
    if not 1 <= settings.read_timeout <= 3600:
        raise SettingsError("Thiết lập “read_timeout” phải từ 1 đến 3600 giây.")
    url = settings.public_url
    if url and not (url.startswith("http://") or url.startswith("https://")):
        raise SettingsError("Thiết lập “public_url” phải bắt đầu bằng http:// hoặc https://.")
    if settings.secret_key and len(settings.secret_key) < 32:
        raise SettingsError("Thiết lập “secret_key” phải dài ít nhất 32 ký tự.")
    redis = settings.redis_url
    if redis and not redis.startswith(("redis://", "rediss://", "unix://")):
        raise SettingsError("Thiết lập “redis_url” phải bắt đầu bằng redis://, rediss:// hoặc unix://.")
