"""A whole meeting run through the JSON API up to its certified bundle (issue 5)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ballot.server import Server
from tests.meeting_kit import Host, Phone, new_server, phone_for

# Three full members vote; m04 (dự bị) takes part without voting; m05 is away
# with leave. m04 is undetermined after the main round (one blank, split votes)
# and decided by a follow-up round; then the chi bộ votes on its own level.
PRESENT = ("m01", "m02", "m03", "m04")
VOTERS = ("m01", "m02", "m03")
ROUNDS = (
    (
        "classification",
        {},
        [
            {"m01": "HTXSNV", "m02": "HTTNV", "m03": "HTNV", "m04": "HTNV"},
            {"m01": "HTXSNV", "m02": "HTTNV", "m03": "HTNV", "m04": "HTTNV"},
            {"m01": "HTTNV", "m02": "HTXSNV", "m03": "HTTNV"},  # m04 left blank: an abstention
        ],
    ),
    ("followup", {"member_ids": ["m04"]}, [{"m04": "HTNV"}, {"m04": "HTNV"}, {"m04": "HTTNV"}]),
    ("organisation", {}, [{"chi_bo": "HTTNV"}, {"chi_bo": "HTTNV"}, {"chi_bo": "HTXSNV"}]),
)
NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Đức Cường", "Phạm Thu Dung", "Hoàng Minh Đạt")


@dataclass
class CertifiedMeeting:
    server: Server
    host: Host
    meeting: dict[str, Any]
    phones: dict[str, Phone]
    bundle_bytes: bytes

    @property
    def meeting_id(self) -> str:
        return self.meeting["meeting"]["id"]

    @property
    def bundle(self) -> dict[str, Any]:
        return json.loads(self.bundle_bytes)


def run_meeting(server: Server) -> tuple[Host, dict[str, Any], dict[str, Phone]]:
    """Check-in by phone, then every round of ROUNDS opened, voted and closed."""
    host = Host(server.app.test_client())
    meeting = host.new_meeting()
    meeting_id = meeting["meeting"]["id"]
    host.ok(
        "POST",
        f"/api/host/meetings/{meeting_id}/presence",
        json={"member_id": "m05", "present": False, "absent_with_leave": True},
    )
    phones = {key: phone_for(server, meeting, key) for key in PRESENT}
    for kind, body, ballots in ROUNDS:
        round_id = host.run_round(meeting_id, kind, **body)
        for key, choices in zip(VOTERS, ballots, strict=True):
            phones[key].vote(choices)
        host.ok("POST", f"/api/host/rounds/{round_id}/close")
    return host, host.state(meeting_id), phones


def certified_meeting(data_dir: Path) -> CertifiedMeeting:
    server = new_server(data_dir)
    host, meeting, phones = run_meeting(server)
    answer = host.call("POST", f"/api/host/meetings/{meeting['meeting']['id']}/certify")
    assert answer.status_code == 201, answer.get_json()
    return CertifiedMeeting(server, host, meeting, phones, answer.get_data())
