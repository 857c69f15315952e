"""Profile `366-2025`: Quy định 366-QĐ/TW (30/8/2025) and Hướng dẫn 43-HD/BTCTW (31/10/2025).

The regulation in force for reviews from 31/10/2025 on (docs/rules.md, “Hồ sơ
366-2025”). Every reason cites its article: "QĐ 366 Điều 11" (the levels by score
and tasks), "QĐ 366 khoản 4.2" (the cases forcing KHTNV), "QĐ 366 khoản 1.5" (the cap
on HTXSNV), "HD 43 mục 7.5" (sick and maternity leave), "QĐ 366 Điều 5" (who is rated).

Facts this profile reads, all optional (see `MemberFacts`): the checked score on
100 points, the task percentages, whether earlier shortcomings were fixed, the
discipline form, the cap group; the organisation's cap_percent. A fact not given
caps nothing: the vote decides, as with the Mẫu 02 criteria of 21-HD-2019.

Assumptions, each also stated in the reason that depends on it:
- Members are rated as individuals without a leadership post (the scenario has
  no post): Điều 11's conditions for them, and khoản 4.2's forcing cases.
- "Discipline of khiển trách or above for conduct in office": the scenario does
  not say why a member was disciplined, so every discipline form given counts;
  `disciplined_this_year` (the 2019 field) counts as a discipline of unstated form.
  "Violating what members must not do or the duty to set an example" has no fact
  in the scenario and is not applied: the chi bộ votes on it.
- Điều 11 states HTNV as "100% of tasks, no more than 20% behind schedule" while
  khoản 4.2 forces KHTNV only past 50% of tasks not completed; a member between
  the two (tasks under 100% but not under 50%, or over 20% behind schedule) fits
  neither text, so the task facts cap such a member at HTNV (never force KHTNV)
  and the reason says so.
- HTTNV needs 100% of tasks on time (Điều 11 khoản 2 as published): any share
  behind schedule caps at HTNV.
- The chi bộ's own level keeps the method of 21-HD II.B.1.3 (no 2025 text found
  that differs, and the scenario has no score for the chi bộ).
- The vote keeps the counting of docs/rules.md, “Đếm phiếu”; the cap binds in a
  chi bộ cơ sở and is advice in a chi bộ trực thuộc, as in 21-HD-2019.
- The cases of 21-HD II.B.6 the 2025 texts in the reference folder do not restate
  (temporary registration, transfers, a violation at the previous organisation or
  already counted, a chi bộ founded under 6 months, đình chỉ sinh hoạt cấp ủy) keep
  21-HD's reading, cited as "21-HD II.B.6" and said so in the reason.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from fractions import Fraction

from ballot.rules.dates import add_months, full_months_elapsed
from ballot.rules.levels import Level
from ballot.rules.model import (
    MemberFacts,
    Organisation,
    OrganisationKind,
    Score,
    Thresholds,
)
from ballot.rules.profiles import hd21_2019
from ballot.rules.profiles.base import (
    ExcellenceCapRule,
    LevelCap,
    MemberLevelCounts,
    Profile,
)
from ballot.rules.results import OrganisationResult, Reason
from ballot.rules.text import date_vi, number_vi, quoted_level

NAME = "366-2025"

LEVELS_SECTION = "QĐ 366 Điều 11"
FORCED_SECTION = "QĐ 366 khoản 4.2"
CAP_SECTION = "QĐ 366 khoản 1.5"
LEAVE_SECTION = "HD 43 mục 7.5"
WHO_SECTION = "QĐ 366 Điều 5"
COUNTING_SECTION = f"Cách đếm phiếu của hồ sơ {NAME}"
# A rule of 21-HD II.B.6 this profile keeps (see the module docstring).
KEPT_SECTION = "21-HD II.B.6"
KEPT_NOTE = " (giữ cách làm của Hướng dẫn 21-HD/BTCTW, mục {section})"

# Điều 11: the score bands (the checked score on 100 points).
SCORE_HTXSNV = Fraction(90)  # "từ 90 điểm trở lên"
SCORE_HTTNV = Fraction(70)  # "từ 70 điểm đến dưới 90 điểm"
SCORE_HTNV = Fraction(50)  # "từ 50 điểm đến dưới 70 điểm"; below: KHTNV
# Điều 11 khoản 1: "ít nhất 30% số nhiệm vụ hoàn thành vượt mức yêu cầu".
MIN_EXCEEDED_PCT = Fraction(30)
# Điều 11 khoản 3: "không quá 20% nhiệm vụ chưa bảo đảm tiến độ".
MAX_BEHIND_PCT_HTNV = Fraction(20)
# Khoản 4.2: "có trên 50% số nhiệm vụ trong năm không hoàn thành".
MAX_FAILED_PCT = Fraction(50)
# Điều 5: admitted less than 6 months before: reviewed, not rated.
MONTHS_BEFORE_CLASSIFIED = 6
# HD 43 mục 7.5: sick leave of 3 months or more: rated on the work actually done.
SICK_LEAVE_MONTHS_NOTED = Fraction(3)
# Khoản 1.5: 20%, or 25% where the competent level grants it.
DEFAULT_CAP_PERCENT = 20
RAISED_CAP_PERCENT = 25


def _kept(reason: Reason) -> Reason:
    """A reason of 21-HD-2019 this profile keeps, cited and worded as such."""
    own = reason.section.removeprefix("21-HD ")
    message = reason.message.rstrip(".") + KEPT_NOTE.format(section=own) + "."
    section = f"21-HD {own}"
    return replace(reason, section=section, message=message)


def _pct(value: Fraction) -> str:
    return f"{number_vi(value)}%"


def _sentence(text: str) -> str:
    """Capitalise the first letter only (str.capitalize lowers the rest)."""
    return text[:1].upper() + text[1:]


# --- Điều 5: who is rated ---------------------------------------------------------------


def exclusion_reasons(member: MemberFacts, review_date: date) -> tuple[Reason, ...]:
    reasons: list[Reason] = []
    if member.exempt:
        reasons.append(
            Reason(
                "exempt_from_party_work",
                WHO_SECTION,
                "Được miễn công tác và sinh hoạt đảng: không đánh giá, xếp loại chất lượng.",
            )
        )
    if member.suspended:
        reasons.append(
            Reason(
                "party_activity_suspended",
                WHO_SECTION,
                "Đang bị đình chỉ sinh hoạt đảng: không đánh giá, xếp loại chất lượng.",
            )
        )
    if not full_months_elapsed(member.admitted_on, review_date, MONTHS_BEFORE_CLASSIFIED):
        complete_on = add_months(member.admitted_on, MONTHS_BEFORE_CLASSIFIED)
        reasons.append(
            Reason(
                "admitted_under_6_months",
                WHO_SECTION,
                f"Kết nạp ngày {date_vi(member.admitted_on)}, đến ngày xếp loại "
                f"{date_vi(review_date)} chưa đủ 06 tháng (đủ từ ngày "
                f"{date_vi(complete_on)}): vẫn kiểm điểm nhưng không xếp loại chất lượng.",
            )
        )
    reasons += [
        _kept(r)
        for r in hd21_2019.exclusion_reasons(member, review_date)
        if r.code == "temporary_registration_here"
    ]
    return tuple(reasons)


def absence_reason(member: MemberFacts) -> Reason | None:
    reason = hd21_2019.absence_reason(member)
    return None if reason is None else _kept(reason)


def deferral_reason(member: MemberFacts) -> Reason | None:
    """None: the civil-service rating is no condition of this profile (see the notes)."""
    return None


# --- the task facts -----------------------------------------------------------------------


def completed_pct(member: MemberFacts) -> tuple[Fraction | None, str]:
    """The share of the year's tasks completed, and the fact it comes from.

    `tasks_completed_pct`; else 100 − `tasks_failed_pct`; else the 2019 field
    `targets_completed_pct` when it says less than 100 (its default, 100, says
    nothing); else None (not given).
    """
    if member.tasks_completed_pct is not None:
        return member.tasks_completed_pct, "tasks_completed_pct"
    if member.tasks_failed_pct is not None:
        return 100 - member.tasks_failed_pct, "tasks_failed_pct"
    if member.targets_completed_pct < 100:
        return member.targets_completed_pct, "targets_completed_pct"
    return None, ""


def tasks_mostly_not_completed(member: MemberFacts) -> bool:
    """Khoản 4.2: more than 50% of the year's tasks not completed."""
    done, _ = completed_pct(member)
    failed = member.tasks_failed_pct
    return (failed is not None and failed > MAX_FAILED_PCT) or (
        done is not None and done < 100 - MAX_FAILED_PCT
    )


