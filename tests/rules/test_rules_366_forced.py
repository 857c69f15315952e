"""Profile 366-2025, QĐ 366 khoản 4.2: the cases that make a member KHTNV whatever the votes.

"Violating what members must not do or the duty to set an example" has no fact in
the scenario, so it is not applied; the other cases are.
"""

from __future__ import annotations

import pytest

from ballot.rules import Level, MemberStatus, ScenarioError, parse_scenario
from tests.rules.rules_builders import classify_one as classify_member
from tests.rules.rules_builders import member, reason, scenario, votes

PROFILE = "366-2025"
FORCED_SECTION = "QĐ 366 khoản 4.2"


def classify_one(voted=None, **facts):
    return classify_member(voted, profile=PROFILE, **facts)


@pytest.mark.parametrize(
    ("facts", "code"),
    [
        ({"degradation_concluded": True}, "degradation_concluded"),
        ({"discipline": "khien_trach"}, "discipline_reprimand_or_above"),
        ({"discipline": "canh_cao"}, "discipline_reprimand_or_above"),
        ({"discipline": "cach_chuc"}, "discipline_reprimand_or_above"),
        ({"discipline": "khai_tru"}, "discipline_reprimand_or_above"),
        ({"disciplined_this_year": True}, "disciplined_this_year"),
        ({"tasks_failed_pct": 50.1}, "tasks_not_completed_over_50_percent"),
        ({"tasks_failed_pct": 100}, "tasks_not_completed_over_50_percent"),
        ({"tasks_completed_pct": 49.9}, "tasks_not_completed_over_50_percent"),
        ({"tasks_completed_pct": 0}, "tasks_not_completed_over_50_percent"),
        ({"targets_completed_pct": 40}, "tasks_not_completed_over_50_percent"),
    ],
)
def test_khoan_4_2_forces_khtnv_over_a_unanimous_htxsnv_and_a_perfect_score(facts, code):
    result = classify_one(score=100, tasks_exceeded_pct=50, **facts)
    assert result.voted_level is Level.HTXSNV
    assert result.status is MemberStatus.CLASSIFIED
    assert result.level is Level.KHTNV
    assert reason(result, code).section == FORCED_SECTION


@pytest.mark.parametrize(
    "facts",
    [{"tasks_failed_pct": 50}, {"tasks_completed_pct": 50}, {"targets_completed_pct": 50}],
)
def test_khoan_4_2_exactly_half_not_completed_is_not_more_than_50_percent(facts):
    result = classify_one(**facts)
    assert result.level is Level.HTNV  # Điều 11: below 100% of tasks, not a forcing case
    assert "tasks_not_completed_over_50_percent" not in [r.code for r in result.reasons]


def test_khoan_4_2_forces_khtnv_over_an_undetermined_vote():
    result = classify_one(votes(htxsnv=1, httnv=1), discipline="khien_trach")
    assert result.voted_level is None
    assert result.status is MemberStatus.CLASSIFIED
    assert result.level is Level.KHTNV


def test_khoan_4_2_discipline_message_names_the_form_and_the_assumption():
    message = reason(classify_one(discipline="cach_chuc"), "discipline_reprimand_or_above").message
    assert "cách chức" in message
    assert "mọi hình thức kỷ luật được ghi đều được tính" in message


def test_khoan_4_2_one_discipline_is_one_reason():
    result = classify_one(discipline="canh_cao", disciplined_this_year=True)
    codes = [r.code for r in result.reasons]
    assert codes.count("discipline_reprimand_or_above") == 1
    assert "disciplined_this_year" not in codes


def test_khoan_4_2_tasks_not_completed_says_what_was_completed_without_field_names():
    message = reason(
        classify_one(targets_completed_pct=40), "tasks_not_completed_over_50_percent"
    ).message
    assert "40% chỉ tiêu, nhiệm vụ" in message and "targets_completed_pct" not in message


def test_khoan_4_2_forcing_by_tasks_replaces_the_htnv_gap_reason():
    codes = [r.code for r in classify_one(tasks_completed_pct=30).reasons]
    assert "tasks_not_completed_over_50_percent" in codes
    assert "tasks_below_htnv_conditions" not in codes


def test_khoan_4_2_tasks_completed_over_tasks_failed_when_both_are_given():
    result = classify_one(tasks_completed_pct=60, tasks_failed_pct=40)
    assert result.level is Level.HTNV
    assert classify_one(tasks_completed_pct=45, tasks_failed_pct=55).level is Level.KHTNV


def test_khoan_4_2_violating_prohibitions_has_no_field_so_it_is_refused_not_guessed():
    data = scenario([member("t", violated_prohibitions=True)], {}, profile=PROFILE)
    with pytest.raises(ScenarioError) as error:
        parse_scenario(data)
    assert error.value.path == "members[0].violated_prohibitions"
