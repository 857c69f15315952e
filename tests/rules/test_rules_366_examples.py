"""The shipped 366-2025 examples: consistent data, and the rules each one is there to show."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ballot.rules import Level, MemberStatus, Proposal, classify, parse_scenario

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def load(name: str) -> tuple[dict, Proposal]:
    data = json.loads((EXAMPLES / name).read_text("utf-8"))
    return data, classify(parse_scenario(data))


def codes_of(proposal: Proposal, member_id: str) -> list[str]:
    return [reason.code for reason in proposal.member(member_id).reasons]


@pytest.mark.parametrize(
    ("name", "size"),
    [("366-chi-bo-5.json", 5), ("366-chi-bo-24.json", 24), ("366-chi-bo-40.json", 40)],
)
def test_366_example_sizes_profile_and_vote_sums(name, size):
    data, proposal = load(name)
    assert data["profile"] == proposal.profile == "366-2025"
    assert len(data["members"]) == size
    for counts in data["tally"]["votes"].values():
        assert sum(counts.values()) <= data["tally"]["ballots"]


def test_366_chi_bo_5_no_fewer_than_5_exception():
    data, proposal = load("366-chi-bo-5.json")
    cap = proposal.cap
    assert (cap.binding, cap.candidates, cap.good, cap.max_excellent) == (True, 2, 3, 0)
    for member_id in ("m01", "m02"):
        assert proposal.member(member_id).voted_level is Level.HTXSNV
        assert proposal.member(member_id).level is Level.HTTNV
        assert "excellence_cap_exceeded" in codes_of(proposal, member_id)
    assert proposal.totals.httnv == 5
    assert proposal.organisation.max_level is Level.HTXSNV
    data["profile"] = "21-HD-2019"  # the older profile keeps one (II.B.6)
    assert classify(parse_scenario(data)).member("m01").level is Level.HTXSNV


def test_366_chi_bo_24_shows_each_member_rule():
    _, proposal = load("366-chi-bo-24.json")
    expected = {
        "m01": (MemberStatus.CLASSIFIED, Level.HTXSNV, "within_excellence_cap"),  # 90
        "m02": (MemberStatus.CLASSIFIED, Level.HTTNV, "score_under_90"),  # 89,9
        "m03": (MemberStatus.CLASSIFIED, Level.HTTNV, "not_applied_in_profile"),  # 70
        "m04": (MemberStatus.CLASSIFIED, Level.HTNV, "score_under_70"),  # 69,9
        "m05": (MemberStatus.CLASSIFIED, Level.HTNV, "voted_level"),  # 50, 20% late
        "m06": (MemberStatus.CLASSIFIED, Level.KHTNV, "score_under_50"),  # 49,9
        "m07": (MemberStatus.CLASSIFIED, Level.HTTNV, "tasks_not_excellent"),
        "m08": (MemberStatus.CLASSIFIED, Level.HTNV, "tasks_not_all_on_time"),
        "m09": (MemberStatus.CLASSIFIED, Level.HTTNV, "score_missing"),
        "m10": (MemberStatus.CLASSIFIED, Level.KHTNV, "discipline_reprimand_or_above"),
        "m11": (MemberStatus.CLASSIFIED, Level.KHTNV, "tasks_not_completed_over_50_percent"),
        "m12": (MemberStatus.CLASSIFIED, Level.KHTNV, "degradation_concluded"),
        "m13": (MemberStatus.CLASSIFIED, Level.HTTNV, "sick_leave_actual_work"),
        "m14": (MemberStatus.CLASSIFIED, Level.HTXSNV, "maternity_leave"),
        "m15": (MemberStatus.NOT_CLASSIFIED, None, "exempt_from_party_work"),
        "m16": (MemberStatus.NOT_CLASSIFIED, None, "admitted_under_6_months"),
        "m17": (MemberStatus.NOT_CLASSIFIED, None, "party_activity_suspended"),
        "m18": (MemberStatus.ABSENT, None, "absent"),
    }
    for member_id, (status, level, code) in expected.items():
        result = proposal.member(member_id)
        assert (result.status, result.level) == (status, level), member_id
        assert code in codes_of(proposal, member_id), member_id
    assert proposal.cap.binding is False
    assert (proposal.cap.candidates, proposal.cap.good, proposal.cap.max_excellent) == (2, 11, 2)
    assert proposal.totals.khtnv == 4 and proposal.totals.classified == 20
    assert proposal.organisation.max_level is Level.HTNV  # 4/20 KHTNV: 20%, not above
    assert proposal.denominator == 20


def test_366_chi_bo_40_cap_groups_at_25_percent_with_a_tie():
    data, proposal = load("366-chi-bo-40.json")
    assert data["organisation"]["cap_percent"] == 25
    groups = {g.group: (g.candidates, g.good, g.max_excellent) for g in proposal.cap.groups}
    assert groups == {
        None: (1, 4, 1),
        "Ban giám đốc": (1, 3, 0),
        "Phòng Kỹ thuật": (3, 12, 3),
        "Phân xưởng may": (5, 11, 3),
    }
    assert proposal.cap.binding is True
    assert proposal.cap.tied == ("m22", "m23")
    assert proposal.member("m01").level is Level.HTTNV  # Ban giám đốc: no seat
    assert proposal.member("m24").level is Level.HTTNV  # fewest votes in the Phân xưởng
    assert proposal.totals.htxsnv == 6
    data["organisation"]["cap_percent"] = 20  # at 20% the Phòng Kỹ thuật keeps two
    at_20 = {g.group: g.max_excellent for g in classify(parse_scenario(data)).cap.groups}
    assert at_20["Phòng Kỹ thuật"] == 2
