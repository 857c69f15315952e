"""The proposal table as rows, shared by the PDF, the spreadsheet and the
verification page, so the three show the same thing (docs/rules.md; Hướng dẫn 21-HD II.B.2.5)."""

from __future__ import annotations

import re
from typing import Any

from ballot.crypto.canonical import parse_canonical
from ballot.crypto.committee import verify_committee
from ballot.crypto.encrypted_ballot import BALLOT_KEYS
from ballot.crypto.errors import CryptoError
from ballot.report import bundle as fmt
from ballot.report.bundle import parsed_ballot, scenario_from_bundle
from ballot.report.names import (
    MEMBERSHIP_VI,
    ROUND_KIND_VI,
    level_vi,
    local_moment,
    meeting_zone,
    moment_vi,
    outcome_vi,
    percent_vi,
)
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
    """Per round, for the minutes: ballots issued (the members who received the round's
    signature, one each), received (stored), valid and invalid."""
    rows = []
    for r in bundle["rounds"]:
        valid = sum(_valid_ballot(r, b) for b in r["ballots"])
        rows.append({
            "number": r["number"],
            "kind": ROUND_KIND_VI.get(r["kind"], r["kind"]),
            "questions": len(r["questions"]),
            "issued": len(r["participants"]),
            "cast": len(r["ballots"]),
            "valid": valid,
            "invalid": len(r["ballots"]) - valid,
            "key_fingerprint": r["public_key_fingerprint"],
        })
    return rows


def _valid_ballot(round_: dict[str, Any], ballot: dict[str, Any]) -> bool:
    """A ballot of this round, on its form: its own round, only its questions, each
    with one of the levels. (Its signature was checked before the bundle was issued,
    and is again by the đảng ủy's verification, docs/bundle.md, “Verifying a bundle”.)"""
    if "encryption" in round_:
        return _valid_encrypted_ballot(round_, ballot)
    try:
        contents = parsed_ballot(ballot["text"])
    except (CryptoError, TypeError, ValueError):
        return False
    questions = {q["id"] for q in round_["questions"]}
    choices = contents.get("choices") if isinstance(contents, dict) else None
    return (
        isinstance(choices, dict)
        and contents.get("round") == round_["id"]
        and set(choices) <= questions
        and all(level in fmt.LEVELS for level in choices.values())
    )


def _valid_encrypted_ballot(round_: dict[str, Any], ballot: dict[str, Any]) -> bool:
    """An encrypted ballot on its round's form (docs/bundle.md, “Format 2”): its own
    round, the committee's key, exactly the round's questions. Its proofs were checked
    when it was cast and again before the bundle was issued (`ballot_proofs`); reading
    them again here would cost the documents as much as a verification."""
    try:
        contents = parse_canonical(ballot["text"])  # not cached: a large ballot, read once
    except (CryptoError, TypeError, ValueError):
        return False
    choices = contents.get("choices") if isinstance(contents, dict) else None
    return (
        isinstance(choices, dict)
        and set(contents) == BALLOT_KEYS
        and contents["round"] == round_["id"]
        and contents["key"] == round_["encryption"]["tally"].get("key")
        and set(choices) == {q["id"] for q in round_["questions"]}
    )


# --- encrypted ballots, in the minutes' words (docs/bundle.md, “Format 2”) -------------------


def encryption_lines_vi(bundle: dict[str, Any]) -> list[str]:
    """What the minutes say of a meeting whose ballots were encrypted to a counting
    committee: its members, the threshold, the short fingerprint read aloud and when,
    and which trustees decrypted which rounds. [] for a bundle of plaintext ballots."""
    if bundle.get("format") != fmt.FORMAT_ENCRYPTED:
        return []
    zone = meeting_zone(bundle)
    lines = []
    for entry in bundle.get("committees", []):
        trustees = sorted(entry["trustees"], key=lambda t: t["index"])
        context = entry["transcript"]["context"]
        try:
            short = verify_committee(entry["transcript"]).short_fingerprint
        except CryptoError:
            short = "…………"
        members = ", ".join(f"đồng chí {t['name']} (thành viên {t['index']})" for t in trustees)
        lines.append(
            f"Phiếu được mã hóa ngay trên điện thoại của từng đảng viên bằng khóa chung của ban kiểm "
            f"phiếu gồm {members}; cần {context['t']} trong {context['n']} thành viên cùng giải mã. "
            f"Mã ban kiểm phiếu {short} đã được các thành viên đọc to, đối chiếu trùng khớp hồi "
            f"{moment_vi(local_moment(entry['confirmed_aloud_at'], zone))}. Không ai đọc được từng "
            "phiếu: chỉ tổng số phiếu của mỗi vòng được giải mã."
        )
    groups: dict[tuple[str, tuple[int, ...]], list[int]] = {}
    for round_ in bundle["rounds"]:
        if "encryption" in round_:
            key = (round_["encryption"]["committee"], tuple(round_["encryption"]["trustees"]))
            groups.setdefault(key, []).append(round_["number"])
    names = {(e["id"], t["index"]): t["name"] for e in bundle.get("committees", []) for t in e["trustees"]}
    for (committee, indices), numbers in groups.items():
        who = " và ".join(f"đồng chí {names.get((committee, i), '…')} (thành viên {i})" for i in indices)
        rounds = ", ".join(map(str, numbers))
        lines.append(f"Kết quả {'vòng' if len(numbers) == 1 else 'các vòng'} {rounds} do {who} giải mã.")
    plaintext = [str(r["number"]) for r in bundle["rounds"] if "encryption" not in r]
    if plaintext:
        lines.append(f"{'Vòng' if len(plaintext) == 1 else 'Các vòng'} {', '.join(plaintext)} bỏ phiếu không "
                     "mã hóa (trước khi có ban kiểm phiếu).")
    return lines


