"""The cases of II.B.2.1, II.B.4 and II.B.6 that need an input, each with its rule
(docs/rules.md from “Đảng viên là công chức, viên chức” to “Mức cao nhất của chi bộ”),
in both profiles where 366-2025 reads them the same way."""

from __future__ import annotations

from datetime import date

import pytest

from ballot.rules import Level, MemberStatus, ScenarioError, parse_scenario
from ballot.rules.attendance import may_vote, quorum
from tests.rules.rules_builders import classify_one, codes, crowd, member, reason, run, scenario, votes

PROFILES = ["21-HD-2019", "366-2025"]


def org_codes(proposal) -> list[str]:
    return [r.code for r in proposal.organisation.reasons]


# --- II.B.6: a civil servant is classified after the civil-service rating ----------------


def test_II_B_6_civil_servant_rating_pending_is_classified_later_not_htxsnv():
    result = classify_one(civil_servant_rating_pending=True)
    assert result.status is MemberStatus.DEFERRED
    assert result.level is None and result.voted_level is None
    assert reason(result, "civil_servant_rating_pending").section == "II.B.6"
    assert "votes_not_counted" in codes(result)


def test_II_B_6_civil_servant_rating_pending_makes_the_chi_bo_level_provisional():
    data = scenario(
        [member("p", civil_servant_rating_pending=True), *crowd(4)],
        {f"x{i:02d}": votes(httnv=5) for i in range(4)},
    )
    assert "org_level_provisional" in org_codes(run(data))


def test_II_B_6_rating_pending_and_a_given_rating_contradict():
    data = scenario([member("p", civil_servant_rating_pending=True, civil_servant_level="HTTNV")])
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(data)
    assert refused.value.path == "members[0].civil_servant_rating_pending"


def test_366_civil_servant_rating_pending_is_noted_as_not_applied():
    result = classify_one(profile="366-2025", score=95, civil_servant_rating_pending=True)
    assert result.status is MemberStatus.CLASSIFIED
    assert "chờ kết quả xếp loại công chức" in reason(result, "not_applied_in_profile").message


# --- II.B.6: temporary registration -------------------------------------------------------


def _seven_and_a_visitor(**visitor: object) -> dict:
    """Seven members of the chi bộ and one more; four vote HTXSNV for m01."""
    members = [member(f"m{i:02d}") for i in range(7)] + [member("v", present=False, **visitor)]
    return scenario(members, {"m01": votes(htxsnv=4, httnv=3)}, ballots=7)


@pytest.mark.parametrize("profile", PROFILES)
def test_II_B_6_temporary_registration_here_is_rated_at_the_official_chi_bo(profile):
    data = _seven_and_a_visitor(temporary_registration="here")
    data["members"][-1]["present"] = True
    proposal = run({**data, "profile": profile})
    visitor = proposal.member("v")
    assert visitor.status is MemberStatus.NOT_CLASSIFIED
    assert "temporary_registration_here" in codes(visitor)
    assert proposal.denominator == 7  # not 8: 4/7 reaches HTXSNV, 4/8 would not
    assert proposal.member("m01").voted_level is Level.HTXSNV


def test_II_B_6_temporary_registration_here_does_not_vote_here():
    visitor = member("v", temporary_registration="here")
    assert not may_vote(visitor)
    data = scenario([member("a"), visitor], {}, ballots=2)
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(data)
    assert refused.value.path == "tally.ballots"


def test_II_B_6_a_member_away_on_temporary_registration_is_classified_here():
    data = _seven_and_a_visitor(temporary_registration="elsewhere")
    data["tally"]["votes"]["v"] = votes(httnv=7)
    proposal = run(data)
    away = proposal.member("v")
    assert (away.status, away.level) == (MemberStatus.CLASSIFIED, Level.HTTNV)
    assert "temporary_branch_comments_needed" in codes(away)
    assert proposal.denominator == 7  # not expected to vote here while away


def test_II_B_6_temporary_registration_elsewhere_with_comments_received_is_a_plain_note():
    result = classify_one(temporary_registration="elsewhere", other_branch_comments_received=True)
    assert "temporary_registration_elsewhere" in codes(result)
    assert "đã có nhận xét" in reason(result, "temporary_registration_elsewhere").message


def test_II_B_6_quorum_leaves_out_members_temporarily_here_or_away():
    members = [
        member("a"),
        member("b"),
        member("c", present=False),
        member("here", temporary_registration="here"),
        member("away", present=False, temporary_registration="elsewhere"),
    ]
    counted = quorum(members)
    assert counted["full_members_expected"] == 3 and counted["full_members_present"] == 2
    assert counted["reached"] is True


