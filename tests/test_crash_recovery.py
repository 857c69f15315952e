"""Faults (docs/architecture.md, “Faults”): killing the server at any moment and starting it
again loses no acknowledged ballot and leaves the round consistent; a phone that held a
signed ballot casts it after the restart; and a phone whose signing answer was lost (the
server committed, then died before answering) gets the same signature again, never a
second one (docs/protocol.md, “The signing request”)."""

from __future__ import annotations

import json
import signal
from pathlib import Path

import requests
from sqlalchemy import create_engine, text

from tests.meeting_kit import HttpClient, Phone
from tests.postgres import BOTH_DATABASES
from tests.server_process import free_port, running

pytestmark = BOTH_DATABASES


def _killed(server) -> None:
    server.process.send_signal(signal.SIGKILL)
    server.process.wait(10)


def test_acknowledged_ballots_survive_a_kill_and_voting_goes_on(tmp_path: Path, database_url: str):
    port, data, codes_file = free_port(), tmp_path / "data", tmp_path / "codes.json"
    env = {"DATABASE_URL": database_url} if database_url else {}
    base = f"http://127.0.0.1:{port}"
    with running(["demo", "--data", str(data), "--members", "6", "--export-codes", str(codes_file)],
                 port=port, env=env) as server:
        codes = json.loads(codes_file.read_text(encoding="utf-8"))
        voters = [m for m in codes["members"] if m["status"] == "chinh_thuc"][:4]
        phones = [Phone(HttpClient(base), HttpClient(base, cookies=False)) for _ in voters]
        for phone, member in zip(phones, voters, strict=True):
            assert phone.join(codes["meeting_code"], member["personal_code"]).status_code == 200
        host = HttpClient(base)
        csrf = host.post("/api/host/login", json=codes["host"]).json()["csrf_token"]
        headers = {"X-CSRF-Token": csrf}
        round_id = host.post(f"/api/host/meetings/{codes['meeting_id']}/rounds",
                             json={"kind": "classification"}, headers=headers).json()["id"]
        assert host.post(f"/api/host/rounds/{round_id}/open", headers=headers).status_code == 200
        choice = {voters[0]["id"]: "HTTNV"}
        first_code = phones[0].vote(choice)
        assert phones[1].prepare_ballot(choice).status_code == 200  # signed, not yet cast
        # Phone 3's signature commits, but its answer never reaches the phone.
        lost = phones[2].prepare_ballot({voters[1]["id"]: "HTNV"})
        lost_signature, phones[2].signed = lost.json()["blind_signature"], None
        _killed(server)

    with running(["serve", "--data", str(data)], port=port, env=env):
        board = requests.get(f"{base}/api/rounds/{round_id}/board", timeout=10).json()
        assert board == {"round_id": round_id, "status": "open", "ballots_cast": 1, "tracking_codes": None}
        assert phones[0].cast().json()["tracking_code"] == first_code  # resend: same code
        second_code = phones[1].cast()
        assert second_code.status_code == 201
        # The phone that lost its answer asks again with the same blinded ballot: the
        # same signature, and no second one for another ballot.
        again = phones[2].ask_signature()
        assert again.status_code == 200 and again.json()["blind_signature"] == lost_signature
        third_code = phones[2].cast()
        assert third_code.status_code == 201
        assert phones[2].prepare_ballot({voters[1]["id"]: "HTXSNV"}).json()["error"]["code"] == "already_signed"
        fourth_code = phones[3].vote(choice)  # the round key survived the restart
        csrf = host.post("/api/host/login", json=codes["host"]).json()["csrf_token"]
        assert host.post(f"/api/host/rounds/{round_id}/close",
                         headers={"X-CSRF-Token": csrf}).status_code == 200
        board = requests.get(f"{base}/api/rounds/{round_id}/board", timeout=10).json()
        assert board["ballots_cast"] == 4
        assert sorted(board["tracking_codes"]) == sorted(
            [first_code, second_code.json()["tracking_code"], third_code.json()["tracking_code"], fourth_code])
    rows = _stored_signatures(database_url or f"sqlite:///{data / 'phieukin.sqlite3'}")
    assert len(rows) == 4 and all(digest is None and signature is None for digest, signature in rows)


def _stored_signatures(url: str) -> list[tuple]:
    """What the sign-in sheet keeps once the round closed: who signed, nothing signed."""
    engine = create_engine(url)
    try:
        with engine.connect() as db:
            return [tuple(row) for row in db.execute(text(
                "SELECT blinded_digest, blind_signature FROM signature_issuance"))]
    finally:
        engine.dispose()
