"""A throwaway Redis for the tests: Debian's `redis-server` (installed by scripts/test),
started in a temporary folder on a free loopback port, nothing saved to disk, stopped
at the end of the session."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from tests.server_process import free_port

READY = "Ready to accept connections"


def server_binary() -> str | None:
    return shutil.which("redis-server") or ("/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists()
                                            else None)


@contextmanager
def redis_server() -> Iterator[str]:
    """The URL of a running Redis, yielded once it says it accepts connections."""
    binary = server_binary()
    if binary is None:
        raise FileNotFoundError("Redis's server is not installed (scripts/test installs it)")
    root = Path(tempfile.mkdtemp(prefix="phieukin-redis-"))
    port = free_port()
    process = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(root), "--save", "",
         "--appendonly", "no", "--protected-mode", "yes", "--logfile", ""],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        said = []
        for line in process.stdout:  # its log, up to the line that says it is ready
            said.append(line)
            if READY in line:
                break
        else:
            raise AssertionError("redis-server did not start:\n" + "".join(said))
        # The rest of its log is drained so that it never blocks on a full pipe.
        drain = subprocess.Popen(["cat"], stdin=process.stdout, stdout=subprocess.DEVNULL)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
        if "drain" in locals():
            drain.wait(15)
        shutil.rmtree(root, ignore_errors=True)