def _not_all_done(member: MemberFacts) -> bool:
    done, _ = completed_pct(member)
    failed = member.tasks_failed_pct
    return (done is not None and done < 100) or (failed is not None and failed > 0)


def _done_text(member: MemberFacts) -> str:
    done, source = completed_pct(member)
    failed = member.tasks_failed_pct
    parts = []
    if done is not None and source != "tasks_failed_pct":
        what = "chỉ tiêu, nhiệm vụ" if source == "targets_completed_pct" else "nhiệm vụ"
        parts.append(f"hoàn thành {_pct(done)} {what}")
    if failed is not None:
        parts.append(f"{_pct(failed)} nhiệm vụ không hoàn thành")
    return ", ".join(parts)


# --- khoản 4.2 and Điều 11 khoản 4: forced KHTNV ----------------------------------------


def _discipline_counts(member: MemberFacts) -> bool:
    """Not a violation already counted (21-HD II.B.2.3.d's "chỉ tính một lần", kept)."""
    given = member.discipline is not None or member.disciplined_this_year
    return given and not member.discipline_already_counted


def _forced_khtnv(member: MemberFacts) -> list[LevelCap]:
    caps: list[LevelCap] = []
    if member.degradation_concluded:
        caps.append(
            LevelCap(
                Level.KHTNV,
                Reason(
                    "degradation_concluded",
                    FORCED_SECTION,
                    "Cấp có thẩm quyền kết luận suy thoái về tư tưởng chính trị, đạo đức, lối "
                    f"sống, “tự diễn biến”, “tự chuyển hóa”: xếp loại {quoted_level(Level.KHTNV)}.",
                ),
            )
        )
    if _discipline_counts(member) and member.discipline_at_previous_organisation:
        previous = hd21_2019.member_caps(replace(member, disciplined_this_year=True))
        caps += [
            replace(cap, reason=_kept(cap.reason))
            for cap in previous
            if cap.reason.code == "disciplined_for_previous_organisation"
        ]
    elif not _discipline_counts(member):
        pass
    elif member.discipline is not None:
        caps.append(
            LevelCap(
                Level.KHTNV,
                Reason(
                    "discipline_reprimand_or_above",
                    FORCED_SECTION,
                    f"Bị kỷ luật hình thức {member.discipline.vietnamese} (từ khiển trách trở "
                    f"lên): xếp loại {quoted_level(Level.KHTNV)}. Dữ liệu không ghi rõ vi phạm có "
                    "trong thực thi nhiệm vụ hay không; mọi hình thức kỷ luật được ghi đều được "
                    "tính.",
                ),
            )
        )
    elif member.disciplined_this_year:
        caps.append(
            LevelCap(
                Level.KHTNV,
                Reason(
                    "disciplined_this_year",
                    FORCED_SECTION,
                    "Bị thi hành kỷ luật trong năm, không ghi hình thức (mọi hình thức kỷ luật "
                    f"đảng đều từ khiển trách trở lên): xếp loại {quoted_level(Level.KHTNV)}.",
                ),
            )
        )
    if tasks_mostly_not_completed(member):
        caps.append(
            LevelCap(
                Level.KHTNV,
                Reason(
                    "tasks_not_completed_over_50_percent",
                    FORCED_SECTION,
                    f"{_sentence(_done_text(member))} trong năm: có trên 50% số nhiệm vụ không "
                    f"hoàn thành, nên xếp loại {quoted_level(Level.KHTNV)}.",
                ),
            )
        )
    return caps


