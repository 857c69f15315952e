"""`ballot demo` as a user starts it: a real server process, its exported codes,
and a phone that joins with one of them."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import requests


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_demo_starts_a_meeting_a_phone_can_join(tmp_path):
    port, codes_file = _free_port(), tmp_path / "codes.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "ballot.cli", "demo", "--host", "127.0.0.1", "--port", str(port),
         "--data", str(tmp_path / "data"), "--members", "7", "--export-codes", str(codes_file)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:  # polling for the port to open: a process start, not an event
            try:
                requests.get(f"{base}/host", timeout=1)
                break
            except requests.ConnectionError:
                assert process.poll() is None and time.monotonic() < deadline, process.stdout.read()
                time.sleep(0.1)
        codes = json.loads(codes_file.read_text(encoding="utf-8"))
        assert codes["base_url"] == base and len(codes["members"]) == 7
        assert {m["status"] for m in codes["members"]} == {"chinh_thuc", "du_bi"}
        member = codes["members"][0]
        joined = requests.post(f"{base}/api/join", json={
            "meeting_code": codes["meeting_code"], "personal_code": member["personal_code"]})
        assert joined.status_code == 200
        assert joined.json()["member"]["name"] == member["name"]
        login = requests.post(f"{base}/api/host/login", json=codes["host"])
        assert login.status_code == 200 and login.json()["csrf_token"]
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(10)
    printed = process.stdout.read()
    assert f"{base}/host" in printed  # what the secretary opens on the laptop
    assert f"{base}/projector/{codes['meeting_id']}" in printed
