"""The classification pipeline (DESIGN 2.1–2.5), generic over profiles.

1. who is classified (profile), 2. the voted level (counting), 3. per-member caps
(profile; they only ever lower), 4. the cap on excellence across the chi bộ (or
within each cap group, where the profile's cap is grouped), 5. totals and the chi
bộ's own highest level (profile).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ballot.rules.cap import (
    Candidate,
    CapArithmetic,
    CapSelection,
    excellence_cap,
    select_excellent,
)
from ballot.rules.counting import denominator, shares, vote_reason, voted_level
from ballot.rules.levels import LOWEST_LEVEL, Level
from ballot.rules.model import MemberFacts, Scenario, Votes
from ballot.rules.profiles import LevelCap, MemberLevelCounts, Profile, get_profile
from ballot.rules.profiles.base import ExcellenceCapRule
from ballot.rules.results import (
    CapGroupReport,
    CapReport,
    MemberResult,
    MemberStatus,
    Proposal,
    Reason,
    Totals,
)
from ballot.rules.text import percent_vi, votes_of


def classify(scenario: Scenario) -> Proposal:
    profile = get_profile(scenario.profile)
    base = denominator(scenario)
    assessed = [assess_member(member, scenario, profile, base) for member in scenario.members]
    rule = profile.cap_rule(scenario.organisation)
    capped, cap_report = apply_excellence_cap(assessed, scenario, rule, base)
    return Proposal(
        profile=profile.name,
        members=tuple(capped),
        totals=count_totals(capped),
        cap=cap_report,
        organisation=profile.organisation_level(level_counts(capped), scenario.organisation),
        denominator=base,
    )


# --- per member -------------------------------------------------------------------


def assess_member(
    member: MemberFacts, scenario: Scenario, profile: Profile, base: int
) -> MemberResult:
    """A member's result before the cap on excellence."""
    votes = scenario.tally.votes_for(member.id)

    def result(
        status: MemberStatus, voted: Level | None, level: Level | None, reasons: Sequence[Reason]
    ) -> MemberResult:
        return MemberResult(
            id=member.id,
            name=member.name,
            status=status,
            voted_level=voted,
            level=level,
            votes=votes,
            shares=shares(votes, base),
            reasons=tuple(reasons),
        )

    exclusions = profile.exclusion_reasons(member, scenario.review_date)
    if exclusions:
        return result(
            MemberStatus.NOT_CLASSIFIED,
            None,
            None,
            [*exclusions, *_votes_ignored(votes, exclusions)],
        )
    absence = profile.absence_reason(member)
    if absence is not None:
        return result(MemberStatus.ABSENT, None, None, [absence, *_votes_ignored(votes, [absence])])

    thresholds = scenario.settings.thresholds
    voted = voted_level(votes, thresholds, base)
    level, cap_reasons = apply_member_caps(voted, profile.member_caps(member))
    reasons = [
        vote_reason(votes, voted, thresholds, base, profile.counting_section),
        *cap_reasons,
        *profile.member_notes(member),
    ]
    status = MemberStatus.CLASSIFIED if level is not None else MemberStatus.UNDETERMINED
    return result(status, voted, level, reasons)


def _votes_ignored(votes: Votes, why: Sequence[Reason]) -> list[Reason]:
    if votes.total == 0:
        return []
    return [
        Reason(
            "votes_not_counted",
            why[0].section,
            f"Có {votes.total} phiếu cho đồng chí này nhưng không được tính, "
            "vì đồng chí không được xếp loại trong lần này.",
        )
    ]


def apply_member_caps(
    voted: Level | None, caps: Sequence[LevelCap]
) -> tuple[Level | None, tuple[Reason, ...]]:
    """Lower the voted level to every cap; return the level and the caps that mattered.

    A cap at the lowest level decides the level whatever the votes, even when the
    ballots reached no level (DESIGN 2.2: "KHTNV whatever the votes"). Other caps on
    an undetermined member are listed: they will bound the follow-up round.
    """
    if not caps:
        return voted, ()
    ceiling = min(cap.level for cap in caps)
    if voted is None:
        level = LOWEST_LEVEL if ceiling is LOWEST_LEVEL else None
        return level, tuple(cap.reason for cap in caps)
    mattered = tuple(cap.reason for cap in caps if cap.level < voted or cap.level is LOWEST_LEVEL)
    return min(voted, ceiling), mattered


