"""The project's vocabulary in one place: every enumerated value a meeting, a
ballot, a bundle or a page speaks of, and the Vietnamese a person reads for it.

The rules engine owns the values it reasons with (`Level`, `MembershipStatus`,
`OrganisationKind`, `Denominator`, a member's outcome `ResultStatus`, and the
facts a meeting may state: `Grade`, `BodyKind`, `TemporaryRegistration`,
`KhtnvByAccumulation`, in `ballot.rules`); they are re-exported here
so that this module is the one to read. The meeting's own states are defined
here. `static/js/vocabulary.js` is generated from this module
(`python -m ballot.vocabulary > static/js/vocabulary.js`) and a test keeps the
two equal (docs/architecture.md, “Vocabulary”).
"""

from __future__ import annotations

import json
from enum import StrEnum

from ballot.rules.levels import GRADE_NAMES_VI, LEVEL_NAMES_VI, LEVELS_DESCENDING, Grade, Level
from ballot.rules.model import (
    BodyKind,
    Denominator,
    KhtnvByAccumulation,
    MembershipStatus,
    OrganisationKind,
    TemporaryRegistration,
)
from ballot.rules.results import MemberStatus as ResultStatus

__all__ = [
    "BodyKind", "CheckInState", "Denominator", "Grade", "KhtnvByAccumulation", "LEVEL_CODES", "Level",
    "MeetingState", "MembershipStatus", "OrganisationKind", "TemporaryRegistration", "ResultStatus",
    "RoundKind", "RoundStatus", "MEMBER_ROUND_KINDS", "ORGANISATION_QUESTION",
]

# The four levels' codes, highest first: the order of ballots, tables and the rule.
LEVEL_CODES: tuple[str, ...] = tuple(level.value for level in LEVELS_DESCENDING)


class RoundKind(StrEnum):
    CLASSIFICATION = "classification"  # every member to classify (II.B.2.5)
    FOLLOWUP = "followup"  # again, for the members the last rounds left open
    ORGANISATION = "organisation"  # the chi bộ's own level (II.B.1.5)


# Rounds whose questions are members (not the chi bộ itself).
MEMBER_ROUND_KINDS = (RoundKind.CLASSIFICATION, RoundKind.FOLLOWUP)
# The one question of a round on the chi bộ's own level, as ballots and bundles name it.
ORGANISATION_QUESTION = "chi_bo"


class RoundStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class RoundPhase(StrEnum):
    """A round as the screens show it (ballot/services/phases.py): the stored status,
    with an encrypted round's wait for its count and a voided round told apart."""

    DRAFT = "draft"
    OPEN = "open"
    COUNTING = "counting"  # closed to ballots; the counting committee has not decrypted it yet
    CLOSED = "closed"
    VOID = "void"  # voided by the host: the committee could not count it


class MeetingState(StrEnum):
    OPEN = "open"
    CERTIFIED = "certified"  # frozen: its bundle is signed


class CheckInState(StrEnum):
    PENDING = "pending"  # chose a name, or the member is already on another phone: waits for the host
    APPROVED = "approved"
    REFUSED = "refused"
    REPLACED = "replaced"  # the host moved the member to another phone: this one is signed out


# --- what a person reads ---------------------------------------------------------

LEVEL_NAMES: dict[str, str] = {level.value: LEVEL_NAMES_VI[level] for level in LEVELS_DESCENDING}

MEMBERSHIP_NAMES = {MembershipStatus.FULL.value: "Chính thức",
                    MembershipStatus.PROBATIONARY.value: "Dự bị"}

RESULT_STATUS_NAMES = {
    ResultStatus.CLASSIFIED: "Đã xếp loại",
    ResultStatus.NOT_CLASSIFIED: "Không xếp loại",
    ResultStatus.ABSENT: "Vắng mặt, xếp loại sau",
    ResultStatus.UNDETERMINED: "Chưa xác định",
    ResultStatus.TIE: "Bằng phiếu, chi bộ quyết định",
    # II.B.6: "thực hiện đánh giá, xếp loại chất lượng sau khi có kết quả đánh giá, xếp
    # loại công chức, viên chức".
    ResultStatus.DEFERRED: "Xếp loại sau khi có kết quả xếp loại công chức, viên chức",
}

