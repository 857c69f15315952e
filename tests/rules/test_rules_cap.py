"""The 20% cap on excellence: II.B.2.3.a ("không vượt quá 20%") and II.B.6 (fewer than 5)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from ballot.rules import Level, MemberStatus
from ballot.rules.cap import Candidate, excellence_cap, largest_within_ratio, select_excellent
from ballot.rules.profiles.hd21_2019 import PROFILE
from tests.rules.rules_builders import crowd, member, run, scenario, votes

RULE = PROFILE.excellence_cap


@pytest.mark.parametrize(
    ("k", "h", "x", "exception"),
    [
        (3, 10, 2, False),  # 2 <= 0.2 × 11 = 2.2; 3 > 0.2 × 10
        (0, 10, 0, False),
        (1, 5, 1, False),  # 1 <= 0.2 × 5
        (6, 0, 1, False),  # 1 <= 0.2 × 5; 2 > 0.2 × 4
        (10, 0, 1, False),
        (10, 20, 5, False),  # 5 <= 0.2 × 25
        (7, 30, 6, False),
        (9, 34, 7, False),  # 7 <= 0.2 × 36 = 7.2
        (12, 0, 2, False),  # 2 <= 0.2 × 10
        (2, 2, 1, True),  # formula 0; 3 end up HTTNV, fewer than 5: one may stay
        (1, 4, 1, True),
        (5, 0, 1, True),  # 4 end up HTTNV
        (1, 0, 1, True),
        (2, 3, 1, True),
    ],
)
def test_II_B_2_3_a_cap_arithmetic_worked_examples(k, h, x, exception):
    arithmetic = excellence_cap(k, h, RULE)
    assert arithmetic.max_excellent == x
    assert arithmetic.small_exception is exception


def test_II_B_2_3_a_fixed_point_equals_the_definition_by_search():
    for k in range(0, 40):
        for h in range(0, 80):
            by_search = max(x for x in range(k + 1) if x <= Fraction(1, 5) * (h + k - x))
            assert largest_within_ratio(k, h, RULE) == by_search, (k, h)


def test_II_B_2_3_a_cap_is_never_exceeded_except_by_the_II_B_6_allowance():
    for k in range(1, 30):
        for h in range(0, 60):
            a = excellence_cap(k, h, RULE)
            within = 5 * a.max_excellent <= a.final_good
            allowance = a.max_excellent == 1 and a.final_good < 5
            assert within or allowance, (k, h)
            assert 1 <= a.max_excellent <= k


def _cap_chi_bo(excellent_votes: list[int], good: int, kind: str = "chi_bo_co_so"):
    """Candidates c0.. with the given HTXSNV votes (of 20 ballots), `good` HTTNV members."""
    candidates = [member(f"c{i}") for i in range(len(excellent_votes))]
    httnv = [member(f"h{i:02d}") for i in range(good)]
    rest = crowd(20 - len(candidates) - good, prefix="z") if len(candidates) + good < 20 else []
    tally = {f"c{i}": votes(htxsnv=n, httnv=20 - n) for i, n in enumerate(excellent_votes)}
    tally.update({m["id"]: votes(httnv=15, htnv=5) for m in httnv})
    tally.update({m["id"]: votes(htnv=20) for m in rest})
    return run(scenario(candidates + httnv + rest, tally, kind=kind))


def test_II_B_2_3_a_k3_h10_keeps_the_two_largest_htxsnv_shares():
    proposal = _cap_chi_bo([12, 18, 15], good=10)
    assert (proposal.cap.candidates, proposal.cap.good, proposal.cap.max_excellent) == (3, 10, 2)
    assert proposal.cap.binding is True
    assert proposal.member("c1").level is Level.HTXSNV
    assert proposal.member("c2").level is Level.HTXSNV
    demoted = proposal.member("c0")
    assert demoted.voted_level is Level.HTXSNV and demoted.level is Level.HTTNV
    assert demoted.status is MemberStatus.CLASSIFIED
    cap_reason = demoted.reasons[-1]
    assert (cap_reason.code, cap_reason.section) == ("excellence_cap_exceeded", "II.B.2.3.a")
    assert "k = 3" in cap_reason.message and "h = 10" in cap_reason.message
    assert "tối đa 2" in cap_reason.message
    assert (proposal.totals.htxsnv, proposal.totals.httnv) == (2, 11)


def test_II_B_6_fewer_than_5_httnv_still_allows_one_htxsnv():
    proposal = _cap_chi_bo([14, 17], good=2)
    assert proposal.cap.max_excellent == 1
    kept, demoted = proposal.member("c1"), proposal.member("c0")
    assert kept.level is Level.HTXSNV
    assert kept.reasons[-1].code == "small_organisation_exception"
    assert kept.reasons[-1].section == "II.B.6"
    assert demoted.level is Level.HTTNV
    assert proposal.totals.httnv == 3


def test_II_B_6_a_single_qualified_candidate_is_kept_with_no_httnv_at_all():
    proposal = _cap_chi_bo([11], good=0)
    assert proposal.member("c0").level is Level.HTXSNV


def test_II_B_2_3_a_equal_shares_straddling_the_cut_are_flagged_not_broken():
    proposal = _cap_chi_bo([12, 18, 12], good=10)  # x = 2: one seat for two equal shares
    assert proposal.cap.tied == ("c0", "c2")
    assert proposal.member("c1").level is Level.HTXSNV
    for tied in ("c0", "c2"):
        result = proposal.member(tied)
        assert result.status is MemberStatus.TIE
        assert result.level is None and result.voted_level is Level.HTXSNV
        assert result.reasons[-1].code == "excellence_cap_tie"
        assert "1 suất" in result.reasons[-1].message
    assert proposal.totals.htxsnv == 1
    assert proposal.totals.classified == 20 - 2


def test_II_B_2_3_a_tie_for_the_only_seat_keeps_nobody_silently():
    proposal = _cap_chi_bo([15, 15], good=4)  # x = 1
    assert proposal.cap.tied == ("c0", "c1")
    assert proposal.totals.htxsnv == 0


def test_II_B_2_3_a_equal_shares_inside_the_cap_are_no_tie():
    proposal = _cap_chi_bo([18, 18, 12], good=10)  # x = 2: both 18s fit
    assert proposal.cap.tied == ()
    assert proposal.member("c0").level is Level.HTXSNV
    assert proposal.member("c1").level is Level.HTXSNV
    assert proposal.member("c2").level is Level.HTTNV


def test_II_B_2_3_a_equal_shares_all_below_the_cut_are_no_tie():
    proposal = _cap_chi_bo([18, 16, 12, 12], good=10)  # x = 2
    assert proposal.cap.tied == ()
    assert [proposal.member(f"c{i}").level for i in range(4)] == [
        Level.HTXSNV,
        Level.HTXSNV,
        Level.HTTNV,
        Level.HTTNV,
    ]


def test_II_B_2_3_a_share_is_the_htxsnv_votes_alone_not_the_cumulative_count():
    tally = {"a": votes(htxsnv=11, httnv=9), "b": votes(htxsnv=12), "c": votes(htxsnv=13)}
    members = [
        member("a"),
        member("b"),
        member("c"),
        *[member(f"h{i:02d}") for i in range(10)],
        *crowd(7),
    ]
    tally.update({f"h{i:02d}": votes(httnv=20) for i in range(10)})
    proposal = run(scenario(members, tally))
    assert proposal.cap.max_excellent == 2
    assert proposal.member("a").level is Level.HTTNV  # fewest HTXSNV votes, most in total


def test_II_B_2_5_chi_bo_truc_thuoc_reports_the_cap_without_lowering():
    proposal = _cap_chi_bo([12, 18, 15], good=10, kind="chi_bo_truc_thuoc")
    assert proposal.cap.binding is False
    assert proposal.cap.max_excellent == 2
    assert [proposal.member(f"c{i}").level for i in range(3)] == [Level.HTXSNV] * 3
    advice = proposal.member("c0").reasons[-1]
    assert (advice.code, advice.section) == ("excellence_cap_advisory", "II.B.2.3.a")
    assert "đảng ủy cơ sở" in advice.message
    assert proposal.totals.htxsnv == 3


def test_II_B_2_5_chi_bo_truc_thuoc_lists_an_advisory_tie_but_keeps_levels():
    proposal = _cap_chi_bo([12, 18, 12], good=10, kind="chi_bo_truc_thuoc")
    assert proposal.cap.tied == ("c0", "c2")
    assert proposal.member("c0").status is MemberStatus.CLASSIFIED
    assert proposal.member("c0").level is Level.HTXSNV
    assert proposal.member("c0").reasons[-1].code == "excellence_cap_advisory_tie"


def test_II_B_2_3_a_constrained_candidates_count_as_httnv_in_the_cap():
    members = [
        member("c0"),
        member("c1", civil_servant_level="HTTNV"),
        member("c2"),
        *[member(f"h{i}") for i in range(4)],
    ]
    tally = {m["id"]: votes(htxsnv=7) for m in members[:3]}
    tally.update({f"h{i}": votes(httnv=7) for i in range(4)})
    proposal = run(scenario(members, tally))
    assert (proposal.cap.candidates, proposal.cap.good) == (2, 5)
    assert proposal.member("c1").level is Level.HTTNV


def test_select_excellent_orders_by_votes_not_input_order():
    selection = select_excellent([Candidate("a", 3), Candidate("b", 9), Candidate("c", 5)], 2)
    assert selection.kept == {"b", "c"} and selection.demoted == {"a"} and not selection.tied
