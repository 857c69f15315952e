"""The shipped examples: consistent data, and the rules each one is there to show."""

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
    ("name", "size"), [("chi-bo-5.json", 5), ("chi-bo-23.json", 23), ("chi-bo-60.json", 60)]
)
def test_example_sizes_and_vote_sums(name, size):
    data, _ = load(name)
    assert len(data["members"]) == size
    for counts in data["tally"]["votes"].values():
        assert sum(counts.values()) <= data["tally"]["ballots"]


def test_chi_bo_5_II_B_6_small_chi_bo_keeps_one_htxsnv():
    _, proposal = load("chi-bo-5.json")
    assert proposal.cap.binding and proposal.cap.max_excellent == 1
    assert proposal.member("m01").level is Level.HTXSNV
    assert "small_organisation_exception" in codes_of(proposal, "m01")
    assert proposal.member("m02").level is Level.HTTNV
    assert proposal.member("m05").status is MemberStatus.CLASSIFIED  # dự bị, 9 months
    assert proposal.denominator == 4  # ballots
    assert proposal.organisation.max_level is Level.HTXSNV  # 4 of 5 HTTNV or better: 80%


def test_chi_bo_23_truc_thuoc_shows_each_member_rule():
    _, proposal = load("chi-bo-23.json")
    expected = {
        "m01": (MemberStatus.CLASSIFIED, Level.HTTNV, "head_of_unit_cap"),
        "m03": (MemberStatus.CLASSIFIED, Level.HTTNV, "civil_servant_cap"),
        "m07": (MemberStatus.NOT_CLASSIFIED, None, "exempt_from_party_work"),
        "m08": (MemberStatus.CLASSIFIED, Level.HTTNV, "criteria_cap"),
        "m09": (MemberStatus.CLASSIFIED, Level.HTXSNV, "excellence_cap_advisory"),
        "m10": (MemberStatus.CLASSIFIED, Level.HTNV, "sick_leave_3_months"),
        "m12": (MemberStatus.ABSENT, None, "absent"),
        "m15": (MemberStatus.CLASSIFIED, Level.KHTNV, "disciplined_this_year"),
        "m16": (MemberStatus.ABSENT, None, "absent"),
        "m17": (MemberStatus.CLASSIFIED, Level.KHTNV, "targets_under_50_percent"),
        "m18": (MemberStatus.CLASSIFIED, Level.HTTNV, "maternity_leave"),
        "m19": (MemberStatus.UNDETERMINED, None, "no_level_reached"),
        "m22": (MemberStatus.CLASSIFIED, Level.HTTNV, "voted_level"),  # dự bị
        "m23": (MemberStatus.NOT_CLASSIFIED, None, "admitted_under_6_months"),
    }
    for member_id, (status, level, code) in expected.items():
        result = proposal.member(member_id)
        assert (result.status, result.level) == (status, level), member_id
        assert code in codes_of(proposal, member_id), member_id
    assert proposal.cap.binding is False
    assert (proposal.cap.candidates, proposal.cap.good, proposal.cap.max_excellent) == (4, 11, 2)
    assert proposal.totals.htxsnv == 4  # advice only: nobody lowered
    assert proposal.denominator == 19  # 21 full members less the exempt and the one on leave
    assert proposal.organisation.max_level is Level.HTNV


def test_chi_bo_60_co_so_cap_binds_with_a_tie_at_the_boundary():
    _, proposal = load("chi-bo-60.json")
    cap = proposal.cap
    assert cap.binding is True
    assert (cap.candidates, cap.good, cap.max_excellent) == (9, 34, 7)
    assert cap.tied == ("m27", "m33")
    assert proposal.member("m40").level is Level.HTTNV
    assert "excellence_cap_exceeded" in codes_of(proposal, "m40")
    assert proposal.totals.htxsnv == 6  # six clear, two tied for the seventh seat
    assert proposal.member("m44").level is Level.HTTNV  # head of a HTTNV company
    assert proposal.member("m58").status is MemberStatus.CLASSIFIED  # exactly 6 months
    assert proposal.member("m59").status is MemberStatus.NOT_CLASSIFIED  # one day short
    assert proposal.member("m07").status is MemberStatus.NOT_CLASSIFIED  # suspended
    assert proposal.member("m16").level is Level.KHTNV  # degradation concluded
    assert proposal.denominator == 53  # present


def test_chi_bo_13_followup_decides_only_the_members_it_asked():
    data, proposal = load("chi-bo-13-followup.json")
    assert len(data["followups"]) == 2
    levels = {m: proposal.member(m).level for m in ("m01", "m02", "m03", "m13")}
    assert levels == {
        "m01": Level.HTXSNV,
        "m02": Level.HTXSNV,
        "m03": Level.HTTNV,
        "m13": Level.HTTNV,
    }
    assert [proposal.member(m).round for m in ("m01", "m02", "m13")] == [0, 1, 2]
    assert proposal.cap.tied == ()
    older = classify(parse_scenario({**data, "rules_version": 1}))
    assert older.member("m01").status is MemberStatus.TIE  # the old merge unseated her


def test_chi_bo_10_special_cases_each_input_of_II_B_6():
    _, proposal = load("chi-bo-10-special-cases.json")
    expected = {
        "m01": (MemberStatus.CLASSIFIED, Level.HTNV, "secretary_cap"),
        "m02": (MemberStatus.NOT_CLASSIFIED, None, "temporary_registration_here"),
        "m03": (MemberStatus.CLASSIFIED, Level.HTTNV, "temporary_registration_elsewhere"),
        "m04": (MemberStatus.DEFERRED, None, "civil_servant_rating_pending"),
        "m05": (MemberStatus.CLASSIFIED, Level.HTTNV, "previous_branch_comments_needed"),
        "m06": (MemberStatus.CLASSIFIED, Level.KHTNV, "disciplined_for_previous_organisation"),
        "m07": (MemberStatus.CLASSIFIED, Level.HTTNV, "discipline_already_counted"),
        "m08": (MemberStatus.CLASSIFIED, Level.HTXSNV, "head_transferred_in"),
        "m09": (MemberStatus.CLASSIFIED, Level.HTTNV, "committee_activity_suspended"),
        "m10": (MemberStatus.CLASSIFIED, Level.KHTNV, "khtnv_by_accumulation"),
    }
    for member_id, (status, level, code) in expected.items():
        result = proposal.member(member_id)
        assert (result.status, result.level) == (status, level), member_id
        assert code in codes_of(proposal, member_id), member_id
    assert proposal.denominator == 8
    org = [r.code for r in proposal.organisation.reasons]
    assert proposal.organisation.max_level is Level.HTNV  # one KHTNV counted here
    assert {
        "org_criteria_cap",
        "org_bodies_cap",
        "org_discipline_self_remedied",
        "org_members_counted_elsewhere",
        "org_level_provisional",
    } <= set(org)
