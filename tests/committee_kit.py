"""Helpers for the đảng ủy's side: chi bộ meetings held through the JSON API up to their
certified bundles, and the `ballot committee` command as a user runs it."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.meeting_kit import Host, LoggedIn, new_server, phone_for


@dataclass
class ChiBoBundle:
    branch: str
    fingerprint: str
    data: bytes
    data_dir: Path


def member_rows(prefix: str, count: int, du_bi: tuple[int, ...] = ()) -> list[dict[str, Any]]:
    return [
        {"id": f"{prefix}{i}", "name": f"Đồng chí {prefix.upper()}{i}",
         "status": "du_bi" if i in du_bi else "chinh_thuc",
         "admitted_on": "2025-01-10" if i in du_bi else "2010-05-19"}
        for i in range(1, count + 1)
    ]


def hold_meeting(
    data_dir: Path,
    branch: str,
    roster: list[dict[str, Any]],
    ballots: list[dict[str, str]],
    organisation_ballots: list[dict[str, str]] | None = None,
    away: tuple[str, ...] = (),
    server=None,
) -> ChiBoBundle:
    """One chi bộ's meeting: every full member not `away` joins and casts one of
    `ballots` (in roster order), then the chi bộ votes on itself if asked; certified."""
    server = server or new_server(data_dir)
    host = Host(server.app.test_client())
    meeting = host.new_meeting(roster, branch_name=branch)
    meeting_id = meeting["meeting"]["id"]
    for key in away:
        host.ok("POST", f"/api/host/meetings/{meeting_id}/presence",
                json={"member_id": key, "present": False, "absent_with_leave": True})
    present = [m["id"] for m in roster if m["id"] not in away]
    phones = {key: phone_for(server, meeting, key) for key in present}
    voters = [m["id"] for m in roster if m["id"] in phones and m["status"] == "chinh_thuc"]
    rounds = [("classification", ballots)]
    if organisation_ballots is not None:
        rounds.append(("organisation", organisation_ballots))
    for kind, cast in rounds:
        round_id = host.run_round(meeting_id, kind)
        for key, choices in zip(voters, cast, strict=True):
            phones[key].vote(choices)
        host.ok("POST", f"/api/host/rounds/{round_id}/close")
    answer = host.call("POST", f"/api/host/meetings/{meeting_id}/certify")
    assert answer.status_code == 201, answer.get_json()
    return ChiBoBundle(branch, server.key.fingerprint, answer.get_data(), data_dir)


def ballot(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`ballot ARGS…` as a process, as the đảng ủy's office runs it."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("PHIEUKIN_DATABASE_URL", None)
    env.pop("DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "ballot.cli", *args], capture_output=True,
                          text=True, encoding="utf-8", timeout=300, env=env, cwd=cwd)


def database_dump(data_dir: Path) -> list[str]:
    """Every row of the committee's database, as SQL text: to compare before and after."""
    connection = sqlite3.connect(data_dir / "committee.sqlite3")
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


CLERK_USER, CLERK_PASSWORD = "vanphong", "mat-khau-dang-uy"


def committee_server(data_dir: Path, profile: str = "21-HD-2019", cap_percent: int = 20):
    """A server whose data directory holds the đảng ủy's workspace and a clerk account."""
    from ballot.config import load_settings
    from ballot.services.committee import CommitteeWorkspace

    server = new_server(data_dir)
    workspace = CommitteeWorkspace(load_settings(data_dir))
    try:
        workspace.init("Đảng ủy Xã Tân Hòa", profile, cap_percent)
        workspace.add_clerk(CLERK_USER, CLERK_PASSWORD)
    finally:
        workspace.close()
    return server


class Clerk(LoggedIn):
    """The đảng ủy's clerk on the `/committee` API, logged in with its CSRF token."""

    def __init__(self, client, username: str = CLERK_USER, password: str = CLERK_PASSWORD) -> None:
        super().__init__(client, "/api/committee/login", username, password)

    def upload(self, *files: tuple[str, bytes]):
        import io

        return self.call("POST", "/api/committee/bundles", content_type="multipart/form-data",
                         data={"bundles": [(io.BytesIO(data), name) for name, data in files]})
