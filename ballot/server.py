"""Building and running the server: the app, its realtime channel, its services."""

from __future__ import annotations

import socket
from dataclasses import dataclass

from flask import Flask
from flask_socketio import SocketIO
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler

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


def build(settings: Settings, *, testing: bool = False, legacy_keys=None) -> Server:
    """The whole server on `settings`; `legacy_keys`: a `./keys` folder of an earlier
    version to adopt if the data directory has no key yet (ballot.cli passes it)."""
    key = ensure_key(settings, legacy_keys)
    services = Services(settings)
    app = create_app(services, testing=testing)
    socketio = init_realtime(app, services)
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


def run(server: Server, host: str, port: int) -> None:
    # Werkzeug's threaded server with simple-websocket gives real WebSocket
    # transport on Linux, macOS and Windows without a compiler or gevent.

    # Werkzeug answers each request on a new connection (it never keeps one alive)
    # and lets the kernel queue only 128 of them; when a round opens, every phone
    # in the room asks for it at once, and with 1,000 phones the queue overflowed
    # into reset connections (bench/meeting_load.py). The kernel caps this at its
    # own limit (net.core.somaxconn).
    BaseWSGIServer.request_queue_size = LISTEN_BACKLOG
    server.listening(host, port)

    class TimedHandler(WSGIRequestHandler):
        timeout = server.services.settings.read_timeout  # socket timeout on every read

    server.socketio.run(server.app, host=host, port=port, allow_unsafe_werkzeug=True,
                        log_output=False, use_reloader=False, request_handler=TimedHandler)