# --- the cap on excellence ----------------------------------------------------------


def apply_excellence_cap(
    results: Sequence[MemberResult], scenario: Scenario, rule: ExcellenceCapRule, base: int
) -> tuple[list[MemberResult], CapReport]:
    """The cap over the chi bộ, or within each cap group where the rule is grouped."""
    binding = scenario.organisation.kind in rule.binding_kinds
    updated = {r.id: r for r in results}
    reports: list[CapGroupReport] = []
    for group, members in cap_groups(results, scenario, rule).items():
        candidates = [
            Candidate(r.id, r.votes.htxsnv) for r in members if _has_level(r, Level.HTXSNV)
        ]
        good = sum(1 for r in members if _has_level(r, Level.HTTNV))
        arithmetic = excellence_cap(len(candidates), good, rule)
        selection = select_excellent(candidates, arithmetic.max_excellent)
        label = _group_label(group) if rule.grouped else ""
        explain = _CapExplainer(rule, arithmetic, selection, binding, base, label)
        for r in members:
            if _has_level(r, Level.HTXSNV):
                updated[r.id] = explain.apply(r)
        reports.append(
            CapGroupReport(
                group=group,
                candidates=arithmetic.candidates,
                good=arithmetic.good,
                max_excellent=arithmetic.max_excellent,
                tied=tuple(r.id for r in members if r.id in selection.tied),
            )
        )
    all_tied = {member_id for report in reports for member_id in report.tied}
    report = CapReport(
        candidates=sum(r.candidates for r in reports),
        good=sum(r.good for r in reports),
        max_excellent=sum(r.max_excellent for r in reports),
        binding=binding,
        tied=tuple(r.id for r in results if r.id in all_tied),
        ratio=rule.ratio if rule.grouped else None,
        groups=tuple(reports) if rule.grouped else (),
    )
    return [updated[r.id] for r in results], report


def cap_groups(
    results: Sequence[MemberResult], scenario: Scenario, rule: ExcellenceCapRule
) -> dict[str | None, list[MemberResult]]:
    """The members by cap group, in member order within each group.

    Ungrouped rule: one group (None) of everyone. Grouped: one per `cap_group`
    named in the scenario, plus the default group (None, listed first) for members
    without one; groups are sorted by name so that member order changes nothing.
    """
    if not rule.grouped:
        return {None: list(results)}
    group_of = {member.id: member.cap_group for member in scenario.members}
    names = sorted({group_of[r.id] for r in results}, key=lambda g: (g is not None, g or ""))
    return {name: [r for r in results if group_of[r.id] == name] for name in names}


def _group_label(group: str | None) -> str:
    if group is None:
        return "Nhóm chung (đảng viên không ghi nhóm so sánh)"
    return f"Nhóm “{group}”"


def _has_level(result: MemberResult, level: Level) -> bool:
    return result.status is MemberStatus.CLASSIFIED and result.level is level


