"""The chi bộ's own highest level from its members' results: II.B.1.3 (docs/rules.md,
“Mức cao nhất của chi bộ”)."""

from __future__ import annotations

from datetime import date

import pytest

from ballot.rules import Level, Organisation, OrganisationKind
from ballot.rules.profiles import MemberLevelCounts
from ballot.rules.profiles.hd21_2019 import organisation_level as _organisation_level
from tests.rules.rules_builders import crowd, member, run, scenario, votes

PLAIN = Organisation(kind=OrganisationKind.CHI_BO_CO_SO)
DISCIPLINED = Organisation(kind=OrganisationKind.CHI_BO_CO_SO, disciplined=True)
REVIEW = date(2026, 12, 15)


def organisation_level(member_counts, org):
    return _organisation_level(member_counts, org, REVIEW)


def counts(htxsnv=0, httnv=0, htnv=0, khtnv=0, tied=0, pending=0) -> MemberLevelCounts:
    return MemberLevelCounts(htxsnv, httnv, htnv, khtnv, tied, pending)


def level_and_codes(member_counts, org=PLAIN):
    result = organisation_level(member_counts, org)
    return result.max_level, [reason.code for reason in result.reasons]


@pytest.mark.parametrize(
    ("member_counts", "expected", "first_code"),
    [
        (counts(htxsnv=1, httnv=3, htnv=1), Level.HTXSNV, "org_members_allow_htxsnv"),  # 80%
        (counts(htxsnv=1, httnv=6, htnv=2), Level.HTTNV, "org_good_share_under_80_percent"),
        (counts(httnv=5, htnv=5), Level.HTTNV, "org_good_share_under_80_percent"),  # 50%
        (counts(httnv=4, htnv=5), Level.HTNV, "org_good_share_under_50_percent"),
        (counts(htxsnv=2, httnv=7, khtnv=1), Level.HTNV, "org_not_all_members_htnv"),
        (counts(httnv=4, khtnv=1), Level.HTNV, "org_not_all_members_htnv"),  # exactly 20%
        (counts(httnv=3, khtnv=1), Level.KHTNV, "org_khtnv_over_20_percent"),  # 25%
    ],
)
def test_II_B_1_3_highest_level_from_member_shares(member_counts, expected, first_code):
    level, codes = level_and_codes(member_counts)
    assert level is expected
    assert codes[0] == first_code


def test_II_B_1_3_a_sections_of_each_step():
    sections = {
        organisation_level(c, PLAIN).reasons[0].section
        for c in (counts(htxsnv=1, httnv=4), counts(httnv=7, htnv=3))
    }
    assert sections == {"II.B.1.3.a"}
    assert organisation_level(counts(httnv=1, htnv=3), PLAIN).reasons[0].section == "II.B.1.3.b"


def test_II_B_1_3_d_disciplined_organisation_is_khtnv_whatever_its_members():
    level, codes = level_and_codes(counts(htxsnv=2, httnv=10), DISCIPLINED)
    assert level is Level.KHTNV
    assert codes == ["org_disciplined"]


def test_II_B_1_3_d_disciplined_and_over_20_percent_both_given():
    _, codes = level_and_codes(counts(httnv=1, khtnv=1), DISCIPLINED)
    assert codes == ["org_disciplined", "org_khtnv_over_20_percent"]


def test_II_B_1_3_tied_members_count_as_httnv_or_better():
    assert level_and_codes(counts(httnv=3, htnv=1, tied=1))[0] is Level.HTXSNV  # 4/5
    assert level_and_codes(counts(httnv=3, htnv=2, tied=0))[0] is Level.HTTNV  # 3/5


def test_II_B_6_pending_members_make_the_organisation_level_provisional():
    _, codes = level_and_codes(counts(httnv=5, pending=2))
    assert codes[-1] == "org_level_provisional"
    _, codes = level_and_codes(counts(httnv=5))
    assert "org_level_provisional" not in codes


def test_II_B_1_3_no_member_classified_gives_no_level():
    level, codes = level_and_codes(counts(pending=3))
    assert level is None
    assert codes == ["org_no_member_classified", "org_level_provisional"]


def test_II_B_1_3_other_criteria_are_named_as_not_assessed():
    _, codes = level_and_codes(counts(htxsnv=1, httnv=4))
    assert "org_other_criteria_not_assessed" in codes


def test_II_B_1_3_organisation_level_through_the_pipeline():
    members = [member("k", disciplined_this_year=True), *crowd(4), member("away", present=False)]
    tally = {"k": votes(httnv=5), **{f"x{i:02d}": votes(httnv=5) for i in range(4)}}
    proposal = run(scenario(members, tally))
    # 1 KHTNV of 5 classified = 20%, not above: HTNV, provisional because one is absent.
    assert proposal.organisation.max_level is Level.HTNV
    assert [r.code for r in proposal.organisation.reasons] == [
        "org_not_all_members_htnv",
        "org_other_criteria_not_assessed",
        "org_level_provisional",
    ]
    data = scenario(members, tally, organisation={"kind": "chi_bo_co_so", "disciplined": True})
    assert run(data).organisation.max_level is Level.KHTNV
