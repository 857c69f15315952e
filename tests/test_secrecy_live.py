"""The linkage attack on what the screens receive (docs/threat-model.md, “The host”).

A live server; the host console's realtime channel, a projector's and a phone's, and
the host console polling its state over HTTP, each recording every message with its
arrival time. Twelve voters walk up one after the other: each signs, then casts a
moment later (sooner than the next voter comes: the worst case for secrecy). The
attacker then does what recovered 10 of 12 choices before: pairs each member's
signing (seen as they leave the host's "not yet voted" list) with the next change of
any per-member vote count in any message, and reads that member's choices off it.
It must link no more ballots than guessing would (one in expectation)."""

from __future__ import annotations

import random
import threading
import time
from typing import Any

import pytest
import requests
import socketio as sio_client

from ballot.server import run
from tests.meeting_kit import HttpClient, Phone
from tests.server_process import free_port

VOTERS = 12


class Recorder:
    """Every message a screen receives, with its arrival time."""

    def __init__(self) -> None:
        self.messages: list[tuple[float, str, Any]] = []
        self.lock = threading.Lock()

    def add(self, source: str, payload: Any) -> None:
        with self.lock:
            self.messages.append((time.monotonic(), source, payload))


def tallies(payload: Any) -> list[dict[str, dict[str, int]]]:
    """Every per-member vote count anywhere in a message (any key, any depth)."""
    found = []
    if isinstance(payload, dict):
        votes = payload.get("votes")
        if isinstance(votes, dict) and votes and all(isinstance(v, dict) for v in votes.values()):
            found.append(votes)
        for value in payload.values():
            found.extend(tallies(value))
    elif isinstance(payload, list):
        for value in payload:
            found.extend(tallies(value))
    return found


def signing_times(messages) -> dict[str, float]:
    """When each member left the host console's list of those who have not voted."""
    waiting_before: set[str] | None = None
    signed: dict[str, float] = {}
    for at, _, payload in messages:
        round_ = payload.get("round") if isinstance(payload, dict) else None
        if not isinstance(round_, dict) or "waiting" not in round_:
            continue
        waiting = {m["id"] for m in round_["waiting"]}
        if waiting_before is not None:
            for member in waiting_before - waiting:
                signed.setdefault(member, at)
        waiting_before = waiting
    return signed


def matching_attack(messages) -> dict[str, dict[str, str]]:
    """Each signer's choices guessed from the first change of any tally after they signed."""
    snapshots = [(at, tally) for at, _, payload in messages for tally in tallies(payload)]
    guesses: dict[str, dict[str, str]] = {}
    for member, at in sorted(signing_times(messages).items(), key=lambda item: item[1]):
        before = next((t for s_at, t in reversed(snapshots) if s_at <= at), {})
        after = next((t for s_at, t in snapshots if s_at > at and t != before), None)
        if after is None:
            continue
        guesses[member] = {q: level for q, counts in after.items() for level, n in counts.items()
                           if n > before.get(q, {}).get(level, 0)}
    return guesses


@pytest.fixture
def live(server, host):
    port = free_port()
    thread = threading.Thread(target=lambda: run(server, "127.0.0.1", port), daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            requests.get(f"{base}/host", timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.05)  # waiting for the port to open, not for an event
    return base


def test_screens_and_polls_link_no_ballot_to_its_voter(server, host, live):
    roster = [{"id": f"v{i:02d}", "name": f"Đảng viên {i}", "status": "chinh_thuc", "admitted_on": "2000-01-01"}
              for i in range(1, VOTERS + 1)]
    meeting = host.new_meeting(roster)
    meeting_id, meeting_code = meeting["meeting"]["id"], meeting["meeting"]["code"]
    codes = {m["id"]: m["personal_code"] for m in host.state(meeting_id)["members"]}
    phones = {}
    for key in codes:
        phones[key] = Phone(HttpClient(live), HttpClient(live, cookies=False))
        assert phones[key].join(meeting_code, codes[key]).status_code == 200

    recorder = Recorder()
    console = requests.Session()
    csrf = console.post(f"{live}/api/host/login", json={"username": "bithu", "password": "mat-khau-dai-1"}).json()
    console.headers["X-CSRF-Token"] = csrf["csrf_token"]
    cookie = "; ".join(f"{k}={v}" for k, v in console.cookies.items())
    clients = []
    for n, (role, event, headers) in enumerate((("host", "host_state", {"Cookie": cookie}),
                                                ("public", "state", {}), ("public", "state", {}))):
        client = sio_client.Client()
        client.on(event, lambda payload, name=f"{role}:{n}": recorder.add(name, payload))
        client.connect(live, headers=headers, transports=["websocket"])
        assert client.call("join", {"meeting_id": meeting_id, "role": role}, timeout=5) == {"ok": True}
        clients.append(client)
    stop = threading.Event()

    def poll() -> None:  # the console's HTTP state and the public board, as fast as one likes
        while not stop.is_set():
            recorder.add("http:host", console.get(f"{live}/api/host/meetings/{meeting_id}").json())
            recorder.add("http:public", requests.get(f"{live}/api/meetings/{meeting_id}/public").json())
            time.sleep(0.05)

    poller = threading.Thread(target=poll, daemon=True)
    try:
        round_id = console.post(f"{live}/api/host/meetings/{meeting_id}/rounds",
                                json={"kind": "classification"}).json()["id"]
        assert console.post(f"{live}/api/host/rounds/{round_id}/open").ok
        poller.start()
        rng = random.Random(11)
        ballots = {}
        for key in rng.sample(list(codes), len(codes)):  # they walk up in some order
            ballots[key] = {q: rng.choice(["HTXSNV", "HTTNV", "HTNV", "KHTNV"]) for q in rng.sample(list(codes), 4)}
            assert phones[key].prepare_ballot(ballots[key]).status_code == 200
            time.sleep(rng.uniform(0.1, 0.3))  # the phone's random delay before casting (a real one waits)
            assert phones[key].cast().status_code == 201
            time.sleep(rng.uniform(0.4, 0.7))  # until the next member votes (a real room: longer)
        closed_at = time.monotonic()
        assert console.post(f"{live}/api/host/rounds/{round_id}/close").ok
        deadline = time.monotonic() + 10
        while not any(tallies(p) for at, _, p in recorder.messages if at > closed_at):
            assert time.monotonic() < deadline, "no screen ever got the results"
            time.sleep(0.05)  # waiting for the results push to arrive, not for an action to finish
    finally:
        stop.set()
        for client in clients:
            client.disconnect()

    messages = sorted(recorder.messages, key=lambda m: m[0])
    assert len(signing_times(messages)) == VOTERS  # the attacker does see who signed when
    assert not [m for m in messages if m[0] < closed_at and tallies(m[2])]  # but no count while open
    guesses = matching_attack(messages)
    linked = sum(1 for key, guess in guesses.items() if guess == ballots[key])
    assert linked <= 1, f"the attack linked {linked} of {VOTERS} ballots"
