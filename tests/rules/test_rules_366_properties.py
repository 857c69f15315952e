"""Hypothesis properties of profile 366-2025, the 21-HD-2019 properties reused for it:
constraints never raise a level (nor raise at all), the cap is never exceeded within
any cap group, member order changes nothing; and 21-HD-2019 ignores the new fields."""

from __future__ import annotations

import copy
import math
from fractions import Fraction
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from test_rules_properties import PROPERTY_SETTINGS, THRESHOLDS, rarely, vote_counts
from test_rules_properties import scenarios as scenarios_21_hd

from ballot.rules import Level, MemberStatus, parse_scenario, proposal_to_dict
from ballot.rules.profiles.qd366_2025 import member_caps
from tests.rules.rules_builders import member, run, scenario

ARCHETYPES_366: list[dict[str, Any]] = [
    *[{}] * 6,
    *[{"score": s} for s in (100, 95, 90, 89.9, 80, 70, 69.9, 55, 50, 49.9, 20)],
    {"score": {"general": 30, "tasks": 60}},
    {"score": {"general": 25, "tasks": 70}},
    {
        "tasks_completed_pct": 100,
        "tasks_exceeded_pct": 30,
        "tasks_behind_schedule_pct": 0,
        "earlier_shortcomings_fixed": True,
    },
    {"tasks_exceeded_pct": 29.9},
    {"earlier_shortcomings_fixed": False},
    {"tasks_behind_schedule_pct": 20},
    {"tasks_behind_schedule_pct": 20.1},
    {"tasks_completed_pct": 80},
    {"tasks_completed_pct": 49.9},
    {"tasks_failed_pct": 50},
    {"tasks_failed_pct": 50.1},
    *[{"discipline": d} for d in ("khien_trach", "canh_cao", "cach_chuc", "khai_tru")],
    {"disciplined_this_year": True},
    {"degradation_concluded": True},
    {"targets_completed_pct": 40},
    {"sick_leave_months": 4},
    {"maternity_leave": True},
    {"civil_servant_level": "KHTNV"},
    {"status": "du_bi", "admitted_on": "2026-06-15"},
    {"status": "du_bi", "admitted_on": "2026-06-16"},
    {"present": False},
    {"present": False, "absent_with_leave": True},
    {"exempt": True},
    {"suspended": True},
]
GROUPS = [None, None, "Lãnh đạo", "Chuyên viên", "Phân xưởng"]

_ARCHETYPE = st.sampled_from(ARCHETYPES_366)
_GROUP = st.sampled_from(GROUPS)
_FEW = st.integers(0, 2)


@st.composite
def member_dicts_366(draw, index: int) -> dict[str, Any]:
    facts = dict(draw(_ARCHETYPE))
    if rarely(draw, 4):
        facts.update(draw(_ARCHETYPE))
    if "tasks_completed_pct" in facts and "tasks_failed_pct" in facts:
        del facts["tasks_failed_pct"]
    if facts.get("absent_with_leave"):
        facts["present"] = False
    group = draw(_GROUP)
    if group is not None:
        facts["cap_group"] = group
    return member(f"m{index:02d}", **facts)


@st.composite
def scenarios_366(draw, max_members: int = 25) -> dict[str, Any]:
    size = draw(st.integers(1, max_members))
    members = [draw(member_dicts_366(i)) for i in range(size)]
    voters = sum(
        1
        for m in members
        if m["status"] == "chinh_thuc"
        and m.get("present", True)
        and not m.get("exempt")
        and not m.get("suspended")
    )
    ballots = draw(st.integers(0, voters)) if rarely(draw, 4) else max(0, voters - draw(_FEW))
    tally = {m["id"]: draw(vote_counts(ballots)) for m in members if not rarely(draw, 6)}
    organisation = {
        "name": "Chi bộ Thử nghiệm",
        "kind": draw(st.sampled_from(["chi_bo_co_so", "chi_bo_truc_thuoc"])),
    }
    percent = draw(st.sampled_from([None, 20, 25]))
    if percent is not None:
        organisation["cap_percent"] = percent
    return scenario(
        members,
        tally,
        ballots=ballots,
        profile="366-2025",
        organisation=organisation,
        settings={
            "denominator": draw(st.sampled_from(["entitled", "present", "ballots"])),
            "thresholds": draw(st.sampled_from(THRESHOLDS)),
        },
    )


