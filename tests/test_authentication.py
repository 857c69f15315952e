"""Logins, sessions and the limits on guessing (docs/threat-model.md): host logins
limited per account and per address with a growing wait, personal codes per phone
and per meeting, counted before they are checked; logout and a password change end
logins on the server; every page carries its security headers; the realtime channel
takes only this server's own pages; a half-sent request does not hold the server."""

from __future__ import annotations

import socket
import threading

import pytest
import requests

from ballot.web import api, host_api
from ballot.web.ratelimit import Attempts
from tests.meeting_kit import HOST_PASSWORD, HOST_USER, Host, Phone, phone_for
from tests.server_process import running


@pytest.fixture(autouse=True)
def fresh_limits(monkeypatch):
    """Each test starts with no failure counted (the limits are per process)."""
    monkeypatch.setattr(host_api, "logins", Attempts(host_api.logins.rules, host_api.logins.message))
    monkeypatch.setattr(api, "join_guesses", Attempts(api.join_guesses.rules, api.join_guesses.message))


def _login(client, password: str):
    return client.post("/api/host/login", json={"username": HOST_USER, "password": password})


def _parallel(count: int, action) -> list[int]:
    statuses: list[int] = []
    start = threading.Barrier(count)

    def run():
        start.wait()
        statuses.append(action())

    threads = [threading.Thread(target=run) for _ in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return statuses


def test_wrong_passwords_are_limited_per_account_even_the_right_one_waits(server):
    client = server.app.test_client()
    for _ in range(4):
        assert _login(client, "sai-mat-khau").status_code == 401
    fifth = _login(client, "sai-mat-khau")
    assert fifth.status_code == 401
    refused = _login(client, HOST_PASSWORD)
    assert refused.status_code == 429
    assert refused.get_json()["error"]["message"].startswith("Đăng nhập sai quá nhiều lần. Hãy đợi ")


def test_parallel_password_guesses_are_counted_before_they_are_checked(server):
    statuses = _parallel(20, lambda: _login(server.app.test_client(), "doan-mo").status_code)
    assert statuses.count(401) <= 5 and statuses.count(429) >= 15, statuses


def test_a_member_s_typos_slow_down_that_phone_only(server, host):
    meeting = host.mark_present(host.new_meeting()["meeting"]["id"], "m01")
    clumsy = Phone(server.app.test_client(), server.app.test_client(use_cookies=False))
    for _ in range(5):
        assert clumsy.join(meeting["meeting"]["code"], "ZZZZZZZZ").status_code == 401
    code = next(m["personal_code"] for m in meeting["members"] if m["id"] == "m02")
    assert clumsy.join(meeting["meeting"]["code"], code).status_code == 429
    phone_for(server, meeting, "m02")  # another phone (behind the same address) joins at once


def test_parallel_code_guesses_from_one_phone_are_counted_before_they_are_checked(server, host):
    meeting = host.new_meeting()
    guesser = Phone(server.app.test_client(), server.app.test_client(use_cookies=False))
    assert guesser.join(meeting["meeting"]["code"], "ZZZZZZZZ").status_code == 401  # its device cookie
    cookie = guesser.client.get_cookie("phieukin_device").value

    def guess() -> int:
        client = server.app.test_client()
        client.set_cookie("phieukin_device", cookie)
        return client.post("/api/join", json={"meeting_code": meeting["meeting"]["code"],
                                              "personal_code": "YYYYYYYY"}).status_code

    statuses = _parallel(30, guess)
    assert statuses.count(401) <= 4 and statuses.count(429) >= 26, statuses


def test_logout_ends_the_login_on_the_server(server):
    host = Host(server.app.test_client())
    stolen = host.client.get_cookie("phieukin").value
    assert host.call("POST", "/api/host/logout").status_code == 200
    thief = server.app.test_client()
    thief.set_cookie("phieukin", stolen)
    answer = thief.get("/api/host/session")
    assert answer.status_code == 401 and answer.get_json()["error"]["code"] == "not_logged_in"


def test_a_new_password_ends_every_other_login(server):
    laptop, phone = Host(server.app.test_client()), Host(server.app.test_client())
    answer = laptop.call("POST", "/api/host/password",
                         json={"current_password": HOST_PASSWORD, "new_password": "mat-khau-moi-rat-dai"})
    assert answer.status_code == 200
    laptop.csrf = answer.get_json()["csrf_token"]
    assert laptop.call("GET", "/api/host/certification-key").status_code == 200  # goes on
    assert phone.call("GET", "/api/host/certification-key").status_code == 401  # ended
    assert _login(server.app.test_client(), HOST_PASSWORD).status_code == 401
    assert _login(server.app.test_client(), "mat-khau-moi-rat-dai").status_code == 200


@pytest.mark.parametrize("path", ["/host", "/verify", "/committee", "/api/host/session", "/api/committee/session",
                                  "/static/css/app.css", "/qr.svg"])
def test_every_answer_carries_the_security_headers(server, path):
    headers = server.app.test_client().get(path).headers
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["Referrer-Policy"] == "no-referrer"


def test_join_links_use_the_server_s_address_not_the_request_s(server, host):
    meeting = host.new_meeting()
    page = server.app.test_client().get(f"/projector/{meeting['meeting']['id']}",
                                        headers={"Host": "evil.example"}).get_data(as_text=True)
    assert "evil.example" not in page and server.app.config["PUBLIC_URL"].split("://")[1] in page
    qr = server.app.test_client().get("/qr.svg", query_string={"u": "http://evil.example/j/X"})
    assert qr.status_code == 400


def test_the_realtime_channel_takes_only_this_server_s_pages(tmp_path):
    with running(["demo", "--data", str(tmp_path)]) as server:
        port = server.base.rsplit(":", 1)[1]
        handshake = f"{server.base}/socket.io/?EIO=4&transport=polling"
        assert requests.get(handshake, headers={"Origin": f"http://127.0.0.1:{port}"}).status_code == 200
        assert requests.get(handshake, headers={"Origin": "http://evil.example"}).status_code == 400
        # A DNS name rebound to this laptop names itself in both Host and Origin: still refused.
        rebound = requests.get(handshake, headers={"Origin": f"http://rebound.example:{port}",
                                                   "Host": f"rebound.example:{port}"})
        assert rebound.status_code == 400


def test_a_half_sent_request_does_not_hold_the_server(tmp_path):
    (tmp_path / "phieukin.toml").write_text("read_timeout = 1\n", encoding="utf-8")
    with running(["serve", "--data", str(tmp_path)]) as server:
        host, port = server.base.removeprefix("http://").split(":")
        stalled = []
        for _ in range(5):
            conn = socket.create_connection((host, int(port)))
            conn.sendall(b"POST /api/join HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")
            conn.settimeout(30)
            stalled.append(conn)
        for conn in stalled:  # each is answered or closed by the server once its read times out
            answer = conn.recv(4096)  # raises after 30 s if the server kept waiting
            assert answer == b"" or answer.startswith(b"HTTP/1.1 4"), answer
            conn.close()
        assert requests.get(f"{server.base}/host", timeout=10).status_code == 200
