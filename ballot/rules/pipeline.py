"""The classification pipeline, generic over profiles (docs/rules.md, from “Đối tượng
xếp loại” to “Mức cao nhất của chi bộ”).

Round by round (the main round, then each follow-up in order; docs/rules.md,
“Vòng bỏ phiếu bổ sung”): 1. who is classified (profile), 2. the voted level
(counting), 3. per-member caps (profile; they only ever lower), 4. the bí thư no
higher than the chi bộ, 5. the cap on excellence across the chi bộ (or within each
cap group). A follow-up round re-decides only the members it asked about; everyone
else keeps what the earlier rounds decided. Then totals and the chi bộ's own highest
level (profile).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from ballot.rules.cap import (
    Candidate,
    CapArithmetic,
    CapSelection,
    excellence_cap,
    select_excellent,
)
from ballot.rules.counting import (
    accumulation_reason,
    denominator,
    khtnv_only_by_accumulation,
    shares,
    vote_reason,
    voted_level,
)
from ballot.rules.levels import LOWEST_LEVEL, Level
from ballot.rules.model import (
    KhtnvByAccumulation,
    MemberFacts,
    Scenario,
    Tally,
    Votes,
)
from ballot.rules.profiles import LevelCap, MemberLevelCounts, Profile, get_profile
from ballot.rules.profiles.base import ExcellenceCapRule
from ballot.rules.results import (
    CapGroupReport,
    CapReport,
    MemberResult,
    MemberStatus,
    OrganisationResult,
    Proposal,
    Reason,
    RoundReport,
    Totals,
)
from ballot.rules.text import percent_vi, votes_of

KEPT, TIED, DEMOTED = "kept", "tied", "demoted"


def classify(scenario: Scenario) -> Proposal:
    profile = get_profile(scenario.profile)
    rule = profile.cap_rule(scenario.organisation)
    binding = scenario.organisation.kind in rule.binding_kinds
    results: dict[str, MemberResult] = {}
    groups: dict[str | None, CapGroupReport] = {}
    rounds: list[RoundReport] = []
    tallies = counted_rounds(scenario)
    bases = [denominator(scenario, tally) for tally in tallies]
    for index, tally in enumerate(tallies):
        asked = _asked(scenario, tally, index)
        base = bases[index]
        rounds.append(
            RoundReport(tally.ballots, base, tuple(m.id for m in scenario.members if m.id in asked))
        )
        for member in scenario.members:
            if member.id in asked:
                results[member.id] = assess_member(member, scenario, profile, tally, base, index)
        results = cap_secretary(results, asked, scenario, profile)
        stage = _CapStage(scenario, rule, binding, index, asked, bases)
        results, groups = stage.apply(results, groups)
    final = cap_secretary(results, set(results), scenario, profile, only_lower=True)
    ordered = [final[m.id] for m in scenario.members]
    return Proposal(
        profile=profile.name,
        members=tuple(ordered),
        totals=count_totals(ordered),
        cap=_cap_report(ordered, groups, rule, binding),
        organisation=organisation_result(ordered, scenario, profile),
        denominator=rounds[0].denominator,
        rules_version=scenario.rules_version,
        rounds=tuple(rounds),
        warnings=scenario.warnings,
    )


def counted_rounds(scenario: Scenario) -> tuple[Tally, ...]:
    """The rounds as this rules version counts them. Version 1 (bundles certified
    before version 2) merged every round per member, the latest round's votes
    winning, with the largest round's ballots (docs/rules.md, “Phiên bản quy tắc”)."""
    if scenario.rules_version >= 2 or not scenario.followups:
        return scenario.rounds
    merged: dict[str, Votes] = {}
    for tally in scenario.rounds:
        merged.update(tally.votes)
    return (Tally(ballots=max(t.ballots for t in scenario.rounds), votes=merged),)


def on_ballot(member: MemberFacts, review_date: date, profile_name: str) -> bool:
    """Whether the meeting should ask about this member in a classification round: the
    profile classifies him now (not excluded, absent or deferred). A member registered
    temporarily elsewhere is asked about even when away (docs/rules.md, “Sinh hoạt tạm
    thời”). One definition for the meeting's ballot and the engine."""
    profile = get_profile(profile_name)
    return not (
        profile.exclusion_reasons(member, review_date)
        or profile.absence_reason(member)
        or profile.deferral_reason(member)
    )


