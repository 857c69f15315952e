"""Faults (docs/architecture.md, “Faults”): killing the server at any moment and starting it
again loses no acknowledged ballot and leaves the round consistent; a phone that
held a signed ballot casts it after the restart."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.meeting_kit import Phone


class HttpClient:
    """The slice of Flask's test client that tests/meeting_kit.Phone uses, over HTTP."""

    def __init__(self, base: str, cookies: bool = True) -> None:
        self.base = base
        self.session = requests.Session() if cookies else None

    def _send(self, method: str, path: str, **kwargs):
        sender = self.session.request if self.session else requests.request
        answer = sender(method, self.base + path, timeout=30, **kwargs)
        answer.get_json = answer.json
        return answer

    def get(self, path: str, **kwargs):
        return self._send("GET", path, **kwargs)

    def post(self, path: str, **kwargs):
        return self._send("POST", path, **kwargs)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(args: list[str], base: str) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "ballot.cli", *args, "--host", "127.0.0.1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    deadline = time.monotonic() + 30
    while True:  # waiting for a process to open its port, not for an event
        try:
            requests.get(f"{base}/host", timeout=1)
            return process
        except requests.ConnectionError:
            assert process.poll() is None and time.monotonic() < deadline
            time.sleep(0.1)


def test_acknowledged_ballots_survive_a_kill_and_voting_goes_on(tmp_path: Path):
    port, data, codes_file = _free_port(), tmp_path / "data", tmp_path / "codes.json"
    base = f"http://127.0.0.1:{port}"
    server = _start(["demo", "--port", str(port), "--data", str(data), "--members", "6",
                     "--export-codes", str(codes_file)], base)
    try:
        codes = json.loads(codes_file.read_text(encoding="utf-8"))
        voters = [m for m in codes["members"] if m["status"] == "chinh_thuc"][:3]
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

        server.send_signal(signal.SIGKILL)
        server.wait(10)
        server = _start(["serve", "--port", str(port), "--data", str(data)], base)

        board = requests.get(f"{base}/api/rounds/{round_id}/board", timeout=10).json()
        assert board == {"round_id": round_id, "status": "open", "ballots_cast": 1,
                         "tracking_codes": [first_code]}
        assert phones[0].cast().json()["tracking_code"] == first_code  # resend: same code
        second_code = phones[1].cast()
        assert second_code.status_code == 201
        third_code = phones[2].vote(choice)  # the round key survived the restart
        csrf = host.post("/api/host/login", json=codes["host"]).json()["csrf_token"]
        assert host.post(f"/api/host/rounds/{round_id}/close",
                         headers={"X-CSRF-Token": csrf}).status_code == 200
        board = requests.get(f"{base}/api/rounds/{round_id}/board", timeout=10).json()
        assert board["ballots_cast"] == 3
        assert sorted(board["tracking_codes"]) == sorted(
            [first_code, second_code.json()["tracking_code"], third_code])
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(10)
