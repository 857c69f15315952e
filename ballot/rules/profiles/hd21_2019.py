"""Profile `21-HD-2019`: Hướng dẫn 21-HD/BTCTW (18/10/2019), section II.B.

Every rule here cites the section of `reference/21-HD-BTCTW-2019.txt` it comes from;
docs/rules.md states each rule with the sentence it reads and the reading chosen
where the text is ambiguous. The regulation gives no vote-counting threshold
(II.B.2.5 only says the chi bộ votes by secret ballot): the counting rule is this
profile's own (docs/rules.md, “Đếm phiếu”) and its reasons cite it as such.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from ballot.rules.dates import add_months, full_months_elapsed
from ballot.rules.levels import Grade, Level
from ballot.rules.model import (
    Body,
    BodyKind,
    Criteria,
    MemberFacts,
    Organisation,
    OrganisationKind,
    TemporaryRegistration,
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
COUNTING_SECTION = f"Cách đếm phiếu của hồ sơ {NAME}"

# II.B.6: "đảng viên mới kết nạp chưa đủ 06 tháng" are reviewed, not classified;
# likewise "tổ chức đảng ... mới thành lập chưa đủ 06 tháng".
MONTHS_BEFORE_CLASSIFIED = 6
# II.B.2.3.d: "chỉ hoàn thành dưới 50% chỉ tiêu, nhiệm vụ" forces KHTNV.
MINIMUM_TARGETS_PCT = Fraction(50)
# II.B.6: "nghỉ ốm tổng thời gian trong năm từ 03 tháng trở lên" caps at HTNV.
SICK_LEAVE_MONTHS_CAPPING = Fraction(3)
# II.B.6: "có thời gian công tác ở chi bộ ... cũ từ 06 tháng trở lên".
MONTHS_AT_PREVIOUS_BRANCH_NEEDING_COMMENTS = Fraction(6)
ONCE_ONLY = "một vi phạm bị xử lý kỷ luật chỉ tính một lần khi xếp loại"


def _xl(level: Level) -> str:
    """ "xếp loại “Không hoàn thành nhiệm vụ”" """
    return f"xếp loại {quoted_level(level)}"


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
    if member.temporary_registration is TemporaryRegistration.HERE:
        reasons.append(  # II.B.6: "được đánh giá ... ở chi bộ nơi đảng viên sinh hoạt chính thức"
            Reason(
                "temporary_registration_here",
                "II.B.6",
                "Sinh hoạt tạm thời tại chi bộ: được đánh giá, xếp loại chất lượng ở chi bộ "
                "nơi sinh hoạt chính thức. Chi bộ nhận xét để đồng chí nộp cho chi bộ đó; "
                "không xếp loại và không biểu quyết tại đây.",
            )
        )
    return tuple(reasons)


def absence_reason(member: MemberFacts) -> Reason | None:
    if member.present or member.temporary_registration is TemporaryRegistration.ELSEWHERE:
        return None
    how = "Vắng mặt có phép" if member.absent_with_leave else "Vắng mặt"
    return Reason(  # II.B.6: "cá nhân vắng mặt ... trong thời gian sớm nhất"
        "absent",
        "II.B.6",
        f"{how} tại cuộc họp: chưa đánh giá, xếp loại trong lần này; "
        "phải tổ chức đánh giá, xếp loại chất lượng trong thời gian sớm nhất.",
    )


def deferral_reason(member: MemberFacts) -> Reason | None:
    if not member.civil_servant_rating_pending:
        return None
    return Reason(  # II.B.6: "... sau khi có kết quả đánh giá, xếp loại công chức, viên chức"
        "civil_servant_rating_pending",
        "II.B.6",
        "Là công chức, viên chức nhưng chưa có kết quả đánh giá, xếp loại công chức, viên "
        "chức: chưa xếp loại đảng viên trong lần này, vì đảng viên là công chức, viên chức "
        "được đánh giá, xếp loại chất lượng sau khi có kết quả đó.",
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
                    "Cấp có thẩm quyền kết luận đánh giá có biểu hiện suy thoái về tư tưởng "
                    "chính trị, đạo đức, lối sống, “tự diễn biến”, “tự chuyển hóa”: "
                    f"{_xl(Level.KHTNV)}.",
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
                    f"nhiệm vụ được giao trong năm, dưới 50%: {_xl(Level.KHTNV)}.",
                ),
            )
        )
    caps += _discipline_cap(member)
    return caps


def _discipline_cap(member: MemberFacts) -> list[LevelCap]:
    """II.B.2.3.d, with "chỉ tính một lần" and II.B.6's violation at the previous
    organisation (docs/rules.md, “Kỷ luật trong năm”)."""
    if not member.disciplined_this_year or member.discipline_already_counted:
        return []
    if member.discipline_at_previous_organisation:
        return [
            LevelCap(
                Level.KHTNV,
                Reason(
                    "disciplined_for_previous_organisation",
                    "II.B.6",
                    "Bị thi hành kỷ luật trong năm vì vi phạm ở tổ chức đảng nơi công tác "
                    f"trước: {_xl(Level.KHTNV)}; kết quả này tính vào kết quả đánh giá, xếp "
                    "loại của tổ chức đảng nơi xảy ra vi phạm, không tính vào mức của chi bộ "
                    "này.",
                ),
                counts_against_organisation=False,
            )
        ]
    return [
        LevelCap(
            Level.KHTNV,
            Reason(
                "disciplined_this_year",
                "II.B.2.3.d",
                f"Bị thi hành kỷ luật trong năm ({ONCE_ONLY}): {_xl(Level.KHTNV)}.",
            ),
        )
    ]


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
    said = f"Là cán bộ, công chức, viên chức xếp loại ở mức {quoted_level(rating)}"
    if rating is Level.KHTNV:
        code, message = "civil_servant_khtnv", f"{said}: đảng viên {_xl(Level.KHTNV)}."
    else:
        code = "civil_servant_cap"
        message = f"{said}: mức xếp loại đảng viên không được cao hơn mức này."
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
                f"Nghỉ ốm tổng thời gian trong năm {number_vi(member.sick_leave_months)} tháng "
                "(từ 03 tháng trở lên): không xếp loại đạt mức "
                f"{quoted_level(Level.HTTNV)} trở lên.",
            ),
        )
    ]


def highest_level_by_criteria(criteria: Criteria) -> Level:
    """II.B.2.3.a–d (a member's Mẫu 02) and II.B.1.3.a–d (a chi bộ's Mẫu 01): the
    same shape, the criteria on the tasks and all the others."""
    if criteria.tasks >= Grade.XUAT_SAC and criteria.other >= Grade.TOT:
        return Level.HTXSNV  # a)
    if criteria.tasks >= Grade.TOT and criteria.other >= Grade.TRUNG_BINH:
        return Level.HTTNV  # b)
    if criteria.tasks >= Grade.TRUNG_BINH and criteria.other >= Grade.TRUNG_BINH:
        return Level.HTNV  # c) "các tiêu chí ... Trung bình trở lên"
    return Level.KHTNV  # d) "không đạt mức Hoàn thành nhiệm vụ"


def _criteria_text(criteria: Criteria, form: str) -> str:
    return (
        f"Tự đánh giá ({form}): các tiêu chí về kết quả thực hiện nhiệm vụ đạt "
        f"“{criteria.tasks.vietnamese}”, các tiêu chí còn lại đạt “{criteria.other.vietnamese}”"
    )


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
        f"{_criteria_text(member.criteria, 'Mẫu 02')}: mức cao nhất đủ tiêu chuẩn là "
        f"{quoted_level(allowed)}."
    )
    return [LevelCap(allowed, Reason("criteria_cap", _CRITERIA_SECTION[allowed], message))]


def _head_of_unit_cap(member: MemberFacts) -> list[LevelCap]:
    collective = member.heads_collective_level
    if collective is None or collective is Level.HTXSNV or member.head_transferred_in:
        return []
    return [
        LevelCap(
            collective,
            Reason(  # II.B.4: "không được cao hơn mức xếp loại của tập thể ..."
                "head_of_unit_cap",
                "II.B.4",
                "Là người đứng đầu; tập thể, cơ quan, đơn vị do đồng chí đứng đầu được "
                f"{_xl(collective)}: mức xếp loại của đồng chí không được cao hơn mức này.",
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


# --- notes: facts that change no level here -----------------------------------------


def _transfer_note(member: MemberFacts) -> list[Reason]:
    months = member.months_at_previous_branch
    if months is None:
        return []
    stay = f"có thời gian công tác ở chi bộ, cơ quan, đơn vị cũ {number_vi(months)} tháng"
    if months < MONTHS_AT_PREVIOUS_BRANCH_NEEDING_COMMENTS:
        return [
            Reason(
                "transferred_in",
                "II.B.6",
                f"Chuyển công tác đến, {stay} (dưới 06 tháng): chi bộ nơi tiếp nhận đánh giá, "
                "xếp loại chất lượng; không bắt buộc lấy ý kiến nhận xét của chi bộ nơi chuyển đi.",
            )
        ]
    if member.other_branch_comments_received:
        return [
            Reason(
                "previous_branch_comments_received",
                "II.B.6",
                f"Chuyển công tác đến, {stay} (từ 06 tháng trở lên): đã có ý kiến nhận xét "
                "của chi bộ nơi chuyển đi.",
            )
        ]
    return [
        Reason(
            "previous_branch_comments_needed",
            "II.B.6",
            f"Chuyển công tác đến, {stay} (từ 06 tháng trở lên): phải lấy ý kiến nhận xét "
            "của chi bộ nơi chuyển đi trước khi xếp loại.",
        )
    ]


def _temporary_elsewhere_note(member: MemberFacts) -> list[Reason]:
    if member.temporary_registration is not TemporaryRegistration.ELSEWHERE:
        return []
    if member.other_branch_comments_received:
        code, comments = "temporary_registration_elsewhere", "đã có nhận xét này"
    else:
        code = "temporary_branch_comments_needed"
        comments = "chưa có nhận xét này, cần bổ sung trước khi xếp loại"
    return [
        Reason(
            code,
            "II.B.6",
            "Sinh hoạt tạm thời ở chi bộ khác: được đánh giá, xếp loại chất lượng tại chi bộ "
            "này, nơi sinh hoạt chính thức, căn cứ nhận xét của chi bộ nơi sinh hoạt tạm "
            f"thời; {comments}.",
        )
    ]


def member_notes(member: MemberFacts) -> tuple[Reason, ...]:
    notes: list[Reason] = []
    if member.maternity_leave:
        notes.append(  # II.B.6: a note, no cap
            Reason(
                "maternity_leave",
                "II.B.6",
                "Nghỉ thai sản: kết quả xếp loại chất lượng trong năm là kết quả xếp loại chất "
                "lượng của thời gian làm việc thực tế của năm đó.",
            )
        )
    if member.disciplined_this_year and member.discipline_already_counted:
        notes.append(
            Reason(
                "discipline_already_counted",
                "II.B.2.3.d",
                "Bị thi hành kỷ luật trong năm, nhưng vi phạm này đã được tính khi xếp loại "
                f"chất lượng trước đây ({ONCE_ONLY}): không tính lại trong lần này.",
            )
        )
    if member.head_transferred_in:
        notes.append(
            Reason(
                "head_transferred_in",
                "II.B.6",
                "Là người đứng đầu mới chuyển đến, không liên quan đến mức xếp loại của tổ "
                "chức, cơ quan, đơn vị mới: không áp dụng quy định “Mức xếp loại của người "
                "đứng đầu không được cao hơn mức xếp loại của tổ chức, cơ quan, đơn vị do mình "
                "đứng đầu”.",
            )
        )
    if member.is_secretary:
        notes.append(
            Reason(
                "secretary_bound_by_branch",
                "II.B.4",
                "Là bí thư chi bộ, người đứng đầu chi bộ: mức xếp loại của đồng chí không được "
                "cao hơn mức xếp loại của chi bộ; nếu chi bộ được xếp loại thấp hơn, mức của "
                "đồng chí phải hạ theo.",
            )
        )
    if member.committee_activity_suspended and not member.suspended:
        notes.append(
            Reason(
                "committee_activity_suspended",
                "II.B.2.1",
                "Bị đình chỉ sinh hoạt cấp ủy: vẫn phải đánh giá, xếp loại chất lượng.",
            )
        )
    notes += _transfer_note(member) + _temporary_elsewhere_note(member)
    return tuple(notes)


def secretary_cap(allowed: Level, counts: MemberLevelCounts) -> Reason:
    provisional = " (tạm tính, vì còn đảng viên chưa có kết quả)" if counts.pending else ""
    return Reason(  # II.B.4, the bí thư being người đứng đầu of the chi bộ
        "secretary_cap",
        "II.B.4",
        "Là bí thư chi bộ: kết quả xếp loại đảng viên chỉ cho phép chi bộ đạt cao nhất "
        f"{quoted_level(allowed)}{provisional}, nên mức xếp loại của đồng chí không được cao "
        "hơn mức này.",
    )


# --- II.B.1.3: the chi bộ's own highest level --------------------------------------


def _khtnv_reasons(counts: MemberLevelCounts, org: Organisation) -> list[Reason]:
    """II.B.1.3.d: the cases that make the chi bộ KHTNV."""
    reasons: list[Reason] = []
    if org.disciplined and not org.discipline_self_remedied:
        reasons.append(
            Reason(
                "org_disciplined",
                "II.B.1.3.d",
                f"Chi bộ bị xử lý kỷ luật: {_xl(Level.KHTNV)}.",
            )
        )
    if counts.counted and 5 * counts.khtnv > counts.counted:  # "trên 20%", strictly
        reasons.append(
            Reason(
                "org_khtnv_over_20_percent",
                "II.B.1.3.d",
                f"Có {count_of(counts.khtnv, counts.counted)} đảng viên "
                f"{_xl(Level.KHTNV)} (trên 20%): chi bộ {_xl(Level.KHTNV)}.",
            )
        )
    failed = [b for b in org.bodies if b.kind is not BodyKind.GOVERNMENT and b.level is Level.KHTNV]
    if len(failed) >= 2:  # "Có từ 02 tổ chức trong các tổ chức: Mặt trận ..., các đoàn thể"
        reasons.append(
            Reason(
                "org_bodies_khtnv",
                "II.B.1.3.d",
                f"Có {len(failed):02d} tổ chức trong Mặt trận Tổ quốc, các đoàn thể chính trị - "
                f"xã hội cùng cấp {_xl(Level.KHTNV)} ({_names(failed)}): chi bộ "
                f"{_xl(Level.KHTNV)}.",
            )
        )
    return reasons


def _names(bodies: list[Body]) -> str:
    return ", ".join(body.name for body in bodies)


def _highest_by_member_shares(counts: MemberLevelCounts, cap_percent: int) -> tuple[Level, Reason]:
    """II.B.1.3.a–c from the members' levels, once KHTNV is ruled out."""
    good = count_of(counts.good_or_better, counts.counted)
    tied_note = (
        f" Số này tính cả {counts.tied} đồng chí bằng phiếu tại giới hạn {cap_percent}%: dù "
        f"được giữ hay không, các đồng chí đều từ mức {quoted_level(Level.HTTNV)} trở lên."
        if counts.tied
        else ""
    )
    if counts.khtnv > 0:
        return Level.HTNV, Reason(
            "org_not_all_members_htnv",
            "II.B.1.3.b",
            f"Có {counts.khtnv} đảng viên {_xl(Level.KHTNV)}: chi bộ không có 100% đảng viên "
            f"{_xl(Level.HTNV)} trở lên nên mức cao nhất là {quoted_level(Level.HTNV)}.",
        )
    if 2 * counts.good_or_better < counts.counted:  # "từ 50%": at least half
        return Level.HTNV, Reason(
            "org_good_share_under_50_percent",
            "II.B.1.3.b",
            f"Chỉ có {good} đảng viên {_xl(Level.HTTNV)} trở lên (cần từ 50%): mức cao nhất "
            f"là {quoted_level(Level.HTNV)}.{tied_note}",
        )
    if 5 * counts.good_or_better < 4 * counts.counted:  # "từ 80%": at least four fifths
        return Level.HTTNV, Reason(
            "org_good_share_under_80_percent",
            "II.B.1.3.a",
            f"100% đảng viên {_xl(Level.HTNV)} trở lên; {good} {_xl(Level.HTTNV)} trở lên "
            f"(từ 50% nhưng dưới 80%): mức cao nhất là {quoted_level(Level.HTTNV)}.{tied_note}",
        )
    return Level.HTXSNV, Reason(
        "org_members_allow_htxsnv",
        "II.B.1.3.a",
        f"100% đảng viên {_xl(Level.HTNV)} trở lên; {good} {_xl(Level.HTTNV)} trở lên "
        f"(từ 80%): kết quả của đảng viên cho phép {quoted_level(Level.HTXSNV)}.{tied_note}",
    )