def _asked(scenario: Scenario, tally: Tally, index: int) -> set[str]:
    if index == 0:
        return {member.id for member in scenario.members}
    return set(tally.votes)


# --- per member -------------------------------------------------------------------


def assess_member(
    member: MemberFacts,
    scenario: Scenario,
    profile: Profile,
    tally: Tally,
    base: int,
    round_index: int = 0,
) -> MemberResult:
    """A member's result from one round's votes, before the cross-member steps."""
    votes = tally.votes_for(member.id)

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
            round=round_index,
        )

    exclusions = profile.exclusion_reasons(member, scenario.review_date)
    if exclusions:
        return result(
            MemberStatus.NOT_CLASSIFIED,
            None,
            None,
            [*exclusions, *_votes_ignored(votes, exclusions)],
        )
    for status, why in (
        (MemberStatus.ABSENT, profile.absence_reason(member)),
        (MemberStatus.DEFERRED, profile.deferral_reason(member)),
    ):
        if why is not None:
            return result(status, None, None, [why, *_votes_ignored(votes, [why])])

    thresholds = scenario.settings.thresholds
    section = profile.counting_section
    voted = voted_level(votes, thresholds, base)
    reasons = [vote_reason(votes, voted, thresholds, base, section, round_index)]
    if khtnv_only_by_accumulation(votes, voted, thresholds, base):
        rule = scenario.settings.khtnv_by_accumulation
        reasons.append(accumulation_reason(votes, thresholds, base, section, rule))
        if rule is KhtnvByAccumulation.UNDETERMINED:
            voted = None
    caps = profile.member_caps(member)
    level, cap_reasons = apply_member_caps(voted, caps)
    reasons += [*cap_reasons, *profile.member_notes(member)]
    status = MemberStatus.CLASSIFIED if level is not None else MemberStatus.UNDETERMINED
    counted = level is None or _counts_here(voted, caps, level)
    return replace(result(status, voted, level, reasons), counts_for_organisation=counted)


def _counts_here(voted: Level | None, caps: Sequence[LevelCap], level: Level) -> bool:
    """False when the level comes only from caps this chi bộ does not answer for."""
    own, _ = apply_member_caps(voted, [cap for cap in caps if cap.counts_against_organisation])
    return own == level


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
    ballots reached no level (docs/rules.md, “Các trường hợp buộc Không hoàn thành
    nhiệm vụ”). Other caps on an undetermined member are listed: they will bound the
    follow-up round.
    """
    if not caps:
        return voted, ()
    ceiling = min(cap.level for cap in caps)
    if voted is None:
        level = LOWEST_LEVEL if ceiling is LOWEST_LEVEL else None
        return level, tuple(cap.reason for cap in caps)
    mattered = tuple(cap.reason for cap in caps if cap.level < voted or cap.level is LOWEST_LEVEL)
    return min(voted, ceiling), mattered


# --- the bí thư and the chi bộ's level --------------------------------------------------


def cap_secretary(
    results: dict[str, MemberResult],
    asked: Iterable[str],
    scenario: Scenario,
    profile: Profile,
    *,
    only_lower: bool = False,
) -> dict[str, MemberResult]:
    """The bí thư no higher than the chi bộ's highest level (docs/rules.md, “Bí thư chi
    bộ”), applied in the round that asks about the bí thư and once more at the end,
    when the other members' results are final."""
    if profile.secretary_cap is None:
        return results
    asked = set(asked)
    secretary = next((m for m in scenario.members if m.is_secretary and m.id in asked), None)
    if secretary is None or secretary.id not in results:
        return results
    current = results[secretary.id]
    if current.status is not MemberStatus.CLASSIFIED or current.level is None:
        return results
    counts = level_counts(list(results.values()))
    allowed = organisation_result_from(counts, scenario, profile).max_level
    if allowed is None or current.level <= allowed:
        return results
    reason = profile.secretary_cap(allowed, counts)
    lowered = replace(current, level=allowed, reasons=(*current.reasons, reason))
    if only_lower and current.cap_decision == KEPT:
        lowered = replace(lowered, cap_decision=None)
    return {**results, secretary.id: lowered}


def organisation_result(
    results: Sequence[MemberResult], scenario: Scenario, profile: Profile
) -> OrganisationResult:
    return organisation_result_from(level_counts(results), scenario, profile)


