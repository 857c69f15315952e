"""The proposal as a plain-text Vietnamese table (`ballot classify --format table`).

Pure: returns a string. Names are NFC-normalised for display so that column
widths count letters, not combining marks.
"""

from __future__ import annotations

import textwrap
import unicodedata
from fractions import Fraction

from ballot.rules.levels import LEVEL_NAMES_VI, LEVELS_DESCENDING, Level
from ballot.rules.model import Denominator, MemberFacts, OrganisationKind, Scenario
from ballot.rules.profiles import get_profile
from ballot.rules.profiles.base import ExcellenceCapRule
from ballot.rules.results import MemberResult, MemberStatus, Proposal, Reason
from ballot.rules.text import percent_vi, threshold_vi

WIDTH = 100
REASON_INDENT = " " * 7

_KIND_VI = {
    OrganisationKind.CHI_BO_CO_SO: "chi bộ cơ sở",
    OrganisationKind.CHI_BO_TRUC_THUOC: "chi bộ trực thuộc đảng ủy cơ sở",
}
_DENOMINATOR_VI = {
    Denominator.ENTITLED: "đảng viên chính thức có quyền biểu quyết",
    Denominator.PRESENT: "đảng viên chính thức có mặt",
    Denominator.BALLOTS: "số phiếu thu về",
}
_STATUS_VI = {
    MemberStatus.NOT_CLASSIFIED: "Không xếp loại",
    MemberStatus.ABSENT: "Vắng mặt, xếp loại sau",
    MemberStatus.UNDETERMINED: "Chưa xác định",
    MemberStatus.TIE: "Bằng phiếu, chi bộ quyết định",
    MemberStatus.DEFERRED: "Chờ kết quả công chức, viên chức",
}
_MEMBERSHIP_VI = {"chinh_thuc": "chính thức", "du_bi": "dự bị"}


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _level_vi(level: Level | None) -> str:
    return "—" if level is None else LEVEL_NAMES_VI[level]


def _outcome_vi(result: MemberResult) -> str:
    if result.status is MemberStatus.CLASSIFIED:
        return _level_vi(result.level)
    return _STATUS_VI[result.status]


def _votes_vi(result: MemberResult) -> str:
    return "/".join(str(result.votes.for_level(level)) for level in LEVELS_DESCENDING)


def _reason_lines(reason: Reason, indent: str = REASON_INDENT) -> list[str]:
    return textwrap.wrap(
        f"• [{reason.section}] {reason.message}",
        width=WIDTH,
        initial_indent=indent,
        subsequent_indent=indent + "  ",
    )


def _header(scenario: Scenario, proposal: Proposal) -> list[str]:
    org = scenario.organisation
    profile = get_profile(proposal.profile)
    thresholds = ", ".join(
        f"“{LEVEL_NAMES_VI[level]}” trên "
        f"{threshold_vi(scenario.settings.thresholds.for_level(level))}"
        for level in LEVELS_DESCENDING[:-1]
    )
    lines = [
        "ĐỀ XUẤT XẾP LOẠI CHẤT LƯỢNG ĐẢNG VIÊN",
        f"{_nfc(org.name) or 'Chi bộ'} ({_KIND_VI[org.kind]})",
        f"Ngày xếp loại: {scenario.review_date.strftime('%d/%m/%Y')}",
        f"Hồ sơ quy tắc: {profile.name} ({profile.title})",
        f"Mẫu số tính tỷ lệ: {proposal.denominator} "
        f"({_DENOMINATOR_VI[scenario.settings.denominator]}); "
        f"số phiếu thu về: {scenario.tally.ballots}",
        *textwrap.wrap(
            f"Ngưỡng đạt (số phiếu từ mức đó trở lên / mẫu số): {thresholds}",
            width=WIDTH,
            subsequent_indent="  ",
        ),
    ]
    for number, report in enumerate(proposal.rounds[1:], start=1):
        lines.append(
            f"Bỏ phiếu bổ sung lần {number}: {report.ballots} phiếu thu về, mẫu số "
            f"{report.denominator}, hỏi {len(report.asked)} đảng viên"
        )
    for warning in proposal.warnings:
        lines.extend(
            textwrap.wrap(
                f"Cảnh báo về dữ liệu ({warning.path}): {warning.message}",
                width=WIDTH,
                subsequent_indent="  ",
            )
        )
    return lines


