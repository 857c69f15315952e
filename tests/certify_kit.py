"""A whole meeting run through the JSON API up to its certified bundle."""

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


# Profile 366-2025 in a chi bộ cơ sở with a 25% cap, every kind of roster fact, a
# denominator of members present and own thresholds: a5 is exempt (not classified),
# a4 (dự bị) and a6 are decided by a follow-up round, the chi bộ votes on itself.
ROSTER_366 = [
    {"id": "a1", "name": "Nguyễn Văn An", "status": "chinh_thuc", "admitted_on": "2001-05-19",
     "role": "Bí thư chi bộ", "self_level": "HTXSNV", "committee_level": "HTXSNV", "score": 95,
     "tasks_completed_pct": 100, "tasks_exceeded_pct": 40, "earlier_shortcomings_fixed": "có",
     "cap_group": "lãnh đạo"},
    {"id": "a2", "name": "Trần Thị Bình", "status": "chinh_thuc", "admitted_on": "2005-03-02",
     "score_general": 27.5, "score_tasks": 60, "tasks_completed_pct": 100,
     "tasks_behind_schedule_pct": 0, "cap_group": "chuyên viên", "civil_servant_level": "HTTNV"},
    {"id": "a3", "name": "Lê Đức Cường", "status": "chinh_thuc", "admitted_on": "2010-09-01",
     "score": 72, "discipline": "khien_trach", "sick_leave_months": 3.5, "tasks_failed_pct": 10},
    {"id": "a4", "name": "Phạm Thu Dung", "status": "du_bi", "admitted_on": "2026-01-10",
     "score": 80, "maternity_leave": "x", "criteria_tasks": "TOT", "criteria_other": "XUAT_SAC"},
    {"id": "a5", "name": "Hoàng Minh Đạt", "status": "chinh_thuc", "admitted_on": "2012-11-20",
     "exempt": "x"},
    {"id": "a6", "name": "Vũ Hữu Giang", "status": "chinh_thuc", "admitted_on": "2014-02-01",
     "score": 88, "heads_collective_level": "HTTNV", "targets_completed_pct": 45},
]
VOTERS_366 = ("a1", "a2", "a3", "a6")
ROUNDS_366 = (
    (
        "classification",
        {},
        [
            {"a1": "HTXSNV", "a2": "HTTNV", "a3": "HTNV", "a4": "HTTNV", "a6": "HTTNV"},
            {"a1": "HTXSNV", "a2": "HTXSNV", "a3": "HTNV", "a4": "HTNV"},
            {"a1": "HTTNV", "a2": "HTTNV", "a3": "KHTNV"},
            {},  # every member left blank: a ballot of abstentions
        ],
    ),
    ("followup", {"member_ids": ["a4", "a6"]},
     [{"a4": "HTNV", "a6": "HTTNV"}, {"a4": "HTNV"}, {"a4": "HTTNV", "a6": "HTNV"}]),
    ("organisation", {}, [{"chi_bo": "HTXSNV"}] * 3 + [{"chi_bo": "HTTNV"}]),
)


def certified_366_meeting(data_dir: Path) -> CertifiedMeeting:
    server = new_server(data_dir)
    host = Host(server.app.test_client())
    meeting = host.new_meeting(
        ROSTER_366, profile="366-2025", organisation_kind="chi_bo_co_so", cap_percent=25,
        denominator="present", thresholds={"HTXSNV": 0.66, "HTTNV": 0.5},
    )
    meeting_id = meeting["meeting"]["id"]
    phones = {key: phone_for(server, meeting, key) for key in (*VOTERS_366, "a4")}
    for kind, body, ballots in ROUNDS_366:
        round_id = host.run_round(meeting_id, kind, **body)
        for key, choices in zip(VOTERS_366, ballots, strict=False):  # not every voter casts
            phones[key].vote(choices)
        host.ok("POST", f"/api/host/rounds/{round_id}/close")
    # A round created and never opened is left out of the bundle.
    host.ok("POST", f"/api/host/meetings/{meeting_id}/rounds", json={"kind": "organisation"})
    answer = host.call("POST", f"/api/host/meetings/{meeting_id}/certify")
    assert answer.status_code == 201, answer.get_json()
    return CertifiedMeeting(server, host, host.state(meeting_id), phones, answer.get_data())


# What the minutes record of the meeting itself (docs/bundle.md, `meeting`).
PLACE = "Hội trường tầng 3, trụ sở Đảng ủy phường Bến Nghé"
COUNTING_COMMITTEE = ["Lê Thị Thu Hằng", "Ngô Quang Vinh", "Đinh Thị Mỹ Linh"]
# A level for the n-th voter on the q-th question: every level gets votes.
PATTERN = ("HTTNV", "HTXSNV", "HTTNV", "HTNV", "HTTNV", "KHTNV", "HTTNV")


def certified_demo_meeting(data_dir: Path, members: int, **fields: Any) -> CertifiedMeeting:
    """A meeting of `members` from the demo roster (ballot/demo.py) with its place and
    counting committee: everyone marked present, every voter casts one ballot of the
    main round (one leaves one line blank), then the chi bộ votes on its own level."""
    from ballot.demo import demo_rows
    from tests.meeting_kit import REVIEW_DATE

    server = new_server(data_dir)
    host = Host(server.app.test_client())
    details = {"place": PLACE, "counting_committee": COUNTING_COMMITTEE, **fields}
    meeting = host.new_meeting(demo_rows(members, REVIEW_DATE), **details)
    meeting_id = meeting["meeting"]["id"]
    host.ok("POST", f"/api/host/meetings/{meeting_id}/presence/all", json={})
    meeting = host.state(meeting_id)
    voters = [m["id"] for m in meeting["members"] if m["may_vote"]]
    phones = {key: phone_for(server, meeting, key) for key in voters}
    round_id = host.run_round(meeting_id)
    questions = [q["id"] for q in host.state(meeting_id)["round"]["questions"]]
    for n, key in enumerate(voters):
        choices = {q: PATTERN[(n + i) % len(PATTERN)] for i, q in enumerate(questions) if n or i}
        phones[key].vote(choices)
    host.ok("POST", f"/api/host/rounds/{round_id}/close")
    round_id = host.run_round(meeting_id, "organisation")
    for n, key in enumerate(voters):
        phones[key].vote({"chi_bo": "HTTNV" if n % 3 else "HTXSNV"})
    host.ok("POST", f"/api/host/rounds/{round_id}/close")
    answer = host.call("POST", f"/api/host/meetings/{meeting_id}/certify")
    assert answer.status_code == 201, answer.get_json()
    return CertifiedMeeting(server, host, host.state(meeting_id), phones, answer.get_data())
