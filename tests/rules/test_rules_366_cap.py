"""Profile 366-2025, QĐ 366 khoản 1.5: HTXSNV at most 20% (or 25%) of HTTNV, within each
group of comparable position and role, with no "fewer than 5" exception.

The arithmetic and tie handling are the generic ones of docs/rules.md, “Giới hạn 20%
Hoàn thành xuất sắc nhiệm vụ” (ballot/rules/cap.py).
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import pytest

from ballot.rules import Level, MemberStatus, parse_scenario, proposal_to_dict
from ballot.rules.cap import excellence_cap, largest_within_ratio
from ballot.rules.model import Organisation
from ballot.rules.profiles.qd366_2025 import PROFILE, excellence_cap_for
from tests.rules.rules_builders import member, run, scenario, votes

CAP_SECTION = "QĐ 366 khoản 1.5"
BALLOTS = 20
FILLER = "Khác"  # voters voted HTNV, in a group of their own, so that 20 ballots can be cast


def rule(percent: int | None = None):
    return excellence_cap_for(Organisation(cap_percent=percent))


def group_members(
    excellent_votes: list[int], good: int, group: str | None = None, prefix: str = "g"
) -> tuple[list[dict[str, Any]], dict[str, dict[str, int]]]:
    """Candidates with the given HTXSNV votes (of 20 ballots) and `good` HTTNV members."""
    facts = {} if group is None else {"cap_group": group}
    members, tally = [], {}
    for i, n in enumerate(excellent_votes):
        member_id = f"{prefix}c{i}"
        members.append(member(member_id, score=95, **facts))
        tally[member_id] = votes(htxsnv=n, httnv=BALLOTS - n)
    for i in range(good):
        member_id = f"{prefix}h{i:02d}"
        members.append(member(member_id, score=80, **facts))
        tally[member_id] = votes(httnv=15, htnv=5)
    return members, tally


def chi_bo(*groups, kind: str = "chi_bo_co_so", cap_percent: int | None = None, ballots=BALLOTS):
    members, tally = [], {}
    for group_members_, group_tally in groups:
        members += group_members_
        tally.update(group_tally)
    for i in range(ballots - len(members)):
        members.append(member(f"z{i:02d}", cap_group=FILLER))
        tally[f"z{i:02d}"] = votes(htnv=BALLOTS)
    organisation: dict[str, Any] = {"name": "Chi bộ Thử nghiệm", "kind": kind}
    if cap_percent is not None:
        organisation["cap_percent"] = cap_percent
    data = scenario(
        members,
        tally,
        ballots=ballots,
        profile="366-2025",
        organisation=organisation,
        settings={"denominator": "ballots"},
    )
    return data, run(data)


# --- the arithmetic: 20%, 25%, and no exception ------------------------------------------------


@pytest.mark.parametrize(
    ("percent", "k", "h", "x"),
    [
        (20, 2, 8, 1),  # 1 <= 0.2 × 9; 2 > 0.2 × 8
        (25, 2, 8, 2),  # 2 <= 0.25 × 8
        (20, 3, 12, 2),  # 2 <= 0.2 × 13 = 2.6; 3 > 2.4
        (25, 3, 12, 3),  # 3 <= 0.25 × 12
        (20, 5, 11, 2),
        (25, 5, 11, 3),  # 3 <= 0.25 × 13 = 3.25
        (25, 1, 4, 1),  # 1 <= 0.25 × 4
        (25, 1, 3, 0),  # 1 > 0.25 × 3: no exception lifts it
        (20, 2, 3, 0),  # 21-HD-2019 would keep one here (fewer than 5)
        (20, 1, 0, 0),
        (25, 10, 0, 2),  # 2 <= 0.25 × 8
    ],
)
def test_khoan_1_5_cap_arithmetic_worked_examples(percent, k, h, x):
    arithmetic = excellence_cap(k, h, rule(percent))
    assert arithmetic.max_excellent == x
    assert arithmetic.small_exception is False


@pytest.mark.parametrize("percent", [20, 25])
def test_khoan_1_5_fixed_point_equals_the_definition_by_search(percent):
    ratio = Fraction(percent, 100)
    for k in range(0, 30):
        for h in range(0, 60):
            by_search = max(x for x in range(k + 1) if x <= ratio * (h + k - x))
            assert largest_within_ratio(k, h, rule(percent)) == by_search, (k, h)
            assert excellence_cap(k, h, rule(percent)).max_excellent == by_search


def test_khoan_1_5_default_is_20_percent_and_25_only_when_the_organisation_says_so():
    assert rule().ratio == rule(20).ratio == Fraction(1, 5)
    assert rule(25).ratio == Fraction(1, 4)
    assert rule(25).section == rule(20).section == CAP_SECTION
    assert PROFILE.cap_rule(Organisation()) is PROFILE.excellence_cap


def test_khoan_1_5_25_percent_keeps_more_and_says_who_granted_it():
    _, at_20 = chi_bo(group_members([18, 16, 14], 12))
    _, at_25 = chi_bo(group_members([18, 16, 14], 12), cap_percent=25)
    assert (at_20.cap.max_excellent, at_25.cap.max_excellent) == (2, 3)
    assert at_20.member("gc2").level is Level.HTTNV
    assert at_25.member("gc2").level is Level.HTXSNV
    kept = next(r for r in at_25.member("gc2").reasons if r.code == "within_excellence_cap")
    assert kept.section == CAP_SECTION
    assert "25%" in kept.message and "cấp có thẩm quyền" in kept.message


def test_khoan_1_5_no_fewer_than_5_exception():
    data, proposal = chi_bo(group_members([18, 16], 3))
    assert (proposal.cap.candidates, proposal.cap.good, proposal.cap.max_excellent) == (2, 3, 0)
    assert proposal.totals.htxsnv == 0
    demoted = proposal.member("gc0")
    assert demoted.level is Level.HTTNV
    cap_reason = next(r for r in demoted.reasons if r.code == "excellence_cap_exceeded")
    assert cap_reason.section == CAP_SECTION
    assert "không có suất nào (x = 0)" in cap_reason.message
    assert "small_organisation_exception" not in [r.code for r in demoted.reasons]
    # The same chi bộ under 21-HD-2019 keeps one (II.B.6): only the profile differs.
    data["profile"] = "21-HD-2019"
    assert run(data).cap.max_excellent == 1


# --- cap groups -----------------------------------------------------------------------------------


def test_khoan_1_5_each_cap_group_has_its_own_cap():
    _, proposal = chi_bo(
        group_members([18, 16, 14], 12, group="Chuyên viên", prefix="a"),
        group_members([19], 3, group="Lãnh đạo phòng", prefix="b"),
    )
    by_group = {g.group: g for g in proposal.cap.groups}
    assert set(by_group) == {"Chuyên viên", "Lãnh đạo phòng", FILLER}
    experts, leaders = by_group["Chuyên viên"], by_group["Lãnh đạo phòng"]
    assert (experts.candidates, experts.good, experts.max_excellent) == (3, 12, 2)
    assert (leaders.candidates, leaders.good, leaders.max_excellent) == (1, 3, 0)
    # b's 19 votes are the most in the chi bộ, but its group has no seat.
    assert proposal.member("bc0").level is Level.HTTNV
    assert proposal.member("ac0").level is Level.HTXSNV
    assert proposal.member("ac1").level is Level.HTXSNV
    assert proposal.member("ac2").level is Level.HTTNV
    # The chi bộ-wide report is the sum over the groups.
    cap = proposal.cap
    assert (cap.candidates, cap.good, cap.max_excellent) == (4, 15, 2)
    # Over the whole chi bộ as one group, k = 4, h = 15 would give x = 3.
    assert excellence_cap(4, 15, rule()).max_excellent == 3


def test_khoan_1_5_members_without_a_group_form_one_default_group():
    _, proposal = chi_bo(
        group_members([18, 16], 8, prefix="d"),
        group_members([17], 5, group="Giáo viên", prefix="t"),
    )
    groups = proposal.cap.groups
    assert [g.group for g in groups] == [None, "Giáo viên", FILLER]  # default group first
    assert (groups[0].candidates, groups[0].good, groups[0].max_excellent) == (2, 8, 1)
    assert (groups[1].candidates, groups[1].good, groups[1].max_excellent) == (1, 5, 1)
    message = next(
        r.message for r in proposal.member("dc1").reasons if r.code == "excellence_cap_exceeded"
    )
    assert message.startswith("Trong nhóm chung")
    message = next(
        r.message for r in proposal.member("tc0").reasons if r.code == "within_excellence_cap"
    )
    assert message.startswith("Trong nhóm “Giáo viên”")


def test_khoan_1_5_a_group_of_only_others_does_not_count_their_httnv():
    """HTTNV members of another group do not make room in this one."""
    _, proposal = chi_bo(
        group_members([18], 2, group="A", prefix="a"),
        group_members([], 17, group="B", prefix="b"),
    )
    assert proposal.member("ac0").level is Level.HTTNV
    assert {g.group: g.max_excellent for g in proposal.cap.groups} == {"A": 0, "B": 0}
    assert proposal.cap.good == 19


def test_khoan_1_5_tie_at_the_cut_within_a_group_is_left_to_the_meeting():
    _, proposal = chi_bo(
        group_members([18, 15, 15], 12, group="Phân xưởng", prefix="p"),
        group_members([19], 9, group="Văn phòng", prefix="v"),
    )
    assert proposal.cap.tied == ("pc1", "pc2")
    assert proposal.member("pc0").level is Level.HTXSNV
    for member_id in ("pc1", "pc2"):
        result = proposal.member(member_id)
        assert result.status is MemberStatus.TIE and result.level is None
        tie = next(r for r in result.reasons if r.code == "excellence_cap_tie")
        assert tie.section == CAP_SECTION and tie.message.startswith("Trong nhóm “Phân xưởng”")
    groups = {g.group: g for g in proposal.cap.groups}
    assert groups["Phân xưởng"].tied == ("pc1", "pc2")
    assert groups["Văn phòng"].tied == ()
    assert proposal.member("vc0").level is Level.HTXSNV


def test_khoan_1_5_advice_only_in_a_chi_bo_truc_thuoc():
    _, proposal = chi_bo(group_members([18, 16], 3), kind="chi_bo_truc_thuoc")
    assert proposal.cap.binding is False
    assert proposal.cap.max_excellent == 0
    assert proposal.totals.htxsnv == 2
    codes = [r.code for r in proposal.member("gc0").reasons]
    assert "excellence_cap_advisory" in codes


# --- output ----------------------------------------------------------------------------------


def test_khoan_1_5_proposal_shows_the_percent_and_each_group():
    _, proposal = chi_bo(
        group_members([18], 4, group="A", prefix="a"),
        group_members([17], 3, prefix="d"),
        cap_percent=25,
    )
    cap = proposal_to_dict(proposal)["cap"]
    assert cap["percent"] == 25
    assert cap["groups"] == [
        {"group": None, "candidates": 1, "good": 3, "max_excellent": 0, "tied": []},
        {"group": "A", "candidates": 1, "good": 4, "max_excellent": 1, "tied": []},
        {"group": FILLER, "candidates": 0, "good": 0, "max_excellent": 0, "tied": []},
    ]
    assert set(cap) == {
        "candidates",
        "good",
        "max_excellent",
        "binding",
        "tied",
        "percent",
        "groups",
    }


def test_khoan_1_5_the_cap_per_group_is_never_exceeded_on_many_sizes():
    for percent in (20, 25):
        ratio = Fraction(percent, 100)
        for k in range(1, 8):
            for h in range(0, 12):
                data, proposal = chi_bo(group_members([20 - i for i in range(k)], h))
                if percent == 25:
                    data["organisation"]["cap_percent"] = 25
                    proposal = run(data)
                x = proposal.cap.max_excellent
                assert x == math.floor(ratio * (h + k) / (1 + ratio)) or x == k
                assert x <= ratio * (h + k - x)
                assert proposal.totals.htxsnv <= x
                assert parse_scenario(data).organisation.cap_percent in (None, 25)


def test_khoan_1_5_cap_explained_in_minutes_with_the_organisations_own_ratio():
    """The PDF and spreadsheet reuse this text: 25% where granted, no small exception."""
    from ballot.rules.table import cap_arithmetic_lines_vi, cap_heading_vi

    raised = rule(25)
    text = " ".join(
        [cap_heading_vi(raised, upper=False), *cap_arithmetic_lines_vi(raised, 3, 8, 2, True)]
    )
    assert (
        "Số đảng viên “Hoàn thành xuất sắc nhiệm vụ” không vượt quá 25% số đảng viên xếp loại "
        "“Hoàn thành tốt nhiệm vụ” [QĐ 366 khoản 1.5]"
    ) in text
    assert "x ≤ 25% × (h + k − x)" in text and "tối đa x = 2" in text
    assert "không có ngoại lệ" in text and "trong từng nhóm" in text
