"""Building and running the server: the app, its realtime channel, its services."""

from __future__ import annotations

import logging
import os
import socket
import sys
from dataclasses import dataclass

from flask import Flask
from flask_socketio import SocketIO
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from ballot.config import Settings
from ballot.realtime import init_realtime
from ballot.services.certification_key import KeyState, ensure_key
from ballot.services.facade import Services
from ballot.web import create_app


@dataclass
class Server:
    app: Flask
    socketio: SocketIO
    services: Services
    key: KeyState  # the chi bộ's certification key, made or adopted at start-up if need be

    def listening(self, host: str, port: int) -> str:
        """Record where the server listens: the address phones are sent to (the
        `public_url` setting, else the LAN address; never a request's Host header)
        and the origins the realtime channel accepts. Returns the public address."""
        own = [f"http://{name}:{port}" for name in ("localhost", "127.0.0.1", "[::1]")]
        if host not in ALL_INTERFACES:
            own.append(f"http://{host}:{port}")
        lan = f"http://{lan_address() if host in ALL_INTERFACES else host}:{port}"
        public = self.services.settings.public_url.rstrip("/") or lan
        self.app.config["PUBLIC_URL"] = public
        self.app.config["OWN_ORIGINS"] = frozenset({*own, lan, _origin(public)})
        return public


ALL_INTERFACES = ("0.0.0.0", "::", "")
DEFAULT_PORT = 5000
log = logging.getLogger(__name__)


def build(settings: Settings, *, testing: bool = False, legacy_keys=None) -> Server:
    """The whole server on `settings`; `legacy_keys`: a `./keys` folder of an earlier
    version to adopt if the data directory has no key yet (ballot.cli passes it)."""
    key = ensure_key(settings, legacy_keys)
    services = Services(settings)
    if cooperative():
        import gevent

        # Proof checks in real threads: the loop keeps serving, and libsodium's
        # multiplications (which release the GIL) use the other cores.
        pool = gevent.get_hub().threadpool
        pool.maxsize = max(1, os.cpu_count() or 1)  # more threads than cores only contend
        services.offload = lambda fn, *args: pool.apply(fn, args)
    app = create_app(services, testing=testing)
    socketio = init_realtime(app, services, async_mode="gevent" if cooperative() else "threading")
    server = Server(app, socketio, services, key)
    server.listening("0.0.0.0", DEFAULT_PORT)  # until run() says where
    return server


def _origin(url: str) -> str:
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


def lan_address() -> str:
    """The address other devices on the LAN reach this laptop at (no packet is sent)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # TEST-NET-1: routing lookup only, nothing sent
        return probe.getsockname()[0]
    except OSError:
        return "127.0.0.1"
    finally:
        probe.close()


LISTEN_BACKLOG = 1024
# Connections served at once: every phone in the room keeps one for the realtime
# channel and opens others for its requests (a chi bộ of 1,000 is the largest measured,
# bench/meeting_load.py); past this the listener waits instead of accepting.
MAX_CONNECTIONS = 5000


def cooperative() -> bool:
    """Whether this process runs on gevent's cooperative sockets, locks and sleeps
    (`ballot serve` and `ballot demo` make it so before importing anything else,
    ballot.cli): the production server then, else the in-process one."""
    monkey = sys.modules.get("gevent.monkey")
    return monkey is not None and monkey.is_module_patched("socket")


def run(server: Server, host: str, port: int) -> None:
    """Serve until Ctrl+C or SIGTERM. In a process prepared by `ballot serve` or
    `ballot demo` (cooperative()): gevent's WSGI server, the production one. In any
    other process (the tests start servers inside pytest's process, which is not and
    must not be monkey-patched): Werkzeug's threaded server, in-process use only."""
    server.listening(host, port)
    if cooperative():
        _run_production(server, host, port)
    else:
        _run_in_process(server, host, port)


