"""Who may vote, attendance and quorum, and how the rounds' tallies enter the
scenario, read from members in the scenario schema (docs/rules.md, “Dữ liệu đầu
vào”). One definition for the meeting (services), the certified bundle and its
verifier (report), so a genuine bundle can never fail verification because two
copies drifted."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

EMPTY_TALLY: dict[str, Any] = {"ballots": 0, "votes": {}}


def _registered_here(member: Mapping[str, Any]) -> bool:
    """Not a member only temporarily here: he votes and is rated at his official
    chi bộ (docs/rules.md, “Sinh hoạt tạm thời”)."""
    return member.get("temporary_registration") != "here"


def may_vote(member: Mapping[str, Any]) -> bool:
    """A full member of this chi bộ, present, whose party rights are not exempted or
    suspended (docs/rules.md, “Ai biểu quyết”; Điều lệ Đảng, Điều 3; II.B.2.1).
    Mirrors `MemberFacts.may_vote`."""
    return (
        member.get("status") == "chinh_thuc"
        and _registered_here(member)
        and member.get("present", True) is True
        and not member.get("exempt", False)
        and not member.get("suspended", False)
    )


def _excused(member: Mapping[str, Any]) -> bool:
    away = member.get("temporary_registration") == "elsewhere" and not member.get("present", True)
    return bool(
        member.get("absent_with_leave") or member.get("exempt") or member.get("suspended") or away
    )


def quorum(members: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Điều lệ Đảng: a chi bộ meeting is valid with more than half of its full
    members present, those on approved leave, exempt, suspended or registered
    temporarily elsewhere (and away) not counted; a member only temporarily here
    is no member of this chi bộ's count."""
    full = [
        m
        for m in members
        if m.get("status") == "chinh_thuc" and _registered_here(m) and not _excused(m)
    ]
    present_full = sum(1 for m in full if m.get("present", True))
    return {
        "members": len(members),
        "present": sum(1 for m in members if m.get("present", True)),
        "full_members_expected": len(full),
        "full_members_present": present_full,
        "reached": present_full * 2 > len(full),
    }


def attendance(members: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The quorum with who was present and who was away with leave, as the minutes list it."""
    return {
        **quorum(members),
        "present_ids": [m["id"] for m in members if m.get("present", True)],
        "absent_with_leave_ids": [m["id"] for m in members if m.get("absent_with_leave")],
    }


def scenario_tallies(tallies: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The scenario's `tally` (the first member round) and `followups` (the later
    ones, in order) from the closed member rounds' tallies in round order. Each
    tally keeps exactly the members its round asked about: a follow-up round
    decides only those (docs/rules.md, “Vòng bỏ phiếu bổ sung”)."""
    rounds = [{"ballots": t["ballots"], "votes": dict(t["votes"])} for t in tallies]
    if not rounds:
        return {"tally": dict(EMPTY_TALLY), "followups": []}
    return {"tally": rounds[0], "followups": rounds[1:]}
