"""The shapes of the audit's adversarial scenarios, end to end through `classify`: cap
edges, denominators, constraint combinations, chi bộ edges, 366 bands and groups,
follow-ups. Each case is a whole small chi bộ with the result the rules give."""

from __future__ import annotations

from fractions import Fraction

import pytest

from ballot.rules import Level, MemberStatus
from ballot.rules.cap import excellence_cap, largest_within_ratio
from ballot.rules.profiles import get_profile
from tests.rules.rules_builders import crowd, member, run, scenario, votes

H, T, N, K = Level.HTXSNV, Level.HTTNV, Level.HTNV, Level.KHTNV


def cap_case(k: int, h: int, profile: str = "21-HD-2019", **organisation) -> tuple[int, int]:
    """k candidates (HTXSNV, distinct votes), h HTTNV: x and the HTXSNV kept."""
    size = k + h
    ballots = max(size, 1)
    candidates = [member(f"c{i:02d}", score=95) for i in range(k)]
    good = [member(f"h{i:02d}", score=80) for i in range(h)]
    tally = {c["id"]: votes(htxsnv=ballots - i, httnv=i) for i, c in enumerate(candidates)}
    tally.update({g["id"]: votes(httnv=ballots) for g in good})
    data = scenario(
        candidates + good,
        tally,
        profile=profile,
        organisation={"name": "Chi bộ", "kind": "chi_bo_co_so", **organisation},
        settings={"denominator": "ballots"},
    )
    proposal = run(data)
    return proposal.cap.max_excellent, proposal.totals.htxsnv


@pytest.mark.parametrize(
    ("k", "h", "profile", "cap_percent", "x"),
    [
        (1, 4, "21-HD-2019", None, 1),  # dưới 05: one may stay
        (1, 5, "21-HD-2019", None, 1),  # by the ratio: 1 ≤ 0,2 × 5
        (2, 3, "21-HD-2019", None, 1),  # 4 HTTNV once the cap applies: the allowance
        (2, 4, "21-HD-2019", None, 1),  # 5 HTTNV: no allowance, and the ratio gives 1
        (6, 0, "21-HD-2019", None, 1),  # 1 ≤ 0,2 × 5, 2 > 0,2 × 4
        (3, 10, "21-HD-2019", None, 2),
        (2, 3, "366-2025", None, 0),  # no allowance in 366-2025
        (3, 12, "366-2025", 25, 3),  # 25% granted: 3 ≤ 0,25 × 12
        (3, 12, "366-2025", 20, 2),
    ],
)
def test_audit_cap_edges(k, h, profile, cap_percent, x):
    organisation = {"cap_percent": cap_percent} if cap_percent else {}
    assert cap_case(k, h, profile, **organisation) == (x, x)


@pytest.mark.parametrize("ratio", [Fraction(1, 5), Fraction(1, 4)])
def test_audit_fixed_point_by_brute_force_for_every_k_and_h_under_70(ratio):
    rule = get_profile("366-2025").excellence_cap
    from dataclasses import replace

    rule = replace(rule, ratio=ratio)
    for k in range(70):
        for h in range(70):
            expected = max(x for x in range(k + 1) if x <= ratio * (h + k - x))
            assert largest_within_ratio(k, h, rule) == expected, (k, h)
            assert excellence_cap(k, h, rule).max_excellent == expected


def one_member(mode: str, cast: dict[str, int], ballots: int, *others: dict) -> Level | None:
    members = [member("a"), *others]
    data = scenario(members, {"a": cast}, ballots=ballots, settings={"denominator": mode})
    return run(data).member("a").voted_level


@pytest.mark.parametrize(
    ("mode", "cast", "ballots", "others", "level"),
    [
        # 5 full members, one absent with leave (not entitled), one absent without.
        (
            "entitled",
            votes(httnv=2),
            3,
            [{"present": False, "absent_with_leave": True}, {"present": False}, {}, {}],
            None,
        ),  # 2/4
        (
            "entitled",
            votes(httnv=3),
            3,
            [{"present": False, "absent_with_leave": True}, {"present": False}, {}, {}],
            T,
        ),  # 3/4
        ("present", votes(httnv=2), 3, [{"present": False}, {}, {}], T),  # 2/3
        ("ballots", votes(httnv=2), 3, [{}, {}, {}, {}], T),  # 2/3 of the ballots
        ("ballots", votes(httnv=2), 4, [{}, {}, {}, {}], None),  # 2/4: exactly half
        # 6 entitled: HTTNV or better 3/6 is not above half, HTNV or better 4/6 is.
        ("entitled", votes(httnv=3, htnv=1), 5, [{}, {}, {}, {}, {}], N),
    ],
)
def test_audit_denominators(mode, cast, ballots, others, level):
    others = [member(f"o{i}", **facts) for i, facts in enumerate(others)]
    assert one_member(mode, cast, ballots, *others) is level


