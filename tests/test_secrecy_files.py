"""What the data directory tells after a round closes (docs/threat-model.md, “Whoever
gets the data directory after the meeting”): its files are its owner's alone, no
blind signature of the round is left in them, and neither the ballots nor the
sign-in sheet lie in the order members signed and cast. The attack reads every byte
of every file, finds each ballot and each participation row, and ranks them by
where they sit; the test asserts that ranking follows the real order no better
than chance."""

from __future__ import annotations

import os
import random
import sqlite3
import stat
from pathlib import Path

import pytest

from ballot.crypto.encoding import b64url_decode
from tests.meeting_kit import Host, new_server, phone_for

MEMBERS = 100


def kendall_tau(order: list[int]) -> float:
    """Rank agreement of `order` with 0..n-1: 1 identical, -1 reversed, ~0 unrelated."""
    n = len(order)
    concordant = sum(1 if order[i] < order[j] else -1 for i in range(n) for j in range(i + 1, n))
    return concordant / (n * (n - 1) / 2)


def within_page_tau(places: list[int], page: int = 4096) -> float:
    """The same over pairs of ballots that sit in one database page only: inside a page
    SQLite lays new cells out one after the other, which a rewrite must undo."""
    pairs = [(i, j) for i in range(len(places)) for j in range(i + 1, len(places))
             if places[i] // page == places[j] // page]
    if not pairs:
        return 0.0
    return sum(1 if places[i] < places[j] else -1 for i, j in pairs) / len(pairs)


def data_bytes(data_dir: Path) -> bytes:
    """Every file of the data directory, one after the other, as an attacker copies them."""
    return b"".join(path.read_bytes() for path in sorted(data_dir.rglob("*")) if path.is_file())


@pytest.fixture(scope="module")
def closed_round(tmp_path_factory):
    """A hundred members who signed and cast one after the other, and the round closed."""
    server = new_server(tmp_path_factory.mktemp("files"))
    host = Host(server.app.test_client())
    roster = [{"id": f"m{i:02d}", "name": f"Đảng viên số {i}", "status": "chinh_thuc", "admitted_on": "2000-01-01"}
              for i in range(1, MEMBERS + 1)]
    meeting = host.new_meeting(roster)
    meeting = host.mark_present(meeting["meeting"]["id"], *(m["id"] for m in roster))
    round_id = host.run_round(meeting["meeting"]["id"])
    rng = random.Random(7)
    voters = [m["id"] for m in roster]
    rng.shuffle(voters)  # the order they walk up and vote in
    cast, blind_signatures = [], []
    for key in voters:
        phone = phone_for(server, meeting, key)
        answer = phone.prepare_ballot({k: rng.choice(["HTXSNV", "HTTNV", "HTNV"]) for k in ("m01", "m02", "m03")})
        blind_signatures.append(b64url_decode(answer.get_json()["blind_signature"]))
        assert phone.cast().status_code == 201
        cast.append(b64url_decode(phone.signed["signature"]))
    host.ok("POST", f"/api/host/rounds/{round_id}/close")
    return {"data": server.services.data_dir, "round": round_id, "signers": voters, "cast": cast,
            "blind": blind_signatures}


def test_no_blind_signature_is_left_in_any_file(closed_round):
    everything = data_bytes(closed_round["data"])
    assert not [s for s in closed_round["blind"] if s in everything]


def test_ballots_lie_in_no_order_of_casting(closed_round):
    everything = data_bytes(closed_round["data"])
    # Each signature is in the ballot table and in its uniqueness index: both are ranked.
    assert all(everything.count(s) == 2 for s in closed_round["cast"])
    for find in (everything.find, everything.rfind):
        places = [find(signature) for signature in closed_round["cast"]]
        by_place = sorted(range(len(places)), key=places.__getitem__)  # cast positions, in file order
        # At n = 100, chance gives |tau| about 0.07 (one standard deviation): 0.35 is five.
        assert abs(kendall_tau(by_place)) < 0.35
        assert abs(within_page_tau(places)) < 0.35


def test_sign_in_sheet_lies_in_no_order_of_signing(closed_round):
    data = closed_round["data"]
    with sqlite3.connect(data / "phieukin.sqlite3") as db:
        ids = dict(db.execute("SELECT key, id FROM member"))
    everything = data_bytes(data)
    # A participation record: its header (a text of 32 bytes, an integer, NULL, NULL), the
    # round id, then the member id: one byte, or none for 1 (SQLite's serial type 9).
    found = []
    for serial, read in ((b"\x01", lambda at: everything[at]), (b"\x09", lambda at: 1)):
        marker = b"\x05\x4d" + serial + b"\x00\x00" + closed_round["round"].encode()
        start = everything.find(marker)
        while start >= 0:
            found.append((start, read(start + len(marker))))
            start = everything.find(marker, start + 1)
    rows = [member for _, member in sorted(found)]
    signing_rank = {ids[key]: rank for rank, key in enumerate(closed_round["signers"])}
    assert sorted(rows) == sorted(signing_rank)  # every row found, once
    assert abs(kendall_tau([signing_rank[member] for member in rows])) < 0.35


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_the_data_directory_is_its_owners_alone(closed_round):
    data = closed_round["data"]
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    for path in data.rglob("*"):
        mode = stat.S_IMODE(path.stat().st_mode)
        if path.is_dir():
            assert mode == 0o700, path
        elif path.name != "certify_ed25519.pub.pem":
            assert mode & 0o077 == 0, (path, oct(mode))
