"""Profile `21-HD-2019`: Hướng dẫn 21-HD/BTCTW (18/10/2019), section II.B.

Every rule here cites the section of `reference/21-HD-BTCTW-2019.txt` it comes from.
The seed gives no vote-counting threshold (II.B.2.5 only says the chi bộ votes by
secret ballot); the default "more than half" is this profile's, see DESIGN 2.3.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from ballot.rules.dates import add_months, full_months_elapsed
from ballot.rules.levels import Grade, Level
from ballot.rules.model import (
    Criteria,
    MemberFacts,
    Organisation,
    OrganisationKind,
    Thresholds,
)
from ballot.rules.profiles.base import (
    ExcellenceCapRule,
    LevelCap,
    MemberLevelCounts,
    Profile,
)
from ballot.rules.results import OrganisationResult, Reason
from ballot.rules.text import count_of, date_vi, number_vi, quoted_level

NAME = "21-HD-2019"

# II.B.6: "đảng viên mới kết nạp chưa đủ 06 tháng" are reviewed, not classified.
MONTHS_BEFORE_CLASSIFIED = 6
# II.B.2.3.d: "chỉ hoàn thành dưới 50% chỉ tiêu, nhiệm vụ" forces KHTNV.
MINIMUM_TARGETS_PCT = Fraction(50)
# II.B.6: "nghỉ ốm tổng thời gian trong năm từ 03 tháng trở lên" caps at HTNV.
SICK_LEAVE_MONTHS_CAPPING = Fraction(3)


# --- II.B.2.1 and II.B.6: who is classified --------------------------------------


def exclusion_reasons(member: MemberFacts, review_date: date) -> tuple[Reason, ...]:
    reasons: list[Reason] = []
    if member.exempt:  # II.B.2.1
        reasons.append(
            Reason(
                "exempt_from_party_work",
                "II.B.2.1",
                "Được miễn công tác và sinh hoạt đảng: không đánh giá, xếp loại chất lượng.",
            )
        )
    if member.suspended:  # II.B.2.1
        reasons.append(
            Reason(
                "party_activity_suspended",
                "II.B.2.1",
                "Đang bị đình chỉ sinh hoạt đảng: không đánh giá, xếp loại chất lượng.",
            )
        )
    if not full_months_elapsed(member.admitted_on, review_date, MONTHS_BEFORE_CLASSIFIED):
        complete_on = add_months(member.admitted_on, MONTHS_BEFORE_CLASSIFIED)
        reasons.append(  # II.B.6
            Reason(
                "admitted_under_6_months",
                "II.B.6",
                f"Kết nạp ngày {date_vi(member.admitted_on)}, đến ngày xếp loại "
                f"{date_vi(review_date)} chưa đủ 06 tháng (đủ từ ngày "
                f"{date_vi(complete_on)}): vẫn kiểm điểm nhưng không xếp loại chất lượng.",
            )
        )
    return tuple(reasons)


def absence_reason(member: MemberFacts) -> Reason | None:
    if member.present:
        return None
    how = "Vắng mặt có phép" if member.absent_with_leave else "Vắng mặt"
    return Reason(  # II.B.6: "cá nhân vắng mặt ... trong thời gian sớm nhất"
        "absent",
        "II.B.6",
        f"{how} tại cuộc họp: chưa đánh giá, xếp loại trong lần này; "
        "phải tổ chức đánh giá, xếp loại chất lượng trong thời gian sớm nhất.",
    )


# --- II.B.2.3, II.B.4, II.B.6: per-member constraints -----------------------------


def _forced_khtnv(member: MemberFacts) -> list[LevelCap]:
    """II.B.2.3.d: the cases that make a member KHTNV whatever the votes."""
    caps: list[LevelCap] = []
    if member.degradation_concluded:
        caps.append(
            LevelCap(
                Level.KHTNV,
                Reason(
                    "degradation_concluded",
                    "II.B.2.3.d",
                    "Cấp có thẩm quyền kết luận có biểu hiện suy thoái về tư tưởng chính trị, "
                    "đạo đức, lối sống, “tự diễn biến”, “tự chuyển hóa”: "
                    f"{quoted_level(Level.KHTNV)}.",
                ),
            )
        )
    if member.targets_completed_pct < MINIMUM_TARGETS_PCT:
        caps.append(
            LevelCap(
                Level.KHTNV,
                Reason(
                    "targets_under_50_percent",
                    "II.B.2.3.d",
                    f"Chỉ hoàn thành {number_vi(member.targets_completed_pct)}% chỉ tiêu, "
                    f"nhiệm vụ được giao trong năm (dưới 50%): {quoted_level(Level.KHTNV)}.",
                ),
            )
        )
    if member.disciplined_this_year:
        caps.append(
            LevelCap(
                Level.KHTNV,
                Reason(
                    "disciplined_this_year",
                    "II.B.2.3.d",
                    "Bị thi hành kỷ luật trong năm (một vi phạm bị xử lý kỷ luật chỉ tính "
                    f"một lần khi xếp loại): {quoted_level(Level.KHTNV)}.",
                ),
            )
        )
    return caps


# II.B.2.3.a–d: a civil servant's party level needs at least the same civil-service
# level; the section is the one whose condition the member misses.
_CIVIL_SERVANT_SECTION = {
    Level.HTTNV: "II.B.2.3.a",
    Level.HTNV: "II.B.2.3.b",
    Level.KHTNV: "II.B.2.3.d",
}


def _civil_servant_cap(member: MemberFacts) -> list[LevelCap]:
    rating = member.civil_servant_level
    if rating is None or rating is Level.HTXSNV:
        return []
    if rating is Level.KHTNV:
        code = "civil_servant_khtnv"
        message = (
            f"Là cán bộ, công chức, viên chức xếp loại {quoted_level(Level.KHTNV)}: "
            f"xếp loại đảng viên {quoted_level(Level.KHTNV)}."
        )
    else:
        code = "civil_servant_cap"
        message = (
            f"Là cán bộ, công chức, viên chức xếp loại {quoted_level(rating)}: "
            "mức xếp loại đảng viên không cao hơn mức này."
        )
    return [LevelCap(rating, Reason(code, _CIVIL_SERVANT_SECTION[rating], message))]


def _sick_leave_cap(member: MemberFacts) -> list[LevelCap]:
    if member.sick_leave_months < SICK_LEAVE_MONTHS_CAPPING:
        return []
    return [
        LevelCap(
            Level.HTNV,
            Reason(
                "sick_leave_3_months",
                "II.B.6",
                f"Nghỉ ốm tổng cộng {number_vi(member.sick_leave_months)} tháng trong năm "
                f"(từ 03 tháng trở lên): không xếp loại từ {quoted_level(Level.HTTNV)} trở lên.",
            ),
        )
    ]


def highest_level_by_criteria(criteria: Criteria) -> Level:
    """II.B.2.3.a–d applied to the Mẫu 02 self-assessment grades."""
    if criteria.tasks >= Grade.XUAT_SAC and criteria.other >= Grade.TOT:
        return Level.HTXSNV  # II.B.2.3.a
    if criteria.tasks >= Grade.TOT and criteria.other >= Grade.TRUNG_BINH:
        return Level.HTTNV  # II.B.2.3.b
    if criteria.tasks >= Grade.TRUNG_BINH and criteria.other >= Grade.TRUNG_BINH:
        return Level.HTNV  # II.B.2.3.c: "các tiêu chí cơ bản ... Trung bình trở lên"
    return Level.KHTNV  # II.B.2.3.d: "không đạt mức Hoàn thành nhiệm vụ"


# The section of the level the criteria fall short of.
_CRITERIA_SECTION = {
    Level.HTTNV: "II.B.2.3.a",
    Level.HTNV: "II.B.2.3.b",
    Level.KHTNV: "II.B.2.3.d",
}


def _criteria_cap(member: MemberFacts) -> list[LevelCap]:
    if member.criteria is None:
        return []
    allowed = highest_level_by_criteria(member.criteria)
    if allowed is Level.HTXSNV:
        return []
    message = (
        f"Tự đánh giá (Mẫu 02): các tiêu chí về thực hiện nhiệm vụ đạt "
        f"“{member.criteria.tasks.vietnamese}”, các tiêu chí còn lại đạt "
        f"“{member.criteria.other.vietnamese}”: mức cao nhất đủ tiêu chuẩn là {quoted_level(allowed)}."
    )
    return [LevelCap(allowed, Reason("criteria_cap", _CRITERIA_SECTION[allowed], message))]


def _head_of_unit_cap(member: MemberFacts) -> list[LevelCap]:
    collective = member.heads_collective_level
    if collective is None or collective is Level.HTXSNV:
        return []
    return [
        LevelCap(
            collective,
            Reason(  # II.B.4: "không được cao hơn mức xếp loại của tập thể ..."
                "head_of_unit_cap",
                "II.B.4",
                f"Là người đứng đầu; tập thể, cơ quan, đơn vị do đồng chí đứng đầu xếp loại "
                f"{quoted_level(collective)}: mức xếp loại không được cao hơn mức này.",
            ),
        )
    ]


def member_caps(member: MemberFacts) -> tuple[LevelCap, ...]:
    return tuple(
        _forced_khtnv(member)
        + _civil_servant_cap(member)
        + _sick_leave_cap(member)
        + _criteria_cap(member)
        + _head_of_unit_cap(member)
    )


def member_notes(member: MemberFacts) -> tuple[Reason, ...]:
    if not member.maternity_leave:
        return ()
    return (
        Reason(  # II.B.6: a note, no cap
            "maternity_leave",
            "II.B.6",
            "Nghỉ thai sản: kết quả xếp loại chất lượng trong năm là kết quả của thời gian "
            "làm việc thực tế của năm đó.",
        ),
    )


# --- II.B.1.3: the chi bộ's own highest level --------------------------------------


def _khtnv_reasons(counts: MemberLevelCounts, org: Organisation) -> list[Reason]:
    """II.B.1.3.d: the cases that make the chi bộ KHTNV."""
    reasons: list[Reason] = []
    if org.disciplined:
        reasons.append(
            Reason(
                "org_disciplined",
                "II.B.1.3.d",
                f"Chi bộ bị xử lý kỷ luật: {quoted_level(Level.KHTNV)}.",
            )
        )
    if counts.counted and 5 * counts.khtnv > counts.counted:  # "trên 20%", strictly
        reasons.append(
            Reason(
                "org_khtnv_over_20_percent",
                "II.B.1.3.d",
                f"Có {count_of(counts.khtnv, counts.counted)} đảng viên {quoted_level(Level.KHTNV)} "
                f"(trên 20%): chi bộ {quoted_level(Level.KHTNV)}.",
            )
        )
    return reasons


def _highest_by_member_shares(counts: MemberLevelCounts, cap_percent: int) -> tuple[Level, Reason]:
    """II.B.1.3.a–c from the members' levels, once KHTNV is ruled out."""
    good = count_of(counts.good_or_better, counts.counted)
    tied_note = (
        f" (kể cả {counts.tied} đồng chí bằng phiếu tại giới hạn {cap_percent}%, đều từ "
        f"{quoted_level(Level.HTTNV)} trở lên)"
        if counts.tied
        else ""
    )
    if counts.khtnv > 0:
        return Level.HTNV, Reason(
            "org_not_all_members_htnv",
            "II.B.1.3.b",
            f"Có {counts.khtnv} đảng viên {quoted_level(Level.KHTNV)}: chi bộ không có 100% đảng viên "
            f"{quoted_level(Level.HTNV)} trở lên nên cao nhất là {quoted_level(Level.HTNV)}.",
        )
    if 2 * counts.good_or_better < counts.counted:  # "từ 50%": at least half
        return Level.HTNV, Reason(
            "org_good_share_under_50_percent",
            "II.B.1.3.b",
            f"Chỉ {good} đảng viên {quoted_level(Level.HTTNV)} trở lên{tied_note} (cần từ 50%): "
            f"cao nhất là {quoted_level(Level.HTNV)}.",
        )
    if 5 * counts.good_or_better < 4 * counts.counted:  # "từ 80%": at least four fifths
        return Level.HTTNV, Reason(
            "org_good_share_under_80_percent",
            "II.B.1.3.a",
            f"100% đảng viên {quoted_level(Level.HTNV)} trở lên; {good} {quoted_level(Level.HTTNV)} trở lên"
            f"{tied_note} (từ 50% nhưng dưới 80%): cao nhất là {quoted_level(Level.HTTNV)}.",
        )
    return Level.HTXSNV, Reason(
        "org_members_allow_htxsnv",
        "II.B.1.3.a",
        f"100% đảng viên {quoted_level(Level.HTNV)} trở lên; {good} {quoted_level(Level.HTTNV)} trở lên"
        f"{tied_note} (từ 80%): kết quả của đảng viên cho phép {quoted_level(Level.HTXSNV)}.",
    )