@pytest.mark.parametrize(
    ("facts", "cast", "level"),
    [
        ({"disciplined_this_year": True, "sick_leave_months": 4}, votes(htxsnv=5), K),
        (
            {"civil_servant_level": "HTNV", "criteria": {"tasks": "TOT", "other": "TOT"}},
            votes(htxsnv=5),
            N,
        ),
        ({"heads_collective_level": "HTTNV", "sick_leave_months": 3}, votes(htxsnv=5), N),
        ({"degradation_concluded": True}, votes(htxsnv=1), K),  # forced even when undetermined
        ({"targets_completed_pct": 50}, votes(htxsnv=5), H),  # 50% is not under 50%
        ({"civil_servant_level": "HTXSNV", "maternity_leave": True}, votes(htxsnv=5), H),
    ],
)
def test_audit_constraint_combinations(facts, cast, level):
    members = [member("t", **facts), *crowd(4)]
    proposal = run(scenario(members, {"t": cast}, kind="chi_bo_truc_thuoc"))
    result = proposal.member("t")
    assert (result.status, result.level) == (MemberStatus.CLASSIFIED, level)


@pytest.mark.parametrize(
    ("levels", "expected"),
    [
        ([T, T, T, T, K], N),  # 1/5 KHTNV = 20%: not above 20%
        ([T, T, T, K], K),  # 1/4 = 25%
        ([H, T, T, T, N], H),  # 4/5 HTTNV or better: 80%
        ([T, T, T, N, N], T),  # 60%
        ([T, N], T),  # 1/2: from 50%
        ([T, N, N], N),  # 1/3
    ],
)
def test_audit_chi_bo_edges(levels, expected):
    members = crowd(len(levels))
    count = len(levels)
    tally = {m["id"]: votes(**{lv.value.lower(): count}) for m, lv in zip(members, levels, strict=True)}
    assert (
        run(scenario(members, tally, kind="chi_bo_truc_thuoc")).organisation.max_level is expected
    )


@pytest.mark.parametrize(
    ("score", "level"),
    [(90, H), (89.9, T), (70, T), (69.9, N), (50, N), (49.9, K), ({"general": 30, "tasks": 60}, H)],
)
def test_audit_366_score_bands(score, level):
    members = [member("t", score=score, tasks_exceeded_pct=40), *crowd(4)]
    data = scenario(members, {"t": votes(htxsnv=5)}, kind="chi_bo_truc_thuoc", profile="366-2025")
    assert run(data).member("t").level is level


def test_audit_366_groups_cap_separately_with_a_default_group():
    members = [member(f"g{i}", cap_group="Giáo viên", score=95) for i in range(6)]
    members += [member(f"d{i}", score=95) for i in range(6)]
    tally = {m["id"]: votes(httnv=12) for m in members}
    tally.update({"g0": votes(htxsnv=12), "d0": votes(htxsnv=12), "d1": votes(htxsnv=11, httnv=1)})
    proposal = run(scenario(members, tally, profile="366-2025"))
    groups = {g.group: (g.candidates, g.good, g.max_excellent) for g in proposal.cap.groups}
    assert groups == {"Giáo viên": (1, 5, 1), None: (2, 4, 1)}
    assert proposal.member("d1").level is T


@pytest.mark.parametrize(
    ("followup", "expected"),
    [
        (
            {"B": votes(htxsnv=11, httnv=1), "C": votes(htxsnv=10, httnv=2)},
            {"A": H, "B": H, "C": T},
        ),
        (
            {"B": votes(htxsnv=10, httnv=2), "C": votes(htxsnv=10, httnv=2)},
            {"A": H, "B": None, "C": None},
        ),
        ({"B": votes(httnv=12), "C": votes(htxsnv=12)}, {"A": H, "B": T, "C": H}),
    ],
)
def test_audit_followups_decide_only_the_members_they_asked(followup, expected):
    members = [member("A"), member("B"), member("C"), *crowd(9)]
    main = {
        "A": votes(htxsnv=10, httnv=2),
        "B": votes(htxsnv=9, httnv=3),
        "C": votes(htxsnv=9, httnv=3),
    }
    main.update({f"x{i:02d}": votes(httnv=12) for i in range(9)})
    data = scenario(members, main, ballots=12, followups=[{"ballots": 12, "votes": followup}])
    proposal = run(data)
    assert {m: proposal.member(m).level for m in "ABC"} == expected