# --- II.B.6: transferred in -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("months", "received", "code"),
    [
        (5.5, False, "transferred_in"),
        (6, False, "previous_branch_comments_needed"),
        (9, True, "previous_branch_comments_received"),
    ],
)
def test_II_B_6_transferred_in_six_months_or_more_needs_the_previous_chi_bo_comments(
    months, received, code
):
    result = classify_one(months_at_previous_branch=months, other_branch_comments_received=received)
    assert result.level is Level.HTXSNV  # a note, never a cap
    assert reason(result, code).section == "II.B.6"


def test_II_B_6_months_at_previous_branch_is_0_to_12():
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(scenario([member("a", months_at_previous_branch=13)]))
    assert refused.value.path == "members[0].months_at_previous_branch"


def test_II_B_6_comments_received_without_a_transfer_is_refused():
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(scenario([member("a", other_branch_comments_received=True)]))
    assert refused.value.code == "inconsistent"


# --- II.B.2.3.d and II.B.6: discipline ---------------------------------------------------------


@pytest.mark.parametrize("profile", PROFILES)
def test_II_B_6_discipline_for_a_violation_at_the_previous_organisation_counts_there(profile):
    """One such member of four no longer drags the chi bộ to KHTNV."""
    members = [
        member("t", disciplined_this_year=True, discipline_at_previous_organisation=True),
        *crowd(3),
    ]
    tally = {m["id"]: votes(httnv=4) for m in members}
    proposal = run(scenario(members, tally, profile=profile))
    assert proposal.member("t").level is Level.KHTNV
    assert "disciplined_for_previous_organisation" in codes(proposal.member("t"))
    assert proposal.organisation.max_level is Level.HTXSNV
    assert "org_members_counted_elsewhere" in org_codes(proposal)
    plain = run(
        scenario([member("t", disciplined_this_year=True), *crowd(3)], tally, profile=profile)
    )
    assert plain.organisation.max_level is Level.KHTNV  # 1 of 4 = 25%: trên 20%


def test_II_B_6_a_member_khtnv_by_the_vote_too_still_counts_for_this_chi_bo():
    members = [
        member("t", disciplined_this_year=True, discipline_at_previous_organisation=True),
        *crowd(3),
    ]
    tally = {"t": votes(khtnv=4), **{f"x{i:02d}": votes(httnv=4) for i in range(3)}}
    assert run(scenario(members, tally)).organisation.max_level is Level.KHTNV


@pytest.mark.parametrize("profile", PROFILES)
def test_II_B_2_3_d_a_violation_already_counted_is_not_counted_again(profile):
    facts = {"disciplined_this_year": True, "discipline_already_counted": True}
    if profile == "366-2025":
        facts = {"discipline": "khien_trach", "discipline_already_counted": True, "score": 95}
    result = classify_one(profile=profile, **facts)
    assert result.level is Level.HTXSNV
    assert "discipline_already_counted" in codes(result)


def test_II_B_2_3_d_already_counted_without_a_discipline_is_refused():
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(scenario([member("a", discipline_already_counted=True)]))
    assert refused.value.path == "members[0].discipline_already_counted"


# --- II.B.4 and II.B.6: heads of unit, the bí thư ------------------------------------------------


def test_II_B_6_head_of_unit_just_transferred_in_is_not_capped_by_the_unit():
    capped = classify_one(heads_collective_level="HTNV")
    assert capped.level is Level.HTNV
    lifted = classify_one(heads_collective_level="HTNV", head_transferred_in=True)
    assert lifted.level is Level.HTXSNV
    assert reason(lifted, "head_transferred_in").section == "II.B.6"
    assert "head_of_unit_cap" not in codes(lifted)


def test_II_B_6_head_transferred_in_needs_the_unit_level():
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(scenario([member("a", head_transferred_in=True)]))
    assert refused.value.path == "members[0].head_transferred_in"


def test_II_B_4_the_bi_thu_is_no_higher_than_the_chi_bo_allows():
    members = [member("bt", is_secretary=True), *crowd(4)]
    tally = {"bt": votes(htxsnv=5), **{f"x{i:02d}": votes(htnv=5) for i in range(4)}}
    proposal = run(scenario(members, tally, kind="chi_bo_truc_thuoc"))
    secretary = proposal.member("bt")
    assert secretary.voted_level is Level.HTXSNV and secretary.level is Level.HTNV
    assert reason(secretary, "secretary_cap").section == "II.B.4"
    assert proposal.organisation.max_level is Level.HTNV


