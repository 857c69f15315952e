"""Follow-up rounds decide only what they asked (docs/rules.md, “Vòng bỏ phiếu bổ sung”;
the cap of II.B.2.3.a and QĐ 366 khoản 1.5 across rounds)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ballot.rules import Level, MemberStatus
from tests.rules.rules_builders import crowd, member, run, scenario, votes

PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def cap_chi_bo(excellent: dict[str, int], good: int, ballots: int = 12, **top: Any) -> dict:
    """Candidates with these HTXSNV votes (the rest HTTNV) and `good` members voted HTTNV."""
    candidates = [member(mid) for mid in excellent]
    tally = {mid: votes(htxsnv=n, httnv=ballots - n) for mid, n in excellent.items()}
    others = crowd(good)
    tally.update({m["id"]: votes(httnv=ballots) for m in others})
    return scenario(candidates + others, tally, ballots=ballots, **top)


def state(proposal, member_id: str) -> tuple[MemberStatus, Level | None]:
    result = proposal.member(member_id)
    return result.status, result.level


# --- the audit's case -------------------------------------------------------------------


def test_II_B_2_3_a_followup_on_a_tie_keeps_the_member_kept_by_the_main_round():
    main = cap_chi_bo({"A": 10, "B": 9, "C": 9}, good=9)
    before = run(main)
    assert before.cap.max_excellent == 2
    assert state(before, "A") == (MemberStatus.CLASSIFIED, Level.HTXSNV)
    assert before.cap.tied == ("B", "C")
    followup = {
        "ballots": 12,
        "votes": {"B": votes(htxsnv=11, httnv=1), "C": votes(htxsnv=10, httnv=2)},
    }
    after = run({**main, "followups": [followup]})
    assert state(after, "A") == (MemberStatus.CLASSIFIED, Level.HTXSNV)
    assert state(after, "B") == (MemberStatus.CLASSIFIED, Level.HTXSNV)
    assert state(after, "C") == (MemberStatus.CLASSIFIED, Level.HTTNV)
    assert after.cap.tied == ()
    assert (after.member("A").round, after.member("B").round) == (0, 1)
    kept = after.member("B").reasons[-1]
    assert kept.code == "within_excellence_cap"
    assert "1 đồng chí đã được giữ ở vòng trước, vòng này còn 1 suất" in kept.message
    assert after.member("A").reasons == before.member("A").reasons  # untouched


def test_II_B_2_3_a_followup_tie_again_stays_a_tie_for_the_meeting():
    main = cap_chi_bo({"A": 10, "B": 9, "C": 9}, good=9)
    again = {
        "ballots": 12,
        "votes": {"B": votes(htxsnv=10, httnv=2), "C": votes(htxsnv=10, httnv=2)},
    }
    after = run({**main, "followups": [again]})
    assert after.cap.tied == ("B", "C")
    assert state(after, "A") == (MemberStatus.CLASSIFIED, Level.HTXSNV)


def test_II_B_2_3_a_a_tied_member_left_out_of_the_followup_stays_tied_and_is_named():
    main = cap_chi_bo({"A": 10, "B": 9, "C": 9, "D": 9}, good=8)
    assert run(main).cap.tied == ("B", "C", "D")
    partial = {
        "ballots": 12,
        "votes": {"B": votes(htxsnv=11, httnv=1), "C": votes(htxsnv=10, httnv=2)},
    }
    after = run({**main, "followups": [partial]})
    assert state(after, "D") == (MemberStatus.TIE, None)
    note = next(r for r in after.member("B").reasons if r.code == "excellence_cap_tie_not_asked")
    assert after.member("D").name in note.message


def test_II_B_2_3_a_followup_that_lowers_h_leaves_earlier_decisions_and_says_so():
    main = cap_chi_bo({"A": 11, "B": 10, "C": 6}, good=12, ballots=12)
    before = run(main)
    assert before.cap.max_excellent == 2  # k = 3, h = 12
    lowered = {f"x{i:02d}": votes(htnv=12) for i in range(6)}  # six HTTNV now HTNV
    after = run({**main, "followups": [{"ballots": 12, "votes": lowered}]})
    assert after.cap.max_excellent == 1  # k = 3, h = 6
    for kept in ("A", "B"):
        assert state(after, kept) == (MemberStatus.CLASSIFIED, Level.HTXSNV)
        codes = [r.code for r in after.member(kept).reasons]
        assert "excellence_cap_exceeded_after_followup" in codes


def test_followup_decides_an_undetermined_member_with_the_seats_left():
    main = cap_chi_bo({"A": 10}, good=9, ballots=11)
    main["members"].append(member("u"))
    main["tally"]["votes"]["u"] = votes(htxsnv=3, httnv=2)  # 5 of 11: undetermined
    assert run(main).member("u").status is MemberStatus.UNDETERMINED
    decided = {"ballots": 11, "votes": {"u": votes(htxsnv=11)}}
    after = run({**main, "followups": [decided]})
    # k = 2, h = 9: x = 1, held by A since the main round.
    assert state(after, "A") == (MemberStatus.CLASSIFIED, Level.HTXSNV)
    assert state(after, "u") == (MemberStatus.CLASSIFIED, Level.HTTNV)
    demoted = after.member("u").reasons[-1]
    assert "mọi suất đã thuộc về những đồng chí được giữ ở vòng trước" in demoted.message


def test_counting_followup_with_ballots_denominator_uses_its_own_ballots():
    members = [member("a"), *crowd(9)]
    main = scenario(
        members,
        {"a": votes(htxsnv=3, httnv=2)},
        ballots=10,
        settings={"denominator": "ballots"},
    )
    followup = {"ballots": 6, "votes": {"a": votes(httnv=4, htnv=2)}}
    after = run({**main, "followups": [followup]})
    result = after.member("a")
    assert result.level is Level.HTTNV and result.round == 1
    assert result.shares[Level.HTTNV] == Fraction(2, 3)
    assert [r.denominator for r in after.rounds] == [10, 6]
    assert after.denominator == 10
    assert "Kết quả bỏ phiếu bổ sung lần 1" in result.reasons[0].message


def test_a_later_followup_supersedes_an_earlier_one_for_the_members_both_asked():
    main = scenario([member("a"), *crowd(4)], {"a": votes(htxsnv=2, httnv=1)})
    first = {"ballots": 5, "votes": {"a": votes(htnv=5)}}
    second = {"ballots": 5, "votes": {"a": votes(httnv=5)}}
    result = run({**main, "followups": [first, second]}).member("a")
    assert (result.level, result.round) == (Level.HTTNV, 2)


def test_khoan_1_5_followup_in_one_cap_group_leaves_the_other_groups_as_decided():
    def grouped(mid: str, group: str) -> dict:
        return member(mid, cap_group=group, score=95)

    members = [grouped("a1", "A"), grouped("a2", "A"), *[grouped(f"ah{i}", "A") for i in range(8)]]
    members += [grouped("b1", "B"), grouped("b2", "B"), *[grouped(f"bh{i}", "B") for i in range(8)]]
    tally = {mid: votes(htxsnv=9, httnv=1) for mid in ("a1", "a2", "b1", "b2")}
    tally.update({m["id"]: votes(httnv=10) for m in members if "h" in m["id"]})
    main = scenario(
        members, tally, ballots=10, profile="366-2025", settings={"denominator": "ballots"}
    )
    before = run(main)
    assert before.cap.tied == ("a1", "a2", "b1", "b2")
    followup = {"ballots": 10, "votes": {"a1": votes(htxsnv=10), "a2": votes(htxsnv=8, httnv=2)}}
    after = run({**main, "followups": [followup]})
    assert state(after, "a1") == (MemberStatus.CLASSIFIED, Level.HTXSNV)
    assert state(after, "a2") == (MemberStatus.CLASSIFIED, Level.HTTNV)
    assert after.cap.tied == ("b1", "b2")
    assert [g.tied for g in after.cap.groups if g.group == "B"] == [("b1", "b2")]


def test_an_advisory_cap_keeps_its_advice_apart_per_round():
    main = cap_chi_bo({"A": 10, "B": 9, "C": 9}, good=9, kind="chi_bo_truc_thuoc")
    followup = {
        "ballots": 12,
        "votes": {"B": votes(htxsnv=11, httnv=1), "C": votes(htxsnv=10, httnv=2)},
    }
    after = run({**main, "followups": [followup]})
    assert [after.member(m).level for m in "ABC"] == [Level.HTXSNV] * 3  # advice lowers nobody
    codes = {m: after.member(m).reasons[-1].code for m in "ABC"}
    assert codes == {
        "A": "within_excellence_cap",
        "B": "within_excellence_cap",
        "C": "excellence_cap_advisory",
    }


# --- properties ---------------------------------------------------------------------------

FACTS = [
    {},
    {},
    {},
    {"status": "du_bi", "admitted_on": "2026-03-01"},
    {"present": False},
    {"disciplined_this_year": True},
    {"sick_leave_months": 4},
    {"civil_servant_level": "HTTNV"},
]
LEVELS = ["HTXSNV", "HTTNV", "HTNV", "KHTNV"]


@st.composite
def votes_for(draw, ballots: int) -> dict[str, int]:
    counts = {level: 0 for level in LEVELS}
    left = ballots
    for level in draw(st.permutations(LEVELS)):
        counts[level] = draw(st.integers(0, left))
        left -= counts[level]
    return counts


@st.composite
def with_followup(draw) -> tuple[dict[str, Any], set[str]]:
    size = draw(st.integers(3, 18))
    profile = draw(st.sampled_from(["21-HD-2019", "366-2025"]))
    members = []
    for i in range(size):
        facts = dict(draw(st.sampled_from(FACTS)))
        if profile == "366-2025" and draw(st.booleans()):
            facts["cap_group"] = draw(st.sampled_from(["Lãnh đạo", "Chuyên môn"]))
        members.append(member(f"m{i:02d}", **facts))
    voters = sum(
        1
        for m in members
        if m.get("status", "chinh_thuc") == "chinh_thuc" and m.get("present", True)
    )
    ballots = draw(st.integers(0, voters))
    # Ties at the cap are what follow-ups are for: often give several the same votes.
    shared = draw(votes_for(ballots))
    main = {
        m["id"]: shared if draw(st.booleans()) else draw(votes_for(ballots))
        for m in members
        if m.get("present", True)
    }
    asked = draw(st.sets(st.sampled_from([m["id"] for m in members]), min_size=1))
    second = draw(st.integers(0, voters))
    followup = {mid: draw(votes_for(second)) for mid in sorted(asked)}
    data = scenario(
        members,
        main,
        ballots=ballots,
        kind=draw(st.sampled_from(["chi_bo_co_so", "chi_bo_truc_thuoc"])),
        profile=profile,
        settings={"denominator": draw(st.sampled_from(["entitled", "present", "ballots"]))},
    )
    return {**data, "followups": [{"ballots": second, "votes": followup}]}, asked


@PROPERTY_SETTINGS
@given(with_followup())
def test_a_followup_on_a_subset_never_changes_a_member_it_did_not_ask_about(case):
    data, asked = case
    before = run({**data, "followups": []})
    after = run(data)
    for result in before.members:
        if result.id not in asked:
            assert state(after, result.id) == (result.status, result.level), result.id


@PROPERTY_SETTINGS
@given(with_followup())
def test_a_followup_asking_everyone_is_a_new_main_round(case):
    data, _ = case
    everyone = {m["id"]: votes() for m in data["members"]}
    followup = data["followups"][0]
    asked_all = {"ballots": followup["ballots"], "votes": {**everyone, **followup["votes"]}}
    as_followup = run({**data, "followups": [asked_all]})
    as_main = run({**data, "tally": asked_all, "followups": []})
    for result in as_main.members:
        assert state(as_followup, result.id) == (result.status, result.level)
    assert as_followup.cap == as_main.cap
