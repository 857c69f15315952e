"""Live state over Socket.IO (docs/architecture.md, “Realtime”).

Rooms per meeting: `host:<id>` (the console, with names and live tallies),
`public:<id>` (projector and phones: turnout, and the distribution only when the
host allows it or the round is closed). Services call `notify(meeting_id)` after
each commit; broadcasts are coalesced so a room gets at most one update every
BROADCAST_INTERVAL seconds whatever the cast rate, and the last change is never
lost. A client that (re)connects and joins gets the current state at once.

With the `redis_url` setting, several server processes share one message queue:
the process that made a change broadcasts it, and Redis carries the broadcast to
the connections every process holds (docs/architecture.md, “Several server processes”).
"""

from __future__ import annotations

import importlib.util
import logging
import threading
import time
from typing import Any

from flask import Flask, request
from flask_socketio import SocketIO, join_room

from ballot.services.commands import JoinRoom
from ballot.services.errors import ServiceError, unauthorised
from ballot.services.facade import Services
from ballot.services.views import compact_host_state
from ballot.web.host_api import logged_in_host
from ballot.web.validation import parse_value

BROADCAST_INTERVAL = 0.2  # seconds: at most 5 broadcasts a second per meeting
# A room's next update also waits this many times as long as its last one took to
# build and send, so pushing state never takes more than about a third of the server
# however large the meeting: at most 1/4 for the projectors' and phones' turnout, 1/9
# for the host console's snapshot, which with live tallies of 1,000 ballots of 1,000
# members costs far more and is worth less a second sooner.
PUBLIC_BUSY_FACTOR = 3
HOST_BUSY_FACTOR = 8

log = logging.getLogger(__name__)


class Broadcaster:
    """Coalesces change notifications into few broadcasts per meeting.

    One sender thread per meeting runs while changes keep coming: it waits out the
    gap, builds and sends the newest state, and stops when nothing is left to send,
    so updates never overlap or arrive out of order, and the last change is never lost.
    """

    def __init__(self, socketio: SocketIO, services: Services, interval: float = BROADCAST_INTERVAL):
        self.socketio = socketio
        self.services = services
        self.interval = interval
        # Several processes emit through one message queue (the `redis_url` setting).
        self.shared = bool(services.settings.redis_url)
        self._lock = threading.Lock()
        self._changed: set[str] = set()  # meetings changed since their last public update
        self._host_owed: set[str] = set()  # meetings whose host consoles wait for an update
        self._running: set[str] = set()  # meetings with a sender thread
        self._next_public: dict[str, float] = {}
        self._next_host: dict[str, float] = {}
        self.broadcasts = 0  # counted for the benchmark and the tests

    def notify(self, meeting_id: str) -> None:
        with self._lock:
            self._changed.add(meeting_id)
            if meeting_id in self._running:
                return  # the running sender will carry this change
            self._running.add(meeting_id)
        self.socketio.start_background_task(self._sender, meeting_id)

    def _sender(self, meeting_id: str) -> None:
        while True:
            with self._lock:
                changed = meeting_id in self._changed
                if not changed and meeting_id not in self._host_owed:
                    self._running.discard(meeting_id)
                    return
                due = (self._next_public if changed else self._next_host).get(meeting_id, 0.0)
                wait = due - time.monotonic()
                if wait <= 0 and changed:
                    self._changed.discard(meeting_id)
                    self.broadcasts += 1
            if wait > 0:
                self.socketio.sleep(wait)
                continue
            try:
                if changed:
                    self.send_now(meeting_id)
                else:
                    self._send_hosts(meeting_id)
            except Exception:  # a failed update must not stop the meeting's sender
                log.exception("broadcast for meeting %s failed", meeting_id)

    def send_now(self, meeting_id: str) -> None:
        started = time.monotonic()
        try:
            public = self.services.public_state(meeting_id, live=True)
            self.socketio.emit("state", public, to=f"public:{meeting_id}")
        finally:
            self._next_public[meeting_id] = self._next_time(started, PUBLIC_BUSY_FACTOR)
        self._send_hosts(meeting_id)

    def _send_hosts(self, meeting_id: str) -> None:
        hosts = self._hosts_in(meeting_id)
        with self._lock:
            if not hosts:
                self._host_owed.discard(meeting_id)
                return
            if time.monotonic() < self._next_host.get(meeting_id, 0.0):
                self._host_owed.add(meeting_id)  # sent when due, by this meeting's sender
                return
            self._host_owed.discard(meeting_id)
        started = time.monotonic()
        try:
            for host_id in hosts:
                try:
                    state = self.services.host_state(host_id, meeting_id, live=True)
                except ServiceError:
                    continue
                # Without the roster and the results, named by digest: at 1,000 members they
                # are most of 880 kB, and change seldom while a round is open.
                self.socketio.emit("host_state", compact_host_state(state), to=f"host:{meeting_id}:{host_id}")
        finally:
            self._next_host[meeting_id] = self._next_time(started, HOST_BUSY_FACTOR)

    def _next_time(self, started: float, factor: float) -> float:
        now = time.monotonic()
        return max(started + self.interval, now + factor * (now - started))

    def _hosts_in(self, meeting_id: str) -> list[int]:
        """The host accounts with a console on the meeting. Behind a message queue the
        console may be on another process, whose rooms this one does not see: the
        meeting's own host then, whose room is empty if no console is open."""
        if self.shared:
            host_id = self.services.host_of_meeting(meeting_id)
            return [host_id] if host_id is not None else []
        prefix = f"host:{meeting_id}:"
        rooms = self.socketio.server.manager.rooms.get("/", {})
        return [int(room[len(prefix):]) for room in rooms if room and room.startswith(prefix)]


