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


def _relation_file(server, postgres_cluster, table: str) -> bytes:
    """The bytes of the table's file in the cluster's data directory, pages written out."""
    with server.services.db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as db:
        db.exec_driver_sql("CHECKPOINT")
        (relative,) = db.exec_driver_sql(f"SELECT pg_relation_filepath('{table}')").one()
    return (postgres_cluster.data / relative).read_bytes()


def test_an_open_rounds_key_is_a_sealed_row_whose_bytes_leave_the_tables_file_at_the_close(
        server, host, postgres_cluster, tmp_path):
    """Every server process of the database signs with the row; the file holds only the
    sealed key (AES-GCM under the installation's secret, which is in no table), and
    the close deletes the row and rewrites the table, so its bytes are gone from the
    table's file too (docs/threat-model.md, “The database server”)."""
    from ballot.store.models import RoundKey

    meeting = host.new_meeting()
    meeting_id = meeting["meeting"]["id"]
    host.mark_present(meeting_id, "m01", "m02", "m03")
    round_id = host.run_round(meeting_id)
    with server.services.db.read() as session:
        (row,) = session.query(RoundKey).all()
    assert row.round_id == round_id and b"PRIVATE KEY" not in row.sealed
    assert not (tmp_path / "round-keys").exists()
    assert row.sealed in _relation_file(server, postgres_cluster, "round_key")
    phone_for(server, meeting, "m01").vote({"m01": "HTTNV"})
    host.ok("POST", f"/api/host/rounds/{round_id}/close")
    with server.services.db.read() as session:
        assert session.query(RoundKey).count() == 0
    assert row.sealed not in _relation_file(server, postgres_cluster, "round_key")
    assert _physical(server, "SELECT count(*) FROM round_key") == [(0,)]


def test_a_key_file_of_an_earlier_version_moves_into_the_database(server, host, tmp_path, database_url):
    """An installation on PostgreSQL whose open round kept its key in a file (before the
    keys were rows) goes on signing after the upgrade, and the file is destroyed."""
    from ballot.config import load_settings
    from ballot.crypto import blind_rsa
    from ballot.services.facade import Services
    from ballot.store.models import RoundKey

    meeting = host.new_meeting()
    meeting_id = meeting["meeting"]["id"]
    host.mark_present(meeting_id, "m01", "m02", "m03")
    phone = phone_for(server, meeting, "m01")
    round_id = host.run_round(meeting_id)
    with server.services.db.session() as session:  # as an earlier version left it
        key = server.services.vault.load(session, round_id)
        session.query(RoundKey).delete()
    keys = tmp_path / "round-keys"
    keys.mkdir(mode=0o700)
    (keys / f"round-{round_id}.pem").write_bytes(blind_rsa.private_key_to_pem(key))
    Services(load_settings(tmp_path, database_url=database_url)).db.close()  # the upgraded start
    assert list(keys.iterdir()) == []
    with server.services.db.read() as session:
        assert [k.round_id for k in session.query(RoundKey)] == [round_id]
    phone.vote({"m01": "HTTNV"})  # signed with the adopted key, checked by the phone