def organisation_result_from(
    counts: MemberLevelCounts, scenario: Scenario, profile: Profile
) -> OrganisationResult:
    return profile.organisation_level(counts, scenario.organisation, scenario.review_date)


# --- the cap on excellence ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _GroupState:
    """One cap group in one round: who was decided before, who is decided now."""

    frozen: list[MemberResult]  # not asked in this round: their result stands
    fresh: list[MemberResult]  # asked in this round

    @property
    def frozen_kept(self) -> int:
        return sum(1 for r in self.frozen if r.cap_decision == KEPT)

    @property
    def frozen_tied(self) -> list[MemberResult]:
        return [r for r in self.frozen if r.cap_decision == TIED]

    @property
    def fresh_candidates(self) -> list[MemberResult]:
        return [r for r in self.fresh if _has_level(r, Level.HTXSNV)]

    def counts(self) -> tuple[int, int]:
        """k (candidates) and h (HTTNV not lowered by the cap) over the whole group."""
        frozen_k = sum(1 for r in self.frozen if r.cap_decision is not None)
        frozen_h = sum(
            1 for r in self.frozen if r.cap_decision is None and _has_level(r, Level.HTTNV)
        )
        fresh_h = sum(1 for r in self.fresh if _has_level(r, Level.HTTNV))
        return frozen_k + len(self.fresh_candidates), frozen_h + fresh_h


class _CapStage:
    """The cap on excellence in one round (docs/rules.md, “Vòng bỏ phiếu bổ sung”).

    The whole group's k and h give x, as in a single round; the seats left to the
    candidates this round asked about are x less those kept in earlier rounds, and
    only this round's votes rank them: votes of different rounds never compare.
    """

    def __init__(
        self,
        scenario: Scenario,
        rule: ExcellenceCapRule,
        binding: bool,
        round_index: int,
        asked: set[str],
        bases: Sequence[int],
    ) -> None:
        self.scenario = scenario
        self.bases = bases  # each round's denominator
        self.rule = rule
        self.binding = binding
        self.round_index = round_index
        self.asked = asked
        # Before rules version 2 the "fewer than 5" allowance was also counted inside
        # a chi bộ trực thuộc; version 2 leaves it to the đảng ủy cơ sở.
        self.small_exception = binding or scenario.rules_version < 2

    def apply(
        self, results: dict[str, MemberResult], reports: dict[str | None, CapGroupReport]
    ) -> tuple[dict[str, MemberResult], dict[str | None, CapGroupReport]]:
        updated = dict(results)
        reports = dict(reports)
        ordered = [results[m.id] for m in self.scenario.members]
        for group, members in cap_groups(ordered, self.scenario, self.rule).items():
            state = _GroupState(
                frozen=[r for r in members if r.id not in self.asked],
                fresh=[r for r in members if r.id in self.asked],
            )
            if not state.fresh and group in reports:
                continue  # nothing asked in this group: its cap stands as decided
            for r in self._decide(state, group):
                updated[r.id] = r
            final = [updated[r.id] for r in members]
            k, h = state.counts()
            reports[group] = CapGroupReport(
                group=group,
                candidates=k,
                good=h,
                max_excellent=self._arithmetic(k, h).max_excellent,
                tied=tuple(r.id for r in final if r.cap_decision == TIED),
            )
        return updated, reports

    def _arithmetic(self, k: int, h: int) -> CapArithmetic:
        return excellence_cap(k, h, self.rule, small_exception=self.small_exception)

    def _decide(self, state: _GroupState, group: str | None) -> list[MemberResult]:
        k, h = state.counts()
        arithmetic = self._arithmetic(k, h)
        earlier = state.frozen_kept
        seats = max(0, arithmetic.max_excellent - earlier)
        candidates = state.fresh_candidates
        selection = select_excellent([Candidate(r.id, r.votes.htxsnv) for r in candidates], seats)
        label = _group_label(group) if self.rule.grouped else ""
        explain = _CapExplainer(
            self.rule, arithmetic, selection, self.binding, label, earlier, self.small_exception
        )
        decided = [explain.apply(r, self._base(r)) for r in candidates]
        not_asked = [r.name for r in state.frozen_tied]
        if not_asked and candidates:
            decided = [explain.add(r, _tied_left_out(not_asked, self.rule)) for r in decided]
        if earlier > arithmetic.max_excellent and self.binding:
            decided += [
                explain.add(r, explain.exceeded_by_earlier_reason())
                for r in state.frozen
                if r.cap_decision == KEPT
                and "excellence_cap_exceeded_after_followup" not in {x.code for x in r.reasons}
            ]
        return decided

    def _base(self, result: MemberResult) -> int:
        return self.bases[result.round]


