"""Hypothesis properties of the engine."""

from __future__ import annotations

import copy
from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballot.rules import Level, MemberStatus, parse_scenario
from ballot.rules.profiles.hd21_2019 import member_caps
from tests.rules.rules_builders import member, run, scenario

LEVELS = ["HTXSNV", "HTTNV", "HTNV", "KHTNV"]
CONSTRAINT_FACTS = {
    "disciplined_this_year": False,
    "degradation_concluded": False,
    "targets_completed_pct": 100,
    "sick_leave_months": 0,
    "civil_servant_level": None,
    "criteria": None,
    "heads_collective_level": None,
}
THRESHOLDS = [{}, {"HTXSNV": 0.6667}, {"HTXSNV": 0.6, "HTTNV": 0.55}, {"HTXSNV": 0.75}]

PROPERTY_SETTINGS = settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


_ONE_IN = {n: st.integers(0, n - 1) for n in (4, 6)}


def rarely(draw, one_in: int) -> bool:
    return draw(_ONE_IN[one_in]) == 0


# One or two of these per member: few draws keep generation fast, and merging two
# gives members with several facts at once.
ARCHETYPES: list[dict[str, Any]] = [
    *[{}] * 12,
    {"status": "du_bi", "admitted_on": "2025-10-01"},
    {"status": "du_bi", "admitted_on": "2026-06-15"},  # exactly six months
    {"status": "du_bi", "admitted_on": "2026-06-16"},  # one day short
    {"present": False},
    {"present": False, "absent_with_leave": True},
    {"exempt": True},
    {"suspended": True},
    {"disciplined_this_year": True},
    {"degradation_concluded": True},
    {"targets_completed_pct": 49},
    {"targets_completed_pct": 50},
    {"sick_leave_months": 3},
    {"sick_leave_months": 2},
    {"maternity_leave": True},
    *[{"civil_servant_level": level} for level in LEVELS],
    *[{"heads_collective_level": level} for level in LEVELS],
    {"criteria": {"tasks": "XUAT_SAC", "other": "TOT"}},
    {"criteria": {"tasks": "TOT", "other": "TOT"}},
    {"criteria": {"tasks": "TRUNG_BINH", "other": "XUAT_SAC"}},
    {"criteria": {"tasks": "TOT", "other": "KEM"}},
]


_ARCHETYPE = st.sampled_from(ARCHETYPES)
_LEVEL_ORDER = st.permutations(LEVELS)


@st.composite
def member_dicts(draw, index: int) -> dict[str, Any]:
    facts = dict(draw(_ARCHETYPE))
    if rarely(draw, 4):
        facts.update(draw(_ARCHETYPE))
    if facts.get("absent_with_leave"):
        facts["present"] = False
    return member(f"m{index:02d}", **facts)


_LEAD_LEVEL = st.sampled_from(["HTXSNV", "HTXSNV", "HTTNV", "HTTNV", "HTNV", "KHTNV"])
_FEW = st.integers(0, 2)


@st.composite
def vote_counts(draw, ballots: int) -> dict[str, int]:
    """Votes summing to at most `ballots`: usually one level leads, as in real meetings."""
    lead = draw(_LEAD_LEVEL)
    low = 0 if rarely(draw, 4) else ballots // 2
    counts = {level: 0 for level in LEVELS}
    counts[lead] = draw(st.integers(low, ballots))
    remaining = ballots - counts[lead]
    for level in draw(_LEVEL_ORDER):
        if level != lead:
            counts[level] = draw(st.integers(0, remaining))
            remaining -= counts[level]
    return counts


@st.composite
def scenarios(draw, max_members: int = 25) -> dict[str, Any]:
    size = draw(st.integers(1, max_members))
    members = [draw(member_dicts(i)) for i in range(size)]
    voters = sum(
        1
        for m in members
        if m["status"] == "chinh_thuc"
        and m.get("present", True)
        and not m.get("exempt")
        and not m.get("suspended")
    )
    # Usually nearly every voter hands in a ballot; sometimes far fewer.
    ballots = draw(st.integers(0, voters)) if rarely(draw, 4) else max(0, voters - draw(_FEW))
    tally = {m["id"]: draw(vote_counts(ballots)) for m in members if not rarely(draw, 6)}
    return scenario(
        members,
        tally,
        ballots=ballots,
        kind=draw(st.sampled_from(["chi_bo_co_so", "chi_bo_truc_thuoc"])),
        settings={
            "denominator": draw(st.sampled_from(["entitled", "present", "ballots"])),
            "thresholds": draw(st.sampled_from(THRESHOLDS)),
        },
    )


def without_constraints(data: dict[str, Any]) -> dict[str, Any]:
    plain = copy.deepcopy(data)
    for m in plain["members"]:
        m.update(CONSTRAINT_FACTS)
    return plain


def by_id(proposal):
    return {r.id: r for r in proposal.members}


# --- constraints only ever lower --------------------------------------------------------------


@PROPERTY_SETTINGS
@given(scenarios())
def test_II_B_2_3_final_level_never_above_the_vote_nor_any_constraint(data):
    parsed = parse_scenario(data)
    proposal = run(data)
    for facts, result in zip(parsed.members, proposal.members, strict=True):
        if result.level is None:
            continue
        if result.voted_level is not None:
            assert result.level <= result.voted_level
        else:  # classified without a determined vote: only a constraint to KHTNV does that
            assert result.level is Level.KHTNV
        for cap in member_caps(facts):
            assert result.level <= cap.level