# --- Điều 11: the levels by score ------------------------------------------------------


def _score_text(score: Score) -> str:
    text = f"{number_vi(score.total)}/100 điểm"
    if score.general is not None and score.tasks is not None:
        text += (
            f" (tiêu chí chung {number_vi(score.general)}/30, kết quả thực hiện nhiệm vụ "
            f"{number_vi(score.tasks)}/70)"
        )
    return text


def level_by_score(total: Fraction) -> Level:
    """Điều 11: the highest level a checked score allows."""
    if total >= SCORE_HTXSNV:
        return Level.HTXSNV
    if total >= SCORE_HTTNV:
        return Level.HTTNV
    if total >= SCORE_HTNV:
        return Level.HTNV
    return Level.KHTNV


_SCORE_BAND = {
    Level.HTTNV: ("từ 70 đến dưới 90 điểm", "mức cao nhất là"),
    Level.HTNV: ("từ 50 đến dưới 70 điểm", "mức cao nhất là"),
    Level.KHTNV: ("dưới 50 điểm", "xếp loại"),
}
_SCORE_CODE = {
    Level.HTTNV: "score_under_90",
    Level.HTNV: "score_under_70",
    Level.KHTNV: "score_under_50",
}


def _score_cap(member: MemberFacts) -> list[LevelCap]:
    if member.score is None:
        return []
    allowed = level_by_score(member.score.total)
    if allowed is Level.HTXSNV:
        return []
    band, verb = _SCORE_BAND[allowed]
    code = _SCORE_CODE[allowed]
    return [
        LevelCap(
            allowed,
            Reason(
                code,
                LEVELS_SECTION,
                f"Điểm đánh giá đã thẩm định {_score_text(member.score)}, {band}: "
                f"{verb} {quoted_level(allowed)}.",
            ),
        )
    ]


