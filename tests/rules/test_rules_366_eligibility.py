"""Profile 366-2025: who is rated (QĐ 366 Điều 5), leave (HD 43 mục 7.5), facts of the 2019
guidance that the 2025 texts do not use, and the chi bộ's own level (21-HD method, assumed)."""

from __future__ import annotations

import pytest

from ballot.rules import Level, MemberStatus
from tests.rules.rules_builders import classify_one as classify_member
from tests.rules.rules_builders import codes, crowd, member, reason, run, scenario, votes

PROFILE = "366-2025"


def classify_one(voted=None, **facts):
    return classify_member(voted, profile=PROFILE, **facts)


# --- Điều 5: not reviewed or not rated -----------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "code"),
    [
        ({"exempt": True}, "exempt_from_party_work"),
        ({"suspended": True}, "party_activity_suspended"),
        ({"status": "du_bi", "admitted_on": "2026-06-16"}, "admitted_under_6_months"),
        ({"status": "du_bi", "admitted_on": "2026-12-15"}, "admitted_under_6_months"),
    ],
)
def test_dieu_5_not_rated(facts, code):
    result = classify_one(votes(htxsnv=4), score=95, **facts)  # t may not vote: 4 ballots
    assert result.status is MemberStatus.NOT_CLASSIFIED
    assert result.level is None and result.voted_level is None
    assert reason(result, code).section == "QĐ 366 Điều 5"
    assert "votes_not_counted" in codes(result)


def test_dieu_5_six_months_complete_on_the_same_day_is_rated():
    result = classify_one(votes(htxsnv=4), status="du_bi", admitted_on="2026-06-15")
    assert result.status is MemberStatus.CLASSIFIED


def test_absent_member_is_rated_later():
    data = scenario(
        [member("t", present=False, score=80), *crowd(4)],
        {},
        kind="chi_bo_truc_thuoc",
        profile=PROFILE,
    )
    result = run(data).member("t")
    assert result.status is MemberStatus.ABSENT
    assert "sớm nhất" in reason(result, "absent").message


# --- HD 43 mục 7.5: sick leave of 3 months or more, maternity leave -------------------------------


@pytest.mark.parametrize("months", [3, 4.5, 12])
def test_hd_43_7_5_long_sick_leave_is_a_note_not_a_cap(months):
    result = classify_one(sick_leave_months=months, score=95)
    assert result.level is Level.HTXSNV  # 21-HD-2019 would cap at HTNV
    note = reason(result, "sick_leave_actual_work")
    assert note.section == "HD 43 mục 7.5"
    assert "thời gian công tác thực tế" in note.message


def test_hd_43_7_5_under_3_months_no_note():
    assert "sick_leave_actual_work" not in codes(classify_one(sick_leave_months=2.9))


def test_hd_43_7_5_maternity_leave_is_a_note_not_a_cap():
    result = classify_one(maternity_leave=True, score=92)
    assert result.level is Level.HTXSNV
    assert reason(result, "maternity_leave").section == "HD 43 mục 7.5"


def test_hd_43_7_5_sick_leave_still_uses_the_score():
    result = classify_one(sick_leave_months=5, score=60)
    assert result.level is Level.HTNV
    assert {"score_under_70", "sick_leave_actual_work"} <= set(codes(result))


def test_same_sick_leave_caps_under_21_hd_2019():
    data = scenario(
        [member("t", sick_leave_months=3), *crowd(4)],
        {"t": votes(htxsnv=5)},
        kind="chi_bo_truc_thuoc",
    )
    assert run(data).member("t").level is Level.HTNV


# --- facts of 21-HD-2019 that the 2025 texts do not use ---------------------------------------


@pytest.mark.parametrize(
    ("facts", "words"),
    [
        ({"civil_servant_level": "KHTNV"}, "kết quả xếp loại cán bộ, công chức, viên chức"),
        ({"civil_servant_level": "HTNV"}, "kết quả xếp loại cán bộ, công chức, viên chức"),
        ({"criteria": {"tasks": "KEM", "other": "KEM"}}, "các tiêu chí tự đánh giá theo Mẫu 02"),
        ({"heads_collective_level": "HTNV"}, "mức xếp loại của tập thể do đồng chí đứng đầu"),
        ({"civil_servant_rating_pending": True}, "chờ kết quả xếp loại công chức"),
    ],
)
def test_2019_only_facts_are_noted_and_not_applied(facts, words):
    result = classify_one(score=95, **facts)
    assert result.level is Level.HTXSNV
    note = reason(result, "not_applied_in_profile")
    assert note.section == "QĐ 366 Điều 11"
    assert words in note.message
    assert next(iter(facts)) not in note.message  # the minutes never show field names


# --- the chi bộ's own level --------------------------------------------------------------------


def org_of(member_votes: list[dict], disciplined: bool = False, **facts_by_index):
    members = [member(f"m{i:02d}", **facts_by_index.get(f"m{i:02d}", {})) for i in range(10)]
    tally = {f"m{i:02d}": v for i, v in enumerate(member_votes)}
    data = scenario(
        members,
        tally,
        kind="chi_bo_truc_thuoc",
        profile=PROFILE,
        organisation={
            "name": "Chi bộ Thử nghiệm",
            "kind": "chi_bo_truc_thuoc",
            "disciplined": disciplined,
        },
    )
    return run(data).organisation


def test_org_level_states_the_assumed_method():
    organisation = org_of([votes(httnv=10)] * 10)
    assert organisation.max_level is Level.HTXSNV
    note = next(r for r in organisation.reasons if r.code == "org_level_method_assumed")
    assert note.section == "QĐ 366 Điều 11"
    assert "21-HD/BTCTW" in note.message and "Giả định" in note.message


def test_org_level_more_than_20_percent_khtnv_is_khtnv():
    three_forced = {f"m0{i}": {"discipline": "khien_trach"} for i in range(3)}
    assert org_of([votes(httnv=10)] * 10, **three_forced).max_level is Level.KHTNV
    two_forced = {f"m0{i}": {"discipline": "khien_trach"} for i in range(2)}
    assert org_of([votes(httnv=10)] * 10, **two_forced).max_level is Level.HTNV  # 20%: not above


def test_org_level_disciplined_chi_bo_is_khtnv():
    organisation = org_of([votes(httnv=10)] * 10, disciplined=True)
    assert organisation.max_level is Level.KHTNV
    assert "org_disciplined" in [r.code for r in organisation.reasons]


@pytest.mark.parametrize(
    ("good", "level"), [(8, Level.HTXSNV), (7, Level.HTTNV), (5, Level.HTTNV), (4, Level.HTNV)]
)
def test_org_level_shares_of_httnv_or_better(good, level):
    member_votes = [votes(httnv=10)] * good + [votes(htnv=10)] * (10 - good)
    assert org_of(member_votes).max_level is level
