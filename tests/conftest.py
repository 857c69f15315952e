"""Shared test fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def postgres_cluster():
    """One throwaway PostgreSQL cluster for the session (tests/postgres.py); skipped on
    a developer's machine without PostgreSQL's server, and FAILS when CI is set."""
    from tests.postgres import cluster, server_binaries

    _require_server(server_binaries() is not None,
                    "PostgreSQL's server is not installed: run scripts/test (it installs Debian's postgresql)")
    with cluster() as running:
        yield running


def _require_server(installed: bool, message: str) -> None:
    """A missing database or queue server skips on a developer's machine, fails in CI."""
    if not installed:
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def redis_url():
    """One throwaway Redis for the session (tests/redis_server.py); skipped on a
    developer's machine without Redis's server, and FAILS when CI is set."""
    from tests.redis_server import redis_server, server_binary

    _require_server(server_binary() is not None,
                    "Redis's server is not installed: run scripts/test (it installs Debian's redis-server)")
    with redis_server() as url:
        yield url


@pytest.fixture
def database_url(request) -> str:
    """"" (SQLite in the data directory, the default) unless a module parametrizes it
    with "postgresql": then a fresh database on the session's cluster. Modules run on
    both with `pytestmark = BOTH_DATABASES` (tests/postgres.py)."""
    if getattr(request, "param", "sqlite") == "sqlite":
        return ""
    return request.getfixturevalue("postgres_cluster").new_database()


@pytest.fixture
def server(tmp_path, database_url):
    """A meeting server (app, realtime, services) on a fresh data directory with
    a host account (tests/meeting_kit.HOST_USER), on `database_url`."""
    from tests.meeting_kit import new_server

    server = new_server(tmp_path, database_url)
    yield server
    server.services.db.close()


@pytest.fixture
def host(server):
    """The host, logged in through the API with its CSRF token."""
    from tests.meeting_kit import Host

    return Host(server.app.test_client())