# The section of the chi bộ's level that its Mẫu 01 criteria fall short of.
_ORG_CRITERIA_SECTION = {
    Level.HTTNV: "II.B.1.3.a",
    Level.HTNV: "II.B.1.3.b",
    Level.KHTNV: "II.B.1.3.d",
}


def _criteria_limit(org: Organisation) -> tuple[Level, Reason] | None:
    if org.criteria is None:
        return None
    allowed = highest_level_by_criteria(org.criteria)
    if allowed is Level.HTXSNV:
        return None
    return allowed, Reason(
        "org_criteria_cap",
        _ORG_CRITERIA_SECTION[allowed],
        f"{_criteria_text(org.criteria, 'Mẫu 01')}: mức cao nhất đủ tiêu chuẩn của chi bộ là "
        f"{quoted_level(allowed)}.",
    )


def _bodies_limit(org: Organisation) -> tuple[Level, Reason] | None:
    """II.B.1.3.a–b: the same-level bodies HTTNV or better for the chi bộ to be HTXSNV,
    HTNV or better for it to be HTTNV."""
    below_htnv = [b for b in org.bodies if b.level < Level.HTNV]
    below_httnv = [b for b in org.bodies if b.level < Level.HTTNV]
    if below_htnv:
        allowed, needed, short, section = Level.HTNV, Level.HTTNV, below_htnv, "II.B.1.3.b"
        floor = Level.HTNV
    elif below_httnv:
        allowed, needed, short, section = Level.HTTNV, Level.HTXSNV, below_httnv, "II.B.1.3.a"
        floor = Level.HTTNV
    else:
        return None
    rated = "; ".join(f"{b.name} {_xl(b.level)}" for b in short)
    return allowed, Reason(
        "org_bodies_cap",
        section,
        f"Chính quyền, Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội cùng cấp: {rated}. "
        f"Để chi bộ đạt {quoted_level(needed)}, các tổ chức này phải được {_xl(floor)} trở "
        f"lên: mức cao nhất của chi bộ là {quoted_level(allowed)}.",
    )


