"""The đảng ủy cơ sở's step (docs/rules.md, “Giới hạn trên toàn đảng bộ”): the cap on
excellence across the whole đảng bộ (21-HD II.B.2.3.a, II.B.6), the organisations' cap
(II.B.1.3), ties flagged, a chi bộ's second bundle merged; pure, no database."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ballot.rules.committee import (
    CONFLICT,
    TIE,
    BranchBundle,
    Decision,
    ProposedMember,
    apply_decisions,
    committee_proposal,
    merge_bundles,
    totals,
)
from ballot.rules.levels import Level

X, T, N = Level.HTXSNV, Level.HTTNV, Level.HTNV


def member(member_id, level, share=0, status="classified", group=None):
    return ProposedMember(member_id, f"Đồng chí {member_id}", status,
                          level if status == "classified" else None, F(share), cap_group=group)


def bundle(name, members, level=None, share=0, digest=None):
    return BranchBundle(name, digest or f"hash-{name}", tuple(members), level, F(share))


def good(prefix, count):
    return [member(f"{prefix}-g{i}", T) for i in range(count)]


def propose(*bundles, profile="21-HD-2019", percent=20):
    return committee_proposal(merge_bundles(bundles), profile, percent=percent)


def outcome(proposal, key):
    return next(m for m in proposal.members if m.key == key)


def test_the_cap_is_counted_across_the_dang_bo_not_inside_each_chi_bo():
    # Inside A alone (1 HTXSNV, 1 HTTNV) the "dưới 05" allowance would keep a1; across
    # the đảng bộ: k = 3, h = 9, x = floor(0.2 × 12 / 1.2) = 2: the lowest share goes.
    p = propose(
        bundle("A", [member("a1", X, F(3, 4)), *good("a", 1)]),
        bundle("B", [member("b1", X, F(2, 3)), member("b2", X, F(1, 2)), *good("b", 8)]),
    )
    assert (p.cap.candidates, p.cap.good, p.cap.max_excellent) == (3, 9, 2)
    assert outcome(p, "A:a1").level is X and outcome(p, "B:b1").level is X
    demoted = outcome(p, "B:b2")
    assert demoted.level is T and demoted.proposed_level is X
    assert demoted.reasons[-1].code == "committee_cap_exceeded"
    assert demoted.reasons[-1].section == "II.B.2.3.a"
    assert "x ≤ 20% × (h + k − x) là 2" in demoted.reasons[-1].message
    assert totals(p)["HTXSNV"] == 2 and totals(p)["HTTNV"] == 10


def test_a_tie_at_the_boundary_across_two_chi_bo_is_flagged_never_broken():
    p = propose(
        bundle("A", [member("a1", X, F(3, 4)), member("a2", X, F(1, 2)), *good("a", 4)]),
        bundle("B", [member("b1", X, F(2, 4)), *good("b", 5)]),  # 2/4 = 1/2: equal shares
    )
    assert p.cap.max_excellent == 2  # floor(0.2 × 12 / 1.2)
    assert p.tied == ("A:a2", "B:b1")
    for key in p.tied:
        tied = outcome(p, key)
        assert tied.status == TIE and tied.level is None
        assert tied.reasons[-1].code == "committee_cap_tie"
        assert "chỉ còn 1 suất" in tied.reasons[-1].message
    assert p.caps[0].open_seats == 1


def test_II_B_6_fewer_than_five_good_across_the_dang_bo_still_allows_one():
    p = propose(bundle("A", [member("a1", X, 1), member("a2", X, F(1, 2)), *good("a", 2)]))
    assert p.cap.by_ratio == 0 and p.cap.max_excellent == 1 and p.cap.small_exception
    kept = outcome(p, "A:a1")
    assert kept.level is X and kept.reasons[-1].section == "II.B.6"
    assert "dưới 05" in kept.reasons[-1].message


def test_the_small_exception_is_the_dang_bo_s_not_each_chi_bo_s():
    # Each chi bộ has fewer than 5 HTTNV, the đảng bộ has 12: no allowance, x = 0.
    p = propose(*(bundle(name, [member(f"{name}1", X, 1), *good(name, 3)]) for name in "ABCD"))
    assert (p.cap.candidates, p.cap.good) == (4, 12)
    assert p.cap.max_excellent == 2 and not p.cap.small_exception  # floor(0.2 × 16 / 1.2)
    assert len(p.tied) == 4  # all four at 100%: two seats, the đảng ủy decides


def test_366_within_groups_across_the_dang_bo_with_the_raised_percent():
    leaders = [member(f"l{i}", X, F(9 - i, 10), group="lãnh đạo") for i in range(3)]
    staff = [member(f"s{i}", T, group="lãnh đạo") for i in range(5)]
    p = propose(bundle("A", leaders[:2] + staff[:3]), bundle("B", leaders[2:] + staff[3:]),
                profile="366-2025", percent=25)
    # k = 3, h = 5 in the group: x = floor(0.25 × 8 / 1.25) = 1.
    assert [c.group for c in p.caps] == ["lãnh đạo"]
    assert p.cap.max_excellent == 1
    assert outcome(p, "A:l0").level is X and outcome(p, "A:l1").level is T
    assert outcome(p, "A:l1").reasons[-1].section == "QĐ 366 khoản 1.5"
    assert "25%" in outcome(p, "A:l1").reasons[-1].message
    with pytest.raises(ValueError):
        propose(bundle("A", leaders), percent=25)  # 21-HD-2019 fixes 20%


def test_the_organisations_cap_II_B_1_3():
    # Six chi bộ: 3 HTXSNV, 3 HTTNV: x = floor(0.2 × 6 / 1.2) = 1; the highest share stays.
    branches = [bundle(f"C{i}", good(f"c{i}", 1), X, F(5 + i, 10)) for i in range(3)]
    branches += [bundle(f"D{i}", good(f"d{i}", 1), T) for i in range(3)]
    p = propose(*branches)
    cap = p.organisations_cap
    assert (cap.arithmetic.candidates, cap.arithmetic.good, cap.arithmetic.max_excellent) == (3, 3, 1)
    levels = {b.name: b.level for b in p.branches}
    assert levels["C2"] is X and levels["C0"] is T and levels["C1"] is T
    assert next(b for b in p.branches if b.name == "C0").reasons[0].section == "II.B.1.3"


def test_the_organisations_cap_flags_a_tie():
    p = propose(*(bundle(f"C{i}", good(f"c{i}", 1), X, F(2, 3)) for i in range(2)),
                *(bundle(f"D{i}", good(f"d{i}", 1), T) for i in range(9)))
    # k = 2, h = 9: x = floor(0.2 × 11 / 1.2) = 1; both at 2/3.
    assert p.organisations_cap.tied == ("C0", "C1")
    assert all(b.level is None for b in p.branches if b.name in ("C0", "C1"))


def test_a_second_bundle_adds_the_members_absent_from_the_first():
    first = bundle("A", [member("a1", T), member("a2", None, status="absent")], T, digest="h1")
    second = bundle("A", [member("a2", X, 1)], None, digest="h2")
    [merged] = merge_bundles([first, second])
    assert merged.bundles == ("h1", "h2") and not merged.conflicts
    assert [(m.id, m.status, m.bundle) for m in merged.members] == [
        ("a1", "classified", "h1"), ("a2", "classified", "h2")]
    assert merged.level is T  # the chi bộ's own vote stands from the bundle that held it


def test_a_member_assessed_in_two_bundles_is_a_conflict_not_resolved():
    first = bundle("A", [member("a1", T), *good("x", 5)], digest="h1")
    second = bundle("A", [member("a1", X, 1)], digest="h2")
    p = propose(first, second)
    conflicted = outcome(p, "A:a1")
    assert conflicted.status == CONFLICT and conflicted.level is None
    assert p.conflicts[0].bundles == ("h1", "h2")
    assert p.cap.candidates == 0  # neither bundle's level is taken silently


def test_decisions_are_the_levels_and_cite_the_dang_uy():
    p = propose(bundle("A", [member("a1", X, F(1, 2)), member("a2", X, F(1, 2)), *good("a", 4)]))
    assert p.tied == ("A:a1", "A:a2")
    decided = apply_decisions(
        p,
        {"A:a1": Decision("A:a1", X, "Nghị quyết đảng ủy"),
         "A:a2": Decision("A:a2", T, "Bằng phiếu; đảng ủy chọn đồng chí a1")},
        {"A": Decision("A", T, "")},
    )
    assert outcome(decided, "A:a1").level is X and outcome(decided, "A:a1").decided
    assert outcome(decided, "A:a2").reasons[-1].code == "committee_decision"
    assert "Bằng phiếu" in outcome(decided, "A:a2").reasons[-1].message
    assert decided.branches[0].level is T and decided.branches[0].decided


# --- properties --------------------------------------------------------------------

levels = st.sampled_from([X, T, N, Level.KHTNV])
shares = st.fractions(min_value=0, max_value=1, max_denominator=12)
members = st.lists(st.tuples(levels, shares, st.sampled_from(["classified", "absent"])),
                   min_size=1, max_size=12)
branches = st.lists(st.tuples(members, st.sampled_from([X, T, N, None]), shares),
                    min_size=1, max_size=6)


def build(data):
    return [
        bundle(f"C{b}", [member(f"m{i}", lv, sh, status) for i, (lv, sh, status) in enumerate(ms)],
               own, own_share)
        for b, (ms, own, own_share) in enumerate(data)
    ]


@settings(max_examples=200, deadline=None)
@given(branches)
def test_property_the_cap_holds_and_never_raises_or_breaks_a_tie(data):
    p = propose(*build(data))
    [cap] = p.caps
    a = cap.arithmetic
    assert len(cap.kept) + len(cap.tied) + len(cap.demoted) == a.candidates
    assert len(cap.kept) <= a.max_excellent
    assert len(cap.kept) + (cap.open_seats if cap.tied else 0) <= a.max_excellent
    if not cap.tied:
        assert len(cap.kept) == min(a.max_excellent, a.candidates)
    # x ≤ 20% of the HTTNV once the demoted are HTTNV, unless II.B.6's allowance.
    if not a.small_exception:
        assert 5 * a.max_excellent <= a.good + a.candidates - a.max_excellent
    share = {m.key: m.excellent_share for m in p.members}
    for kept in cap.kept:
        assert all(share[kept] > share[other] for other in (*cap.tied, *cap.demoted))
    assert len({share[key] for key in cap.tied}) <= 1
    assert len(cap.tied) != 1
    for m in p.members:
        if m.level is not None and m.proposed_level is not None:
            assert m.level <= m.proposed_level
    assert sum(v for k, v in totals(p).items() if k in ("HTXSNV", "HTTNV", "HTNV", "KHTNV")) \
        == totals(p)["classified"]


@settings(max_examples=100, deadline=None)
@given(branches, st.randoms(use_true_random=False))
def test_property_the_order_of_the_chi_bo_changes_nothing(data, rng):
    built = build(data)
    shuffled = list(built)
    rng.shuffle(shuffled)
    p, q = propose(*built), propose(*shuffled)
    assert {m.key: (m.status, m.level) for m in p.members} == \
        {m.key: (m.status, m.level) for m in q.members}
    assert {b.name: b.level for b in p.branches} == {b.name: b.level for b in q.branches}
    assert p.cap == q.cap


@settings(max_examples=100, deadline=None)
@given(branches)
def test_property_one_chi_bo_alone_gets_the_chi_bo_engine_s_arithmetic(data):
    from ballot.rules.cap import excellence_cap
    from ballot.rules.profiles.hd21_2019 import PROFILE

    [only] = build(data[:1])
    p = propose(only)
    k = sum(1 for m in only.members if m.status == "classified" and m.level is X)
    h = sum(1 for m in only.members if m.status == "classified" and m.level is T)
    assert p.cap == excellence_cap(k, h, PROFILE.excellence_cap)
