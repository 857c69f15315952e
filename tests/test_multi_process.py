"""Several server processes serve one meeting (docs/architecture.md, “Several server
processes”; README, “Triển khai cho đảng bộ”): two real `ballot serve` processes, each
with its own data directory, on one PostgreSQL database, one installation secret and
one Redis. The host works on either, phones sign and cast on the other one than they
joined on, and the screens connected to the first see every change the second makes."""

from __future__ import annotations

import secrets
import threading
from contextlib import contextmanager
from typing import Any, Callable, Iterator

import socketio
from sqlalchemy import create_engine, text

from tests.meeting_kit import HOST_PASSWORD, HOST_USER, Host, HttpClient, Phone
from tests.server_process import running

WAIT = 20  # seconds a screen may take to receive an update


class Screen:
    """A Socket.IO client in one room, keeping every state it is pushed."""

    def __init__(self, base: str, meeting_id: str, role: str, cookies: dict[str, str] | None = None) -> None:
        self.states: list[dict[str, Any]] = []
        self._changed = threading.Condition()
        self.client = socketio.Client()
        self.client.on("host_state" if role == "host" else "state", self._received)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())} if cookies else {}
        self.client.connect(base, transports=["websocket"], headers=headers)
        assert self.client.call("join", {"meeting_id": meeting_id, "role": role}, timeout=WAIT) == {"ok": True}

    def _received(self, state: dict[str, Any]) -> None:
        with self._changed:
            self.states.append(state)
            self._changed.notify_all()

    def sees(self, condition: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        """The first state pushed so far or from now on that meets `condition`."""
        with self._changed:
            found = self._changed.wait_for(
                lambda: next((s for s in self.states if condition(s)), None), timeout=WAIT)
        assert found, f"no such state among {len(self.states)}: last {self.states[-1:]}"
        return found

    def close(self) -> None:
        self.client.disconnect()


def _round(state: dict[str, Any]) -> dict[str, Any]:
    return state.get("round") or {}


@contextmanager
def two_servers(tmp_path, database_url: str, redis_url: str) -> Iterator[tuple[str, str]]:
    env = {"DATABASE_URL": database_url, "PHIEUKIN_SECRET_KEY": secrets.token_hex(32),
           "PHIEUKIN_REDIS_URL": redis_url, "PHIEUKIN_HOST_PASSWORD": HOST_PASSWORD}
    with running(["serve", "--data", str(tmp_path / "a"), "--create-host", HOST_USER], env=env) as a:
        with running(["serve", "--data", str(tmp_path / "b")], env=env) as b:
            yield a.base, b.base
        assert "Traceback" not in b.output, b.output
    assert "Traceback" not in a.output, a.output


def test_two_processes_serve_one_meeting(tmp_path, postgres_cluster, redis_url):
    database_url = postgres_cluster.new_database()
    with two_servers(tmp_path, database_url, redis_url) as (a, b):
        host_http = HttpClient(a)
        host = Host(host_http)
        meeting = host.new_meeting()
        meeting_id = meeting["meeting"]["id"]
        meeting = host.mark_present(meeting_id, "m01", "m02", "m03")
        codes = {m["id"]: m["personal_code"] for m in meeting["members"]}

        # B's projector has built the state before the round exists; a screen joining
        # B later must get the state after A's changes, not B's own copy.
        early = Screen(b, meeting_id, "public")
        projector = Screen(a, meeting_id, "public")
        console = Screen(a, meeting_id, "host", cookies=host_http.session.cookies.get_dict())

        round_id = host.run_round(meeting_id)  # on A
        for screen in (early, projector):
            screen.sees(lambda s: _round(s).get("id") == round_id and _round(s)["status"] == "open")
        late = Screen(b, meeting_id, "public")
        assert _round(late.states[0]).get("status") == "open"
        late.close()

        phones = {}
        for key in ("m01", "m02", "m03"):
            phone = Phone(HttpClient(a), HttpClient(a, cookies=False))
            assert phone.join(meeting["meeting"]["code"], codes[key]).status_code == 200
            phone.client.base = phone.anonymous.base = b  # the same cookies, the other process
            phones[key] = phone

        # B serves the ballot form; an edit on A reaches B's next form, not its copy.
        form = phones["m01"].state()["round"]
        assert next(q for q in form["questions"] if q["member_id"] == "m02")["proposals"]["self"] == "HTTNV"
        host.ok("PATCH", f"/api/host/meetings/{meeting_id}/members/m02", json={"self_level": "HTNV"})
        form = phones["m01"].state()["round"]
        assert next(q for q in form["questions"] if q["member_id"] == "m02")["proposals"]["self"] == "HTNV"

        for count, phone in enumerate(phones.values(), start=1):
            phone.vote({"m01": "HTTNV", "m02": "HTNV", "m03": "HTNV"})  # signed and cast on B
            projector.sees(lambda s, count=count: _round(s).get("ballots_cast") == count)
            console.sees(lambda s, count=count: _round(s).get("ballots_cast") == count
                         and _round(s).get("participants") == count)

        host_http.base = b  # the host's login cookie holds on B: the same secret
        host.ok("POST", f"/api/host/rounds/{round_id}/close")
        closed = projector.sees(lambda s: _round(s).get("status") == "closed")
        assert len(_round(closed)["tracking_codes"]) == 3
        # The console's push names the closed round's tally by digest; the console fetches it whole.
        pushed = console.sees(lambda s: _round(s).get("status") == "closed")
        whole = host.ok("GET", f"/api/host/meetings/{meeting_id}")
        assert pushed["digests"]["rounds"] == whole["digests"]["rounds"] and whole["round"]["tally"]
        for screen in (early, projector, console):
            screen.close()

        # No process can sign for the closed round any more: its key row is gone.
        engine = create_engine(database_url)
        try:
            with engine.connect() as db:
                assert db.execute(text("SELECT count(*) FROM round_key")).scalar_one() == 0
        finally:
            engine.dispose()
        phones["m01"].client.base = a
        refused = phones["m01"].ask_signature()
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "round_not_open"
