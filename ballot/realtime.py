"""Live state over Socket.IO (DESIGN.md section 4, "Realtime").

Rooms per meeting: `host:<id>` (the console, with names and live tallies),
`public:<id>` (projector and phones: turnout, and the distribution only when the
host allows it or the round is closed). Services call `notify(meeting_id)` after
each commit; broadcasts are coalesced so a room gets at most one update every
BROADCAST_INTERVAL seconds whatever the cast rate, and the last change is never
lost. A client that (re)connects and joins gets the current state at once.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from flask import Flask, request, session
from flask_socketio import SocketIO, join_room

from ballot.services.errors import ServiceError
from ballot.services.facade import Services

BROADCAST_INTERVAL = 0.2  # seconds: at most 5 broadcasts a second per meeting


class Broadcaster:
    """Coalesces change notifications into few broadcasts per meeting."""

    def __init__(self, socketio: SocketIO, services: Services, interval: float = BROADCAST_INTERVAL):
        self.socketio = socketio
        self.services = services
        self.interval = interval
        self._lock = threading.Lock()
        self._scheduled: set[str] = set()
        self._last_sent: dict[str, float] = {}
        self.broadcasts = 0  # counted for the benchmark and the tests

    def notify(self, meeting_id: str) -> None:
        with self._lock:
            if meeting_id in self._scheduled:
                return  # an update is already on its way and will carry this change
            self._scheduled.add(meeting_id)
            delay = max(0.0, self._last_sent.get(meeting_id, 0.0) + self.interval - time.monotonic())
        self.socketio.start_background_task(self._send_after, meeting_id, delay)

    def _send_after(self, meeting_id: str, delay: float) -> None:
        if delay:
            self.socketio.sleep(delay)
        with self._lock:
            self._scheduled.discard(meeting_id)
            self._last_sent[meeting_id] = time.monotonic()
            self.broadcasts += 1
        self.send_now(meeting_id)

    def send_now(self, meeting_id: str) -> None:
        public = self.services.public_state(meeting_id)
        self.socketio.emit("state", public, to=f"public:{meeting_id}")
        for host_id in self._hosts_in(meeting_id):
            try:
                state = self.services.host_state(host_id, meeting_id)
            except ServiceError:
                continue
            self.socketio.emit("host_state", state, to=f"host:{meeting_id}:{host_id}")

    def _hosts_in(self, meeting_id: str) -> list[int]:
        prefix = f"host:{meeting_id}:"
        rooms = self.socketio.server.manager.rooms.get("/", {})
        return [int(room[len(prefix):]) for room in rooms if room and room.startswith(prefix)]


def init_realtime(app: Flask, services: Services, async_mode: str | None = None) -> SocketIO:
    socketio = SocketIO(
        app,
        async_mode=async_mode or "threading",
        cors_allowed_origins=[],  # same origin only
        max_http_buffer_size=64 * 1024,
        logger=False,
        engineio_logger=False,
    )
    broadcaster = Broadcaster(socketio, services)
    services.notify = broadcaster.notify
    app.extensions["phieukin_broadcaster"] = broadcaster

    @socketio.on("join")
    def on_join(data: Any):
        """`{"meeting_id", "role": "public" | "host"}`; answers with the state now."""
        if not isinstance(data, dict) or not isinstance(data.get("meeting_id"), str):
            return {"error": {"code": "bad_request", "message": "Cần meeting_id."}}
        meeting_id = data["meeting_id"]
        try:
            if data.get("role") == "host":
                host_id = session.get("host")
                if not host_id:
                    raise ServiceError("not_logged_in", "Cần đăng nhập.", 401)
                state = services.host_state(host_id, meeting_id)
                join_room(f"host:{meeting_id}:{host_id}")
                socketio.emit("host_state", state, to=request.sid)
            else:
                state = services.public_state(meeting_id)
                join_room(f"public:{meeting_id}")
                socketio.emit("state", state, to=request.sid)
        except ServiceError as exc:
            return {"error": {"code": exc.code, "message": exc.message}}
        return {"ok": True}

    return socketio