class _CapExplainer:
    """Applies the selection to one candidate, with the arithmetic in the reason."""

    def __init__(
        self,
        rule: ExcellenceCapRule,
        arithmetic: CapArithmetic,
        selection: CapSelection,
        binding: bool,
        base: int,
        group_label: str = "",
    ) -> None:
        self.rule = rule
        self.group_label = group_label
        self.arithmetic = arithmetic
        self.selection = selection
        self.binding = binding
        self.base = base

    def apply(self, result: MemberResult) -> MemberResult:
        if result.id in self.selection.kept:
            return self._add(result, self._kept_reason(result))
        if result.id in self.selection.tied:
            reason = self._tied_reason(result)
            if not self.binding:
                return self._add(result, reason)
            return replace(self._add(result, reason), status=MemberStatus.TIE, level=None)
        reason = self._demoted_reason(result)
        if not self.binding:
            return self._add(result, reason)
        return replace(self._add(result, reason), level=Level.HTTNV)

    def _add(self, result: MemberResult, reason: Reason) -> MemberResult:
        if self.group_label:
            reason = replace(reason, message=f"{self.group_label}: {reason.message}")
        return replace(result, reasons=(*result.reasons, reason))

    def _ratio(self) -> str:
        return percent_vi(self.rule.ratio)

    def _limit(self) -> str:
        """The ratio as the limit is first stated, with any note on who set it."""
        return self._ratio() + self.rule.ratio_note

    def _sums(self) -> str:
        a = self.arithmetic
        text = (
            f"k = {a.candidates} đồng chí “Hoàn thành xuất sắc nhiệm vụ”, h = {a.good} "
            f"“Hoàn thành tốt nhiệm vụ”; x lớn nhất với x ≤ {self._ratio()} × (h + k − x) "
            f"là {a.by_ratio}"
        )
        if a.small_exception:
            text += (
                f"; vì chỉ {a.final_good} đồng chí “Hoàn thành tốt nhiệm vụ” (dưới "
                f"{self.rule.small_count}) nên vẫn được chọn {a.max_excellent}"
            )
        return text + f"; được giữ tối đa {a.max_excellent}"

    def _votes_text(self, result: MemberResult) -> str:
        return f"{votes_of(result.votes.htxsnv, self.base)} “Hoàn thành xuất sắc nhiệm vụ”"

    def _advice(self) -> str:
        return (
            ""
            if self.binding
            else " Chi bộ trực thuộc chỉ đề xuất: đảng ủy cơ sở áp dụng giới hạn trên toàn "
            "đảng bộ, mức đề xuất không bị hạ tại đây."
        )

    def _kept_reason(self, result: MemberResult) -> Reason:
        small = self.arithmetic.small_exception
        return Reason(
            "small_organisation_exception" if small else "within_excellence_cap",
            self.rule.small_section if small else self.rule.section,
            f"Giới hạn {self._limit()} số “Hoàn thành tốt nhiệm vụ”: {self._sums()}. "
            f"Đồng chí có {self._votes_text(result)}, nằm trong số được giữ.{self._advice()}",
        )

    def _tied_reason(self, result: MemberResult) -> Reason:
        tied = len(self.selection.tied)
        outcome = (
            " Không tự phá hòa: chi bộ quyết định (bỏ phiếu bổ sung đối với các đồng chí này)."
            if self.binding
            else self._advice()
        )
        return Reason(
            "excellence_cap_tie" if self.binding else "excellence_cap_advisory_tie",
            self.rule.section,
            f"Bằng phiếu tại giới hạn {self._limit()}: {self._sums()}. {tied} đồng chí cùng "
            f"có {self._votes_text(result)} cho {self.selection.open_seats} suất còn lại."
            + outcome,
        )

    def _demoted_reason(self, result: MemberResult) -> Reason:
        outcome = " Chuyển xuống “Hoàn thành tốt nhiệm vụ”." if self.binding else self._advice()
        # With no seat at all (possible only without a small-organisation allowance)
        # nobody was kept, so the reason cannot compare with those kept.
        compared = (
            "nhưng không đồng chí nào được giữ (x = 0)"
            if self.arithmetic.max_excellent == 0
            else "ít hơn những đồng chí được giữ"
        )
        return Reason(
            "excellence_cap_exceeded" if self.binding else "excellence_cap_advisory",
            self.rule.section,
            f"Vượt giới hạn {self._limit()} số “Hoàn thành tốt nhiệm vụ”: {self._sums()}. "
            f"Đồng chí có {self._votes_text(result)}, {compared}." + outcome,
        )


# --- totals and the organisation -----------------------------------------------------


def _classified_at(results: Sequence[MemberResult], level: Level) -> int:
    return sum(1 for r in results if _has_level(r, level))


def count_totals(results: Sequence[MemberResult]) -> Totals:
    return Totals(
        htxsnv=_classified_at(results, Level.HTXSNV),
        httnv=_classified_at(results, Level.HTTNV),
        htnv=_classified_at(results, Level.HTNV),
        khtnv=_classified_at(results, Level.KHTNV),
        classified=sum(1 for r in results if r.status is MemberStatus.CLASSIFIED),
    )


def level_counts(results: Sequence[MemberResult]) -> MemberLevelCounts:
    pending = {MemberStatus.ABSENT, MemberStatus.UNDETERMINED}
    return MemberLevelCounts(
        htxsnv=_classified_at(results, Level.HTXSNV),
        httnv=_classified_at(results, Level.HTTNV),
        htnv=_classified_at(results, Level.HTNV),
        khtnv=_classified_at(results, Level.KHTNV),
        tied=sum(1 for r in results if r.status is MemberStatus.TIE),
        pending=sum(1 for r in results if r.status in pending),
    )
