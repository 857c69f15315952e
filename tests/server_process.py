"""A `ballot` server started as a user starts it: a real process on a free port,
its printed output kept, stopped with Ctrl+C (SIGINT) at the end."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

import requests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Running:
    process: subprocess.Popen
    base: str
    output: str = ""  # everything it printed, once stopped


@contextmanager
def running(args: Sequence[str], *, cwd: Path | None = None, command: Sequence[str] | None = None,
            env: dict[str, str] | None = None, timeout: float = 60, port: int | None = None) -> Iterator[Running]:
    """`ballot <args> --host 127.0.0.1 --port P` (or `command` instead of
    `python -m ballot.cli`), yielded once it answers HTTP."""
    port = port or free_port()
    process = subprocess.Popen(
        [*(command or [sys.executable, "-m", "ballot.cli"]), *args,
         "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=cwd,
        env={**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})},
    )
    server = Running(process, f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + timeout
        while True:  # polling for the port to open: a process start, not an event
            try:
                requests.get(f"{server.base}/host", timeout=1)
                break
            except requests.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    raise AssertionError(process.stdout.read()) from None
                time.sleep(0.1)
        yield server
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
        server.output = process.stdout.read()
