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
    host.mark_present(meeting["meeting"]["id"], "m01", "m02")
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
    assert srv.services.db.engine.connect().exec_driver_sql(
        "SELECT count(*) FROM signature_issuance").scalar() == 1


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
