"""The installation's settings: defaults, <data>/phieukin.toml, PHIEUKIN_* and the
command line, each overriding the one before; bad values refused by name."""

from __future__ import annotations

import subprocess
import sys

import pytest

from ballot.config import SettingsError, load_settings


def test_defaults_put_everything_in_the_data_directory(tmp_path):
    settings = load_settings(tmp_path, environ={})
    assert settings.data_dir == tmp_path.resolve()
    assert settings.keys_directory == tmp_path.resolve() / "keys"
    assert settings.database == f"sqlite:///{tmp_path.resolve() / 'phieukin.sqlite3'}"
    assert settings.timezone == "Asia/Ho_Chi_Minh" and settings.key_bits == 2048


def test_file_then_environment_then_options(tmp_path):
    (tmp_path / "phieukin.toml").write_text(
        'timezone = "Asia/Bangkok"\nkey_bits = 3072\npublic_url = "http://10.0.0.5:5000"\n', "utf-8")
    from_file = load_settings(tmp_path, environ={})
    assert (from_file.timezone, from_file.key_bits, from_file.public_url) == (
        "Asia/Bangkok", 3072, "http://10.0.0.5:5000")
    env = {"PHIEUKIN_TIMEZONE": "UTC", "PHIEUKIN_KEY_PASSPHRASE": "bí mật", "DATABASE_URL": "postgresql://x/y"}
    from_env = load_settings(tmp_path, environ=env)
    assert from_env.timezone == "UTC" and from_env.key_bits == 3072
    assert from_env.key_passphrase == "bí mật".encode() and from_env.database == "postgresql://x/y"
    assert load_settings(tmp_path, environ=env, timezone="Asia/Tokyo").timezone == "Asia/Tokyo"
    assert load_settings(tmp_path, environ={"PHIEUKIN_DATABASE_URL": "postgresql://a/b",
                                            "DATABASE_URL": "postgresql://x/y"}).database == "postgresql://a/b"


def test_the_installation_secret_is_the_setting_else_a_file_made_once(tmp_path):
    """Every server process of one database is given the same `secret_key`; a lone
    server makes its own in the data directory, readable by its owner only."""
    from ballot.store.secret import installation_secret

    shared = "k" * 64
    assert installation_secret(load_settings(tmp_path, environ={"PHIEUKIN_SECRET_KEY": shared})) == shared
    assert "k" * 64 not in repr(load_settings(tmp_path, environ={"PHIEUKIN_SECRET_KEY": shared}))
    own = installation_secret(load_settings(tmp_path, environ={}))
    assert len(own) == 64 and (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600
    assert installation_secret(load_settings(tmp_path, environ={})) == own


@pytest.mark.parametrize("content, named", [
    ('key_bits = 1024\n', "key_bits"),
    ('timezone = "Mars/Olympus"\n', "Mars/Olympus"),
    ('public_url = "192.168.1.2"\n', "public_url"),
    ('colour = "red"\n', "colour"),
    ('key_bits = "many"\n', "key_bits"),
    ('key_bits = \n', "phieukin.toml"),
    ('secret_key = "short"\n', "secret_key"),
    ('redis_url = "localhost:6379"\n', "redis_url"),
])
def test_a_bad_setting_is_refused_by_name(tmp_path, content, named):
    (tmp_path / "phieukin.toml").write_text(content, "utf-8")
    with pytest.raises(SettingsError) as refused:
        load_settings(tmp_path, environ={})
    assert named in str(refused.value)


def test_a_bad_setting_stops_the_command_with_its_name(tmp_path):
    (tmp_path / "phieukin.toml").write_text('timezone = "Nowhere/Town"\n', "utf-8")
    result = subprocess.run([sys.executable, "-m", "ballot.cli", "keys", "init", "--data", str(tmp_path)],
                            capture_output=True, text=True, encoding="utf-8")
    assert result.returncode == 2
    assert "Lỗi thiết lập" in result.stderr and "Nowhere/Town" in result.stderr
    assert not (tmp_path / "keys").exists()
