"""Per-member constraints: II.B.2.3 (levels' standards), II.B.4 (heads), II.B.6 (sick leave).

The facts are tested on a chi bộ trực thuộc so that the cap on excellence (advice
only there) cannot be what lowered a level.
"""

from __future__ import annotations

import pytest

from ballot.rules import Criteria, Grade, Level, MemberStatus
from ballot.rules.pipeline import apply_member_caps
from ballot.rules.profiles.hd21_2019 import highest_level_by_criteria, member_caps
from ballot.rules.scenario import parse_scenario
from tests.rules.rules_builders import classify_one, codes, member, reason, scenario, votes

ALL_EXCELLENT = votes(htxsnv=5)


# --- II.B.2.3.d: KHTNV whatever the votes ------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "code"),
    [
        ({"disciplined_this_year": True}, "disciplined_this_year"),
        ({"degradation_concluded": True}, "degradation_concluded"),
        ({"targets_completed_pct": 49}, "targets_under_50_percent"),
        ({"targets_completed_pct": 49.9}, "targets_under_50_percent"),
        ({"civil_servant_level": "KHTNV"}, "civil_servant_khtnv"),
    ],
)
def test_II_B_2_3_d_forces_khtnv_over_a_unanimous_htxsnv(facts, code):
    result = classify_one(**facts)
    assert result.voted_level is Level.HTXSNV
    assert result.level is Level.KHTNV
    assert result.status is MemberStatus.CLASSIFIED
    assert reason(result, code).section == "II.B.2.3.d"


def test_II_B_2_3_d_discipline_forces_khtnv():
    result = classify_one(disciplined_this_year=True)
    assert result.level is Level.KHTNV
    assert (
        "một vi phạm bị xử lý kỷ luật chỉ tính một lần"
        in reason(result, "disciplined_this_year").message
    )


def test_II_B_2_3_d_targets_of_exactly_50_percent_do_not_force_khtnv():
    result = classify_one(targets_completed_pct=50)
    assert result.level is Level.HTXSNV
    assert "targets_under_50_percent" not in codes(result)


def test_II_B_2_3_d_forced_khtnv_applies_even_when_the_ballots_reach_no_level():
    result = classify_one(voted=votes(htxsnv=1), disciplined_this_year=True)
    assert result.voted_level is None
    assert result.status is MemberStatus.CLASSIFIED
    assert result.level is Level.KHTNV
    assert codes(result) == ["no_level_reached", "disciplined_this_year"]


def test_II_B_2_3_d_forced_khtnv_is_listed_even_when_the_vote_was_khtnv_anyway():
    result = classify_one(voted=votes(khtnv=5), degradation_concluded=True)
    assert result.level is Level.KHTNV
    assert "degradation_concluded" in codes(result)


def test_II_B_2_3_d_every_forcing_fact_is_given_once():
    result = classify_one(
        disciplined_this_year=True, degradation_concluded=True, targets_completed_pct=10
    )
    assert codes(result) == [
        "voted_level",
        "degradation_concluded",
        "targets_under_50_percent",
        "disciplined_this_year",
    ]


# --- II.B.2.3.a–c: civil servants --------------------------------------------------------


@pytest.mark.parametrize(
    ("rating", "level", "section"),
    [("HTTNV", Level.HTTNV, "II.B.2.3.a"), ("HTNV", Level.HTNV, "II.B.2.3.b")],
)
def test_II_B_2_3_civil_servant_rating_caps_the_party_level(rating, level, section):
    result = classify_one(civil_servant_level=rating)
    assert result.level is level
    assert reason(result, "civil_servant_cap").section == section


def test_II_B_2_3_a_civil_servant_htxsnv_allows_htxsnv_and_adds_no_reason():
    result = classify_one(civil_servant_level="HTXSNV")
    assert result.level is Level.HTXSNV
    # A chi bộ trực thuộc: the cap is advice, without the "dưới 05" allowance (II.B.6).
    assert codes(result) == ["voted_level", "excellence_cap_advisory"]


def test_II_B_2_3_civil_servant_cap_above_the_vote_is_not_a_reason():
    result = classify_one(voted=votes(htnv=5), civil_servant_level="HTTNV")
    assert result.level is Level.HTNV
    assert codes(result) == ["voted_level"]


