"""A whole meeting voting at once against a real `ballot demo` server (docs/architecture.md, “Performance”).

For each size N the script starts the server as a user does (`ballot demo` on loopback,
a fresh data directory, the default SQLite storage), then drives N simulated phones
from worker processes (bench/phones.py: a greenlet per phone, under gevent), each doing
what the phone page does:

    POST /api/join (personal code) -> Socket.IO "join" {role: "public"} -> wait for the round
    -> GET /api/state (0-0.4 s after the round opens, as phone.js) -> GET .../form (questions, round key)
    -> [the member fills in the ballot: signing starts within --arrival-seconds]
    -> blind -> POST .../sign (cookie) -> finalize
    -> [0.5-3 s, as casting.js] -> POST .../ballots (no cookie) -> tracking code

Up to 200 phones hold a WebSocket (--realtime); the others do all their HTTP and learn
that the round opened from their worker's realtime phones. The host (this process)
logs in with the exported credentials and keeps the console's live channel open
(role "host"), creates and opens the classification round once every phone has
joined, closes it once every voter has cast, fetches the proposal and certifies the
meeting (the bundle column is skipped if POST .../certify answers 404). K projector
clients (another process) stay connected throughout and time each turnout update
against the phones' cast acknowledgements.

Beside the server's numbers it measures the FLOOR in the same run: the same crypto and
database work (ballot.services.facade.Services on a fresh data directory, same SQLite
durability settings: join, sign, cast) in one process with no web layer, and prints
server/floor. Every run checks that each ballot was counted once, tracking codes are
unique and on the board, no 5xx, nothing refused that should pass.

With --encrypted (docs/encrypted-ballots.md, 14; bench/encrypted_meeting.py) the meeting
has a counting committee of three full members (t = 2) before the round: their phones
(this process) join, run the key ceremony through /api/trustee, and the host confirms
the fingerprint. The trustees do not vote: they are left out of the phones and of the
expected voters. Each phone then checks the committee record in the ballot form and
encrypts its choices (its own CPU in a meeting: timed as thread CPU, and reported apart
from the rest of the load generator) before blinding, signing and casting; the server
checks every proof at cast. After the close (the round "counting") two trustees fetch the
encrypted tally, decrypt and post their shares; close→counted is timed to the t-th share's
acknowledgement and to the projectors showing the round closed with its counts, which
must equal the phones' choices added up. The floor does the same in process, with the
ballots encrypted before its timing.

Usage:
    python bench/meeting_load.py                       # N = 25, 200, 1000
    python bench/meeting_load.py --sizes 50 --projectors 2 --arrival-seconds 5
    python bench/meeting_load.py --smoke --json-out /tmp/smoke.json
    python bench/meeting_load.py --encrypted --sizes 25 200
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import math
import multiprocessing as mp
import os
import queue
import random
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from encrypted_meeting import (  # bench/, beside this script
    THRESHOLD,
    HttpTrustee,
    decrypt_in_parallel,
    encrypt_choices,
    floor_committee,
    floor_decrypt,
    pick_trustees,
    run_committee,
)
from machine import machine
from phones import LEVELS, disconnect_all, light_client  # bench/: the phone workers' program

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DEFAULT_SIZES = [25, 200, 1000]
REALTIME_CAP = 200  # phones holding a WebSocket by default: all up to 200, then 200
BURST_ABOVE = 200  # default arrival: a 10 s window up to this size, everyone at once above


# ---------------------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (as bench/crypto_ops.py); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def summary(values: list[float]) -> dict[str, Any]:
    return {"n": len(values), "p50": percentile(values, 50), "p95": percentile(values, 95),
            "p99": percentile(values, 99), "max": max(values) if values else None}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_status(pid: int) -> dict[str, int]:
    """VmRSS / VmHWM (peak RSS) in kB from /proc; psutil as a fallback elsewhere."""
    try:
        out = {}
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])
        return out
    except OSError:
        try:
            import psutil  # type: ignore[import-not-found]

            rss = psutil.Process(pid).memory_info().rss // 1024
            return {"VmRSS": rss}
        except Exception:  # memory is informative only
            return {}


def proc_cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


# ---------------------------------------------------------------------------------------
# projectors (one process, K Socket.IO clients)
# ---------------------------------------------------------------------------------------


def projector_process(base: str, meeting_id: str, count: int, out_q, stop) -> None:
    """K read-only projector clients; each "state" event is stamped with wall time."""

    events: list[list[tuple[float, str | None, str | None, int | None, bool]]] = [[] for _ in range(count)]
    sizes: list[tuple[float, int]] = []  # (when, bytes) of projector 0's updates
    errors: list[str] = []
    disconnects: list[float] = []
    joined = [threading.Event() for _ in range(count)]
    clients = []
    for i in range(count):
        client = light_client()

        def on_state(data, i=i):
            now = time.time()
            round_ = (data or {}).get("round") or {}
            events[i].append((now, round_.get("id"), round_.get("status"), round_.get("ballots_cast"),
                              "tally" in round_))
            if i == 0:
                sizes.append((now, len(json.dumps(data, ensure_ascii=False).encode())))
            joined[i].set()

        def on_disconnect(*_args):
            if not stop.is_set():
                disconnects.append(time.time())

        def on_connect(client=client):
            client.emit("join", {"meeting_id": meeting_id, "role": "public"})

        client.on("state", on_state)
        client.on("connect", on_connect)
        client.on("disconnect", on_disconnect)
        try:
            client.connect(base, transports=["websocket"], wait_timeout=30)
        except Exception as exc:
            errors.append(f"projector connect: {type(exc).__name__}: {exc}")
        clients.append(client)
    for ev in joined:
        ev.wait(30)
    out_q.put(("projectors_ready", sum(ev.is_set() for ev in joined)))
    stop.wait()
    time.sleep(0.5)  # the last coalesced update after certify
    disconnect_all(clients)
    out_q.put(("projectors", events, sizes, errors, time.process_time(), len(disconnects)))


# ---------------------------------------------------------------------------------------
# the host (this process) and one run against the server
# ---------------------------------------------------------------------------------------


class Host:
    def __init__(self, base: str, credentials: dict[str, str]) -> None:
        import requests

        self.base = base
        self.http = requests.Session()
        self.statuses: list[int] = []
        answer = self.http.post(f"{base}/api/host/login", json=credentials, timeout=60)
        answer.raise_for_status()
        self.http.headers["X-CSRF-Token"] = answer.json()["csrf_token"]

    def open_console(self, meeting_id: str) -> None:
        """The host console page's live channel (role "host", with the login cookie):
        a real meeting has it open, and the server computes its state per broadcast."""
        self.console_events: list[tuple[float, int]] = []
        self.console_whole = 0  # whole states received (on joining, and after a reconnect)
        self.console_whole_max = 0
        self.console_errors: list[str] = []
        self.console_disconnects = 0
        self.watch_round: str | None = None  # --encrypted: set before the close
        self.counted = threading.Event()  # the console showed that round closed with its counts
        self.counted_wall: float | None = None
        self.fetching = threading.Event()  # a whole state is being fetched for the counts
        self.console = light_client()
        joined_once = threading.Event()

        @self.console.on("connect")
        def on_connect():  # a reconnection joins again (never a blocking call on this thread)
            if joined_once.is_set():
                self.console.emit("join", {"meeting_id": meeting_id, "role": "host"})

        @self.console.on("disconnect")
        def on_disconnect(*_args):
            self.console_disconnects += 1

        @self.console.on("host_state")
        def on_host_state(data):
            # A whole state (on joining) carries the roster; a live push names it by digest
            # (services/views.py, compact_host_state): sized apart. Every 10th whole state
            # only: re-encoding each would load this process for nothing.
            round_ = (data or {}).get("round") or {}
            if (self.watch_round and round_.get("id") == self.watch_round and round_.get("status") == "closed"
                    and not self.counted.is_set()):
                if "tally" in round_:
                    self.counted_wall = time.time()
                    self.counted.set()
                elif not self.fetching.is_set():
                    # A push names the counts by digest; the console fetches its whole state
                    # (host.js, receive): beside the reading thread, which must go on reading.
                    self.fetching.set()
                    threading.Thread(target=self._fetch_whole, args=(meeting_id,), daemon=True).start()
            whole = "members" in data
            if whole:
                self.console_whole += 1
                if self.console_whole % 10 == 1:
                    self.console_whole_max = max(self.console_whole_max, len(json.dumps(data, ensure_ascii=False)))
                return
            self.console_events.append((time.time(), len(json.dumps(data, ensure_ascii=False))))

        cookie = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        self.console.connect(self.base, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=30)
        answer = self.console.call("join", {"meeting_id": meeting_id, "role": "host"}, timeout=60)
        joined_once.set()
        if not (isinstance(answer, dict) and answer.get("ok")):
            self.console_errors.append(f"host console join: {answer}")

    def _fetch_whole(self, meeting_id: str) -> None:
        import requests

        try:
            answer = requests.get(f"{self.base}/api/host/meetings/{meeting_id}", cookies=self.http.cookies,
                                  headers={"X-CSRF-Token": self.http.headers["X-CSRF-Token"]}, timeout=300)
            round_ = answer.json().get("round") or {} if answer.status_code == 200 else {}
            if round_.get("id") == self.watch_round and "tally" in round_:
                self.counted_wall = time.time()
                self.counted.set()
        except requests.RequestException as exc:
            self.console_errors.append(f"host console whole state: {exc}"[:300])
        finally:
            self.fetching.clear()  # the next push asks again if the counts were not there yet

    def close_console(self) -> None:
        if getattr(self, "console", None) is not None:
            disconnects = self.console_disconnects
            disconnect_all([self.console])
            self.console_disconnects = disconnects  # the one asked for is not counted

    def call(self, method: str, path: str, **kwargs):
        started = time.perf_counter()
        answer = self.http.request(method, self.base + path, timeout=300, **kwargs)
        self.statuses.append(answer.status_code)
        return answer, (time.perf_counter() - started) * 1000


def start_server(n: int, data_dir: Path, codes_file: Path, log_file: Path) -> tuple[subprocess.Popen, dict]:
    port = free_port()
    script = Path(sys.executable).with_name("ballot")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "ballot.cli"]
    command += ["demo", "--host", "127.0.0.1", "--port", str(port), "--data", str(data_dir),
                "--members", str(n), "--export-codes", str(codes_file)]
    log = log_file.open("w")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    import requests

    deadline = time.monotonic() + 120
    while True:  # waiting for a process to start listening: polling is the only signal
        if process.poll() is not None or time.monotonic() > deadline:
            stop_server(process)
            raise RuntimeError(f"server did not start:\n{log_file.read_text()[-3000:]}")
        if codes_file.exists():
            try:
                codes = json.loads(codes_file.read_text(encoding="utf-8"))
                answer = requests.get(f"http://127.0.0.1:{port}/api/meetings/{codes['meeting_id']}/public",
                                      timeout=2)
                if answer.status_code == 200:
                    codes["base_url"] = f"http://127.0.0.1:{port}"
                    return process, codes
            except (ValueError, KeyError, requests.RequestException):
                pass
        time.sleep(0.1)


def start_second_server(data_dir: Path, log_file: Path) -> tuple[subprocess.Popen, str]:
    """`ballot serve` on the same database, secret and Redis (the environment): the
    second process of a hosted installation (README, “Triển khai cho đảng bộ”)."""
    import requests

    port = free_port()
    script = Path(sys.executable).with_name("ballot")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "ballot.cli"]
    command += ["serve", "--host", "127.0.0.1", "--port", str(port), "--data", str(data_dir)]
    process = subprocess.Popen(command, stdout=log_file.open("w"), stderr=subprocess.STDOUT, cwd=ROOT,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:  # waiting for a process to start listening: polling is the only signal
        if process.poll() is not None or time.monotonic() > deadline:
            stop_server(process)
            raise RuntimeError(f"second server did not start:\n{log_file.read_text()[-3000:]}")
        try:
            if requests.get(f"{base}/host", timeout=2).status_code == 200:
                return process, base
        except requests.RequestException:
            pass
        time.sleep(0.1)


def start_py_spy(pid: int, directory: Path, n: int) -> subprocess.Popen:
    """Sample the server from the round's opening to the last cast (py-spy must be installed)."""
    directory.mkdir(parents=True, exist_ok=True)
    out = directory / f"server-N{n}-{dt.datetime.now():%H%M%S}.txt"
    print(f"   py-spy → {out}", flush=True)
    import shutil

    exe = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    # --gil: only the thread holding the GIL, i.e. where the server's one core goes
    return subprocess.Popen([exe, "record", "--pid", str(pid), "--rate", "100", "--gil", "--nonblocking",
                             "--format", "raw", "--output", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)  # Ctrl-C, as a user stops it
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def progress(started: float, what: str) -> None:
    print(f"   {time.monotonic() - started:6.1f} s  {what}", flush=True)


class PhoneWorker:
    """One phone worker process (bench/phones.py: cooperative phones under gevent) and
    the thread that hands its progress lines to `out_q` as the projectors' process does."""

    def __init__(self, cfg: dict[str, Any], phones: list[dict[str, Any]], out_q, log_file: Path) -> None:
        self.log = log_file.open("ab")
        self.process = subprocess.Popen([sys.executable, str(Path(__file__).with_name("phones.py"))],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log,
                                        text=True, encoding="utf-8")
        self.send(json.dumps({"cfg": cfg, "phones": phones}))
        self.reader = threading.Thread(target=self._read, args=(out_q,), daemon=True)
        self.reader.start()

    def _read(self, out_q) -> None:
        for line in self.process.stdout:
            out_q.put(tuple(json.loads(line)))

    def send(self, line: str) -> None:
        try:
            self.process.stdin.write(line + "\n")
            self.process.stdin.flush()
        except OSError:  # the worker has exited: its log says why
            pass

    def finish(self, timeout: float = 10) -> None:
        self.send("stop")
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.reader.join(5)
        self.log.close()


def run_server(n: int, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    ctx = mp.get_context("spawn")
    data_dir, codes_file = workdir / "server-data", workdir / "codes.json"
    began = time.monotonic()
    own_cpu = time.process_time()  # this process also ran the earlier sizes and their floors
    process, codes = start_server(n, data_dir, codes_file, workdir / "server.log")
    progress(began, f"server up (pid {process.pid})")
    base, meeting_id = codes["base_url"], codes["meeting_id"]
    second, bases = None, [base]
    if args.setup == "two-processes":
        second, other = start_second_server(workdir / "server-data-b", workdir / "server-b.log")
        bases.append(other)
        progress(began, f"second server up (pid {second.pid})")
    arrival = args.arrival_seconds if args.arrival_seconds is not None else (
        10.0 if n <= BURST_ABOVE else 0.0)
    realtime = min(n, args.realtime if args.realtime is not None else REALTIME_CAP)
    join_window = args.join_seconds if args.join_seconds is not None else max(10.0, n / 20)
    rng = random.Random(args.seed + n)
    result: dict[str, Any] = {
        "setup": args.setup, "n": n, "host_console_open": args.host_console, "arrival_seconds": arrival,
        "join_seconds": join_window,
        "realtime_phones": realtime, "http_only_phones": n - realtime, "projectors": args.projectors,
        "workers": args.workers, "server_pid": process.pid, "load_start": loadavg(),
    }
    out_q = ctx.Queue()
    proj_stop = ctx.Event()
    workers: list[PhoneWorker] = []
    projector = None
    try:
        members = codes["members"]
        # --encrypted: three full members are the counting committee; their phones run
        # the ceremony and decrypt from this process, and they do not vote here.
        trustee_members = pick_trustees(members, random.Random(args.seed + n + 1)) if args.encrypted else []
        trustee_ids = {m["id"] for m in trustee_members}
        voters_expected = {m["id"] for m in members if m["status"] == "chinh_thuc"} - trustee_ids
        members = [m for m in members if m["id"] not in trustee_ids]
        n_phones = len(members)
        realtime = min(realtime, n_phones)
        result.update(realtime_phones=realtime, http_only_phones=n_phones - realtime, phone_count=n_phones,
                      trustees=sorted(trustee_ids))
        realtime_ids = set(rng.sample(range(n_phones), realtime))
        phones = [{"index": i, "id": m["id"], "status": m["status"], "personal_code": m["personal_code"],
                   "realtime": i in realtime_ids, "join_at": rng.uniform(0, join_window),
                   "arrival": rng.uniform(0, arrival)} for i, m in enumerate(members)]
        rss: dict[str, Any] = {"start": proc_status(process.pid).get("VmRSS")}

        projector = ctx.Process(target=projector_process,
                                args=(base, meeting_id, args.projectors, out_q, proj_stop), daemon=True)
        projector.start()
        messages: list[tuple] = []

        def wait_for(kind: str, count: int, timeout: float) -> list[tuple]:
            got = [m for m in messages if m[0] == kind]
            deadline = time.monotonic() + timeout
            while len(got) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"waiting for {count} {kind!r}, got {len(got)}")
                try:
                    message = out_q.get(timeout=min(left, 1.0))
                except queue.Empty:
                    if process.poll() is not None:
                        raise RuntimeError("the server process exited") from None
                    continue
                messages.append(message)
                if message[0] == kind:
                    got.append(message)
            return got

        if args.projectors:
            ready = wait_for("projectors_ready", 1, 60)[0][1]
            result["projectors_connected"] = ready

        worker_count = max(1, min(args.workers, n))
        start_wall = time.time() + 1.0 + 0.5 * worker_count  # time for the workers to import
        for w in range(worker_count):
            cfg = {"worker_id": w, "base_url": bases[w % len(bases)],
                   "cast_base_url": bases[(w + 1) % len(bases)], "meeting_id": meeting_id,
                   "meeting_code": codes["meeting_code"], "start_wall": start_wall,
                   "cast_delay": args.cast_delay, "seed": args.seed, "encrypted": args.encrypted,
                   "phones_present": n,  # every phone joins, and joining marks its member present
                   # a 200-question encrypted ballot takes the server about 0.5 s to check:
                   # the last of a queue of them waits minutes (a browser's fetch has no timeout)
                   "http_timeout": 600 if args.encrypted else 120, "round_timeout": 600}
            workers.append(PhoneWorker(cfg, phones[w::worker_count], out_q, workdir / f"phones-{w}.log"))
        wait_for("ready", worker_count, 120)
        progress(began, f"{worker_count} phone workers and {args.projectors} projectors ready")
        start_wall = max(start_wall, time.time())  # (only affects a very slow machine)
        for worker in workers:
            worker.send("go")

        host = Host(base, codes["host"])
        if args.host_console:
            host.open_console(meeting_id)
        joined = wait_for("joined", n_phones, join_window + 120 + n * 0.2)
        result["joined_ok"] = sum(1 for m in joined if m[2])
        result["join_phase_s"] = time.time() - start_wall
        rss["joined"] = proc_status(process.pid).get("VmRSS")
        progress(began, f"{result['joined_ok']}/{n_phones} phones joined")
        trustees: list[Any] = []
        if args.encrypted:
            trustees = [HttpTrustee(base, codes["meeting_code"], m, 600) for m in trustee_members]
            result["committee"] = run_committee(host, meeting_id, trustees)
            progress(began, f"committee of {len(trustees)} (t = {THRESHOLD}): ceremony "
                            f"{result['committee']['ceremony_ms']:.0f} ms, fingerprint "
                            f"{result['committee']['short_fingerprint']}, confirmed aloud")

        answer, create_ms = host.call("POST", f"/api/host/meetings/{meeting_id}/rounds",
                                      json={"kind": "classification"})
        if answer.status_code != 201:
            raise RuntimeError(f"create round: {answer.status_code} {answer.text[:300]}")
        round_id = answer.json()["id"]
        result["questions"] = len(answer.json().get("questions", []))
        cpu_before = proc_cpu_seconds(process.pid)
        phones_cpu_before = [proc_cpu_seconds(w.process.pid) for w in workers]
        spy = start_py_spy(process.pid, args.py_spy, n) if args.py_spy else None
        open_wall = time.time()
        answer, open_ms = host.call("POST", f"/api/host/rounds/{round_id}/open")
        if answer.status_code != 200:
            raise RuntimeError(f"open round: {answer.status_code} {answer.text[:300]}")
        result.update(round_id=round_id, create_round_ms=create_ms, open_round_ms=open_ms)

        progress(began, "round created and opened")
        done = wait_for("done", n_phones, arrival + args.cast_delay[1] + 300 + n * (3.0 if args.encrypted else 1.0))
        acks = sorted(m[2] for m in done if m[2] is not None)
        cpu_after = proc_cpu_seconds(process.pid)
        phones_cpu_after = [proc_cpu_seconds(w.process.pid) for w in workers]
        if spy is not None:
            spy.send_signal(signal.SIGINT)
            spy.wait(60)
        rss["cast"] = proc_status(process.pid).get("VmRSS")
        last_ack = acks[-1] if acks else time.time()
        progress(began, f"{len(acks)} ballots cast")

        if args.host_console:
            host.watch_round = round_id
        close_wall, cpu_close = time.time(), proc_cpu_seconds(process.pid)
        answer, close_ms = host.call("POST", f"/api/host/rounds/{round_id}/close")
        closed_ok = answer.status_code == 200
        counting: dict[str, Any] = {}
        if args.encrypted and closed_ok:
            # the round is "counting": two trustees' phones fetch its tally and decrypt
            counting["shares"] = decrypt_in_parallel(trustees, round_id)
            counted = [s["acked_wall"] for s in counting["shares"] if s.get("status") == 201]
            counting["server_cpu_s"] = ((proc_cpu_seconds(process.pid) or 0) - (cpu_close or 0)
                                        if cpu_close is not None else None)
            counting["close_to_last_share_ack_s"] = (max(counted) - close_wall) if counted else None
            # as a chair would, wait for the console to show the counts before the proposal
            if args.host_console and host.counted.wait(120):
                counting["close_to_console_counted_s"] = host.counted_wall - close_wall
            public, _ = host.call("GET", f"/api/meetings/{meeting_id}/public")
            public_round = (public.json().get("round") or {}) if public.status_code == 200 else {}
            counting["public_status"] = public_round.get("status")
            counting["public_tally"] = public_round.get("tally")
            progress(began, f"counted by {len(counted)} trustees' shares, round "
                            f"{counting['public_status']!r}")
        answer, proposal_ms = host.call("GET", f"/api/host/meetings/{meeting_id}/proposal")
        proposal_wall = time.time()
        proposal_ok = answer.status_code == 200
        proposal_members = len(answer.json().get("members", [])) if proposal_ok else None
        rss["proposal"] = proc_status(process.pid).get("VmRSS")
        answer, certify_ms = host.call("POST", f"/api/host/meetings/{meeting_id}/certify")
        certify_wall = time.time()
        if answer.status_code in (404, 405):  # no certification in this server: skip the column
            certified: dict[str, Any] = {"available": False, "status": answer.status_code}
        else:
            certified = {"available": True, "status": answer.status_code, "ms": certify_ms,
                         "bytes": len(answer.content), "ok": answer.status_code == 201}
            if answer.status_code != 201:
                certified["error"] = answer.text[:300]
        rss["certified"] = proc_status(process.pid).get("VmRSS")
        board_answer, _ = host.call("GET", f"/api/rounds/{round_id}/board")
        board = board_answer.json() if board_answer.status_code == 200 else {}

        progress(began, "closed, proposal" + (", certified" if certified.get("available") else ""))
        closing = threading.Thread(target=host.close_console)  # each close waits ~3 s for the server:
        closing.start()                                          # all clients close at once
        for worker in workers:
            worker.send("stop")
        proj_stop.set()
        worker_results = wait_for("result", worker_count, 120)
        records = [r for m in worker_results for r in m[2]]
        projectors = wait_for("projectors", 1, 60)[0] if args.projectors else ("projectors", [], [], [], 0.0, 0)
        closing.join()
        result["client_cpu_s"] = {"phone_workers": sum(m[3] for m in worker_results),
                                  "projectors": projectors[4], "host": time.process_time() - own_cpu}
        if args.encrypted:  # the phones' and trustees' crypto: their own CPUs in a meeting
            result["client_cpu_s"]["phone_encryption (in phone_workers)"] = round(
                sum(r.get("encrypt_cpu_ms", 0.0) for r in records) / 1000, 2)
            result["client_cpu_s"]["trustees_decrypting (in host)"] = round(
                sum(s.get("compute_cpu_ms", 0.0) for s in counting.get("shares", [])) / 1000, 2)
        status = proc_status(process.pid)
        rss["peak"] = status.get("VmHWM")
        result["load_end"] = loadavg()
        progress(began, "results collected")

        # --- what happened ---------------------------------------------------------------
        votes = [r for r in records if r.get("tracking_code")]
        codes_seen = [r["tracking_code"] for r in votes]
        voters = len(voters_expected)
        first_sign = open_wall
        result["voters"] = voters
        result["ballots_cast"] = len(votes)
        result["cast_window_s"] = last_ack - first_sign
        result["ballots_per_s"] = len(votes) / (last_ack - first_sign) if votes else None
        result["server_cpu_s_voting"] = (cpu_after - cpu_before) if None not in (cpu_before, cpu_after) else None
        # the phones' share of the same cores in the same window (they run beside the server)
        result["phones_cpu_s_voting"] = sum(a - b for a, b in zip(phones_cpu_after, phones_cpu_before, strict=True)
                                            if None not in (a, b))
        steps = ("join", "state", "form", "ready", "encrypt", "encrypt_cpu", "sign", "cast") if args.encrypted else (
            "join", "state", "form", "ready", "sign", "cast")
        result["latency_ms"] = {step: summary([r[f"{step}_ms"] for r in records if f"{step}_ms" in r])
                                for step in steps}
        result["close_ms"] = close_ms
        result["proposal_ms"] = proposal_ms
        result["last_cast_to_proposal_s"] = proposal_wall - last_ack if proposal_ok else None
        result["certify"] = certified
        result["last_cast_to_bundle_s"] = (certify_wall - last_ack) if certified.get("ok") else None
        result["server_rss_kb"] = rss
        statuses = [s for r in records for s in r["statuses"]] + host.statuses + [
            s for t in trustees for s in t.statuses]
        by_status: dict[str, int] = {}
        for s in statuses:
            by_status[str(s)] = by_status.get(str(s), 0) + 1
        result["http_statuses"] = by_status
        result["phone_state_events"] = sum(r["state_events"] for r in records)

        if args.host_console:
            in_round = [t for t, _ in host.console_events if open_wall <= t <= last_ack + 1]
            result["host_console"] = {
                "host_state_events": len(host.console_events), "events_in_round": len(in_round),
                "max_per_second": _max_per_window(in_round, 1.0),
                "payload_bytes_max": max((b for _, b in host.console_events), default=None),
                "whole_states": host.console_whole, "whole_state_bytes_max": host.console_whole_max,
                "disconnects": host.console_disconnects, "errors": host.console_errors}

        # --- projectors: delay from each cast's acknowledgement to the update showing it ---
        _, proj_events, payload_sizes, proj_errors, _, proj_disconnects = projectors
        # A dropped live channel is not a refused request: the phone page reconnects
        # (so do these clients) and catches up; counted and shown, not failed.
        result["realtime_disconnects"] = {"phones": sum(r["disconnects"] for r in records),
                                          "projectors": proj_disconnects}
        delays: list[float] = []
        counted_at: list[float] = []  # when each projector first showed the round counted
        missed = 0
        per_projector = []
        for evs in proj_events:
            evs = sorted(evs)
            ours = [(t, c) for t, rid, st, c, _ in evs if rid == round_id and c is not None]
            for k, ack in enumerate(acks, start=1):
                t = next((t for t, c in ours if c >= k), None)
                if t is None:
                    missed += 1
                else:
                    delays.append(max(0.0, t - ack) * 1000)
            in_round = [t for t, rid, st, c, _ in evs if rid == round_id and open_wall <= t <= last_ack + 1]
            counted = [t for t, rid, st, _, tally in evs if rid == round_id and st == "closed" and tally]
            if counted:
                counted_at.append(min(counted))
            per_projector.append({"state_events": len(evs), "events_in_round": len(in_round),
                                  "max_per_second": _max_per_window(in_round, 1.0)})
        result["projector"] = {
            "delay_ms": summary(delays), "missed": missed, "clients": per_projector,
            "state_events_per_projector": [p["state_events"] for p in per_projector],
            "max_broadcasts_per_second": max((p["max_per_second"] for p in per_projector), default=None),
            "payload_bytes_max": max((b for _, b in payload_sizes), default=None),
            "payload_bytes_during_round": max((b for t, b in payload_sizes if open_wall <= t <= last_ack),
                                              default=None),
            "errors": proj_errors,
        }

        # --- correctness -------------------------------------------------------------------
        errors = [f"phone {r['index']} ({r['member_id']}, {r['status']}): {e}" for r in records
                  for e in r["errors"]]
        wrong_vote_right = [r["member_id"] for r in records if r["can_vote"] is not None
                            and r["can_vote"] != (r["member_id"] in voters_expected)]
        board_codes = board.get("tracking_codes", [])
        checks = {
            "all_joined": result["joined_ok"] == n_phones,
            "voters_cast": len(votes) == voters,
            "voting_rights_as_expected": not wrong_vote_right,
            "tracking_codes_unique": len(set(codes_seen)) == len(codes_seen),
            "board_count_equals_voters": board.get("ballots_cast") == voters,
            "board_codes_match": sorted(board_codes) == sorted(codes_seen),
            "no_5xx": not any(s.isdigit() and int(s) >= 500 for s in by_status),
            "no_connection_errors": "exc" not in by_status,
            "none_refused": not errors,
            "round_closed": closed_ok,
            "proposal_ok": proposal_ok and proposal_members == n,
            "projectors_saw_final_count": bool(args.projectors) and missed == 0
            if args.projectors else True,
        }
        if args.host_console:
            checks["host_console_updated"] = not host.console_errors and bool(host.console_events)
        if certified.get("available"):
            checks["certified"] = bool(certified.get("ok"))
        if args.encrypted:
            result["encrypted"] = encrypted_summary(records, counting, counted_at, close_wall, certified)
            shares_ok = [s.get("status") == 201 for s in counting.get("shares", [])]
            checks["decryption_shares_accepted"] = len(shares_ok) == THRESHOLD and all(shares_ok)
            checks["round_counted"] = counting.get("public_status") == "closed" and bool(counting.get("public_tally"))
            checks["counts_equal_the_encrypted_choices"] = counts_match(
                (counting.get("public_tally") or {}).get("votes"), [r["choices"] for r in votes])
            checks["projectors_saw_the_count"] = len(counted_at) == args.projectors
            if args.host_console:
                checks["console_saw_the_count"] = counting.get("close_to_console_counted_s") is not None
            for r in records:
                r.pop("choices", None)
        result["checks"] = checks
        result["correct"] = all(checks.values())
        result["errors"] = errors[:50] + proj_errors[:10]
        if args.raw:
            result["phones"] = records
            result["projector_events"] = proj_events
        result["error_count"] = len(errors)
        result["requests_asked_again"] = sum(len(r["retried"]) for r in records)
        result["asked_again_errors"] = [e for r in records for e in r["retried"]][:20]
        return result
    finally:
        proj_stop.set()
        for worker in workers:
            worker.finish()
        if projector:
            projector.join(5)
            if projector.is_alive():
                projector.terminate()
        stop_server(process)
        if second is not None:
            stop_server(second)


SETUPS = ("sqlite", "postgres", "two-processes")


class Servers:
    """The database and message queue a setup needs, started once for the whole run
    (tests/postgres.py, tests/redis_server.py: Debian's servers, throwaway, on loopback):
    `sqlite`, the embedded default; `postgres`, one process on PostgreSQL; `two-processes`,
    two processes on one PostgreSQL database, one secret and one Redis."""

    def __init__(self) -> None:
        self._stack = contextlib.ExitStack()
        self._cluster = None
        self._redis: str | None = None

    @contextlib.contextmanager
    def environment(self, setup: str):
        env: dict[str, str] = {}
        if setup != "sqlite":
            if self._cluster is None:
                from tests.postgres import cluster

                self._cluster = self._stack.enter_context(cluster())
            env["DATABASE_URL"] = self._cluster.new_database()  # a fresh one per run
        if setup == "two-processes":
            if self._redis is None:
                from tests.redis_server import redis_server

                self._redis = self._stack.enter_context(redis_server())
            env.update(PHIEUKIN_REDIS_URL=self._redis, PHIEUKIN_SECRET_KEY=secrets.token_hex(32))
        saved = {key: os.environ.get(key) for key in env}
        os.environ.update(env)  # the servers and the floor read it
        try:
            yield
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value

    def close(self) -> None:
        self._stack.close()


def _max_per_window(times: list[float], window: float) -> int:
    best, j = 0, 0
    for i, t in enumerate(times):
        while times[j] < t - window:
            j += 1
        best = max(best, i - j + 1)
    return best


def counts_match(votes: dict[str, dict[str, int]] | None, choices: list[dict[str, str]]) -> bool:
    """The decrypted counts per (question, level) are exactly the phones' choices added up."""
    if not votes:
        return False
    expected: dict[tuple[str, str], int] = {}
    for ballot in choices:
        for question, level in ballot.items():
            expected[(question, level)] = expected.get((question, level), 0) + 1
    got = {(q, level): c for q, row in votes.items() for level, c in row.items() if c}
    return got == expected


def encrypted_summary(records: list[dict[str, Any]], counting: dict[str, Any], counted_at: list[float],
                      close_wall: float, certified: dict[str, Any]) -> dict[str, Any]:
    sizes = [r["ballot_bytes"] for r in records if "ballot_bytes" in r]
    shares = counting.get("shares", [])
    return {
        "ballot_bytes": summary(sizes),
        "phone_encrypt_cpu_s": sum(r.get("encrypt_cpu_ms", 0.0) for r in records) / 1000,
        "close_to_last_share_ack_s": counting.get("close_to_last_share_ack_s"),
        "close_to_console_counted_s": counting.get("close_to_console_counted_s"),
        # close -> the projectors' screens show the round closed with its counts
        "close_to_projector_counted_s": (min(counted_at) - close_wall) if counted_at else None,
        "close_to_last_projector_counted_s": (max(counted_at) - close_wall) if counted_at else None,
        "server_cpu_s_counting": counting.get("server_cpu_s"),
        "shares": [{k: v for k, v in s.items() if k != "acked_wall"} for s in shares],
        "share_bytes": [s.get("share_bytes") for s in shares],
        "trustee_cpu_s": sum(s.get("compute_cpu_ms", 0.0) for s in shares) / 1000,
        "bundle_bytes": certified.get("bytes"),
    }


# ---------------------------------------------------------------------------------------
# the floor: the same work through the services layer, no web, one process
# ---------------------------------------------------------------------------------------


PROOF_CHECK_SAMPLE = 20  # encrypted ballots whose proofs the "crypto alone" rate re-checks


def measure_floor(n: int, workdir: Path, seed: int, trustee_ids: list[str] | None = None) -> dict[str, Any]:
    """With `trustee_ids` (--encrypted) the meeting has the same committee, ballots are
    encrypted (outside the timing: the phones' work) and each cast checks every proof."""
    from cryptography.hazmat.primitives import serialization

    from ballot.config import load_settings
    from ballot.crypto import blind_rsa
    from ballot.crypto.canonical import canonical_json
    from ballot.crypto.committee import verify_committee
    from ballot.crypto.encoding import b64url_decode, b64url_encode
    from ballot.crypto.encrypted_ballot import check_encrypted_ballot
    from ballot.demo import create_demo
    from ballot.services.certification_key import ensure_key
    from ballot.services.commands import CastBallot, NewRound
    from ballot.services.facade import Services
    from ballot.vocabulary import RoundKind

    rng = random.Random(seed + n)
    settings = load_settings(workdir / "floor-data")
    ensure_key(settings)
    services = Services(settings)
    demo = create_demo(services, n)
    host_id = services.host_of_token(services.login(demo["host"]["username"], demo["host"]["password"]))
    meeting_code, meeting_id = demo["meeting_code"], demo["meeting_id"]

    started = time.perf_counter()
    check_ins = {m["id"]: services.join(meeting_code, m["personal_code"])["check_in"]["id"]
                 for m in demo["members"]}
    join_s = time.perf_counter() - started
    seats = floor_committee(services, host_id, meeting_id, check_ins, trustee_ids) if trustee_ids else []
    round_id = services.create_round(host_id, meeting_id, NewRound(kind=RoundKind.CLASSIFICATION))
    services.open_round(host_id, round_id)
    voter_ids = [m["id"] for m in demo["members"] if m["status"] == "chinh_thuc"
                 and m["id"] not in (trustee_ids or [])]
    state = {"round": json.loads(services.ballot_form(check_ins[voter_ids[0]], round_id).body)}
    questions = [q["id"] for q in state["round"]["questions"]]
    key = serialization.load_pem_public_key(state["round"]["public_key"]["spki_pem"].encode())

    started = time.perf_counter()
    for v in voter_ids:  # what each phone asks for when the round opens (no HTTP)
        services.ballot_form(check_ins[v], round_id)
    form_s = time.perf_counter() - started

    prepared_ballots = []  # the phones' work, not timed
    started = time.perf_counter()
    for _ in voter_ids:
        choices = {q: rng.choice(LEVELS) for q in questions if rng.random() > 0.05}
        if trustee_ids:
            text = encrypt_choices(state["round"], choices)
        else:
            text = canonical_json({"round": round_id, "choices": choices,
                                   "nonce": b64url_encode(secrets.token_bytes(16))})
        prefix, prepared = blind_rsa.prepare(text)
        blinded, inv = blind_rsa.blind(key, prepared)
        prepared_ballots.append((text, prefix, prepared, blinded, inv))
    prepare_s = time.perf_counter() - started

    started = time.perf_counter()
    blind_sigs = [services.sign(check_ins[v], round_id, b[3]) for v, b in zip(voter_ids, prepared_ballots, strict=True)]
    sign_s = time.perf_counter() - started
    bodies = []
    for (text, prefix, prepared, _, inv), sig in zip(prepared_ballots, blind_sigs, strict=True):
        signature = blind_rsa.finalize(key, prepared, sig, inv)
        bodies.append({"ballot": text.decode(), "prefix": b64url_encode(prefix),
                       "signature": b64url_encode(signature)})

    # crypto alone, for reference: blind_sign + PSS verify with the same key
    with services.db.read() as session:
        private_key = services.vault.load(session, round_id)
    started = time.perf_counter()
    for (_, _, prepared, blinded, _), body in zip(prepared_ballots, bodies, strict=True):
        blind_rsa.blind_sign(private_key, blinded)
        blind_rsa.verify(key, prepared, b64url_decode(body["signature"]))
    crypto_s = time.perf_counter() - started
    proof_check_s = None
    if trustee_ids:  # every proof of a sample of the ballots, as the cast checks them
        joint_key = verify_committee(state["round"]["committee"]).joint_key
        sample = bodies[:PROOF_CHECK_SAMPLE]
        started = time.perf_counter()
        for body in sample:
            check_encrypted_ballot(json.loads(body["ballot"]), round_id=round_id, question_ids=questions,
                                   key=joint_key)
        proof_check_s = (time.perf_counter() - started) / len(sample)
        crypto_s += proof_check_s * len(bodies)

    started = time.perf_counter()
    codes = [services.cast(round_id, CastBallot.model_validate(body)).tracking_code for body in bodies]
    cast_s = time.perf_counter() - started
    assert len(set(codes)) == len(voter_ids)

    started = time.perf_counter()
    services.close_round(host_id, round_id)
    close_s = time.perf_counter() - started
    counting = floor_decrypt(services, seats, round_id) if trustee_ids else None
    started = time.perf_counter()
    services.proposal(host_id, meeting_id)
    proposal_s = time.perf_counter() - started
    certify_s = None
    if hasattr(services, "certify"):
        started = time.perf_counter()
        services.certify(host_id, meeting_id)
        certify_s = time.perf_counter() - started
    services.db.engine.dispose()
    v = len(voter_ids)
    return {
        "voters": v, "join_ms_each": join_s / n * 1000, "sign_ms_each": sign_s / v * 1000,
        "cast_ms_each": cast_s / v * 1000, "ballots_per_s": v / (sign_s + cast_s),
        "form_ms_each": form_s / v * 1000, "ballots_per_s_with_form": v / (form_s + sign_s + cast_s),
        "crypto_only_ballots_per_s": v / crypto_s, "close_ms": close_s * 1000,
        "proposal_ms": proposal_s * 1000, "certify_ms": certify_s * 1000 if certify_s else None,
        "phone_prepare_ms_each": prepare_s / v * 1000,  # not timed in the rates: the phones' work
        "proof_check_ms_each": proof_check_s * 1000 if proof_check_s is not None else None,
        "counting": counting,
        "close_to_counted_ms": (close_s * 1000 + sum(counting["share_receive_ms"])) if counting else None,
    }


# ---------------------------------------------------------------------------------------
# output
# ---------------------------------------------------------------------------------------


def _f(value: Any, digits: int = 0, scale: float = 1.0) -> str:
    if value is None:
        return "—"
    return f"{value * scale:.{digits}f}"


def _setup(run: dict[str, Any]) -> str:
    label = f"{run['n']}" if run.get("setup", "sqlite") == "sqlite" else f"{run['n']}, {run['setup']}"
    return label + (", encrypted" if run.get("encrypted") else "")


def _kb(value: Any) -> str:
    return "—" if value is None else f"{value / 1000:,.1f}"


def print_encrypted(runs: list[dict[str, Any]]) -> None:
    """The committee's costs: the phone's encryption, the server's proof checks (in cast),
    the count after close, and the sizes."""
    runs = [r for r in runs if r.get("encrypted")]
    if not runs:
        return
    print(f"\nEncrypted round (committee of 3, t = {THRESHOLD}; its 3 trustees do not vote here):")
    print("| N | voters | ballot kB | phone encrypt CPU ms p50 / p99 | encrypt wall ms p50 / p99 "
          "| cast ms p50 / p99 | floor proof check ms | close ms "
          "| close→counted s (t-th share ack / console / 1st projector) "
          "| floor close→counted ms | share kB each | bundle kB |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in runs:
        enc, lat, floor = r["encrypted"], r["latency_ms"], r.get("floor") or {}
        print(f"| {_setup(r)} | {r['voters']} | {_kb(enc['ballot_bytes']['p50'])} "
              f"| {_f(lat['encrypt_cpu']['p50'])} / {_f(lat['encrypt_cpu']['p99'])} "
              f"| {_f(lat['encrypt']['p50'])} / {_f(lat['encrypt']['p99'])} "
              f"| {_f(lat['cast']['p50'])} / {_f(lat['cast']['p99'])} | {_f(floor.get('proof_check_ms_each'))} "
              f"| {_f(r['close_ms'])} | {_f(enc['close_to_last_share_ack_s'], 2)} / "
              f"{_f(enc['close_to_console_counted_s'], 2)} / {_f(enc['close_to_projector_counted_s'], 2)} "
              f"| {_f(floor.get('close_to_counted_ms'))} "
              f"| {' / '.join(_kb(b) for b in enc['share_bytes'])} | {_kb(enc['bundle_bytes'])} |")
    for r in runs:
        enc, com = r["encrypted"], r["committee"]
        print(f"\nN={r['n']}, encrypted: trustees {', '.join(com['trustees'])} (joined and ran the ceremony "
              f"from the host process; left out of the phones and of the expected voters); ceremony "
              f"{com['messages']} messages in {com['ceremony_ms']:.0f} ms, transcript "
              f"{_kb(com['transcript_bytes'])} kB, fingerprint {com['short_fingerprint']}")
        print(f"  per ballot {_kb(enc['ballot_bytes']['p50'])} kB (max {_kb(enc['ballot_bytes']['max'])}); "
              f"the phones' encryption {enc['phone_encrypt_cpu_s']:.1f} s of the load generator's CPU "
              f"(in the phone workers' total below)")
        shares = "; ".join(f"{s.get('trustee')}: fetch {_f(s.get('fetch_ms'))} ms, compute "
                           f"{_f(s.get('compute_cpu_ms'))} ms CPU, post {_f(s.get('post_ms'))} ms"
                           for s in enc["shares"])
        print(f"  counting: close {_f(r['close_ms'])} ms (the encrypted tally added), then {shares}; "
              f"server CPU close→counted {_f(enc['server_cpu_s_counting'], 2)} s; last projector "
              f"showed the count {_f(enc['close_to_last_projector_counted_s'], 2)} s after the close")
        floor = r.get("floor") or {}
        if floor.get("counting"):
            fc = floor["counting"]
            print(f"  floor: encrypt {floor['phone_prepare_ms_each']:.0f} ms per ballot in one process "
                  f"(the phones' work, untimed), proofs {_f(floor['proof_check_ms_each'])} ms per ballot, "
                  f"close {floor['close_ms']:.0f} ms, shares received "
                  f"{' + '.join(_f(x) for x in fc['share_receive_ms'])} ms, trustee compute "
                  f"{fc['trustee_compute_ms_each']:.0f} ms each")


def print_tables(runs: list[dict[str, Any]]) -> None:
    print("\nPer step latency (ms, p50 / p95 / p99), measured in the phone processes:")
    print("| N | voters | realtime / http-only phones | joins over s | signing over s | join | state | form "
          "| open→form | sign | cast |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for r in runs:
        lat = r["latency_ms"]
        cells = [" / ".join(_f(lat[s][p], 0 if (lat[s][p] or 0) >= 10 else 1) for p in ("p50", "p95", "p99"))
                 for s in ("join", "state", "form", "ready", "sign", "cast")]
        print(f"| {_setup(r)} | {r['voters']} | {r['realtime_phones']} / {r['http_only_phones']} "
              f"| {r['join_seconds']:g} | {r['arrival_seconds']:g} | " + " | ".join(cells) + " |")
    print("\nThroughput, closing, projectors, memory, and the floor (same run):")
    print("| N | ballots/s | floor b/s | server/floor | last cast→proposal s | last cast→bundle s "
          "| projector delay p50 / p99 ms | state events per projector (max/s) | server peak RSS MB "
          "| correct |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in runs:
        floor = r.get("floor") or {}
        ratio = (r["ballots_per_s"] / floor["ballots_per_s"]) if r.get("ballots_per_s") and floor else None
        proj = r["projector"]
        bundle = _f(r["last_cast_to_bundle_s"], 2) if r["certify"].get("available") else "n/a (404)"
        events = proj["state_events_per_projector"]
        print(f"| {_setup(r)} | {_f(r['ballots_per_s'], 1)} | {_f(floor.get('ballots_per_s'), 1)} "
              f"| {_f(ratio, 2)} | {_f(r['last_cast_to_proposal_s'], 2)} | {bundle} "
              f"| {_f(proj['delay_ms']['p50'])} / {_f(proj['delay_ms']['p99'])} "
              f"| {min(events, default=0)}–{max(events, default=0)} ({_f(proj['max_broadcasts_per_second'])}) "
              f"| {_f(r['server_rss_kb'].get('peak'), 0, 1 / 1024)} | {'yes' if r['correct'] else 'NO'} |")
    for r in runs:
        floor = r.get("floor") or {}
        print(f"\nN={r['n']}: {r['voters']} voters (full members; probationary members join but do not "
              f"vote), {r['realtime_phones']} phones on WebSocket, {r['http_only_phones']} HTTP-only "
              f"(told of the round by their worker's realtime phones), {r['projectors']} projectors.")
        print(f"  round: {r['questions'] or '?'} questions; create {r['create_round_ms']:.0f} ms, "
              f"close {r['close_ms']:.0f} ms, proposal {r['proposal_ms']:.0f} ms"
              + (f", certify {r['certify']['ms']:.0f} ms ({r['certify']['bytes'] / 1024:.0f} KiB)"
                 if r['certify'].get('available') else ", certify: endpoint absent (404), skipped"))
        print(f"  voting window {r['cast_window_s']:.2f} s (open → last cast ack); server CPU in it "
              f"{_f(r['server_cpu_s_voting'], 2)} s, the phone workers' {_f(r.get('phones_cpu_s_voting'), 2)} s "
              f"(same cores); projector update during the round "
              f"{_f(r['projector']['payload_bytes_during_round'])}"
              f" bytes; server RSS kB {r['server_rss_kb']}")
        console = r.get("host_console")
        if console:
            print(f"  host console (role host): {console['host_state_events']} live pushes, max "
                  f"{console['max_per_second']}/s in the round, largest {_f(console['payload_bytes_max'])} bytes; "
                  f"{console['whole_states']} whole states (on joining), up to "
                  f"{_f(console['whole_state_bytes_max'])} bytes")
        if floor:
            print(f"  floor (services, no web, one process): sign {floor['sign_ms_each']:.2f} ms, cast "
                  f"{floor['cast_ms_each']:.2f} ms each → {floor['ballots_per_s']:.1f} ballots/s (with each "
                  f"phone's form, {floor['form_ms_each']:.2f} ms: {floor['ballots_per_s_with_form']:.1f}/s, "
                  f"server/that {_f(r['ballots_per_s'] / floor['ballots_per_s_with_form'], 2)}); crypto alone "
                  f"{floor['crypto_only_ballots_per_s']:.0f}/s; join {floor['join_ms_each']:.2f} ms; proposal "
                  f"{floor['proposal_ms']:.0f} ms; certify {_f(floor['certify_ms'])} ms")
        print(f"  live channels dropped and reconnected (a phone page reconnects by itself): "
              f"{r['realtime_disconnects']}, host console {(r.get('host_console') or {}).get('disconnects', 0)}")
        print(f"  CPU used by the simulated clients (s): {r['client_cpu_s']}")
        if r.get("requests_asked_again"):
            print(f"  requests asked again after a dropped connection, as the phone page does: "
                  f"{r['requests_asked_again']} ({'; '.join(r.get('asked_again_errors', [])[:3])})")
        print(f"  load average {r['load_start']} → {r['load_end']}; HTTP statuses {r['http_statuses']}")
        failed = [k for k, ok in r["checks"].items() if not ok]
        print("  correctness: " + ("all checks passed" if not failed else "FAILED " + ", ".join(failed)))
        for e in r["errors"][:10]:
            print(f"    {e}")


# ---------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=DEFAULT_SIZES, help="meeting sizes N")
    parser.add_argument("--projectors", type=int, default=3, help="projector clients K (default 3)")
    parser.add_argument("--arrival-seconds", type=float, default=None,
                        help="phones start signing spread over this window after the round opens "
                             f"(default 10 s for N <= {BURST_ABOVE}, 0 = all at once above)")
    parser.add_argument("--join-seconds", type=float, default=None,
                        help="phones join spread over this window (default N/20 s, at least 10: 20 a second)")
    parser.add_argument("--cast-delay", type=float, nargs=2, default=[0.5, 3.0], metavar=("MIN", "MAX"),
                        help="random delay between signature and cast, as static/js/casting.js (default 0.5 3)")
    parser.add_argument("--realtime", type=int, default=None,
                        help=f"phones holding a WebSocket (default: all up to {REALTIME_CAP}, then {REALTIME_CAP})")
    parser.add_argument("--workers", type=int, default=2, help="phone worker processes (default 2)")
    parser.add_argument("--no-host-console", dest="host_console", action="store_false",
                        help="do not hold the host console's live channel open (it is, in a real meeting)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-floor", action="store_true", help="skip the floor measurement")
    parser.add_argument("--smoke", action="store_true",
                        help="N=5 (8 with --encrypted), one projector, short windows (< 30 s)")
    parser.add_argument("--encrypted", action="store_true",
                        help="a counting committee of 3 full members (t = 2) runs its ceremony before the "
                             "round; phones encrypt their ballots; two trustees decrypt after the close"),
    parser.add_argument("--json-out", type=Path, help="results file (default bench/results/<timestamp>.json)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data directories")
    parser.add_argument("--py-spy", type=Path, metavar="DIR",
                        help="sample the server with py-spy during each round (collapsed stacks in DIR)")
    parser.add_argument("--raw", action="store_true", help="also write every phone's record to the JSON")
    parser.add_argument("--setups", nargs="+", choices=SETUPS, default=["sqlite"],
                        help="sqlite (default), postgres, two-processes (PostgreSQL + Redis, phones "
                             "joining on one process and casting on the other); each runs every size")
    args = parser.parse_args(argv)
    if args.smoke:  # --encrypted: 8 members, 7 full, 3 of them trustees: 4 voters
        args.sizes, args.projectors, args.workers = [8 if args.encrypted else 5], 1, 1
        args.join_seconds = 0.5
        args.cast_delay = [0.1, 0.5]
        if args.arrival_seconds is None:
            args.arrival_seconds = 1.0

    info = {**machine(), "load_start": loadavg(), "started": dt.datetime.now().isoformat(timespec="seconds")}
    for key, value in info.items():
        print(f"{key}: {value}")
    runs = []
    servers = Servers()
    for setup, n in [(setup, n) for setup in args.setups for n in args.sizes]:
        args.setup = setup
        workdir = Path(tempfile.mkdtemp(prefix=f"phieukin-bench-{n}-"))
        print(f"\n== N = {n}, {setup} (data in {workdir}) ==", flush=True)
        try:
            with servers.environment(setup):
                run = run_server(n, args, workdir)
                if not args.no_floor:
                    began = time.monotonic()
                    run["floor"] = measure_floor(n, workdir, args.seed, run.get("trustees") or None)
                    progress(began, "floor measured")
                    run["server_over_floor"] = (run["ballots_per_s"] / run["floor"]["ballots_per_s"]
                                                if run.get("ballots_per_s") else None)
            runs.append(run)
            print(f"   done: {run['ballots_cast']}/{run['voters']} ballots, "
                  f"{_f(run['ballots_per_s'], 1)} ballots/s, correct={run['correct']}", flush=True)
        finally:
            if not args.keep:
                import shutil

                shutil.rmtree(workdir, ignore_errors=True)
    servers.close()
    info["load_end"] = loadavg()
    print_tables(runs)
    print_encrypted(runs)
    print(f"\nload average at start {info['load_start']}, at end {info['load_end']}")
    out = args.json_out or ROOT / "bench" / "results" / f"meeting_load-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"machine": info, "config": {k: (str(v) if isinstance(v, Path) else v)
                                                            for k, v in vars(args).items()},
                               "runs": runs}, indent=2, ensure_ascii=False))
    print(f"results: {out}")
    return 0 if all(r["correct"] for r in runs) else 1


if __name__ == "__main__":
    sys.exit(main())
