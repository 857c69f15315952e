"""The kind of chi bộ asked, thresholds of exactly two thirds, the "dưới 05" allowance in
a chi bộ trực thuộc, KHTNV by accumulation, and each message read as the regulation
writes it (docs/rules.md, “Đếm phiếu”, “Không hoàn thành nhiệm vụ chỉ do cộng dồn”,
“Giới hạn 20% Hoàn thành xuất sắc nhiệm vụ”)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from ballot.rules import Level, MemberStatus, ScenarioError, parse_scenario, render_table
from ballot.rules.profiles.hd21_2019 import PROFILE
from ballot.rules.table import cap_arithmetic_lines_vi, cap_heading_vi
from tests.rules.rules_builders import classify_one, codes, crowd, member, reason, run, scenario, votes

# --- the kind of chi bộ has no silent default ------------------------------------------------


@pytest.mark.parametrize("drop", ["kind", "organisation"])
def test_II_B_2_5_a_scenario_without_the_kind_of_chi_bo_is_refused(drop):
    data = scenario([member("a"), *crowd(3)])
    if drop == "kind":
        del data["organisation"]["kind"]
    else:
        del data["organisation"]
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(data)
    assert refused.value.path == "organisation.kind" and refused.value.code == "missing"
    assert (
        "chi bộ cơ sở" in refused.value.message
        and "không có giá trị mặc định" in refused.value.message
    )


# --- thresholds of exactly two thirds --------------------------------------------------------


def two_thirds(threshold: object, excellent: int) -> object:
    members = crowd(9)
    data = scenario(
        members,
        {"x00": votes(htxsnv=excellent, httnv=9 - excellent)},
        settings={"thresholds": {"HTXSNV": threshold}},
    )
    return run(data).member("x00")


def test_counting_two_thirds_as_a_fraction_is_exact_and_6_of_9_does_not_pass():
    assert two_thirds("2/3", 6).voted_level is Level.HTTNV
    assert two_thirds("2/3", 7).voted_level is Level.HTXSNV
    assert parse_scenario(
        scenario([member("a")], settings={"thresholds": {"HTXSNV": " 2 / 3 "}})
    ).settings.thresholds.htxsnv == Fraction(2, 3)


def test_counting_two_thirds_is_printed_as_a_fraction_not_a_rounded_percentage():
    message = two_thirds("2/3", 6).reasons[0].message
    assert "6/9 phiếu (66,67%), chưa đạt (cần trên 2/3)" in message
    assert "cần trên 66,67%" not in message


def test_counting_a_decimal_near_two_thirds_is_kept_but_warned_about():
    parsed = parse_scenario(
        scenario([member("a")], settings={"thresholds": {"HTXSNV": 0.6666666666666666}})
    )
    assert parsed.settings.thresholds.htxsnv < Fraction(2, 3)
    (warning,) = parsed.warnings
    assert warning.path == "settings.thresholds.HTXSNV" and "“2/3”" in warning.message
    assert not parse_scenario(
        scenario([member("a")], settings={"thresholds": {"HTXSNV": 0.6}})
    ).warnings


@pytest.mark.parametrize("bad", ["2/0", "hai phần ba", "3/2", "0/3"])
def test_counting_a_malformed_or_out_of_range_fraction_is_refused(bad):
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(scenario([member("a")], settings={"thresholds": {"HTXSNV": bad}}))
    assert refused.value.path == "settings.thresholds.HTXSNV"


# --- the "dưới 05" allowance belongs to the đảng bộ cơ sở ----------------------------------------


def small(kind: str):
    members = [member("a"), member("b"), *crowd(3)]
    tally = {"a": votes(htxsnv=5), "b": votes(htxsnv=4, httnv=1)}
    tally.update({f"x{i:02d}": votes(httnv=5) for i in range(3)})
    return run(scenario(members, tally, kind=kind))


def test_II_B_6_fewer_than_5_httnv_keeps_one_htxsnv_in_a_chi_bo_co_so():
    proposal = small("chi_bo_co_so")
    assert proposal.cap.max_excellent == 1
    assert "small_organisation_exception" in codes(proposal.member("a"))


def test_II_B_6_a_chi_bo_truc_thuoc_counts_no_allowance_of_its_own():
    proposal = small("chi_bo_truc_thuoc")
    assert proposal.cap.max_excellent == 0  # k = 2, h = 3: 0 by the ratio
    assert "small_organisation_exception" not in codes(proposal.member("a"))
    advice = reason(proposal.member("a"), "excellence_cap_advisory").message
    assert "được xét trên toàn đảng bộ cơ sở, do đảng ủy cơ sở quyết định" in advice
    assert proposal.member("a").level is Level.HTXSNV  # advice lowers nobody
    lines = " ".join(cap_arithmetic_lines_vi(PROFILE.excellence_cap, 2, 3, 0, False))
    assert "được xét trên toàn đảng bộ cơ sở" in lines and "vẫn được chọn" not in lines


# --- KHTNV by accumulation -----------------------------------------------------------------------


def accumulated(**settings: object):
    members = crowd(9)
    data = scenario(members, {"x00": votes(htxsnv=2, httnv=1, htnv=1, khtnv=2)}, settings=settings)
    return run(data).member("x00")


def test_counting_khtnv_reached_only_by_accumulation_is_flagged():
    result = accumulated()
    assert (result.status, result.level) == (MemberStatus.CLASSIFIED, Level.KHTNV)
    flag = reason(result, "khtnv_by_accumulation")
    assert "chỉ đạt do cộng dồn" in flag.message and "2/9 phiếu" in flag.message


def test_counting_khtnv_by_accumulation_can_be_set_to_undetermined():
    result = accumulated(khtnv_by_accumulation="undetermined")
    assert result.status is MemberStatus.UNDETERMINED and result.voted_level is None
    assert "khtnv_by_accumulation_undetermined" in codes(result)


def test_counting_khtnv_by_its_own_votes_is_not_flagged():
    data = scenario(crowd(9), {"x00": votes(htxsnv=1, khtnv=5)})
    assert "khtnv_by_accumulation" not in codes(run(data).member("x00"))


def test_counting_a_forced_khtnv_stays_khtnv_when_accumulation_is_undetermined():
    members = [member("d", disciplined_this_year=True), *crowd(8)]
    data = scenario(
        members,
        {"d": votes(htxsnv=2, httnv=1, htnv=1, khtnv=2)},
        settings={"khtnv_by_accumulation": "undetermined"},
    )
    assert run(data).member("d").level is Level.KHTNV


# --- wording ------------------------------------------------------------------------------------


def test_II_B_2_3_a_cap_heading_says_not_above_20_percent_of_those_httnv():
    heading = cap_heading_vi(PROFILE.excellence_cap, upper=False)
    assert heading.startswith(
        "Số đảng viên “Hoàn thành xuất sắc nhiệm vụ” không vượt quá 20% số đảng viên xếp loại "
        "“Hoàn thành tốt nhiệm vụ”"
    )


def test_II_B_2_3_a_a_tie_is_left_to_the_chi_bo_in_plain_words():
    members = [member("a"), member("b"), *crowd(8)]
    tally = {"a": votes(htxsnv=8, httnv=2), "b": votes(htxsnv=8, httnv=2)}
    tally.update({m["id"]: votes(httnv=10) for m in members[2:]})
    message = reason(run(scenario(members, tally)).member("a"), "excellence_cap_tie").message
    assert "phá hòa" not in message
    assert "do chi bộ quyết định qua bỏ phiếu bổ sung" in message


def test_counting_no_level_reached_speaks_of_the_votes_that_chose_a_level():
    message = reason(classify_one(votes(htxsnv=1, httnv=1)), "no_level_reached").message
    assert "tổng số phiếu có chọn mức chỉ được 2/" in message
    assert "kể cả" not in message and "“Không hoàn thành nhiệm vụ” trở lên" not in message


def test_II_B_6_sick_leave_keeps_the_regulations_words():
    message = reason(classify_one(sick_leave_months=3), "sick_leave_3_months").message
    assert "không xếp loại đạt mức “Hoàn thành tốt nhiệm vụ” trở lên" in message


def test_counting_reasons_cite_the_profile_not_II_B_2_5():
    result = classify_one()
    assert reason(result, "voted_level").section == "Cách đếm phiếu của hồ sơ 21-HD-2019"
    data = scenario([member("a"), *crowd(4)], {"a": votes(htxsnv=5)})
    table = render_table(parse_scenario(data), run(data))
    assert "[II.B.2.5]" not in table


def test_counting_khtnv_by_accumulation_is_listed_after_the_totals_of_the_table():
    members = crowd(9)
    data = scenario(members, {"x00": votes(htxsnv=2, httnv=1, htnv=1, khtnv=2)})
    text = render_table(parse_scenario(data), run(data))
    name = run(data).member("x00").name
    assert f"CẦN LƯU Ý — “Không hoàn thành nhiệm vụ” chỉ đạt do cộng dồn: {name}." in text