# --- II.B.6: sick leave --------------------------------------------------------------------


@pytest.mark.parametrize(("months", "capped"), [(2.5, False), (3, True), (4, True), (12, True)])
def test_II_B_6_sick_leave_of_3_months_or_more_caps_at_htnv(months, capped):
    result = classify_one(sick_leave_months=months)
    if capped:
        assert result.level is Level.HTNV
        assert reason(result, "sick_leave_3_months").section == "II.B.6"
    else:
        assert result.level is Level.HTXSNV
        assert "sick_leave_3_months" not in codes(result)


# --- II.B.2.3.a–d: Mẫu 02 criteria ---------------------------------------------------------


@pytest.mark.parametrize(
    ("tasks", "other", "highest"),
    [
        ("XUAT_SAC", "XUAT_SAC", Level.HTXSNV),
        ("XUAT_SAC", "TOT", Level.HTXSNV),
        ("XUAT_SAC", "TRUNG_BINH", Level.HTTNV),
        ("TOT", "XUAT_SAC", Level.HTTNV),
        ("TOT", "TRUNG_BINH", Level.HTTNV),
        ("TRUNG_BINH", "XUAT_SAC", Level.HTNV),
        ("TRUNG_BINH", "TRUNG_BINH", Level.HTNV),
        ("XUAT_SAC", "KEM", Level.KHTNV),
        ("KEM", "XUAT_SAC", Level.KHTNV),
    ],
)
def test_II_B_2_3_criteria_give_the_highest_level_allowed(tasks, other, highest):
    assert highest_level_by_criteria(Criteria(Grade(tasks), Grade(other))) is highest
    result = classify_one(criteria={"tasks": tasks, "other": other})
    assert result.level is highest


def test_II_B_2_3_a_criteria_cap_cites_the_missed_standard():
    result = classify_one(criteria={"tasks": "TOT", "other": "TOT"})
    cap = reason(result, "criteria_cap")
    assert cap.section == "II.B.2.3.a"
    assert "“Tốt”" in cap.message and "“Hoàn thành tốt nhiệm vụ”" in cap.message


def test_II_B_2_3_d_criteria_kem_makes_khtnv_even_without_a_determined_vote():
    result = classify_one(voted=votes(), criteria={"tasks": "KEM", "other": "TOT"})
    assert (result.status, result.level) == (MemberStatus.CLASSIFIED, Level.KHTNV)


# --- II.B.4: heads of units ----------------------------------------------------------------


def test_II_B_4_head_no_higher_than_the_collective_they_head():
    result = classify_one(heads_collective_level="HTTNV")
    assert result.level is Level.HTTNV
    assert reason(result, "head_of_unit_cap").section == "II.B.4"


def test_II_B_4_head_of_an_excellent_collective_is_not_capped():
    assert classify_one(heads_collective_level="HTXSNV").level is Level.HTXSNV


# --- combining constraints -------------------------------------------------------------------


def test_II_B_2_3_lowest_of_several_caps_wins_and_each_lowering_cap_is_listed():
    result = classify_one(
        civil_servant_level="HTTNV", sick_leave_months=3, heads_collective_level="HTXSNV"
    )
    assert result.level is Level.HTNV
    assert codes(result) == ["voted_level", "civil_servant_cap", "sick_leave_3_months"]


def test_II_B_2_3_undetermined_member_keeps_caps_for_the_follow_up_round():
    result = classify_one(voted=votes(httnv=2), sick_leave_months=6)
    assert result.status is MemberStatus.UNDETERMINED and result.level is None
    assert codes(result) == ["no_level_reached", "sick_leave_3_months"]


def test_II_B_2_3_member_caps_of_a_member_with_no_special_facts_are_empty():
    data = parse_scenario(scenario([member("t")]))
    assert member_caps(data.members[0]) == ()


@pytest.mark.parametrize("voted", [*Level, None])
def test_II_B_2_3_apply_member_caps_never_raises_a_level(voted):
    data = parse_scenario(scenario([member("t", civil_servant_level="HTNV", sick_leave_months=3)]))
    caps = member_caps(data.members[0])
    level, _ = apply_member_caps(voted, caps)
    if voted is None:
        assert level is None
    else:
        assert level <= voted and level <= Level.HTNV
