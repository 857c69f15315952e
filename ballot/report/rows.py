"""The proposal table as rows, shared by the PDF, the spreadsheet and the
verification page, so the three show the same thing (DESIGN 2.6)."""

from __future__ import annotations

from typing import Any

from ballot.report import bundle as fmt
from ballot.report.names import MEMBERSHIP_VI, level_vi, outcome_vi, percent_vi


def proposal_rows(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    """Per member, in roster order: the roster's facts beside the proposal's result."""
    roster = {m["id"]: m for m in bundle["roster"]}
    rows = []
    for number, result in enumerate(bundle["proposal"]["members"], start=1):
        member = roster.get(result["id"], {})
        rows.append(
            {
                "number": number,
                "id": result["id"],
                "name": result["name"],
                "role": member.get("role", ""),
                "membership": MEMBERSHIP_VI.get(member.get("status", ""), ""),
                "self_level": member.get("self_level"),
                "committee_level": member.get("committee_level"),
                "votes": result["votes"],
                "shares": result["shares"],
                "voted_level": result["voted_level"],
                "level": result["level"],
                "status": result["status"],
                "outcome_vi": outcome_vi(result),
                "reasons": result["reasons"],
            }
        )
    return rows


def level_totals(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    """Members per proposed level with their share of those classified."""
    totals = bundle["proposal"]["totals"]
    classified = totals["classified"]
    return [
        {
            "level": level,
            "name": level_vi(level),
            "count": totals[level],
            "percent": percent_vi(totals[level], classified),
        }
        for level in fmt.LEVELS
    ]


def cap_arithmetic_vi(bundle: dict[str, Any]) -> str:
    """The cap on excellence spelled out with the profile's own numbers
    (21-HD-2019: 20%, II.B.2.3.a and II.B.6; DESIGN 2.4)."""
    from ballot.rules.profiles import get_profile
    from ballot.rules.text import percent_vi as exact_percent

    cap = bundle["proposal"]["cap"]
    rule = get_profile(bundle["profile"]).excellence_cap
    ratio = exact_percent(rule.ratio)
    scope = (
        "áp dụng tại chi bộ cơ sở"
        if cap["binding"]
        else "để tham khảo; đảng ủy cơ sở áp dụng trên toàn đảng bộ"
    )
    text = (
        f"[{rule.section}, {rule.small_section}] k = {cap['candidates']} đồng chí đạt "
        f"“{level_vi('HTXSNV')}”, h = {cap['good']} đạt “{level_vi('HTTNV')}”; tối đa "
        f"x = {cap['max_excellent']} (số nguyên lớn nhất với x ≤ {ratio} × (h + k − x), làm tròn "
        f"xuống; nơi có dưới {rule.small_count} đồng chí “{level_vi('HTTNV')}” vẫn được "
        f"{rule.small_allowance}): {scope}."
    )
    if cap["tied"]:
        names = {m["id"]: m["name"] for m in bundle["proposal"]["members"]}
        text += " Bằng phiếu tại ngưỡng: " + ", ".join(names.get(i, i) for i in cap["tied"]) + "."
    return text


def round_rows(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    """Ballots issued (signatures) and cast per round, for the minutes."""
    from ballot.report.names import ROUND_KIND_VI

    return [
        {
            "number": r["number"],
            "kind": ROUND_KIND_VI.get(r["kind"], r["kind"]),
            "questions": len(r["questions"]),
            "issued": len(r["participants"]),
            "cast": len(r["ballots"]),
            "key_fingerprint": r["public_key_fingerprint"],
        }
        for r in bundle["rounds"]
    ]