def _run_production(server: Server, host: str, port: int) -> None:
    """gevent's pywsgi server (docs/architecture.md, “Serving”): the realtime channel's
    WebSocket through simple-websocket on the same greenlets; no access log (a line per
    request would join a phone's address and a time to its signing and its cast,
    docs/threat-model.md), nor a line per malformed request, which names its sender;
    `read_timeout` on every read of a connection; at most MAX_CONNECTIONS at once; and a
    graceful stop on SIGINT, SIGTERM (and Windows' Ctrl+Break): the listener closes, the
    requests begun are answered (each commits before it answers, so nothing
    acknowledged is lost), then the realtime connections close and run() returns."""
    import signal

    import gevent
    from gevent.event import Event
    from gevent.pool import Pool
    from gevent.pywsgi import WSGIHandler, WSGIServer

    timeout = server.services.settings.read_timeout
    answering = _Answering()

    class Handler(WSGIHandler):
        counted = False

        def handle(self):
            # A half-sent request, or a keep-alive connection left idle, holds a
            # greenlet for `read_timeout` seconds at most (Settings.read_timeout).
            self.socket.settimeout(timeout)
            super().handle()

        def read_requestline(self):
            line = super().read_requestline()
            if line:  # a request has begun: it is answered before the server stops
                self.counted = True
                answering.begin()
            return line

        def handle_one_request(self):
            try:
                return super().handle_one_request()
            finally:
                self._uncount()

        def run_application(self):
            if self.environ.get("PATH_INFO", "").startswith("/socket.io/"):
                # The realtime channel's long connections carry no acknowledged write:
                # the stop does not wait for them.
                self._uncount()
            if self.environ.get("HTTP_UPGRADE", "").lower() == "websocket":
                # simple-websocket speaks on a duplicate of the socket; once it is done
                # the connection is over, not read for another request.
                self.close_connection = True
            super().run_application()

        def start_response(self, status, headers, exc_info=None):
            if answering.closing:
                headers = [*[(k, v) for k, v in headers if k.lower() != "connection"], ("Connection", "close")]
            return super().start_response(status, headers, exc_info)

        def _uncount(self):
            if self.counted:
                self.counted = False
                answering.end()

        def _log_error(self, t, v, tb):
            # gevent would print the request's whole environment (cookies, address,
            # path): only the kind of failure is logged.
            if not issubclass(t, gevent.GreenletExit):
                log.error("Lỗi máy chủ / server error: %s", t.__name__)

    http = WSGIServer((host, port), server.app, backlog=LISTEN_BACKLOG, spawn=Pool(MAX_CONNECTIONS),
                      handler_class=Handler, log=None, error_log=None)
    stop = Event()
    for name in ("SIGINT", "SIGTERM", "SIGBREAK"):  # SIGBREAK: Ctrl+Break on Windows only
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), lambda *_: stop.set())
    http.start()
    stop.wait()
    answering.closing = True
    http.close()  # no new connection; those open finish the request they carry
    answering.idle.wait(timeout)
    http.pool.kill(block=True, timeout=1)  # the realtime channel and idle keep-alives
    server.services.db.close()


class _Answering:
    """The requests being answered, from their request line read to their last byte
    sent; once `closing`, answers carry `Connection: close`."""

    def __init__(self) -> None:
        from gevent.event import Event

        self.count = 0
        self.idle = Event()
        self.idle.set()
        self.closing = False

    def begin(self) -> None:
        self.count += 1
        self.idle.clear()

    def end(self) -> None:
        self.count -= 1
        if self.count == 0:
            self.idle.set()


def _run_in_process(server: Server, host: str, port: int) -> None:
    # Werkzeug answers each request on a new connection (it never keeps one alive)
    # and lets the kernel queue only 128 of them; the kernel caps this at its own
    # limit (net.core.somaxconn).
    class TimedHandler(WSGIRequestHandler):
        timeout = server.services.settings.read_timeout  # socket timeout on every read

    BaseWSGIServer.request_queue_size = LISTEN_BACKLOG
    make_server(host, port, server.app, threaded=True, request_handler=TimedHandler).serve_forever()