def committee_fingerprints_vi(bundle: dict[str, Any]) -> list[str]:
    """Each counting committee's short fingerprint, for the page that checks the file."""
    found = []
    for entry in bundle.get("committees", []) if bundle.get("format") == fmt.FORMAT_ENCRYPTED else []:
        try:
            found.append(verify_committee(entry["transcript"]).short_fingerprint)
        except CryptoError:
            continue
    return found


# --- the rules in words, for the documents a person reads --------------------------------

# Where a rule comes from, as the minutes cite it: a section of Hướng dẫn 21-HD/BTCTW
# ("II.B.6") or a clause of another text ("QĐ 366 khoản 1.5"); a profile's own counting
# rule (“Cách đếm phiếu của hồ sơ …”) is not a section of any text and is not cited.
_CITED = re.compile(r"^(?:[IVX]+\.|QĐ |HD |Điều )")
# The arithmetic a reason spells out for `ballot classify` ("k = 4 …, h = 12 …; số x lớn
# nhất thỏa mãn x ≤ 20% × (h + k − x) là 2;") and a data field named in brackets.
_LETTER = re.compile(r"\b[khx] = (\d+) ")
_FORMULA = re.compile(r"; số x lớn nhất thỏa mãn x ≤ [^;]*? là \d+;")
_FIELD = re.compile(r" ?\((?:[a-z]+_)+[a-z]+\)")


def section_vi(section: str) -> str:
    """ "II.B.6" → "mục II.B.6"; "QĐ 366 khoản 1.5" as it is; no citation otherwise."""
    if not _CITED.match(section):
        return ""
    return f"mục {section}" if section[0] in "IVX" else section


def words_vi(message: str) -> str:
    """A reason's message as the minutes print it: the counts in words, without the
    letters and the formula of the arithmetic, and without any data field's name."""
    text = _FORMULA.sub(";", message)
    text = _LETTER.sub(r"\1 ", text)
    return _FIELD.sub("", text)


def reason_vi(reason: dict[str, Any]) -> str:
    cited = section_vi(reason.get("section", ""))
    text = words_vi(reason["message"])
    return f"{text} ({cited})" if cited else text


def cap_words_vi(bundle: dict[str, Any]) -> str:
    """The cap on excellence in the regulation's words (21-HD/BTCTW II.B.2.3.a and II.B.6;
    QĐ 366 khoản 1.5), then this chi bộ's numbers, without letters or formula."""
    cap = bundle["proposal"]["cap"]
    organisation = parse_scenario(scenario_from_bundle(bundle)).organisation
    rule = get_profile(bundle["profile"]).cap_rule(organisation)
    ratio = percent_vi(rule.ratio.numerator, rule.ratio.denominator)
    within = " trong từng nhóm đối tượng có vị trí, vai trò tương đồng" if rule.grouped else ""
    # 21-HD/BTCTW II.B.2.3.a: "không vượt quá 20%"; QĐ 366 khoản 1.5: "không quá 20%".
    bound = "không vượt quá" if rule.section.startswith("II.") else "không quá"
    parts = [
        f"Số đảng viên được xếp loại “Hoàn thành xuất sắc nhiệm vụ” {bound} {ratio}"
        f"{rule.ratio_note} số đảng viên được xếp loại “Hoàn thành tốt nhiệm vụ”{within} "
        f"({section_vi(rule.section) or rule.section})."
    ]
    if rule.has_small_exception:
        parts.append(
            f"Những nơi có dưới {rule.small_count:02d} đảng viên xếp loại “Hoàn thành tốt nhiệm vụ” "
            f"thì chọn {rule.small_allowance:02d} đảng viên xếp loại “Hoàn thành xuất sắc nhiệm vụ” "
            f"nếu đủ điều kiện ({section_vi(rule.small_section) or rule.small_section})."
        )
    parts.append(
        f"Tại chi bộ: {cap['candidates']} đồng chí đạt mức “Hoàn thành xuất sắc nhiệm vụ” sau "
        f"khi xét các điều kiện của từng người, {cap['good']} đồng chí “Hoàn thành tốt nhiệm vụ”; "
        f"được giữ mức “Hoàn thành xuất sắc nhiệm vụ” nhiều nhất {cap['max_excellent']} đồng chí."
    )
    for group in cap.get("groups", []):
        label = "Nhóm chung (không ghi nhóm)" if group["group"] is None else f"Nhóm “{group['group']}”"
        parts.append(
            f"{label}: {group['candidates']} đồng chí đạt, {group['good']} đồng chí “Hoàn thành tốt "
            f"nhiệm vụ”, giữ nhiều nhất {group['max_excellent']} đồng chí."
        )
    parts.append(
        "Chi bộ cơ sở áp dụng giới hạn này ngay tại chi bộ."
        if cap["binding"]
        else "Chi bộ trực thuộc chỉ đề xuất; đảng ủy cơ sở áp dụng giới hạn trên toàn đảng bộ"
        + (" (kể cả trường hợp dưới 05 đảng viên “Hoàn thành tốt nhiệm vụ”)."
           if rule.has_small_exception else ".")
    )
    if cap["tied"]:
        names = {m["id"]: m["name"] for m in bundle["proposal"]["members"]}
        parts.append("Bằng phiếu tại giới hạn, chi bộ quyết định: "
                     + ", ".join(names.get(i, i) for i in cap["tied"]) + ".")
    return " ".join(parts)