# --- Điều 11: the levels by the task facts ----------------------------------------------


def _tasks_htnv_cap(member: MemberFacts) -> list[LevelCap]:
    """HTTNV and HTXSNV need 100% of tasks done on time (Điều 11 khoản 1, 2)."""
    behind = member.tasks_behind_schedule_pct
    missing: list[str] = []
    if _not_all_done(member):
        missing.append(_done_text(member) + " (chưa đủ 100%)")
    if behind is not None and behind > 0:
        missing.append(f"{_pct(behind)} nhiệm vụ chậm tiến độ")
    if not missing:
        return []
    facts = "; ".join(missing)
    below_htnv = _not_all_done(member) or (behind is not None and behind > MAX_BEHIND_PCT_HTNV)
    if not below_htnv:
        return [
            LevelCap(
                Level.HTNV,
                Reason(
                    "tasks_not_all_on_time",
                    LEVELS_SECTION,
                    f"Có {facts}: chưa đạt điều kiện 100% nhiệm vụ hoàn thành đúng tiến độ của "
                    f"mức {quoted_level(Level.HTTNV)} trở lên; vì không quá 20% nhiệm vụ chậm "
                    f"tiến độ nên mức cao nhất là {quoted_level(Level.HTNV)}.",
                ),
            )
        ]
    if tasks_mostly_not_completed(member):
        return []  # khoản 4.2 already forces KHTNV, with its own reason
    return [
        LevelCap(
            Level.HTNV,
            Reason(
                "tasks_below_htnv_conditions",
                LEVELS_SECTION,
                f"{_sentence(facts)}: chưa đủ điều kiện của mức {quoted_level(Level.HTNV)} (100% "
                "nhiệm vụ, không quá 20% chậm tiến độ), nhưng Quy định chỉ buộc xếp loại "
                f"{quoted_level(Level.KHTNV)} khi có trên 50% nhiệm vụ không hoàn thành (khoản "
                f"4.2). Vì vậy mức cao nhất theo kết quả thực hiện nhiệm vụ là "
                f"{quoted_level(Level.HTNV)}; chi bộ cân nhắc khi biểu quyết.",
            ),
        )
    ]


