"""From ballots to a voted level: the profile's counting rule (docs/rules.md, “Đếm phiếu”);
II.B.2.5 says only that members vote by secret ballot."""

from __future__ import annotations

from fractions import Fraction

import pytest

from ballot.rules import Level, MemberStatus, Thresholds, Votes
from ballot.rules.counting import voted_level
from ballot.rules.profiles.hd21_2019 import COUNTING_SECTION as COUNTING
from tests.rules.rules_builders import crowd, member, run, scenario, votes

HALF = Thresholds()


@pytest.mark.parametrize(
    ("cast", "expected"),
    [
        (votes(htxsnv=6, httnv=4), Level.HTXSNV),
        (votes(htxsnv=5, httnv=5), Level.HTTNV),  # 5 is not more than half of 10
        (votes(htxsnv=3, httnv=3, htnv=4), Level.HTTNV),  # 6 from HTTNV up
        (votes(htxsnv=2, httnv=2, htnv=2, khtnv=4), Level.HTNV),  # 6 from HTNV up
        (votes(htxsnv=1, httnv=1, htnv=2, khtnv=6), Level.KHTNV),
        (votes(htxsnv=5), None),  # half abstained: no level has more than half
        (votes(), None),
    ],
)
def test_counting_voted_level_adds_higher_votes_downwards(cast, expected):
    assert (
        voted_level(Votes.from_levels({Level(k): v for k, v in cast.items()}), HALF, 10) is expected
    )


def test_counting_undetermined_member_has_no_level_and_says_why():
    members = crowd(4)
    data = scenario(members, {"x00": votes(htxsnv=1, httnv=1)})
    result = run(data).member("x00")
    assert result.status is MemberStatus.UNDETERMINED
    assert result.voted_level is None and result.level is None
    assert [r.code for r in result.reasons] == ["no_level_reached"]
    assert result.reasons[0].section == COUNTING
    assert "bỏ phiếu bổ sung" in result.reasons[0].message


def test_counting_undetermined_members_are_not_in_the_totals():
    data = scenario(crowd(4), {"x00": votes(htxsnv=4), "x01": votes(httnv=4)})
    totals = run(data).totals
    assert (totals.htxsnv, totals.httnv, totals.classified) == (1, 1, 2)


def _denominator_fixture(mode: str):
    """10 full members: 1 exempt, 1 absent with leave, 1 absent without leave, 7 present.

    Entitled = 8, present = 7; 6 ballots returned. "t" got 4 HTTNV votes.
    """
    members = [
        member("t"),
        *crowd(6),
        member("ex", exempt=True, present=False),
        member("leave", present=False, absent_with_leave=True),
        member("gone", present=False),
        member("p", status="du_bi", admitted_on="2025-01-01"),  # never a voter
    ]
    return scenario(members, {"t": votes(httnv=4)}, ballots=6, settings={"denominator": mode})


@pytest.mark.parametrize(
    ("mode", "denominator", "level"),
    [
        ("entitled", 8, None),  # 4 > 4 is false
        ("present", 7, Level.HTTNV),  # 4 > 3.5
        ("ballots", 6, Level.HTTNV),  # 4 > 3
    ],
)
def test_counting_each_denominator_mode(mode, denominator, level):
    proposal = run(_denominator_fixture(mode))
    assert proposal.denominator == denominator
    assert proposal.member("t").voted_level is level


def test_counting_entitled_is_the_default_denominator():
    data = _denominator_fixture("entitled")
    del data["settings"]
    assert run(data).denominator == 8


def test_counting_suspended_members_are_neither_entitled_nor_present():
    members = [*crowd(3), member("s", suspended=True)]
    for mode, expected in (("entitled", 3), ("present", 3)):
        assert run(scenario(members, settings={"denominator": mode})).denominator == expected


@pytest.mark.parametrize(
    ("excellent", "expected"),
    [(6, Level.HTTNV), (7, Level.HTXSNV)],  # two thirds of 10 is 6.67
)
def test_counting_two_thirds_threshold_for_htxsnv(excellent, expected):
    members = crowd(10)
    data = scenario(
        members,
        {"x00": votes(htxsnv=excellent, httnv=10 - excellent)},
        settings={"thresholds": {"HTXSNV": 0.6667}},
    )
    assert run(data).member("x00").voted_level is expected


def test_counting_threshold_is_exact_decimal_not_binary_float():
    # 0.6 × 10 = 6 exactly; as a binary float 0.6 is 0.59999…, which would let 6 pass.
    data = scenario(
        crowd(10),
        {"x00": votes(htxsnv=6, httnv=4)},
        settings={"thresholds": {"HTXSNV": 0.6, "HTTNV": 0.6, "HTNV": 0.6}},
    )
    assert run(data).member("x00").voted_level is Level.HTTNV


def test_counting_khtnv_is_reached_with_the_htnv_threshold():
    data = scenario(
        crowd(10),
        {"x00": votes(khtnv=6)},
        settings={"thresholds": {"HTXSNV": 0.7, "HTTNV": 0.7, "HTNV": 0.7}},
    )
    assert run(data).member("x00").status is MemberStatus.UNDETERMINED  # 6 > 7 false
    data["tally"]["votes"]["x00"] = votes(khtnv=8)
    assert run(data).member("x00").voted_level is Level.KHTNV


def test_counting_zero_ballots_leave_everyone_undetermined():
    data = scenario(crowd(3), ballots=0, settings={"denominator": "ballots"})
    proposal = run(data)
    assert proposal.denominator == 0
    assert all(r.status is MemberStatus.UNDETERMINED for r in proposal.members)
    assert all(share == 0 for share in proposal.members[0].shares.values())


def test_counting_shares_are_votes_over_the_denominator():
    data = scenario(crowd(3), {"x00": votes(htxsnv=2, httnv=1)})
    shares = run(data).member("x00").shares
    assert shares[Level.HTXSNV] == Fraction(2, 3) and shares[Level.HTTNV] == Fraction(1, 3)


def test_counting_vote_reason_spells_out_the_count():
    data = scenario(crowd(10), {"x00": votes(htxsnv=3, httnv=4, htnv=3)})
    reason = run(data).member("x00").reasons[0]
    assert reason.code == "voted_level" and reason.section == COUNTING
    assert "3/10 phiếu (30%)" in reason.message  # HTXSNV alone: not reached
    assert "7/10 phiếu (70%)" in reason.message  # HTTNV and above: reached
    assert reason.message.endswith("Mức theo kết quả bỏ phiếu: “Hoàn thành tốt nhiệm vụ”.")
    assert "II.B.2.5" not in reason.section