def _other_criteria_note(org: Organisation) -> Reason:
    missing = []
    if org.criteria is None:
        missing.append("các tiêu chí tự đánh giá của chi bộ (Mẫu 01)")
    if not org.bodies:
        missing.append(
            "kết quả xếp loại chính quyền, Mặt trận Tổ quốc, các đoàn thể chính trị - xã hội "
            "cùng cấp"
        )
    pending = f"; chưa có dữ liệu về {' và '.join(missing)}" if missing else ""
    return Reason(
        "org_other_criteria_not_assessed",
        "II.B.1.3",
        "Đây là mức cao nhất mà các dữ liệu đã có cho phép"
        f"{pending}. Mức xếp loại của chi bộ do chi bộ thảo luận, biểu quyết bằng phiếu kín "
        "(II.B.1.5).",
    )


def _remedied_note(org: Organisation) -> list[Reason]:
    if not (org.disciplined and org.discipline_self_remedied):
        return []
    return [
        Reason(
            "org_discipline_self_remedied",
            "II.B.1.3.c",
            "Chi bộ bị xử lý kỷ luật nhưng tự phát hiện và khắc phục xong hậu quả: thuộc "
            "trường hợp được trừ ra, nên không vì kỷ luật này mà bị "
            f"{_xl(Level.KHTNV)}.",
        )
    ]


