"""`ballot serve` and `ballot demo` on the production server (ballot/server.py, gevent's
WSGI server): no development-server warning, the realtime channel over a real
WebSocket, and a stop on SIGTERM that answers every request begun before it and
exits 0, its writes kept."""

from __future__ import annotations

import http.client
import json
import signal
import socket
import threading

import requests
import socketio

from tests.server_process import free_port, running


def test_demo_runs_on_the_production_server_with_a_websocket(tmp_path):
    codes_file = tmp_path / "codes.json"
    with running(["demo", "--data", str(tmp_path / "data"), "--members", "4",
                  "--export-codes", str(codes_file)]) as server:
        codes = json.loads(codes_file.read_text(encoding="utf-8"))
        states = []
        got_state = threading.Event()
        client = socketio.Client()

        @client.on("state")
        def on_state(state):
            states.append(state)
            got_state.set()

        client.connect(server.base, transports=["websocket"])
        try:
            assert client.transport() == "websocket"
            assert client.call("join", {"meeting_id": codes["meeting_id"], "role": "public"},
                               timeout=10) == {"ok": True}
            assert got_state.wait(10)
        finally:
            client.disconnect()
        assert states[0]["meeting"]["code"] == codes["meeting_code"]
        # The connection the WebSocket used is over; plain requests go on being answered.
        assert requests.get(f"{server.base}/host", timeout=10).status_code == 200
    assert server.process.returncode == 0
    for word in ("development server", "Werkzeug", "WARNING", "Traceback"):
        assert word not in server.output


def _begin_join(port: int, codes: dict, member: dict) -> tuple[socket.socket, bytes]:
    """A phone's join sent up to its body: the server has read the request and waits
    for the body (it said `100 Continue`)."""
    body = json.dumps({"meeting_code": codes["meeting_code"], "personal_code": member["personal_code"]})
    phone = socket.create_connection(("127.0.0.1", port), timeout=30)
    phone.sendall((f"POST /api/join HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                   f"Content-Type: application/json\r\nContent-Length: {len(body.encode())}\r\n"
                   "Expect: 100-continue\r\n\r\n").encode())
    assert phone.recv(1024).startswith(b"HTTP/1.1 100 Continue")
    return phone, body.encode()


def _finish(phone: socket.socket, body: bytes) -> tuple[int, dict]:
    phone.sendall(body)
    answer = http.client.HTTPResponse(phone)
    answer.begin()
    result = answer.status, json.loads(answer.read())
    phone.close()
    return result


def test_sigterm_answers_the_requests_in_flight_keeps_their_writes_and_exits_0(tmp_path):
    data, codes_file, port = tmp_path / "data", tmp_path / "codes.json", free_port()
    with running(["demo", "--data", str(data), "--members", "5", "--export-codes", str(codes_file)],
                 port=port) as server:
        codes = json.loads(codes_file.read_text(encoding="utf-8"))
        joining = codes["members"][:3]
        phones = [_begin_join(port, codes, member) for member in joining]
        server.process.send_signal(signal.SIGTERM)
        answers = [_finish(phone, body) for phone, body in phones]
        assert server.process.wait(30) == 0
    assert [(status, answer["member"]["name"]) for status, answer in answers] == [
        (200, member["name"]) for member in joining]
    # What was acknowledged is in the data directory: the same three are present.
    with running(["serve", "--data", str(data)], port=port) as again:
        host = requests.Session()
        csrf = host.post(f"{again.base}/api/host/login", json=codes["host"]).json()["csrf_token"]
        state = host.get(f"{again.base}/api/host/meetings/{codes['meeting_id']}",
                         headers={"X-CSRF-Token": csrf}).json()
        assert {m["id"] for m in state["members"] if m["present"]} == {m["id"] for m in joining}
