"""On PostgreSQL, a closed round's tables keep no order of signing or casting in their
pages (docs/threat-model.md, “Whoever gets the data directory after the meeting”): at
the close `CLUSTER` rewrites `ballot` and `signature_issuance` in their primary keys'
order, as SQLite's VACUUM does. Rows are read in their physical order (ctid)."""

from __future__ import annotations

import pytest

from tests.meeting_kit import phone_for

pytestmark = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def _physical(server, query: str) -> list[tuple]:
    with server.services.db.engine.connect() as db:
        return [tuple(row) for row in db.exec_driver_sql(query)]


def test_closed_round_rows_lie_in_key_order_not_in_order_of_casting(server, host):
    meeting = host.new_meeting()
    meeting_id = meeting["meeting"]["id"]
    voters = ["m05", "m03", "m02", "m01"]  # signing and casting against the roster's order
    host.mark_present(meeting_id, *voters)
    round_id = host.run_round(meeting_id)
    phones = [phone_for(server, meeting, key) for key in voters]
    for phone in phones:
        phone.vote({"m01": "HTTNV"})
    cast_order = [digest for (digest,) in _physical(server, "SELECT digest FROM ballot ORDER BY ctid")]
    member_order = _physical(server, "SELECT member_id FROM signature_issuance ORDER BY ctid")
    assert member_order != sorted(member_order)  # before the close: the order of signing
    host.ok("POST", f"/api/host/rounds/{round_id}/close")
    after = [digest for (digest,) in _physical(server, "SELECT digest FROM ballot ORDER BY ctid")]
    assert after == sorted(cast_order)
    signed = _physical(server, "SELECT round_id, member_id FROM signature_issuance ORDER BY ctid")
    assert signed == sorted(signed) and len(signed) == len(voters)
    assert _physical(server, "SELECT count(*) FROM signature_issuance WHERE blind_signature IS NOT NULL") == [(0,)]