@PROPERTY_SETTINGS
@given(scenarios_366())
def test_366_final_level_never_above_the_vote_nor_any_constraint(data):
    parsed = parse_scenario(data)
    proposal = run(data)  # never raises
    for facts, result in zip(parsed.members, proposal.members, strict=True):
        if result.level is None:
            continue
        if result.voted_level is not None:
            assert result.level <= result.voted_level
        else:
            assert result.level is Level.KHTNV
        for cap in member_caps(facts):
            assert result.level <= cap.level
        for reason in result.reasons:
            assert reason.section and reason.message


@PROPERTY_SETTINGS
@given(scenarios_366())
def test_366_khoan_1_5_cap_is_never_exceeded_within_any_group(data):
    data["organisation"]["kind"] = "chi_bo_co_so"
    parsed = parse_scenario(data)
    proposal = run(data)
    ratio = Fraction(parsed.organisation.cap_percent or 20, 100)
    group_of = {m.id: m.cap_group for m in parsed.members}
    assert {g.group for g in proposal.cap.groups} == set(group_of.values())
    for group in proposal.cap.groups:
        members = [r for r in proposal.members if group_of[r.id] == group.group]
        excellent = sum(1 for r in members if r.level is Level.HTXSNV)
        k, h, x = group.candidates, group.good, group.max_excellent
        assert x == min(k, math.floor(ratio * (h + k) / (1 + ratio)))  # no small exception
        assert x <= ratio * (h + k - x)
        assert excellent <= x <= k
        if k and not group.tied:
            assert excellent == x
        if group.tied:
            assert excellent < x < excellent + len(group.tied)
            assert all(proposal.member(i).status is MemberStatus.TIE for i in group.tied)
    cap = proposal.cap
    assert cap.candidates == sum(g.candidates for g in cap.groups)
    assert cap.max_excellent == sum(g.max_excellent for g in cap.groups)
    assert set(cap.tied) == {i for g in cap.groups for i in g.tied}


@PROPERTY_SETTINGS
@given(data=scenarios_366(), seed=st.randoms(use_true_random=False))
def test_366_shuffling_member_order_changes_no_result(data, seed):
    shuffled = copy.deepcopy(data)
    seed.shuffle(shuffled["members"])
    original, reordered = run(data), run(shuffled)
    assert {r.id: r for r in original.members} == {r.id: r for r in reordered.members}
    assert original.totals == reordered.totals
    assert original.organisation == reordered.organisation
    assert [
        (g.group, g.candidates, g.good, g.max_excellent, set(g.tied)) for g in original.cap.groups
    ] == [
        (g.group, g.candidates, g.good, g.max_excellent, set(g.tied)) for g in reordered.cap.groups
    ]


_NEW_FACTS = st.fixed_dictionaries(
    {},
    optional={
        "score": st.one_of(
            st.integers(0, 100),
            st.fixed_dictionaries({"general": st.integers(0, 30), "tasks": st.integers(0, 70)}),
        ),
        "tasks_completed_pct": st.integers(0, 50),
        "tasks_exceeded_pct": st.integers(0, 100),
        "tasks_behind_schedule_pct": st.integers(0, 100),
        "tasks_failed_pct": st.integers(0, 50),
        "earlier_shortcomings_fixed": st.booleans(),
        "discipline": st.sampled_from(["khien_trach", "canh_cao", "cach_chuc", "khai_tru"]),
        "cap_group": st.sampled_from(["A", "B", "Lãnh đạo"]),
    },
)


@PROPERTY_SETTINGS
@given(data=scenarios_21_hd(), extra=st.data())
def test_21_hd_2019_ignores_the_new_fields(data, extra):
    changed = copy.deepcopy(data)
    for item in changed["members"]:
        item.update(extra.draw(_NEW_FACTS))
    changed["organisation"]["cap_percent"] = extra.draw(st.sampled_from([20, 25]))
    assert proposal_to_dict(run(changed)) == proposal_to_dict(run(data))