ROUND_KIND_NAMES = {
    RoundKind.CLASSIFICATION: "Xếp loại đảng viên",
    RoundKind.FOLLOWUP: "Bỏ phiếu bổ sung",
    RoundKind.ORGANISATION: "Xếp loại chi bộ",
}

ROUND_STATUS_NAMES = {
    RoundPhase.DRAFT: "chưa mở",
    RoundPhase.OPEN: "đang mở",
    RoundPhase.COUNTING: "đang kiểm phiếu",
    RoundPhase.CLOSED: "đã kết thúc",
    RoundPhase.VOID: "đã hủy",
}

DENOMINATOR_NAMES = {
    Denominator.ENTITLED.value: "Đảng viên chính thức có quyền biểu quyết",
    Denominator.PRESENT.value: "Đảng viên chính thức có mặt",
    Denominator.BALLOTS.value: "Số phiếu thu về",
}

ORGANISATION_KIND_NAMES = {
    OrganisationKind.CHI_BO_TRUC_THUOC.value: "Chi bộ trực thuộc đảng ủy cơ sở",
    OrganisationKind.CHI_BO_CO_SO.value: "Chi bộ cơ sở",
}

GRADE_NAMES = {grade.value: GRADE_NAMES_VI[grade] for grade in sorted(Grade, reverse=True)}

BODY_KIND_NAMES = {kind.value: kind.vietnamese for kind in BodyKind}

# docs/rules.md, “Không hoàn thành nhiệm vụ chỉ do cộng dồn”.
KHTNV_BY_ACCUMULATION_NAMES = {
    KhtnvByAccumulation.KHTNV.value:
        "Giữ mức “Không hoàn thành nhiệm vụ”, ghi rõ “chỉ đạt do cộng dồn”",
    KhtnvByAccumulation.UNDETERMINED.value: "Coi là chưa xác định, bỏ phiếu bổ sung",
}


def javascript_module() -> str:
    """The browser's copy of this vocabulary, as `static/js/vocabulary.js`."""
    exports = {
        "LEVELS": list(LEVEL_CODES),
        "LEVEL_NAMES": LEVEL_NAMES,
        "MEMBERSHIP_NAMES": MEMBERSHIP_NAMES,
        "RESULT_STATUS_NAMES": _plain(RESULT_STATUS_NAMES),
        "ROUND_KINDS": {kind.name: kind.value for kind in RoundKind},
        "ROUND_KIND_NAMES": _plain(ROUND_KIND_NAMES),
        "ROUND_STATUSES": {phase.name: phase.value for phase in RoundPhase},
        "ROUND_STATUS_NAMES": _plain(ROUND_STATUS_NAMES),
        "MEETING_STATES": {state.name: state.value for state in MeetingState},
        "CHECK_IN_STATES": {state.name: state.value for state in CheckInState},
        "DENOMINATOR_NAMES": DENOMINATOR_NAMES,
        "ORGANISATION_KIND_NAMES": ORGANISATION_KIND_NAMES,
        "GRADE_NAMES": GRADE_NAMES,
        "BODY_KIND_NAMES": BODY_KIND_NAMES,
        "KHTNV_BY_ACCUMULATION_NAMES": KHTNV_BY_ACCUMULATION_NAMES,
    }
    lines = [
        "// Generated from ballot/vocabulary.py by `python -m ballot.vocabulary`; do not edit.",
        "// A test (tests/test_vocabulary.py) fails when the two differ.",
        "",
    ]
    for name, value in exports.items():
        text = json.dumps(value, ensure_ascii=False, indent=2)
        lines.append(f"export const {name} = Object.freeze({text});")
        lines.append("")
    return "\n".join(lines)


def _plain(names: dict) -> dict[str, str]:
    return {key.value: value for key, value in names.items()}


if __name__ == "__main__":
    print(javascript_module(), end="")