def _tasks_httnv_cap(member: MemberFacts) -> list[LevelCap]:
    """HTXSNV also needs 30% of tasks exceeding requirements and every earlier
    shortcoming fixed (Điều 11 khoản 1)."""
    missing: list[str] = []
    exceeded = member.tasks_exceeded_pct
    if exceeded is not None and exceeded < MIN_EXCEEDED_PCT:
        missing.append(f"chỉ có {_pct(exceeded)} nhiệm vụ hoàn thành vượt mức (cần ít nhất 30%)")
    if member.earlier_shortcomings_fixed is False:
        missing.append("chưa khắc phục hết hạn chế, khuyết điểm đã được chỉ ra")
    if not missing:
        return []
    return [
        LevelCap(
            Level.HTTNV,
            Reason(
                "tasks_not_excellent",
                LEVELS_SECTION,
                f"{_sentence('; '.join(missing))}: chưa đủ điều kiện của mức "
                f"{quoted_level(Level.HTXSNV)}; mức cao nhất là {quoted_level(Level.HTTNV)}.",
            ),
        )
    ]


def member_caps(member: MemberFacts) -> tuple[LevelCap, ...]:
    return tuple(
        _forced_khtnv(member)
        + _score_cap(member)
        + _tasks_htnv_cap(member)
        + _tasks_httnv_cap(member)
    )


# --- notes: no level changed -------------------------------------------------------------

# Facts of 21-HD-2019 among no condition of QĐ 366 / HD 43 this profile applies, in
# the words the minutes use for them.
_FACTS_NOT_APPLIED = (
    ("civil_servant_level", "kết quả xếp loại cán bộ, công chức, viên chức"),
    ("civil_servant_rating_pending", "điều kiện chờ kết quả xếp loại công chức, viên chức"),
    ("criteria", "các tiêu chí tự đánh giá theo Mẫu 02"),
    ("heads_collective_level", "mức xếp loại của tập thể do đồng chí đứng đầu"),
)
# Notes of 21-HD-2019 this profile keeps, cited as such.
_KEPT_NOTES = (
    "discipline_already_counted",
    "committee_activity_suspended",
    "transferred_in",
    "previous_branch_comments_received",
    "previous_branch_comments_needed",
    "temporary_registration_elsewhere",
    "temporary_branch_comments_needed",
)


def _given(member: MemberFacts, name: str) -> bool:
    value = getattr(member, name)
    return value not in (None, False)


def member_notes(member: MemberFacts) -> tuple[Reason, ...]:
    notes: list[Reason] = []
    if member.score is None:
        notes.append(
            Reason(
                "score_missing",
                LEVELS_SECTION,
                "Chưa có điểm đánh giá đã thẩm định (thang 100 điểm): mức xếp loại không bị "
                "giới hạn theo điểm, do chi bộ biểu quyết; cần bổ sung điểm theo Mẫu 2A/2B/2C.",
            )
        )
    if member.sick_leave_months >= SICK_LEAVE_MONTHS_NOTED:
        notes.append(
            Reason(
                "sick_leave_actual_work",
                LEAVE_SECTION,
                f"Nghỉ ốm {number_vi(member.sick_leave_months)} tháng trong năm (từ 03 tháng "
                "trở lên): đánh giá, xếp loại theo kết quả thực hiện nhiệm vụ trong thời gian "
                f"công tác thực tế; không bị giới hạn ở {quoted_level(Level.HTNV)}.",
            )
        )
    if member.maternity_leave:
        notes.append(
            Reason(
                "maternity_leave",
                LEAVE_SECTION,
                "Nghỉ thai sản: đánh giá, xếp loại theo kết quả thực hiện nhiệm vụ trong thời "
                f"gian công tác thực tế; không bị giới hạn ở {quoted_level(Level.HTNV)}.",
            )
        )
    given = [words for name, words in _FACTS_NOT_APPLIED if _given(member, name)]
    if given:
        notes.append(
            Reason(
                "not_applied_in_profile",
                LEVELS_SECTION,
                f"Hồ sơ này không áp dụng {'; '.join(given)}: đây là điều kiện của Hướng dẫn "
                "21-HD/BTCTW, không nằm trong các điều kiện của QĐ 366 và HD 43 mà hồ sơ áp dụng.",
            )
        )
    if member.is_secretary:
        notes.append(
            Reason(
                "secretary_not_applied",
                LEVELS_SECTION,
                "Là bí thư chi bộ: hồ sơ này đánh giá đảng viên như người không giữ chức vụ "
                "lãnh đạo, quản lý, nên chưa áp dụng điều kiện riêng của người đứng đầu; chi bộ "
                "cân nhắc khi biểu quyết.",
            )
        )
    kept = [r for r in hd21_2019.member_notes(member) if r.code in _KEPT_NOTES]
    if member.discipline is not None and member.discipline_already_counted:
        if not member.disciplined_this_year:  # the 2019 note reads the 2019 fact
            kept += [
                r
                for r in hd21_2019.member_notes(replace(member, disciplined_this_year=True))
                if r.code == "discipline_already_counted"
            ]
    notes += [_kept(r) for r in kept]
    return tuple(notes)


