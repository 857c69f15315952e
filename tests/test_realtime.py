"""Live state over Socket.IO: joining rooms, what each room sees, coalescing,
and a live server driven by the python-socketio client."""

from __future__ import annotations

import json
import socket
import threading
import time

import requests
import socketio as sio_client

from ballot.server import run
from tests.meeting_kit import Phone


def _present_meeting(host) -> dict:
    return host.mark_present(host.new_meeting()["meeting"]["id"], "m01", "m02", "m03")


def _events(client, name: str) -> list[dict]:
    return [e["args"][0] for e in client.get_received() if e["name"] == name]


def test_projector_gets_current_state_on_join(server, host):
    meeting = _present_meeting(host)
    projector = server.socketio.test_client(server.app)
    ack = projector.emit("join", {"meeting_id": meeting["meeting"]["id"], "role": "public"}, callback=True)
    assert ack == {"ok": True}
    [state] = _events(projector, "state")
    assert state["meeting"]["title"] == "Kiểm điểm cuối năm 2026"
    assert state["attendance"]["full_members_present"] == 3
    assert "members" not in state  # personal codes stay on the host console


def test_no_screen_sees_a_tally_while_the_round_is_open(server, host):
    meeting = _present_meeting(host)
    meeting_id = meeting["meeting"]["id"]
    round_id = host.run_round(meeting_id)
    phone = Phone(server.app.test_client(), server.app.test_client(use_cookies=False))
    code = next(m["personal_code"] for m in meeting["members"] if m["id"] == "m01")
    phone.join(meeting["meeting"]["code"], code)
    phone.vote({"m02": "HTTNV"})
    public = server.services.public_state(meeting_id)["round"]
    assert public["ballots_cast"] == 1 and "tally" not in public and "tracking_codes" not in public
    console = host.state(meeting_id)
    assert all("tally" not in r for r in console["rounds"]) and "signed" not in console["round"]
    assert [m["id"] for m in console["round"]["waiting"]] == ["m02", "m03"]  # roster order
    host.ok("POST", f"/api/host/rounds/{round_id}/close")
    closed = server.services.public_state(meeting_id)
    assert closed["round"]["tally"]["votes"]["m02"]["HTTNV"] == 1
    assert closed["round"]["tracking_codes"] and closed["results"]["profile"] == "21-HD-2019"


def test_host_room_requires_login(server, host):
    meeting = _present_meeting(host)
    stranger = server.socketio.test_client(server.app)
    ack = stranger.emit("join", {"meeting_id": meeting["meeting"]["id"], "role": "host"}, callback=True)
    assert ack["error"]["code"] == "not_logged_in"
    console = server.socketio.test_client(server.app, flask_test_client=host.client)
    ack = console.emit("join", {"meeting_id": meeting["meeting"]["id"], "role": "host"}, callback=True)
    assert ack == {"ok": True}
    [state] = _events(console, "host_state")
    assert {m["id"] for m in state["members"]} == {"m01", "m02", "m03", "m04", "m05"}


def test_join_with_bad_payload_answers_error(server):
    client = server.socketio.test_client(server.app)
    assert client.emit("join", "nonsense", callback=True)["error"]["code"] == "invalid_field"
    ack = client.emit("join", {"meeting_id": "nope", "role": "public"}, callback=True)
    assert ack["error"]["code"] == "invalid_field" and ack["error"]["field"] == "meeting_id"
    ack = client.emit("join", {"meeting_id": "0" * 32, "role": "public"}, callback=True)
    assert ack["error"]["code"] == "not_found"