def _tied_left_out(names: list[str], rule: ExcellenceCapRule) -> Reason:
    return Reason(
        "excellence_cap_tie_not_asked",
        rule.section,
        f"Lưu ý: {', '.join(names)} cũng bằng phiếu ở vòng trước nhưng không được hỏi trong "
        "vòng này, nên vẫn ở tình trạng bằng phiếu; chi bộ cần bỏ phiếu bổ sung đối với "
        "tất cả các đồng chí bằng phiếu cùng một lúc.",
    )


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


def _cap_report(
    results: Sequence[MemberResult],
    groups: dict[str | None, CapGroupReport],
    rule: ExcellenceCapRule,
    binding: bool,
) -> CapReport:
    names = sorted(groups, key=lambda g: (g is not None, g or ""))
    reports = [groups[name] for name in names]
    all_tied = {member_id for report in reports for member_id in report.tied}
    return CapReport(
        candidates=sum(r.candidates for r in reports),
        good=sum(r.good for r in reports),
        max_excellent=sum(r.max_excellent for r in reports),
        binding=binding,
        tied=tuple(r.id for r in results if r.id in all_tied),
        ratio=rule.ratio if rule.grouped else None,
        groups=tuple(reports) if rule.grouped else (),
    )


def _group_label(group: str | None) -> str:
    if group is None:
        return "nhóm chung (đảng viên không ghi nhóm so sánh)"
    return f"nhóm “{group}”"


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
        group_label: str = "",
        earlier: int = 0,
        small_exception: bool = True,
    ) -> None:
        self.rule = rule
        self.group_label = group_label
        self.arithmetic = arithmetic
        self.selection = selection
        self.binding = binding
        self.earlier = earlier  # kept in earlier rounds
        self.small_exception = small_exception

    def apply(self, result: MemberResult, base: int) -> MemberResult:
        if result.id in self.selection.kept:
            return replace(self.add(result, self._kept_reason(result, base)), cap_decision=KEPT)
        if result.id in self.selection.tied:
            tied = replace(self.add(result, self._tied_reason(result, base)), cap_decision=TIED)
            if not self.binding:
                return tied
            return replace(tied, status=MemberStatus.TIE, level=None)
        demoted = replace(
            self.add(result, self._demoted_reason(result, base)), cap_decision=DEMOTED
        )
        if not self.binding:
            return demoted
        return replace(demoted, level=Level.HTTNV)

    def add(self, result: MemberResult, reason: Reason) -> MemberResult:
        return replace(result, reasons=(*result.reasons, reason))

    def _ratio(self) -> str:
        return percent_vi(self.rule.ratio)

    def _limit(self) -> str:
        """The rule as II.B.2.3.a states it, within the group where the rule is grouped."""
        scope = f"Trong {self.group_label}, số" if self.group_label else "Số"
        return (
            f"{scope} đảng viên “Hoàn thành xuất sắc nhiệm vụ” không vượt quá "
            f"{self._ratio()}{self.rule.ratio_note} số đảng viên xếp loại "
            "“Hoàn thành tốt nhiệm vụ”"
        )

    def _sums(self) -> str:
        a = self.arithmetic
        text = (
            f"k = {a.candidates} đồng chí đạt “Hoàn thành xuất sắc nhiệm vụ”, h = {a.good} "
            f"đồng chí “Hoàn thành tốt nhiệm vụ”; số x lớn nhất thỏa mãn x ≤ {self._ratio()} "
            f"× (h + k − x) là {a.by_ratio}"
        )
        if a.small_exception:
            text += (
                f"; vì chỉ có {a.final_good} đồng chí “Hoàn thành tốt nhiệm vụ” (dưới "
                f"{self.rule.small_count:02d}) nên vẫn được chọn {a.max_excellent:02d} đồng chí"
            )
        text += f"; được giữ tối đa {a.max_excellent} đồng chí"
        if self.earlier:
            left = max(0, a.max_excellent - self.earlier)
            rest = f"vòng này còn {left} suất" if left else "vòng này không còn suất nào"
            text += f", trong đó {self.earlier} đồng chí đã được giữ ở vòng trước, {rest}"
        return text

    def _votes_text(self, result: MemberResult, base: int) -> str:
        return f"{votes_of(result.votes.htxsnv, base)} chọn “Hoàn thành xuất sắc nhiệm vụ”"

    def _advice(self) -> str:
        if self.binding:
            return ""
        text = (
            " Chi bộ trực thuộc chỉ đề xuất: đảng ủy cơ sở áp dụng giới hạn trên toàn "
            "đảng bộ, mức đề xuất không bị hạ tại đây."
        )
        if self.rule.has_small_exception and not self.small_exception:
            text += (
                f" Trường hợp “dưới {self.rule.small_count:02d}” đảng viên “Hoàn thành tốt "
                "nhiệm vụ” được xét trên toàn đảng bộ cơ sở, do đảng ủy cơ sở quyết định."
            )
        return text

    def _opening(self) -> str:
        return f"{self._limit()}: {self._sums()}."

    def _kept_reason(self, result: MemberResult, base: int) -> Reason:
        small = self.arithmetic.small_exception
        return Reason(
            "small_organisation_exception" if small else "within_excellence_cap",
            self.rule.small_section if small else self.rule.section,
            f"{self._opening()} Đồng chí được {self._votes_text(result, base)}, thuộc số "
            f"được giữ.{self._advice()}",
        )

    def _tied_reason(self, result: MemberResult, base: int) -> Reason:
        tied = len(self.selection.tied)
        outcome = (
            " Việc chọn đồng chí nào do chi bộ quyết định qua bỏ phiếu bổ sung đối với các "
            "đồng chí này."
            if self.binding
            else self._advice()
        )
        return Reason(
            "excellence_cap_tie" if self.binding else "excellence_cap_advisory_tie",
            self.rule.section,
            f"{self._opening()} {tied} đồng chí cùng được {self._votes_text(result, base)}, "
            f"trong khi chỉ còn {self.selection.open_seats} suất.{outcome}",
        )

    def _demoted_reason(self, result: MemberResult, base: int) -> Reason:
        outcome = " Chuyển xuống mức “Hoàn thành tốt nhiệm vụ”." if self.binding else self._advice()
        # With no seat at all (possible only without a small-organisation allowance,
        # or when earlier rounds hold every seat) nobody is compared with.
        if self.arithmetic.max_excellent == 0:
            compared = "nhưng không có suất nào (x = 0)"
        elif self.earlier >= self.arithmetic.max_excellent:
            compared = "nhưng mọi suất đã thuộc về những đồng chí được giữ ở vòng trước"
        else:
            compared = "ít hơn những đồng chí được giữ"
        return Reason(
            "excellence_cap_exceeded" if self.binding else "excellence_cap_advisory",
            self.rule.section,
            f"{self._opening()} Đồng chí được {self._votes_text(result, base)}, "
            f"{compared}.{outcome}",
        )

    def exceeded_by_earlier_reason(self) -> Reason:
        return Reason(
            "excellence_cap_exceeded_after_followup",
            self.rule.section,
            f"{self._opening()} Sau vòng bỏ phiếu bổ sung, số đồng chí được giữ ở các vòng "
            "trước vượt giới hạn. Vòng bổ sung không hỏi về đồng chí nên kết quả của đồng chí "
            "không đổi; chi bộ cần bỏ phiếu bổ sung đối với tất cả các đồng chí "
            "“Hoàn thành xuất sắc nhiệm vụ” cùng một lúc.",
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
    """The members' results as the chi bộ's own level counts them: those whose result
    belongs to another organisation (II.B.6) are left out."""
    pending = {MemberStatus.ABSENT, MemberStatus.UNDETERMINED, MemberStatus.DEFERRED}
    here = [r for r in results if r.counts_for_organisation]
    return MemberLevelCounts(
        htxsnv=_classified_at(here, Level.HTXSNV),
        httnv=_classified_at(here, Level.HTTNV),
        htnv=_classified_at(here, Level.HTNV),
        khtnv=_classified_at(here, Level.KHTNV),
        tied=sum(1 for r in here if r.status is MemberStatus.TIE),
        pending=sum(1 for r in here if r.status in pending),
        elsewhere=len(results) - len(here),
    )