def _member_rows(scenario: Scenario, proposal: Proposal) -> list[str]:
    facts = {member.id: member for member in scenario.members}
    name_width = max(len(_nfc(r.name)) for r in proposal.members)
    name_width = max(name_width, len("Họ và tên"))
    level_width = max(len(name) for name in LEVEL_NAMES_VI.values())
    row = f"{{:>3}}  {{:<{name_width}}}  {{:<15}}  {{:<{level_width}}}  {{}}"
    lines = [
        row.format("STT", "Họ và tên", "Phiếu XS/T/HT/K", "Mức theo phiếu", "Đề xuất"),
        "-" * min(WIDTH, 3 + name_width + 15 + level_width + 40),
    ]
    for number, result in enumerate(proposal.members, start=1):
        lines.append(
            row.format(
                number,
                _nfc(result.name),
                _votes_vi(result),
                _level_vi(result.voted_level),
                _outcome_vi(result),
            )
        )
        lines.extend(_member_details(facts[result.id]))
        for reason in result.reasons:
            lines.extend(_reason_lines(reason))
    return lines


def _member_details(member: MemberFacts) -> list[str]:
    parts = [f"Đảng viên {_MEMBERSHIP_VI[member.status.value]}"]
    if member.is_secretary:
        parts.append("bí thư chi bộ")
    if member.self_level is not None:
        parts.append(f"tự nhận: {_level_vi(member.self_level)}")
    if member.committee_level is not None:
        parts.append(f"chi ủy đề xuất: {_level_vi(member.committee_level)}")
    return textwrap.wrap(
        "; ".join(parts),
        width=WIDTH,
        initial_indent=REASON_INDENT,
        subsequent_indent=REASON_INDENT + "  ",
    )


def _totals(proposal: Proposal) -> list[str]:
    totals = proposal.totals
    lines = ["", f"TỔNG HỢP ({totals.classified} đảng viên được xếp loại)"]
    for level in LEVELS_DESCENDING:
        count = totals.for_level(level)
        share = percent_vi(Fraction(count, totals.classified)) if totals.classified else "—"
        lines.append(f"  {LEVEL_NAMES_VI[level]:<30} {count:>4}   {share}")
    others = {
        status: sum(1 for r in proposal.members if r.status is status) for status in _STATUS_VI
    }
    lines.extend(f"  {_STATUS_VI[s]:<30} {n:>4}" for s, n in others.items() if n)
    return lines + _attention(proposal)


# Results the meeting must look at before it proposes them (docs/rules.md, “Không hoàn
# thành nhiệm vụ chỉ do cộng dồn”): listed after the totals, not only in the reasons.
ATTENTION_CODES = {
    "khtnv_by_accumulation": "“Không hoàn thành nhiệm vụ” chỉ đạt do cộng dồn",
    "khtnv_by_accumulation_undetermined": "chưa xác định vì “Không hoàn thành nhiệm vụ” "
    "chỉ đạt do cộng dồn",
}


def _attention(proposal: Proposal) -> list[str]:
    lines = []
    for code, what in ATTENTION_CODES.items():
        names = [_nfc(r.name) for r in proposal.members if code in {x.code for x in r.reasons}]
        if names:
            lines.extend(
                textwrap.wrap(
                    f"CẦN LƯU Ý — {what}: {', '.join(names)}.",
                    width=WIDTH,
                    initial_indent="  ",
                    subsequent_indent="    ",
                )
            )
    return lines


def cap_heading_vi(rule: ExcellenceCapRule, *, upper: bool = True) -> str:
    sections = (
        f"{rule.section}, {rule.small_section}"
        if rule.has_small_exception and rule.small_section != rule.section
        else rule.section
    )
    title = (
        "Số đảng viên “Hoàn thành xuất sắc nhiệm vụ” không vượt quá "
        f"{percent_vi(rule.ratio)} số đảng viên xếp loại “Hoàn thành tốt nhiệm vụ”"
    )
    return f"{title.upper() if upper else title} [{sections}]"