@PROPERTY_SETTINGS
@given(scenarios())
def test_II_B_2_3_adding_constraints_never_raises_anyone_where_the_cap_is_advice(data):
    data["organisation"]["kind"] = "chi_bo_truc_thuoc"
    constrained = by_id(run(data))
    plain = by_id(run(without_constraints(data)))
    for member_id, result in constrained.items():
        unconstrained = plain[member_id]
        if result.level is not None and unconstrained.level is not None:
            assert result.level <= unconstrained.level
        if unconstrained.level is None and result.level is not None:
            assert result.level is Level.KHTNV  # forced over an undetermined vote


# --- the cap --------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(scenarios())
def test_II_B_2_3_a_binding_cap_is_never_exceeded_and_keeps_a_qualified_candidate(data):
    data["organisation"]["kind"] = "chi_bo_co_so"
    proposal = run(data)
    cap = proposal.cap
    excellent = proposal.totals.htxsnv
    final_good = cap.good + cap.candidates - cap.max_excellent
    assert excellent <= cap.max_excellent <= cap.candidates
    assert cap.max_excellent <= Fraction(1, 5) * final_good or (
        cap.max_excellent == 1 and final_good < 5  # II.B.6
    )
    if cap.candidates and not cap.tied:
        assert excellent == cap.max_excellent >= 1
    if cap.tied:
        assert excellent < cap.max_excellent < excellent + len(cap.tied)
        assert all(proposal.member(i).status is MemberStatus.TIE for i in cap.tied)


@PROPERTY_SETTINGS
@given(
    excellent_votes=st.lists(st.integers(6, 9), min_size=1, max_size=12),
    good=st.integers(0, 30),
)
def test_II_B_2_3_a_kept_candidates_outvote_every_demoted_one(excellent_votes, good):
    """Close HTXSNV counts out of 10 ballots, so that ties at the cut are frequent."""
    candidates = [member(f"c{i:02d}") for i in range(len(excellent_votes))]
    others = [member(f"g{i:02d}") for i in range(good)]
    voters = [member(f"v{i:02d}") for i in range(max(0, 10 - len(candidates) - good))]
    tally = {f"c{i:02d}": {"HTXSNV": n, "HTTNV": 10 - n} for i, n in enumerate(excellent_votes)}
    tally.update({m["id"]: {"HTTNV": 10} for m in others})
    data = scenario(
        candidates + others + voters, tally, ballots=10, settings={"denominator": "ballots"}
    )
    proposal = run(data)
    results = [proposal.member(m["id"]) for m in candidates]
    kept = [r.votes.htxsnv for r in results if r.level is Level.HTXSNV]
    tied = [r.votes.htxsnv for r in results if r.status is MemberStatus.TIE]
    demoted = [r.votes.htxsnv for r in results if r.level is Level.HTTNV]
    assert len(kept) + len(tied) + len(demoted) == len(candidates)
    assert len(kept) <= proposal.cap.max_excellent
    if kept and demoted:
        assert min(kept) > max(demoted)
    if tied:
        assert len(set(tied)) == 1
        assert all(k > tied[0] for k in kept) and all(d < tied[0] for d in demoted)
        assert len(kept) < proposal.cap.max_excellent < len(kept) + len(tied)
    else:
        assert len(kept) == proposal.cap.max_excellent


@PROPERTY_SETTINGS
@given(scenarios())
def test_II_B_2_5_chi_bo_truc_thuoc_advisory_cap_lowers_nobody(data):
    data["organisation"]["kind"] = "chi_bo_truc_thuoc"
    proposal = run(data)
    assert proposal.cap.binding is False
    assert proposal.totals.htxsnv == proposal.cap.candidates
    assert all(r.status is not MemberStatus.TIE for r in proposal.members)


# --- counting ---------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(
    level=st.sampled_from(LEVELS),
    voters=st.integers(1, 30),
    denominator=st.sampled_from(["entitled", "present", "ballots"]),
    thresholds=st.sampled_from(THRESHOLDS),
)
def test_counting_unanimous_vote_gives_that_level(level, voters, denominator, thresholds):
    members = [member(f"v{i:02d}") for i in range(voters)]
    data = scenario(
        members,
        {"v00": {level: voters}},
        kind="chi_bo_truc_thuoc",
        settings={"denominator": denominator, "thresholds": thresholds},
    )
    result = run(data).member("v00")
    assert result.voted_level is Level(level)
    assert result.level is Level(level)


@PROPERTY_SETTINGS
@given(st.lists(st.sampled_from(LEVELS), min_size=1, max_size=41))
def test_counting_half_threshold_on_ballots_is_the_median_ballot(ballot_marks):
    members = [member(f"v{i:02d}") for i in range(len(ballot_marks))]
    counts = {level: ballot_marks.count(level) for level in LEVELS}
    data = scenario(
        members, {"v00": counts}, kind="chi_bo_truc_thuoc", settings={"denominator": "ballots"}
    )
    ordered = sorted((Level(mark) for mark in ballot_marks), reverse=True)
    assert run(data).member("v00").voted_level is ordered[len(ordered) // 2]


# --- order does not matter --------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(data=scenarios(), seed=st.randoms(use_true_random=False))
def test_shuffling_member_order_changes_no_result(data, seed):
    shuffled = copy.deepcopy(data)
    seed.shuffle(shuffled["members"])
    vote_items = list(shuffled["tally"]["votes"].items())
    seed.shuffle(vote_items)
    shuffled["tally"]["votes"] = dict(vote_items)
    original, reordered = run(data), run(shuffled)
    assert by_id(original) == by_id(reordered)
    assert original.totals == reordered.totals
    assert original.organisation == reordered.organisation
    assert original.denominator == reordered.denominator
    assert set(original.cap.tied) == set(reordered.cap.tied)
    assert (original.cap.candidates, original.cap.good, original.cap.max_excellent) == (
        reordered.cap.candidates,
        reordered.cap.good,
        reordered.cap.max_excellent,
    )