def test_II_B_4_the_bi_thu_lowered_before_the_cap_takes_no_seat():
    members = [member("bt", is_secretary=True), member("c"), *crowd(6)]
    tally = {"bt": votes(htxsnv=8), "c": votes(htxsnv=6, httnv=2)}
    tally.update({f"x{i:02d}": votes(httnv=8) for i in range(3)})
    tally.update({f"x{i:02d}": votes(htnv=8) for i in range(3, 6)})
    proposal = run(scenario(members, tally))  # 5/8 HTTNV or better: the chi bộ at most HTTNV
    assert proposal.member("bt").level is Level.HTTNV
    assert proposal.member("c").level is Level.HTXSNV  # the seat goes to the next candidate


def test_II_B_4_only_one_bi_thu_and_registered_here():
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(scenario([member("a", is_secretary=True), member("b", is_secretary=True)]))
    assert refused.value.path == "members[1].is_secretary"
    with pytest.raises(ScenarioError):
        parse_scenario(scenario([member("a", is_secretary=True, temporary_registration="here")]))


def test_366_bi_thu_is_noted_as_a_post_this_profile_does_not_apply():
    result = classify_one(profile="366-2025", score=95, is_secretary=True)
    assert "secretary_not_applied" in codes(result) and "secretary_cap" not in codes(result)


# --- II.B.2.1: đình chỉ sinh hoạt cấp ủy ----------------------------------------------------------


@pytest.mark.parametrize("profile", PROFILES)
def test_II_B_2_1_committee_activity_suspended_is_still_classified(profile):
    result = classify_one(profile=profile, committee_activity_suspended=True, score=95)
    assert (result.status, result.level) == (MemberStatus.CLASSIFIED, Level.HTXSNV)
    assert "committee_activity_suspended" in codes(result)
    suspended = classify_one(
        votes(htxsnv=4), profile=profile, suspended=True, committee_activity_suspended=True
    )
    assert suspended.status is MemberStatus.NOT_CLASSIFIED


# --- II.B.6 and II.B.1.3: the chi bộ's own inputs ----------------------------------------------


def all_good(**organisation: object) -> dict:
    members = crowd(5)
    tally = {m["id"]: votes(httnv=5) for m in members}
    return scenario(
        members, tally, organisation={"name": "Chi bộ", "kind": "chi_bo_co_so", **organisation}
    )


@pytest.mark.parametrize(
    ("founded_on", "classified"), [("2026-06-15", True), ("2026-06-16", False)]
)
def test_II_B_6_a_chi_bo_founded_under_6_months_is_not_classified(founded_on, classified):
    proposal = run(all_good(founded_on=founded_on))
    assert (proposal.organisation.max_level is not None) is classified
    assert ("org_founded_under_6_months" in org_codes(proposal)) is not classified
    assert proposal.totals.classified == 5  # its members are


def test_II_B_6_founded_after_the_review_is_refused():
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(all_good(founded_on="2027-01-01"))
    assert refused.value.path == "organisation.founded_on"


@pytest.mark.parametrize(
    ("criteria", "level"),
    [
        ({"tasks": "XUAT_SAC", "other": "TOT"}, Level.HTXSNV),
        ({"tasks": "XUAT_SAC", "other": "TRUNG_BINH"}, Level.HTTNV),
        ({"tasks": "TOT", "other": "TOT"}, Level.HTTNV),
        ({"tasks": "TRUNG_BINH", "other": "XUAT_SAC"}, Level.HTNV),
        ({"tasks": "KEM", "other": "XUAT_SAC"}, Level.KHTNV),
    ],
)
def test_II_B_1_3_the_chi_bo_mau_01_criteria_cap_its_level(criteria, level):
    proposal = run(all_good(criteria=criteria))
    assert proposal.organisation.max_level is level


def test_II_B_1_3_a_same_level_bodies_httnv_or_better_for_htxsnv():
    good = [{"name": "Công đoàn", "kind": "doan_the", "level": "HTTNV"}]
    assert run(all_good(bodies=good)).organisation.max_level is Level.HTXSNV
    fair = [{"name": "Công đoàn", "kind": "doan_the", "level": "HTNV"}]
    assert run(all_good(bodies=fair)).organisation.max_level is Level.HTTNV