def test_notifications_are_coalesced(server, host):
    meeting = _present_meeting(host)
    meeting_id = meeting["meeting"]["id"]
    broadcaster = server.app.extensions["phieukin_broadcaster"]
    before = broadcaster.broadcasts
    done = threading.Event()
    original = broadcaster.send_now

    def counting_send(mid):
        original(mid)
        done.set()

    broadcaster.send_now = counting_send
    for _ in range(50):
        broadcaster.notify(meeting_id)
    assert done.wait(5)
    # 50 notifications inside one interval: one broadcast carries them all.
    assert broadcaster.broadcasts - before == 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_live_server_pushes_turnout_to_a_websocket_client(server, host):
    meeting = _present_meeting(host)
    meeting_id = meeting["meeting"]["id"]
    port = _free_port()
    thread = threading.Thread(
        target=lambda: run(server, "127.0.0.1", port),
        daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            requests.get(f"{base}/api/meetings/{meeting_id}/public", timeout=1)
            break
        except requests.ConnectionError:
            time.sleep(0.05)  # waiting for the port to open, not for an event

    turnout_seen = threading.Event()
    client = sio_client.Client()

    @client.on("state")
    def on_state(state):
        if state.get("round") and state["round"]["ballots_cast"] == 1:
            turnout_seen.set()

    client.connect(base, transports=["websocket"])
    try:
        assert client.transport() == "websocket"
        assert client.call("join", {"meeting_id": meeting_id, "role": "public"}, timeout=5) == {"ok": True}
        host.run_round(meeting_id)
        phone = Phone(server.app.test_client(), server.app.test_client(use_cookies=False))
        code = next(m["personal_code"] for m in meeting["members"] if m["id"] == "m01")
        phone.join(meeting["meeting"]["code"], code)
        phone.vote({"m01": "HTTNV"})
        assert turnout_seen.wait(5), "the projector never saw the ballot counted"
    finally:
        client.disconnect()


def test_console_pushes_at_a_thousand_members_leave_the_roster_out_and_name_it(server, host):
    """A push names the roster and the results by digest instead of carrying them (at
    1,000 members the roster alone is 880 kB); a change of the roster changes its
    digest, so the console knows to fetch the whole state (static/js/host.js)."""
    from ballot.demo import demo_rows
    from tests.meeting_kit import REVIEW_DATE

    meeting_id = host.new_meeting(roster=demo_rows(1000, REVIEW_DATE))["meeting"]["id"]
    host.ok("POST", f"/api/host/meetings/{meeting_id}/presence/all", json={})
    whole = host.state(meeting_id)
    console = server.socketio.test_client(server.app, flask_test_client=host.client)
    console.emit("join", {"meeting_id": meeting_id, "role": "host"}, callback=True)
    console.get_received()  # the whole state sent on joining
    seen = threading.Condition()
    emit = server.socketio.emit

    def watched_emit(event, data, **kwargs):  # the meeting's sender pushes on its own thread
        emit(event, data, **kwargs)
        with seen:
            seen.notify_all()

    server.socketio.emit = watched_emit

    def pushed(status: str) -> dict:
        """The first push the console receives with the current round in `status`."""
        def found():
            return [p for p in _events(console, "host_state") if p["round"] and p["round"]["status"] == status]
        received: list[dict] = []
        with seen:
            assert seen.wait_for(lambda: received.extend(found()) or received, timeout=30)
        return received[-1]

    round_id = host.run_round(meeting_id)
    push = pushed("open")
    assert "members" not in push and "results" not in push
    assert push["digests"]["members"] == whole["digests"]["members"]
    assert push["round"]["id"] == round_id and len(push["round"]["waiting"]) == 874
    assert len(json.dumps(push, ensure_ascii=False).encode()) < 50_000

    host.ok("POST", f"/api/host/rounds/{round_id}/close")
    closed = pushed("closed")
    # The closed round's tally of 999 questions and its codes are fetched with the whole state once.
    assert "tally" not in closed["round"] and closed["digests"]["rounds"] != whole["digests"]["rounds"]
    assert len(json.dumps(closed, ensure_ascii=False).encode()) < 50_000
    assert closed["digests"]["results"] != whole["digests"]["results"]
    assert closed["digests"]["results"] == host.state(meeting_id)["digests"]["results"]