OTHER_CRITERIA_NOTE = Reason(
    "org_other_criteria_not_assessed",
    "II.B.1.3",
    "Đây là mức cao nhất mà kết quả xếp loại đảng viên cho phép; mức của chi bộ còn tùy "
    "các tiêu chí của chi bộ (Mẫu 01), kết quả xếp loại chính quyền, Mặt trận Tổ quốc, "
    "các đoàn thể cùng cấp, và do chi bộ biểu quyết bằng phiếu kín (II.B.1.5).",
)


def organisation_level(
    counts: MemberLevelCounts, org: Organisation, *, cap_percent: int = 20
) -> OrganisationResult:
    """II.B.1.3: the highest level the members' results allow. `cap_percent` only
    words the note on members tied at the cap (another profile may set 25)."""
    provisional = (
        [
            Reason(
                "org_level_provisional",
                "II.B.6",
                f"Còn {counts.pending} đảng viên chưa có kết quả (vắng mặt hoặc chưa xác "
                "định): mức của chi bộ là tạm tính, xem lại khi các đồng chí này được xếp loại.",
            )
        ]
        if counts.pending
        else []
    )
    khtnv_reasons = _khtnv_reasons(counts, org)
    if khtnv_reasons:
        return OrganisationResult(Level.KHTNV, tuple(khtnv_reasons + provisional))
    if counts.counted == 0:
        none_counted = Reason(
            "org_no_member_classified",
            "II.B.1.3",
            "Chưa có đảng viên nào được xếp loại: chưa xác định được mức của chi bộ.",
        )
        return OrganisationResult(None, (none_counted, *provisional))
    level, reason = _highest_by_member_shares(counts, cap_percent)
    return OrganisationResult(level, (reason, OTHER_CRITERIA_NOTE, *provisional))


PROFILE = Profile(
    name=NAME,
    title="Hướng dẫn số 21-HD/BTCTW ngày 18/10/2019 của Ban Tổ chức Trung ương",
    default_thresholds=Thresholds(Fraction(1, 2), Fraction(1, 2), Fraction(1, 2)),
    counting_section="II.B.2.5",
    exclusion_reasons=exclusion_reasons,
    absence_reason=absence_reason,
    member_caps=member_caps,
    member_notes=member_notes,
    excellence_cap=ExcellenceCapRule(
        ratio=Fraction(1, 5),  # II.B.2.3.a: "không vượt quá 20% số ... HTTNV"
        small_count=5,  # II.B.6: "những nơi có dưới 05 đảng viên ... HTTNV"
        small_allowance=1,  # II.B.6: "thì chọn 01 đảng viên ... HTXSNV nếu đủ điều kiện"
        binding_kinds=frozenset({OrganisationKind.CHI_BO_CO_SO}),  # II.B.2.5 bước 2
        section="II.B.2.3.a",
        small_section="II.B.6",
    ),
    organisation_level=organisation_level,
)
