"""Scenario builders for the rules tests: the JSON dict, minimal by default."""

from __future__ import annotations

from typing import Any

from ballot.rules import MemberResult, Proposal, Reason, classify, parse_scenario

REVIEW_DATE = "2026-12-15"
LONG_AGO = "2010-05-19"

NAMES = [
    "Nguyễn Văn An",
    "Trần Thị Bình",
    "Lê Văn Cường",
    "Phạm Thị Dung",
    "Hoàng Văn Em",
    "Vũ Thị Giang",
    "Đặng Văn Hải",
    "Bùi Thị Hạnh",
    "Đỗ Văn Khoa",
    "Ngô Thị Lan",
]


def member(member_id: str, **facts: Any) -> dict[str, Any]:
    """A full member admitted long ago, present, with no special facts unless given."""
    data: dict[str, Any] = {
        "id": member_id,
        "name": NAMES[sum(map(ord, member_id)) % len(NAMES)],
        "status": "chinh_thuc",
        "admitted_on": LONG_AGO,
    }
    data.update(facts)
    return data


def votes(htxsnv: int = 0, httnv: int = 0, htnv: int = 0, khtnv: int = 0) -> dict[str, int]:
    return {"HTXSNV": htxsnv, "HTTNV": httnv, "HTNV": htnv, "KHTNV": khtnv}


def scenario(
    members: list[dict[str, Any]],
    tally_votes: dict[str, dict[str, int]] | None = None,
    ballots: int | None = None,
    kind: str = "chi_bo_co_so",
    **top: Any,
) -> dict[str, Any]:
    """A scenario dict; `ballots` defaults to every member who may vote."""
    if ballots is None:
        ballots = sum(
            1
            for m in members
            if m.get("status") == "chinh_thuc"
            and m.get("present", True)
            and not m.get("exempt", False)
            and not m.get("suspended", False)
        )
    data: dict[str, Any] = {
        "review_date": REVIEW_DATE,
        "organisation": {"name": "Chi bộ Thử nghiệm", "kind": kind},
        "members": members,
        "tally": {"ballots": ballots, "votes": tally_votes or {}},
    }
    data.update(top)
    return data


def run(data: dict[str, Any]) -> Proposal:
    return classify(parse_scenario(data))


def crowd(count: int, prefix: str = "x", **facts: Any) -> list[dict[str, Any]]:
    return [member(f"{prefix}{i:02d}", **facts) for i in range(count)]


def uniform_votes(ids: list[str], level: str, count: int) -> dict[str, dict[str, int]]:
    return {member_id: {level: count} for member_id in ids}


def classify_one(
    voted: dict[str, int] | None = None, *, profile: str | None = None, **facts: Any
) -> MemberResult:
    """Member "t" with these facts among four ordinary members of a chi bộ trực thuộc
    (so the cap never lowers anyone); unanimous HTXSNV votes unless given."""
    data = scenario(
        [member("t", **facts), *crowd(4)],
        {"t": voted or votes(htxsnv=5)},
        kind="chi_bo_truc_thuoc",
        **({"profile": profile} if profile else {}),
    )
    return run(data).member("t")


def codes(result: MemberResult) -> list[str]:
    return [reason.code for reason in result.reasons]


def reason(result: MemberResult, code: str) -> Reason:
    return next(r for r in result.reasons if r.code == code)