def _elsewhere_note(counts: MemberLevelCounts) -> list[Reason]:
    if not counts.elsewhere:
        return []
    return [
        Reason(
            "org_members_counted_elsewhere",
            "II.B.6",
            f"{counts.elsewhere} đảng viên bị kỷ luật vì vi phạm ở tổ chức đảng nơi công tác "
            "trước không được tính vào mức của chi bộ: kết quả đó tính vào kết quả đánh giá, "
            "xếp loại của tổ chức đảng nơi xảy ra vi phạm.",
        )
    ]


def _kind_note(org: Organisation) -> list[Reason]:
    if org.kind is not OrganisationKind.CHI_BO_TRUC_THUOC:
        return []
    return [
        Reason(
            "org_truc_thuoc_standards",
            "II.B.1.1",
            "Việc đánh giá, xếp loại chi bộ trực thuộc đảng ủy cơ sở do tỉnh ủy, thành ủy, "
            "đảng ủy trực thuộc Trung ương hướng dẫn; ở đây áp dụng khung tiêu chuẩn của chi "
            "bộ cơ sở (II.B.1.3) để tham khảo.",
        )
    ]


def _founded_recently(org: Organisation, review_date: date) -> Reason | None:
    if org.founded_on is None:
        return None
    if full_months_elapsed(org.founded_on, review_date, MONTHS_BEFORE_CLASSIFIED):
        return None
    return Reason(  # II.B.6: "tổ chức đảng ... mới thành lập chưa đủ 06 tháng"
        "org_founded_under_6_months",
        "II.B.6",
        f"Chi bộ thành lập ngày {date_vi(org.founded_on)}, đến ngày xếp loại "
        f"{date_vi(review_date)} chưa đủ 06 tháng: không đánh giá, xếp loại chất lượng chi "
        "bộ; đảng viên vẫn được xếp loại.",
    )