def test_II_B_1_3_b_a_body_below_htnv_allows_at_most_htnv():
    weak = [{"name": "Chính quyền", "kind": "chinh_quyen", "level": "KHTNV"}]
    proposal = run(all_good(bodies=weak))
    assert proposal.organisation.max_level is Level.HTNV
    assert (
        next(r for r in proposal.organisation.reasons if r.code == "org_bodies_cap").section
        == "II.B.1.3.b"
    )


def test_II_B_1_3_d_two_front_or_mass_organisations_khtnv_make_the_chi_bo_khtnv():
    two = [
        {"name": "Đoàn Thanh niên", "kind": "doan_the", "level": "KHTNV"},
        {"name": "Mặt trận Tổ quốc", "kind": "mat_tran", "level": "KHTNV"},
    ]
    proposal = run(all_good(bodies=two))
    assert proposal.organisation.max_level is Level.KHTNV
    assert "org_bodies_khtnv" in org_codes(proposal)
    # Chính quyền is not in d)'s list: with one đoàn thể it is not "từ 02 tổ chức".
    mixed = [two[0], {"name": "UBND", "kind": "chinh_quyen", "level": "KHTNV"}]
    assert run(all_good(bodies=mixed)).organisation.max_level is Level.HTNV


def test_II_B_1_3_only_one_government_of_the_same_level():
    two = [{"name": n, "kind": "chinh_quyen", "level": "HTTNV"} for n in ("A", "B")]
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(all_good(bodies=two))
    assert refused.value.path == "organisation.bodies[1].kind"


@pytest.mark.parametrize("profile", PROFILES)
def test_II_B_1_3_c_disciplined_but_self_remedied_is_not_forced_khtnv(profile):
    forced = run({**all_good(disciplined=True), "profile": profile})
    assert forced.organisation.max_level is Level.KHTNV
    remedied = run(
        {**all_good(disciplined=True, discipline_self_remedied=True), "profile": profile}
    )
    assert remedied.organisation.max_level is Level.HTXSNV
    section = next(
        r.section for r in remedied.organisation.reasons if r.code == "org_discipline_self_remedied"
    )
    assert section.endswith("II.B.1.3.c")


def test_II_B_1_3_c_self_remedied_without_a_discipline_is_refused():
    with pytest.raises(ScenarioError) as refused:
        parse_scenario(all_good(discipline_self_remedied=True))
    assert refused.value.path == "organisation.discipline_self_remedied"


def test_II_B_1_3_missing_inputs_are_named_in_the_note():
    note = next(
        r
        for r in run(all_good()).organisation.reasons
        if r.code == "org_other_criteria_not_assessed"
    )
    assert "Mẫu 01" in note.message and "Mặt trận Tổ quốc" in note.message
    given = all_good(criteria={"tasks": "XUAT_SAC", "other": "TOT"}, bodies=[])
    note = next(
        r for r in run(given).organisation.reasons if r.code == "org_other_criteria_not_assessed"
    )
    assert "Mẫu 01" not in note.message


def test_II_B_1_1_a_chi_bo_truc_thuoc_level_is_for_reference():
    proposal = run({**all_good(), "organisation": {"name": "Chi bộ", "kind": "chi_bo_truc_thuoc"}})
    assert "org_truc_thuoc_standards" in org_codes(proposal)
    assert "org_truc_thuoc_standards" not in org_codes(run(all_good()))


def test_new_member_inputs_default_to_the_ordinary_case():
    only = parse_scenario(scenario([member("a")])).members[0]
    assert only.civil_servant_rating_pending is False and only.temporary_registration is None
    assert only.months_at_previous_branch is None and only.is_secretary is False
    assert only.discipline_at_previous_organisation is False
    organisation = parse_scenario(scenario([member("a")])).organisation
    assert organisation.founded_on is None and organisation.bodies == ()
    assert organisation.criteria is None and organisation.discipline_self_remedied is False
    assert parse_scenario(scenario([member("a")])).review_date == date(2026, 12, 15)


@pytest.mark.parametrize(
    ("facts", "asked"),
    [
        ({}, True),
        ({"present": False}, False),
        ({"present": False, "temporary_registration": "elsewhere"}, True),
        ({"temporary_registration": "here"}, False),
        ({"civil_servant_rating_pending": True}, False),
        ({"exempt": True}, False),
        ({"status": "du_bi", "admitted_on": "2026-07-01"}, False),
    ],
)
def test_II_B_6_who_the_meeting_asks_about_in_a_classification_round(facts, asked):
    from ballot.rules.pipeline import on_ballot

    parsed = parse_scenario(scenario([member("a", **facts), *crowd(2)], ballots=0))
    assert on_ballot(parsed.members[0], parsed.review_date, parsed.profile) is asked
