"""Shared test fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def repo_root() -> Path:
    return ROOT


@pytest.fixture
def server(tmp_path):
    """A meeting server (app, realtime, services) on a fresh data directory with
    a host account (tests/meeting_kit.HOST_USER)."""
    from tests.meeting_kit import new_server

    return new_server(tmp_path)


@pytest.fixture
def host(server):
    """The host, logged in through the API with its CSRF token."""
    from tests.meeting_kit import Host

    return Host(server.app.test_client())
