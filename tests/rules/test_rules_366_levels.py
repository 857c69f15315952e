"""Profile 366-2025, the levels of QĐ 366 Điều 11: score bands and task conditions.

Tested on a chi bộ trực thuộc so that the cap on excellence (advice only there)
cannot be what lowered a level.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from ballot.rules import Level, MemberStatus
from ballot.rules.profiles.qd366_2025 import level_by_score
from tests.rules.rules_builders import classify_one as classify_member
from tests.rules.rules_builders import codes, reason, votes

PROFILE = "366-2025"
LEVELS_SECTION = "QĐ 366 Điều 11"
EXCELLENT_TASKS = {
    "tasks_completed_pct": 100,
    "tasks_exceeded_pct": 30,
    "tasks_behind_schedule_pct": 0,
    "earlier_shortcomings_fixed": True,
}


def classify_one(voted=None, **facts):
    return classify_member(voted, profile=PROFILE, **facts)


# --- the score bands (89,9/90, 69,9/70, 49,9/50) ---------------------------------------------


@pytest.mark.parametrize(
    ("score", "level"),
    [
        (100, Level.HTXSNV),
        (90, Level.HTXSNV),
        (89.9, Level.HTTNV),
        (89.99, Level.HTTNV),
        (70, Level.HTTNV),
        (69.9, Level.HTNV),
        (50, Level.HTNV),
        (49.9, Level.KHTNV),
        (0, Level.KHTNV),
    ],
)
def test_dieu_11_score_band_edges(score, level):
    assert level_by_score(Fraction(str(score))) is level


@pytest.mark.parametrize(
    ("score", "level", "code"),
    [
        (90, Level.HTXSNV, None),
        (89.9, Level.HTTNV, "score_under_90"),
        (70, Level.HTTNV, "score_under_90"),
        (69.9, Level.HTNV, "score_under_70"),
        (50, Level.HTNV, "score_under_70"),
        (49.9, Level.KHTNV, "score_under_50"),
    ],
)
def test_dieu_11_score_caps_a_unanimous_htxsnv_at_its_band(score, level, code):
    result = classify_one(score=score, **EXCELLENT_TASKS)
    assert result.voted_level is Level.HTXSNV
    assert result.level is level
    if code is None:
        assert not any(c.startswith("score_") for c in codes(result))
    else:
        assert reason(result, code).section == LEVELS_SECTION


@pytest.mark.parametrize(
    ("score", "voted", "level"),
    [
        (70, votes(httnv=5), Level.HTTNV),  # 70 reaches HTTNV
        (69.9, votes(httnv=5), Level.HTNV),
        (50, votes(htnv=5), Level.HTNV),  # 50 reaches HTNV
        (49.9, votes(htnv=5), Level.KHTNV),
    ],
)
def test_dieu_11_lower_band_edges_against_the_vote_of_that_level(score, voted, level):
    assert classify_one(voted, score=score).level is level


def test_dieu_11_score_never_raises_the_vote():
    result = classify_one(votes(htnv=5), score=100, **EXCELLENT_TASKS)
    assert result.level is Level.HTNV
    assert "score_under_90" not in codes(result)


def test_dieu_11_score_under_50_decides_even_an_undetermined_vote():
    result = classify_one(votes(htxsnv=1, httnv=1), score=30)
    assert result.voted_level is None
    assert result.status is MemberStatus.CLASSIFIED
    assert result.level is Level.KHTNV


def test_dieu_11_score_given_in_two_parts_is_their_sum():
    exactly_90 = classify_one(score={"general": 30, "tasks": 60}, **EXCELLENT_TASKS)
    assert exactly_90.level is Level.HTXSNV
    just_under = classify_one(score={"general": 29.9, "tasks": 60})
    assert just_under.level is Level.HTTNV
    message = reason(just_under, "score_under_90").message
    assert "89,9/100" in message and "29,9/30" in message and "60/70" in message


def test_dieu_11_score_message_names_the_band():
    message = reason(classify_one(score=69.9), "score_under_70").message
    assert "69,9/100 điểm" in message and "từ 50 đến dưới 70 điểm" in message


# --- no score: the vote decides, and the proposal says the score is missing -----------------


def test_dieu_11_no_score_caps_nothing_and_says_the_score_is_missing():
    result = classify_one()
    assert result.level is Level.HTXSNV
    note = reason(result, "score_missing")
    assert note.section == LEVELS_SECTION
    assert "Chưa có điểm" in note.message


def test_dieu_11_score_missing_note_only_without_a_score():
    assert "score_missing" not in codes(classify_one(score=95, **EXCELLENT_TASKS))
    assert "score_missing" in codes(classify_one(score=None))


def test_dieu_11_no_score_still_applies_the_task_facts():
    assert classify_one(tasks_exceeded_pct=10).level is Level.HTTNV


# --- task conditions of HTXSNV (khoản 1) ------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "level"),
    [
        ({"tasks_exceeded_pct": 30}, Level.HTXSNV),
        ({"tasks_exceeded_pct": 29.9}, Level.HTTNV),
        ({"tasks_exceeded_pct": 0}, Level.HTTNV),
        ({"earlier_shortcomings_fixed": True}, Level.HTXSNV),
        ({"earlier_shortcomings_fixed": False}, Level.HTTNV),
        ({"earlier_shortcomings_fixed": None}, Level.HTXSNV),
    ],
)
def test_dieu_11_htxsnv_needs_30_percent_exceeded_and_shortcomings_fixed(facts, level):
    result = classify_one(score=95, **facts)
    assert result.level is level
    if level is Level.HTTNV:
        assert reason(result, "tasks_not_excellent").section == LEVELS_SECTION


def test_dieu_11_both_htxsnv_conditions_missing_are_named_in_one_reason():
    result = classify_one(score=95, tasks_exceeded_pct=20, earlier_shortcomings_fixed=False)
    message = reason(result, "tasks_not_excellent").message
    assert "20%" in message and "khắc phục" in message


# --- task conditions of HTTNV (khoản 2) and HTNV (khoản 3) -----------------------------------


@pytest.mark.parametrize(
    ("facts", "level", "code"),
    [
        ({"tasks_completed_pct": 100, "tasks_behind_schedule_pct": 0}, Level.HTXSNV, None),
        ({"tasks_behind_schedule_pct": 0.1}, Level.HTNV, "tasks_not_all_on_time"),
        ({"tasks_behind_schedule_pct": 20}, Level.HTNV, "tasks_not_all_on_time"),
        ({"tasks_behind_schedule_pct": 20.1}, Level.HTNV, "tasks_below_htnv_conditions"),
        ({"tasks_completed_pct": 99.9}, Level.HTNV, "tasks_below_htnv_conditions"),
        ({"tasks_failed_pct": 10}, Level.HTNV, "tasks_below_htnv_conditions"),
        ({"tasks_completed_pct": 50}, Level.HTNV, "tasks_below_htnv_conditions"),
    ],
)
def test_dieu_11_httnv_needs_all_tasks_on_time_and_htnv_at_most_20_percent_late(facts, level, code):
    result = classify_one(score=95, tasks_exceeded_pct=40, **facts)
    assert result.level is level
    if code is not None:
        assert reason(result, code).section == LEVELS_SECTION


def test_dieu_11_the_gap_between_htnv_and_khoan_4_2_is_explained():
    message = reason(classify_one(tasks_completed_pct=80), "tasks_below_htnv_conditions").message
    assert "80%" in message and "khoản 4.2" in message and "trên 50%" in message


def test_dieu_11_caps_only_list_what_lowered_the_level():
    result = classify_one(votes(htnv=5), score=75, tasks_exceeded_pct=0)
    assert result.level is Level.HTNV
    assert not {"score_under_90", "tasks_not_excellent"} & set(codes(result))


def test_dieu_11_lowest_of_several_caps_wins():
    result = classify_one(score=85, tasks_behind_schedule_pct=5, tasks_exceeded_pct=0)
    assert result.level is Level.HTNV
    assert {"score_under_90", "tasks_not_all_on_time", "tasks_not_excellent"} <= set(codes(result))
