"""The đảng ủy cơ sở's step over its chi bộ's proposals (docs/rules.md, “Giới hạn trên
toàn đảng bộ”): pure, no I/O.

A chi bộ trực thuộc only proposes (II.B.2.5, bước 2); the đảng ủy cơ sở applies the
cap on excellence across the whole đảng bộ: "không vượt quá 20% số đảng viên được xếp
loại “Hoàn thành tốt nhiệm vụ” trong từng tổ chức cơ sở đảng" (21-HD II.B.2.3.a), with
the "dưới 05" allowance of II.B.6 counted over the đảng bộ; 366-2025 within each group
of comparable position and role across the đảng bộ, 20% or 25% as the competent level
decides (QĐ 366 khoản 1.5). The chi bộ themselves are capped too: "số lượng tổ chức đảng
được xếp loại HTXSNV không vượt quá 20% số tổ chức đảng cùng cấp trực thuộc được xếp
loại HTTNV của từng đảng bộ" (II.B.1.3), with II.B.6's "dưới 05 tổ chức đảng".

The arithmetic is the chi bộ engine's (`ballot.rules.cap`: the fixed point, the
small-organisation allowance, ties never broken). Candidates are ranked by their share
of HTXSNV votes in their own chi bộ (votes over that round's denominator, exact), since
the chi bộ have different sizes. Nothing is decided here: the đảng ủy records its
decisions (`apply_decisions`), and a tie at the boundary stays a tie until it does.

    branches = merge_bundles(bundles)          # a chi bộ's later bundle adds members
    proposal = committee_proposal(branches, "21-HD-2019")
    final = apply_decisions(proposal, decisions)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction

from ballot.rules.cap import Candidate, CapArithmetic, excellence_cap, select_excellent
from ballot.rules.levels import Level
from ballot.rules.model import Organisation
from ballot.rules.profiles import get_profile
from ballot.rules.profiles.base import ExcellenceCapRule
from ballot.rules.results import MemberStatus, Reason
from ballot.rules.text import percent_vi

CONFLICT = "conflict"  # a member assessed in two bundles of the same chi bộ
TIE = MemberStatus.TIE.value
CLASSIFIED = MemberStatus.CLASSIFIED.value
ABSENT = MemberStatus.ABSENT.value

# II.B.1.3 (and II.B.6 "dưới 05 tổ chức đảng"): the organisations' cap. 366-2025 keeps
# the method of 21-HD II.B.1.3 for the chi bộ's own level (docs/rules.md, “Hồ sơ 366-2025”),
# so the same rule is assumed for the organisations' cap.
ORGANISATIONS_CAP = ExcellenceCapRule(
    ratio=Fraction(1, 5),
    small_count=5,
    small_allowance=1,
    binding_kinds=frozenset(),
    section="II.B.1.3",
    small_section="II.B.6",
)
PERCENTS = (20, 25)
# The reasons' codes for (kept, tied, beyond the cap): members, then organisations.
MEMBER_CAP_CODE = ("committee_within_cap", "committee_cap_tie", "committee_cap_exceeded")
ORGANISATIONS_CAP_CODE = (
    "organisations_within_cap", "organisations_cap_tie", "organisations_cap_exceeded",
)  # 366-2025, khoản 1.5: 25 where the competent level grants it


@dataclass(frozen=True, slots=True)
class ProposedMember:
    """One member as a chi bộ proposed them (its certified bundle's proposal)."""

    id: str
    name: str
    status: str  # a MemberStatus value of the chi bộ's proposal
    level: Level | None  # the chi bộ's proposed level (classified members only)
    excellent_share: Fraction  # HTXSNV votes / the deciding round's denominator
    reasons: tuple[Reason, ...] = ()
    cap_group: str | None = None  # 366-2025: the group of comparable position and role
    bundle: str = ""  # the bundle it came from (its hash), to show conflicts


@dataclass(frozen=True, slots=True)
class BranchBundle:
    """One certified bundle of one chi bộ, as the rules read it."""

    branch: str
    bundle: str  # its hash
    members: tuple[ProposedMember, ...]
    level: Level | None  # the chi bộ's own level as voted (II.B.1.5), None if not voted
    excellent_share: Fraction = Fraction(0)  # HTXSNV share of that vote


@dataclass(frozen=True, slots=True)
class Conflict:
    branch: str
    member_id: str
    bundles: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BranchProposal:
    """A chi bộ with every bundle it sent merged: members by id, in first-seen order."""

    name: str
    bundles: tuple[str, ...]
    members: tuple[ProposedMember, ...]
    level: Level | None
    excellent_share: Fraction
    conflicts: tuple[Conflict, ...] = ()


def merge_bundles(bundles: Iterable[BranchBundle]) -> tuple[BranchProposal, ...]:
    """Each chi bộ's bundles, in the order given (oldest first), as one proposal.

    A later bundle (a meeting for members who were absent, II.B.6 "xếp loại ngay khi
    có thể") adds its members: a member absent in one bundle and assessed in another
    takes the assessment. A member assessed in two bundles is a conflict: shown, with
    both bundles, never resolved here. The chi bộ's own level is the latest bundle's
    that voted on it."""
    grouped: dict[str, list[BranchBundle]] = {}
    for bundle in bundles:
        grouped.setdefault(bundle.branch, []).append(bundle)
    merged = []
    for name, items in grouped.items():
        seen: dict[str, list[ProposedMember]] = {}
        for bundle in items:
            for member in bundle.members:
                seen.setdefault(member.id, []).append(replace(member, bundle=bundle.bundle))
        members, conflicts = [], []
        for member_id, entries in seen.items():
            assessed = [e for e in entries if e.status != ABSENT]
            if len(assessed) > 1:
                conflicts.append(Conflict(name, member_id, tuple(e.bundle for e in assessed)))
                members.append(replace(assessed[-1], status=CONFLICT, level=None, reasons=(
                    Reason("committee_bundles_conflict", "II.B.2.5",
                           f"Đồng chí được chi bộ xếp loại trong {len(assessed)} gói khác nhau; "
                           "đảng ủy cần xem xét và quyết định, phần mềm không tự chọn."),)))
            else:
                members.append(assessed[0] if assessed else entries[-1])
        voted = [b for b in items if b.level is not None]
        own = voted[-1] if voted else None
        merged.append(BranchProposal(
            name=name,
            bundles=tuple(b.bundle for b in items),
            members=tuple(members),
            level=own.level if own else None,
            excellent_share=own.excellent_share if own else Fraction(0),
            conflicts=tuple(conflicts),
        ))
    return tuple(merged)


@dataclass(frozen=True, slots=True)
class CapResult:
    """The cap in one scope (the đảng bộ, a group of it, or its organisations)."""

    group: str | None
    arithmetic: CapArithmetic
    kept: tuple[str, ...]
    tied: tuple[str, ...]
    demoted: tuple[str, ...]
    open_seats: int


@dataclass(frozen=True, slots=True)
class MemberOutcome:
    branch: str
    id: str
    name: str
    status: str  # the chi bộ's, or "tie" (at the đảng bộ-wide cap), or "conflict"
    proposed_level: Level | None
    level: Level | None  # after the đảng bộ-wide cap (or the đảng ủy's decision)
    excellent_share: Fraction
    reasons: tuple[Reason, ...]
    decided: bool = False

    @property
    def key(self) -> str:
        return member_key(self.branch, self.id)


@dataclass(frozen=True, slots=True)
class BranchOutcome:
    name: str
    bundles: tuple[str, ...]
    members: int
    proposed_level: Level | None
    level: Level | None
    excellent_share: Fraction
    reasons: tuple[Reason, ...]
    decided: bool = False


@dataclass(frozen=True, slots=True)
class CommitteeProposal:
    profile: str
    percent: int
    members: tuple[MemberOutcome, ...]
    branches: tuple[BranchOutcome, ...]
    caps: tuple[CapResult, ...]  # one per group (one, ungrouped, for 21-HD-2019)
    organisations_cap: CapResult
    conflicts: tuple[Conflict, ...] = field(default=())

    @property
    def cap(self) -> CapArithmetic:
        """The sums over the groups, as one line of the report."""
        parts = [c.arithmetic for c in self.caps]
        return CapArithmetic(
            candidates=sum(a.candidates for a in parts),
            good=sum(a.good for a in parts),
            by_ratio=sum(a.by_ratio for a in parts),
            max_excellent=sum(a.max_excellent for a in parts),
            small_exception=any(a.small_exception for a in parts),
        )

    @property
    def tied(self) -> tuple[str, ...]:
        return tuple(key for c in self.caps for key in c.tied)


def member_key(branch: str, member_id: str) -> str:
    """How a member is named across the đảng bộ: "chi bộ:id" (ids are per chi bộ)."""
    return f"{branch}:{member_id}"


def cap_rule(profile_name: str, percent: int = 20) -> ExcellenceCapRule:
    """The members' cap of the profile, at the đảng bộ: 366-2025 takes the percent the
    competent level decided (20 or 25); 21-HD-2019 is 20% with its "dưới 05"."""
    if percent not in PERCENTS:
        raise ValueError(f"cap percent must be 20 or 25, not {percent}")
    profile = get_profile(profile_name)
    rule = profile.cap_rule(Organisation(cap_percent=percent))
    if rule.ratio != Fraction(percent, 100):
        raise ValueError(f"profile {profile_name} fixes its cap at {rule.ratio}")
    return rule


def committee_proposal(
    branches: Sequence[BranchProposal], profile_name: str, *, percent: int = 20
) -> CommitteeProposal:
    """Every member of every chi bộ after the đảng bộ-wide cap, and every chi bộ after the
    organisations' cap; ties at either boundary flagged, not broken."""
    rule = cap_rule(profile_name, percent)
    everyone = [(b.name, m) for b in branches for m in b.members]
    groups: dict[str | None, list[tuple[str, ProposedMember]]] = {}
    for branch, member in everyone:
        group = member.cap_group if rule.grouped else None
        groups.setdefault(group, []).append((branch, member))
    caps, decided = [], {}
    for group in sorted(groups, key=lambda g: (g is not None, g or "")):
        result, outcomes = _cap_members(groups[group], rule, group)
        caps.append(result)
        decided.update(outcomes)
    members = tuple(
        decided.get(member_key(branch, m.id)) or _unchanged(branch, m) for branch, m in everyone
    )
    organisations, branch_outcomes = _cap_organisations(branches)
    return CommitteeProposal(
        profile=profile_name,
        percent=percent,
        members=members,
        branches=branch_outcomes,
        caps=tuple(caps),
        organisations_cap=organisations,
        conflicts=tuple(c for b in branches for c in b.conflicts),
    )


def _unchanged(branch: str, m: ProposedMember) -> MemberOutcome:
    return MemberOutcome(branch, m.id, m.name, m.status, m.level, m.level, m.excellent_share,
                         m.reasons)


def _classified_at(member: ProposedMember, level: Level) -> bool:
    return member.status == CLASSIFIED and member.level is level


def _cap_members(
    members: list[tuple[str, ProposedMember]], rule: ExcellenceCapRule, group: str | None
) -> tuple[CapResult, dict[str, MemberOutcome]]:
    candidates = [(b, m) for b, m in members if _classified_at(m, Level.HTXSNV)]
    good = sum(1 for _, m in members if _classified_at(m, Level.HTTNV))
    arithmetic = excellence_cap(len(candidates), good, rule, small_exception=True)
    selection = select_excellent(
        [Candidate(member_key(b, m.id), m.excellent_share) for b, m in candidates],
        arithmetic.max_excellent,
    )
    result = _cap_result(group, arithmetic, selection, [member_key(b, m.id) for b, m in candidates])
    words = _Words(rule, arithmetic, len(selection.tied), selection.open_seats, group,
                   scope="đảng bộ", unit="đảng viên")
    outcomes = {}
    for branch, m in candidates:
        key = member_key(branch, m.id)
        base = MemberOutcome(branch, m.id, m.name, m.status, m.level, m.level,
                             m.excellent_share, m.reasons)
        if key in selection.kept:
            reason = words.kept(MEMBER_CAP_CODE, m.excellent_share)
            outcomes[key] = replace(base, reasons=(*m.reasons, reason))
        elif key in selection.tied:
            reason = words.tied(MEMBER_CAP_CODE, m.excellent_share)
            outcomes[key] = replace(base, status=TIE, level=None, reasons=(*m.reasons, reason))
        else:
            reason = words.demoted(MEMBER_CAP_CODE, m.excellent_share)
            outcomes[key] = replace(base, level=Level.HTTNV, reasons=(*m.reasons, reason))
    return result, outcomes


def _cap_organisations(
    branches: Sequence[BranchProposal],
) -> tuple[CapResult, tuple[BranchOutcome, ...]]:
    rule = ORGANISATIONS_CAP
    candidates = [b for b in branches if b.level is Level.HTXSNV]
    good = sum(1 for b in branches if b.level is Level.HTTNV)
    arithmetic = excellence_cap(len(candidates), good, rule, small_exception=True)
    selection = select_excellent(
        [Candidate(b.name, b.excellent_share) for b in candidates], arithmetic.max_excellent
    )
    result = _cap_result(None, arithmetic, selection, [b.name for b in candidates])
    words = _Words(rule, arithmetic, len(selection.tied), selection.open_seats, None,
                   scope="đảng bộ", unit="tổ chức đảng")
    outcomes = []
    for b in branches:
        level, reasons = b.level, ()
        if b.level is None:
            reasons = (Reason("committee_branch_level_not_voted", "II.B.1.5",
                              "Chi bộ chưa biểu quyết mức xếp loại của mình; đảng ủy xem xét, "
                              "quyết định."),)
        elif b.name in selection.kept:
            reasons = (words.kept(ORGANISATIONS_CAP_CODE, b.excellent_share),)
        elif b.name in selection.tied:
            level = None
            reasons = (words.tied(ORGANISATIONS_CAP_CODE, b.excellent_share),)
        elif b.level is Level.HTXSNV:
            level = Level.HTTNV
            reasons = (words.demoted(ORGANISATIONS_CAP_CODE, b.excellent_share),)
        outcomes.append(BranchOutcome(b.name, b.bundles, len(b.members), b.level, level,
                                      b.excellent_share, reasons))
    return result, tuple(outcomes)


def _cap_result(group, arithmetic, selection, order: list[str]) -> CapResult:
    return CapResult(
        group=group,
        arithmetic=arithmetic,
        kept=tuple(k for k in order if k in selection.kept),
        tied=tuple(k for k in order if k in selection.tied),
        demoted=tuple(k for k in order if k in selection.demoted),
        open_seats=selection.open_seats,
    )


@dataclass(frozen=True, slots=True)
class _Words:
    """The reasons, with the arithmetic written out (as the chi bộ engine writes it)."""

    rule: ExcellenceCapRule
    arithmetic: CapArithmetic
    tied_count: int
    open_seats: int
    group: str | None
    scope: str
    unit: str

    def _opening(self) -> str:
        a = self.arithmetic
        ratio = percent_vi(self.rule.ratio)
        where = f"Trong nhóm “{self.group}” của toàn {self.scope}" if self.group \
            else f"Trên toàn {self.scope}"
        text = (
            f"{where}, số {self.unit} “Hoàn thành xuất sắc nhiệm vụ” không vượt quá {ratio}"
            f"{self.rule.ratio_note} số {self.unit} “Hoàn thành tốt nhiệm vụ”: k = "
            f"{a.candidates} được chi bộ đề xuất “Hoàn thành xuất sắc nhiệm vụ”, h = {a.good} "
            f"“Hoàn thành tốt nhiệm vụ”; số x lớn nhất thỏa mãn x ≤ {ratio} × (h + k − x) là "
            f"{a.by_ratio}"
        )
        if a.small_exception:
            text += (
                f"; vì chỉ có {a.final_good} {self.unit} “Hoàn thành tốt nhiệm vụ” (dưới "
                f"{self.rule.small_count:02d}) nên vẫn được chọn {a.max_excellent:02d}"
            )
        return text + f"; được giữ tối đa {a.max_excellent}."

    def _share(self, share: Fraction) -> str:
        return f"tỷ lệ phiếu “Hoàn thành xuất sắc nhiệm vụ” tại chi bộ {percent_vi(share)}"

    def _section(self) -> str:
        return self.rule.small_section if self.arithmetic.small_exception else self.rule.section

    def kept(self, codes: tuple[str, str, str], share: Fraction) -> Reason:
        code = codes[0]
        return Reason(code, self._section(),
                      f"{self._opening()} Có {self._share(share)}, thuộc số được giữ.")

    def tied(self, codes: tuple[str, str, str], share: Fraction) -> Reason:
        code = codes[1]
        return Reason(code, self.rule.section,
                      f"{self._opening()} {self.tied_count} trường hợp cùng {self._share(share)} "
                      f"trong khi chỉ còn {self.open_seats} suất; đảng ủy xem xét, quyết định.")

    def demoted(self, codes: tuple[str, str, str], share: Fraction) -> Reason:
        compared = "nhưng không có suất nào (x = 0)" if self.arithmetic.max_excellent == 0 \
            else "thấp hơn những trường hợp được giữ"
        code = codes[2]
        return Reason(code, self.rule.section,
                      f"{self._opening()} Có {self._share(share)}, {compared}. Đề xuất "
                      "“Hoàn thành tốt nhiệm vụ”.")


# --- the đảng ủy's decisions ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Decision:
    """The đảng ủy's decision on one member ("chi bộ:id") or one chi bộ (its name)."""

    target: str
    level: Level
    reason: str  # required where the level differs from the proposal


def apply_decisions(
    proposal: CommitteeProposal,
    members: Mapping[str, Decision],
    branches: Mapping[str, Decision] | None = None,
) -> CommitteeProposal:
    """The proposal with the đảng ủy's recorded decisions as the levels (II.B.2.5: the
    đảng ủy cơ sở "xem xét quyết định"); each decision cited in the reasons."""
    branches = branches or {}

    def member(m: MemberOutcome) -> MemberOutcome:
        d = members.get(m.key)
        if d is None:
            return m
        return replace(m, level=d.level, status=CLASSIFIED, decided=True,
                       reasons=(*m.reasons, _decided_reason(d, m.level)))

    def branch(b: BranchOutcome) -> BranchOutcome:
        d = branches.get(b.name)
        if d is None:
            return b
        return replace(b, level=d.level, decided=True,
                       reasons=(*b.reasons, _decided_reason(d, b.level)))

    return replace(proposal, members=tuple(member(m) for m in proposal.members),
                   branches=tuple(branch(b) for b in proposal.branches))


def _decided_reason(decision: Decision, proposed: Level | None) -> Reason:
    if proposed is decision.level:
        text = f"Đảng ủy quyết định: “{decision.level.vietnamese}”, như đề xuất."
    else:
        text = f"Đảng ủy quyết định: “{decision.level.vietnamese}”. Lý do: {decision.reason}"
    return Reason("committee_decision", "II.B.2.5", text)


# --- statistics ---------------------------------------------------------------------


def totals(proposal: CommitteeProposal, branch: str | None = None) -> dict[str, int]:
    """Members per level (the current level), classified, not classified, absent."""
    chosen = [m for m in proposal.members if branch is None or m.branch == branch]
    counts = {level.value: sum(1 for m in chosen if m.level is level and m.status == CLASSIFIED)
              for level in (Level.HTXSNV, Level.HTTNV, Level.HTNV, Level.KHTNV)}
    return {
        **counts,
        "classified": sum(counts.values()),
        "not_classified": sum(1 for m in chosen if m.status == MemberStatus.NOT_CLASSIFIED.value),
        "absent": sum(1 for m in chosen if m.status == ABSENT),
    }
