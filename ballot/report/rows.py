"""The proposal table as rows, shared by the PDF, the spreadsheet and the
verification page, so the three show the same thing (docs/rules.md; Hướng dẫn 21-HD II.B.2.5)."""

from __future__ import annotations

from typing import Any

from ballot.report import bundle as fmt
from ballot.report.bundle import scenario_from_bundle
from ballot.report.names import MEMBERSHIP_VI, ROUND_KIND_VI, level_vi, outcome_vi, percent_vi
from ballot.rules.profiles import get_profile
from ballot.rules.scenario import parse_scenario
from ballot.rules.table import cap_arithmetic_lines_vi, cap_group_line_vi, cap_heading_vi


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
    """The cap on excellence spelled out with the rule the bundle's own profile
    applies to its organisation (docs/rules.md; II.B.2.3.a, II.B.6), in the words of `ballot classify`."""
    cap = bundle["proposal"]["cap"]
    organisation = parse_scenario(scenario_from_bundle(bundle)).organisation
    rule = get_profile(bundle["profile"]).cap_rule(organisation)
    parts = [
        cap_heading_vi(rule, upper=False) + ":",
        "; ".join(cap_arithmetic_lines_vi(
            rule, cap["candidates"], cap["good"], cap["max_excellent"], cap["binding"]
        )),
        *(
            cap_group_line_vi(g["group"], g["candidates"], g["good"], g["max_excellent"]) + "."
            for g in cap.get("groups", [])
        ),
    ]
    text = " ".join(parts)
    if cap["tied"]:
        names = {m["id"]: m["name"] for m in bundle["proposal"]["members"]}
        text += " Bằng phiếu tại ngưỡng: " + ", ".join(names.get(i, i) for i in cap["tied"]) + "."
    return text


def round_rows(bundle: dict[str, Any]) -> list[dict[str, Any]]:
    """Ballots issued (signatures) and cast per round, for the minutes."""
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