class ConnectionGone(Exception):
    pass


def _enter(room: str) -> None:
    """Join the room; a page that went (a reload) before its join was handled has no
    connection left to enter it with."""
    try:
        join_room(room)
    except KeyError:
        raise ConnectionGone from None


def init_realtime(app: Flask, services: Services, async_mode: str | None = None) -> SocketIO:
    if services.settings.redis_url and importlib.util.find_spec("redis") is None:
        raise RuntimeError("Thiết lập “redis_url” cần gói redis: pip install 'phieukin[hosted]'. "
                           "The redis_url setting needs the redis package.")
    socketio = SocketIO(
        app,
        async_mode=async_mode or "threading",
        # Only pages of this server's own addresses (not whatever Host a request names:
        # a rebound DNS name would pass a same-origin check); no Origin: not a browser.
        cors_allowed_origins=lambda origin: origin is None or origin in app.config["OWN_ORIGINS"],
        max_http_buffer_size=64 * 1024,
        # A pong may wait behind a room's requests when a round opens: at 1,000 phones
        # the loop is seconds behind, and Engine.IO's default 20 s closed a quarter of
        # the live channels then (bench/meeting_load.py), each phone reconnecting and
        # showing itself offline meanwhile. A phone really gone is forgotten 40 s later.
        ping_timeout=60,
        # Several server processes of one database: each one's broadcasts reach the
        # connections of all, through Redis (README, “Triển khai cho đảng bộ”).
        message_queue=services.settings.redis_url or None,
        logger=False,
        engineio_logger=False,
    )
    broadcaster = Broadcaster(socketio, services)
    services.notify = broadcaster.notify
    app.extensions["phieukin_broadcaster"] = broadcaster

    @socketio.on("join")
    def on_join(data: Any):
        """`{"meeting_id", "role": "public" | "host"}`; answers with the state now."""
        try:
            command = parse_value(JoinRoom, data if data is not None else {})
            meeting_id = command.meeting_id
            if command.role == "host":
                host_id = logged_in_host()
                if host_id is None:
                    raise unauthorised("not_logged_in", "Cần đăng nhập.")
                state = services.host_state(host_id, meeting_id)
                _enter(f"host:{meeting_id}:{host_id}")
                socketio.emit("host_state", state, to=request.sid)
            else:
                state = services.public_state(meeting_id)
                _enter(f"public:{meeting_id}")
                socketio.emit("state", state, to=request.sid)
        except ServiceError as exc:
            error = {"code": exc.code, "message": exc.message}
            return {"error": error | ({"field": exc.field} if exc.field else {})}
        except ConnectionGone:
            return {"error": {"code": "gone", "message": "Kết nối đã đóng."}}
        return {"ok": True}

    return socketio