# --- khoản 1.5: the cap on HTXSNV ---------------------------------------------------------

EXCELLENCE_CAP = ExcellenceCapRule(
    ratio=Fraction(DEFAULT_CAP_PERCENT, 100),  # "không quá 20% số ... HTTNV"
    small_count=0,  # no "fewer than 5" exception is stated in the 2025 texts
    small_allowance=0,
    binding_kinds=frozenset({OrganisationKind.CHI_BO_CO_SO}),  # as in 21-HD-2019
    section=CAP_SECTION,
    small_section=CAP_SECTION,
    grouped=True,  # "trong từng nhóm đối tượng có vị trí, vai trò tương đồng"
)

_RAISED_CAP = replace(
    EXCELLENCE_CAP,
    ratio=Fraction(RAISED_CAP_PERCENT, 100),
    ratio_note=" (cấp có thẩm quyền cho phép vì có thành tích nổi bật)",
)


def excellence_cap_for(organisation: Organisation) -> ExcellenceCapRule:
    if organisation.cap_percent == RAISED_CAP_PERCENT:
        return _RAISED_CAP
    return EXCELLENCE_CAP


# --- the chi bộ's own level (method of 21-HD II.B.1.3, assumed unchanged) ---------------------

_ORG_METHOD_NOTE = Reason(
    "org_level_method_assumed",
    LEVELS_SECTION,
    "Giả định: QĐ 366 chấm điểm tập thể theo thang 100 điểm nhưng chưa có điểm của chi bộ; "
    "mức cao nhất được tính như Hướng dẫn 21-HD/BTCTW mục II.B.1.3 (chưa thấy văn bản năm "
    "2025 quy định khác). Mức của chi bộ còn tùy các tiêu chí của tập thể và do chi bộ biểu "
    "quyết bằng phiếu kín.",
)


def _cited_as_21hd(reason: Reason) -> Reason:
    """A reason of 21-HD's method names 21-HD in its section: QĐ 366 has no II.B."""
    if reason.section.startswith("II."):
        return replace(reason, section=f"21-HD {reason.section}")
    return reason


def organisation_level(
    counts: MemberLevelCounts, org: Organisation, review_date: date
) -> OrganisationResult:
    """21-HD II.B.1.3's method, cited as such, with the assumption stated in place of
    21-HD's note on the chi bộ's other criteria."""
    result = hd21_2019.organisation_level(
        counts, org, review_date, cap_percent=org.cap_percent or DEFAULT_CAP_PERCENT
    )
    kept = [
        _cited_as_21hd(r) for r in result.reasons if r.code != "org_other_criteria_not_assessed"
    ]
    decided = [r for r in kept if r.code != "org_level_provisional"]
    provisional = [r for r in kept if r.code == "org_level_provisional"]
    assumption = [_ORG_METHOD_NOTE] if result.max_level is not None else []
    return OrganisationResult(result.max_level, (*decided, *assumption, *provisional))


PROFILE = Profile(
    name=NAME,
    title=(
        "Quy định số 366-QĐ/TW ngày 30/8/2025 của Bộ Chính trị và Hướng dẫn số "
        "43-HD/BTCTW ngày 31/10/2025 của Ban Tổ chức Trung ương"
    ),
    default_thresholds=Thresholds(Fraction(1, 2), Fraction(1, 2), Fraction(1, 2)),
    counting_section=COUNTING_SECTION,
    exclusion_reasons=exclusion_reasons,
    absence_reason=absence_reason,
    deferral_reason=deferral_reason,
    member_caps=member_caps,
    member_notes=member_notes,
    excellence_cap=EXCELLENCE_CAP,
    organisation_level=organisation_level,
    excellence_cap_for=excellence_cap_for,
)
