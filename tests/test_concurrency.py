"""Uniqueness under concurrent requests is the database's job: two threads racing
for the same member's signature, or storing the same signed ballot, end with
exactly one winner."""

from __future__ import annotations

import threading

import pytest

from tests.meeting_kit import Phone, phone_for
from tests.postgres import BOTH_DATABASES

pytestmark = BOTH_DATABASES


@pytest.fixture
def setup(server, host):
    meeting = host.new_meeting()
    host.mark_present(meeting["meeting"]["id"], "m01", "m02", "m03")
    round_id = host.run_round(meeting["meeting"]["id"])
    return server, meeting, round_id


def _race(*actions):
    barrier = threading.Barrier(len(actions))
    results = [None] * len(actions)

    def run(i, action):
        barrier.wait()
        results[i] = action()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return results


def test_two_signature_requests_for_one_member_exactly_one_wins(setup):
    srv, meeting, round_id = setup
    # Two different ballots on the member's session (one member, one phone), racing.
    a = phone_for(srv, meeting, "m01")
    b = Phone(srv.app.test_client(), srv.app.test_client(use_cookies=False))
    b.client.set_cookie("phieukin", a.client.get_cookie("phieukin").value)
    statuses = _race(lambda: a.prepare_ballot({"m01": "HTTNV"}).status_code,
                     lambda: b.prepare_ballot({"m01": "HTNV"}).status_code)
    assert sorted(statuses) == [200, 409]
    assert _count(srv, "signature_issuance") == 1


def test_same_signed_ballot_cast_twice_at_once_is_stored_once(setup):
    srv, meeting, round_id = setup
    phone = phone_for(srv, meeting, "m02")
    assert phone.prepare_ballot({"m02": "HTTNV"}).status_code == 200
    other = srv.app.test_client(use_cookies=False)
    body = {k: v for k, v in phone.signed.items() if k != "round"}
    answers = _race(lambda: phone.cast(),
                    lambda: other.post(f"/api/rounds/{round_id}/ballots", json=body))
    assert sorted(a.status_code for a in answers) == [200, 201]
    codes = {a.get_json()["tracking_code"] for a in answers}
    assert len(codes) == 1
    assert srv.services.board(round_id)["ballots_cast"] == 1


def test_four_phones_joining_as_one_member_at_once_let_one_in(server, host):
    """One member, one phone: whoever wins the race is in, the others wait for the
    host; never two phones in for one member (a check-then-insert in the database)."""
    meeting = host.new_meeting()
    code = next(m["personal_code"] for m in meeting["members"] if m["id"] == "m01")
    phones = [Phone(server.app.test_client(), server.app.test_client(use_cookies=False)) for _ in range(4)]
    answers = _race(*[lambda p=p: p.join(meeting["meeting"]["code"], code) for p in phones])
    assert all(a.status_code == 200 for a in answers)
    assert sorted(a.get_json()["check_in"]["state"] for a in answers) == ["approved", "pending", "pending", "pending"]


def test_signing_racing_the_close_never_signs_after_it(setup):
    """A signature is issued before the close or refused: the closed round's sign-in
    sheet counts every signature it gave."""
    srv, meeting, round_id = setup
    phones = [phone_for(srv, meeting, key) for key in ("m01", "m02")]
    host = _second_host_client(srv)
    answers = _race(lambda: phones[0].prepare_ballot({"m01": "HTTNV"}),
                    lambda: phones[1].prepare_ballot({"m02": "HTTNV"}),
                    lambda: host.post(f"/api/host/rounds/{round_id}/close", headers=host.csrf))
    signed = sum(a.status_code == 200 for a in answers[:2])
    assert all(a.status_code in (200, 409) for a in answers[:2]) and answers[2].status_code == 200
    assert _count(srv, "signature_issuance") == signed


def test_two_certifications_at_once_make_one_certificate(setup):
    srv, meeting, round_id = setup
    hosts = [_second_host_client(srv) for _ in range(2)]
    assert hosts[0].post(f"/api/host/rounds/{round_id}/close", headers=hosts[0].csrf).status_code == 200
    path = f"/api/host/meetings/{meeting['meeting']['id']}/certify"
    answers = _race(*[lambda h=h: h.post(path, headers=h.csrf) for h in hosts])
    assert sorted(a.status_code for a in answers) == [201, 409]
    assert _count(srv, "certificate") == 1


def _second_host_client(srv):
    """The same host on another client of its own (its own session and CSRF token)."""
    from tests.meeting_kit import HOST_PASSWORD, HOST_USER

    client = srv.app.test_client()
    client.csrf = {"X-CSRF-Token": client.post("/api/host/login", json={
        "username": HOST_USER, "password": HOST_PASSWORD}).get_json()["csrf_token"]}
    return client


def _count(srv, table: str) -> int:
    with srv.services.db.engine.connect() as db:
        return db.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()
