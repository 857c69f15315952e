"""Who may vote, attendance and quorum, and which tally counts for each member,
read from members in the scenario schema (issue 2). One definition for the
meeting (services), the certified bundle and its verifier (report), so a
genuine bundle can never fail verification because two copies drifted."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any


def may_vote(member: Mapping[str, Any]) -> bool:
    """A full member, present, whose party rights are not exempted or suspended
    (DESIGN 2.3; Điều lệ Đảng, Điều 3; II.B.2.1). Mirrors `MemberFacts.may_vote`."""
    return (
        member.get("status") == "chinh_thuc"
        and member.get("present", True) is True
        and not member.get("exempt", False)
        and not member.get("suspended", False)
    )


def _excused(member: Mapping[str, Any]) -> bool:
    return bool(member.get("absent_with_leave") or member.get("exempt") or member.get("suspended"))


def quorum(members: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Điều lệ Đảng: a chi bộ meeting is valid with more than half of its full
    members present, those on approved leave, exempt or suspended not counted."""
    full = [m for m in members if m.get("status") == "chinh_thuc" and not _excused(m)]
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


def latest_votes(tallies: Iterable[Mapping[str, Any]]) -> tuple[dict[str, dict[str, int]], int]:
    """Each member's votes from the latest round that asked about them (a follow-up
    round supersedes the main round); `tallies` in round order. The ballot count is
    the largest of the rounds'."""
    votes: dict[str, dict[str, int]] = {}
    ballots = 0
    for tally in tallies:
        votes.update(tally["votes"])
        ballots = max(ballots, tally["ballots"])
    return votes, ballots