def cap_arithmetic_lines_vi(
    rule: ExcellenceCapRule, candidates: int, good: int, max_excellent: int, binding: bool
) -> list[str]:
    """The cap spelled out with the rule's own numbers (docs/rules.md, “Giới hạn 20%
    Hoàn thành xuất sắc nhiệm vụ”), unwrapped: shared by this table, the PDF minutes
    and the spreadsheet."""
    ratio = percent_vi(rule.ratio)
    scope = (
        "áp dụng tại chi bộ (chi bộ cơ sở)"
        if binding
        else "để tham khảo; đảng ủy cơ sở áp dụng trên toàn đảng bộ"
    )
    if not rule.has_small_exception:
        exception = "; không có ngoại lệ cho nơi có ít đảng viên"
    elif binding:
        exception = (
            f"; nơi có dưới {rule.small_count:02d} đồng chí “Hoàn thành tốt nhiệm vụ” "
            f"vẫn được chọn {rule.small_allowance:02d} đồng chí nếu đủ điều kiện"
        )
    else:
        exception = (
            f"; trường hợp dưới {rule.small_count:02d} đồng chí “Hoàn thành tốt nhiệm vụ” "
            "được xét trên toàn đảng bộ cơ sở"
        )
    within = " trong từng nhóm có vị trí, vai trò tương đồng" if rule.grouped else ""
    return [
        *([f"Tỷ lệ {ratio}{rule.ratio_note}"] if rule.ratio_note else []),
        f"k = {candidates} đồng chí đạt “Hoàn thành xuất sắc nhiệm vụ”, "
        f"h = {good} đồng chí “Hoàn thành tốt nhiệm vụ”",
        f"tối đa x = {max_excellent} (số nguyên lớn nhất với x ≤ {ratio} × (h + k − x), "
        f"làm tròn xuống{within}{exception}): {scope}.",
    ]


def cap_group_line_vi(group: str | None, candidates: int, good: int, max_excellent: int) -> str:
    label = "nhóm chung (không ghi nhóm)" if group is None else f"nhóm “{_nfc(group)}”"
    return f"{label}: k = {candidates}, h = {good}, x = {max_excellent}"


def _cap(scenario: Scenario, proposal: Proposal) -> list[str]:
    cap = proposal.cap
    rule = get_profile(proposal.profile).cap_rule(scenario.organisation)
    lines = ["", *textwrap.wrap(cap_heading_vi(rule), width=WIDTH)]
    for line in cap_arithmetic_lines_vi(
        rule, cap.candidates, cap.good, cap.max_excellent, cap.binding
    ):
        lines.extend(
            textwrap.wrap(line, width=WIDTH, initial_indent="  ", subsequent_indent="    ")
        )
    for group in cap.groups:
        lines.append(
            "    "
            + cap_group_line_vi(group.group, group.candidates, group.good, group.max_excellent)
        )
    if cap.tied:
        names = {r.id: _nfc(r.name) for r in proposal.members}
        lines.append("  Bằng phiếu tại ngưỡng: " + ", ".join(names[i] for i in cap.tied))
    return lines


def _organisation(proposal: Proposal) -> list[str]:
    organisation = proposal.organisation
    lines = [
        "",
        "MỨC XẾP LOẠI CAO NHẤT CỦA CHI BỘ THEO KẾT QUẢ ĐẢNG VIÊN: "
        + _level_vi(organisation.max_level),
    ]
    for reason in organisation.reasons:
        lines.extend(_reason_lines(reason, indent="  "))
    return lines


def render_table(scenario: Scenario, proposal: Proposal) -> str:
    lines = [
        *_header(scenario, proposal),
        "",
        *_member_rows(scenario, proposal),
        *_totals(proposal),
        *_cap(scenario, proposal),
        *_organisation(proposal),
    ]
    return "\n".join(lines) + "\n"