def organisation_level(
    counts: MemberLevelCounts, org: Organisation, review_date: date, *, cap_percent: int = 20
) -> OrganisationResult:
    """II.B.1.3: the highest level the members' results and the chi bộ's own inputs
    allow. `cap_percent` only words the note on members tied at the cap (another
    profile may set 25)."""
    recent = _founded_recently(org, review_date)
    if recent is not None:
        return OrganisationResult(None, (recent,))
    provisional = (
        [
            Reason(
                "org_level_provisional",
                "II.B.6",
                f"Còn {counts.pending} đảng viên chưa có kết quả (vắng mặt, chưa xác định "
                "hoặc chưa đủ điều kiện xếp loại): mức của chi bộ là tạm tính, xem lại khi "
                "các đồng chí này được xếp loại.",
            )
        ]
        if counts.pending
        else []
    )
    notes = _remedied_note(org) + _elsewhere_note(counts)
    khtnv_reasons = _khtnv_reasons(counts, org)
    if khtnv_reasons:
        return OrganisationResult(Level.KHTNV, tuple(khtnv_reasons + notes + provisional))
    if counts.counted == 0:
        none_counted = Reason(
            "org_no_member_classified",
            "II.B.1.3",
            "Chưa có đảng viên nào được xếp loại: chưa xác định được mức của chi bộ.",
        )
        return OrganisationResult(None, (none_counted, *notes, *provisional))
    level, reason = _highest_by_member_shares(counts, cap_percent)
    reasons = [reason]
    for limit in (_criteria_limit(org), _bodies_limit(org)):
        if limit is not None:
            reasons.append(limit[1])
            level = min(level, limit[0])
    reasons += [_other_criteria_note(org), *_kind_note(org), *notes, *provisional]
    return OrganisationResult(level, tuple(reasons))


PROFILE = Profile(
    name=NAME,
    title="Hướng dẫn số 21-HD/BTCTW ngày 18/10/2019 của Ban Tổ chức Trung ương",
    default_thresholds=Thresholds(Fraction(1, 2), Fraction(1, 2), Fraction(1, 2)),
    counting_section=COUNTING_SECTION,
    exclusion_reasons=exclusion_reasons,
    absence_reason=absence_reason,
    deferral_reason=deferral_reason,
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
    secretary_cap=secretary_cap,
)
