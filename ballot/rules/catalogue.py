"""Every reason the engine can give, in both profiles, as one Markdown document for a
single reading by a reviewer: docs/reasons.md.

    python -m ballot.rules.catalogue > docs/reasons.md

`TOPICS` names every reason code once, under the heading of docs/rules.md that
states its rule; the gallery below is a set of small chi bộ that, between them,
give every one of those reasons. The document shows, for each profile, each code
with its section and its wording (every distinct wording the gallery produced, with
its example numbers). tests/rules/test_rules_catalogue.py fails when a code in the
source is missing here, or when docs/reasons.md is not what this module prints.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from typing import Any

from ballot.rules.levels import LEVELS_DESCENDING
from ballot.rules.pipeline import classify
from ballot.rules.profiles import get_profile, profile_names
from ballot.rules.results import Reason
from ballot.rules.scenario import parse_scenario

# (heading in docs/rules.md, the reason codes its rule gives), in reading order.
TOPICS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Đối tượng xếp loại",
        (
            "exempt_from_party_work",
            "party_activity_suspended",
            "admitted_under_6_months",
            "committee_activity_suspended",
            "votes_not_counted",
        ),
    ),
    ("Vắng mặt", ("absent",)),
    ("Đảng viên là công chức, viên chức", ("civil_servant_rating_pending",)),
    (
        "Sinh hoạt tạm thời",
        (
            "temporary_registration_here",
            "temporary_registration_elsewhere",
            "temporary_branch_comments_needed",
        ),
    ),
    (
        "Chuyển công tác đến",
        ("transferred_in", "previous_branch_comments_needed", "previous_branch_comments_received"),
    ),
    (
        "Đếm phiếu",
        ("voted_level", "no_level_reached"),
    ),
    (
        "Không hoàn thành nhiệm vụ chỉ do cộng dồn",
        ("khtnv_by_accumulation", "khtnv_by_accumulation_undetermined"),
    ),
    (
        "Các trường hợp buộc Không hoàn thành nhiệm vụ",
        (
            "degradation_concluded",
            "targets_under_50_percent",
            "civil_servant_khtnv",
            "discipline_reprimand_or_above",
            "tasks_not_completed_over_50_percent",
        ),
    ),
    (
        "Kỷ luật trong năm",
        (
            "disciplined_this_year",
            "discipline_already_counted",
            "disciplined_for_previous_organisation",
        ),
    ),
    (
        "Các giới hạn theo từng đảng viên",
        (
            "civil_servant_cap",
            "criteria_cap",
            "sick_leave_3_months",
            "maternity_leave",
            "score_under_90",
            "score_under_70",
            "score_under_50",
            "score_missing",
            "tasks_not_all_on_time",
            "tasks_below_htnv_conditions",
            "tasks_not_excellent",
            "sick_leave_actual_work",
            "not_applied_in_profile",
        ),
    ),
    (
        "Người đứng đầu",
        ("head_of_unit_cap", "head_transferred_in"),
    ),
    (
        "Bí thư chi bộ",
        ("secretary_bound_by_branch", "secretary_cap", "secretary_not_applied"),
    ),
    (
        "Giới hạn 20% Hoàn thành xuất sắc nhiệm vụ",
        (
            "within_excellence_cap",
            "small_organisation_exception",
            "excellence_cap_exceeded",
            "excellence_cap_tie",
            "excellence_cap_advisory",
            "excellence_cap_advisory_tie",
        ),
    ),
    (
        "Vòng bỏ phiếu bổ sung",
        ("excellence_cap_tie_not_asked", "excellence_cap_exceeded_after_followup"),
    ),
    (
        "Mức cao nhất của chi bộ",
        (
            "org_founded_under_6_months",
            "org_disciplined",
            "org_discipline_self_remedied",
            "org_khtnv_over_20_percent",
            "org_bodies_khtnv",
            "org_not_all_members_htnv",
            "org_good_share_under_50_percent",
            "org_good_share_under_80_percent",
            "org_members_allow_htxsnv",
            "org_criteria_cap",
            "org_bodies_cap",
            "org_members_counted_elsewhere",
            "org_other_criteria_not_assessed",
            "org_truc_thuoc_standards",
            "org_level_method_assumed",
            "org_level_provisional",
            "org_no_member_classified",
        ),
    ),
    (
        "Giới hạn trên toàn đảng bộ",
        (
            "committee_within_cap",
            "committee_cap_exceeded",
            "committee_cap_tie",
            "committee_bundles_conflict",
            "organisations_within_cap",
            "organisations_cap_exceeded",
            "organisations_cap_tie",
            "committee_branch_level_not_voted",
            "committee_decision",
        ),
    ),
)

MAX_WORDINGS = 4  # distinct wordings shown per code and section


# --- the gallery ---------------------------------------------------------------------

REVIEW = "2026-12-15"
LEVELS = tuple(level.value for level in LEVELS_DESCENDING)
LONG_AGO = "2010-05-19"
NAMES = (
    "Nguyễn Văn An",
    "Trần Thị Bình",
    "Lê Văn Cường",
    "Phạm Thị Dung",
    "Hoàng Văn Em",
    "Vũ Thị Giang",
    "Đặng Văn Hải",
    "Bùi Thị Hạnh",
    "Đỗ Văn Khoa",
    "Ngô Thị Lan",
)


def _member(index: int, **facts: Any) -> dict[str, Any]:
    return {
        "id": f"m{index:02d}",
        "name": NAMES[index % len(NAMES)],
        "status": "chinh_thuc",
        "admitted_on": LONG_AGO,
        **facts,
    }


def _votes(htxsnv: int = 0, httnv: int = 0, htnv: int = 0, khtnv: int = 0) -> dict[str, int]:
    return {"HTXSNV": htxsnv, "HTTNV": httnv, "HTNV": htnv, "KHTNV": khtnv}


def _chi_bo(
    profile: str,
    facts: list[dict[str, Any]],
    cast: list[dict[str, int] | str | None],
    *,
    kind: str = "chi_bo_co_so",
    organisation: dict[str, Any] | None = None,
    followups: list[dict[str, dict[str, int]]] | None = None,
    **top: Any,
) -> dict[str, Any]:
    """Members m00.. with these facts and these votes, every voter handing in a ballot;
    a level's name stands for every ballot choosing it, None for not on the ballot."""
    members = [_member(i, **f) for i, f in enumerate(facts)]
    voters = sum(
        1
        for m in members
        if m["status"] == "chinh_thuc"
        and m.get("present", True)
        and not m.get("exempt")
        and not m.get("suspended")
        and m.get("temporary_registration") != "here"
    )
    tally = {
        m["id"]: (
            {level: voters if level == v else 0 for level in LEVELS} if isinstance(v, str) else v
        )
        for m, v in zip(members, cast, strict=True)
        if v is not None
    }
    return {
        "profile": profile,
        "review_date": REVIEW,
        "organisation": {"name": "Chi bộ Mẫu", "kind": kind, **(organisation or {})},
        "members": members,
        "tally": {"ballots": voters, "votes": tally},
        "followups": [{"ballots": voters, "votes": v} for v in followups or []],
        **top,
    }


def _plain(count: int, level: str = "HTTNV") -> tuple[list[dict], list[str]]:
    return [{} for _ in range(count)], [level] * count


def gallery(profile: str) -> Iterator[dict[str, Any]]:
    """Small chi bộ that between them give every reason of `profile`."""
    facts, cast = _plain(4)
    # Who is classified, absence, deferral, notes.
    yield _chi_bo(
        profile,
        [
            {"exempt": True},
            {"suspended": True, "committee_activity_suspended": True},
            {"status": "du_bi", "admitted_on": "2026-07-01"},
            {"temporary_registration": "here"},
            {"present": False},
            {"present": False, "absent_with_leave": True},
            {"present": False, "temporary_registration": "elsewhere"},
            {"temporary_registration": "elsewhere", "other_branch_comments_received": True},
            {"civil_servant_rating_pending": True},
            {"committee_activity_suspended": True},
            {"maternity_leave": True},
            {"months_at_previous_branch": 4},
            {"months_at_previous_branch": 8},
            {"months_at_previous_branch": 7, "other_branch_comments_received": True},
            {"heads_collective_level": "HTNV", "head_transferred_in": True},
            *facts,
        ],
        [_votes(httnv=2), None, None, None, None, None, *["HTTNV"] * 13],
        kind="chi_bo_truc_thuoc",
    )
    # Per-member caps and forcing cases.
    yield _chi_bo(
        profile,
        [
            {"degradation_concluded": True},
            {"targets_completed_pct": 40},
            {"disciplined_this_year": True},
            {"disciplined_this_year": True, "discipline_at_previous_organisation": True},
            {"disciplined_this_year": True, "discipline_already_counted": True},
            {"discipline": "canh_cao"},
            {"civil_servant_level": "KHTNV"},
            {"civil_servant_level": "HTTNV"},
            {"sick_leave_months": 4},
            {"criteria": {"tasks": "TOT", "other": "TRUNG_BINH"}},
            {"heads_collective_level": "HTNV"},
            {"score": 85},
            {"score": {"general": 20, "tasks": 45}},
            {"score": 45},
            {"score": 95, "tasks_completed_pct": 100, "tasks_behind_schedule_pct": 10},
            {"score": 95, "tasks_completed_pct": 80},
            {"score": 95, "tasks_failed_pct": 60},
            {"score": 95, "tasks_exceeded_pct": 20, "earlier_shortcomings_fixed": False},
            *facts,
        ],
        ["HTXSNV"] * 18 + cast,
        kind="chi_bo_truc_thuoc",
    )
    # Counting: each step, undetermined, KHTNV only by accumulation.
    counting = [
        _votes(htxsnv=3, httnv=4, htnv=3),
        _votes(htxsnv=1, httnv=1),
        _votes(htxsnv=2, httnv=1, htnv=1, khtnv=2),
        _votes(khtnv=6),
    ]
    yield _chi_bo(profile, [{}] * 10, counting + [_votes(htnv=10)] * 6, kind="chi_bo_truc_thuoc")
    yield _chi_bo(
        profile,
        [{}] * 9,
        [_votes(htxsnv=2, httnv=1, htnv=1, khtnv=1)] + [_votes(httnv=9)] * 8,
        kind="chi_bo_truc_thuoc",
        settings={"khtnv_by_accumulation": "undetermined", "thresholds": {"HTXSNV": "2/3"}},
    )
    # The cap binding: kept, demoted, tied; the small chi bộ; a follow-up round.
    yield _chi_bo(
        profile,
        [{}] * 16,
        [
            _votes(htxsnv=14, httnv=2),
            _votes(htxsnv=12, httnv=4),
            _votes(htxsnv=12, httnv=4),
            _votes(htxsnv=9, httnv=7),
        ]
        + [_votes(httnv=16)] * 12,
    )
    yield _chi_bo(
        profile, [{}] * 4, [_votes(htxsnv=4), _votes(htxsnv=3, httnv=1)] + [_votes(httnv=4)] * 2
    )
    yield _chi_bo(
        profile,
        [{}] * 12,
        [
            _votes(htxsnv=10, httnv=2),
            _votes(htxsnv=9, httnv=3),
            _votes(htxsnv=9, httnv=3),
            _votes(htxsnv=9, httnv=3),
        ]
        + [_votes(httnv=12)] * 8,
        followups=[{"m01": _votes(htxsnv=11, httnv=1), "m02": _votes(htxsnv=10, httnv=2)}],
    )
    yield _chi_bo(
        profile,
        [{}] * 15,
        [_votes(htxsnv=13, httnv=2), _votes(htxsnv=12, httnv=3), _votes(htxsnv=8, httnv=7)]
        + [_votes(httnv=15)] * 12,
        followups=[{f"m{i:02d}": _votes(htnv=15) for i in range(3, 11)}],
    )
    # The cap as advice in a chi bộ trực thuộc, in groups for a grouped profile.
    yield _chi_bo(
        profile,
        [{"cap_group": "Giáo viên"}] * 3 + [{}] * 10,
        [
            _votes(htxsnv=12, httnv=1),
            _votes(htxsnv=10, httnv=3),
            _votes(htxsnv=10, httnv=3),
            _votes(htxsnv=12, httnv=1),
            _votes(htxsnv=11, httnv=2),
        ]
        + [_votes(httnv=13)] * 8,
        kind="chi_bo_truc_thuoc",
    )
    # The bí thư and the chi bộ's own level.
    yield _chi_bo(
        profile,
        [{"is_secretary": True}, {}, {}, {}, {}],
        ["HTXSNV", "HTTNV", "HTNV", "HTNV", "HTNV"],
        kind="chi_bo_truc_thuoc",
    )
    yield _chi_bo(
        profile,
        [{}] * 5,
        [_votes(httnv=5)] * 4 + [_votes(htnv=5)],
        organisation={
            "criteria": {"tasks": "TOT", "other": "TOT"},
            "bodies": [
                {"name": "Công đoàn cơ sở", "kind": "doan_the", "level": "HTNV"},
                {"name": "Chính quyền xã", "kind": "chinh_quyen", "level": "HTTNV"},
            ],
        },
    )
    yield _chi_bo(
        profile,
        [{}] * 4 + [{"disciplined_this_year": True, "discipline_at_previous_organisation": True}],
        [_votes(httnv=5)] * 5,
        organisation={
            "disciplined": True,
            "discipline_self_remedied": True,
            "bodies": [
                {"name": "Chính quyền phường", "kind": "chinh_quyen", "level": "KHTNV"},
                {"name": "Mặt trận Tổ quốc", "kind": "mat_tran", "level": "HTTNV"},
            ],
        },
    )
    yield _chi_bo(
        profile,
        [{}] * 4,
        [_votes(httnv=4), _votes(httnv=4), _votes(khtnv=4), _votes(htnv=4)],
        organisation={
            "disciplined": True,
            "criteria": {"tasks": "KEM", "other": "TRUNG_BINH"},
            "bodies": [
                {"name": "Đoàn Thanh niên", "kind": "doan_the", "level": "KHTNV"},
                {"name": "Hội Phụ nữ", "kind": "doan_the", "level": "KHTNV"},
            ],
        },
    )
    yield _chi_bo(profile, [{}] * 5, [_votes(httnv=5)] * 3 + [_votes(htnv=5)] * 2)
    yield _chi_bo(profile, [{}] * 5, ["HTTNV"] * 4 + ["KHTNV"])
    yield _chi_bo(profile, [{}] * 5, [_votes(httnv=5), None, None, None, None])
    yield _chi_bo(profile, [{}] * 3, [None] * 3)
    yield _chi_bo(
        profile, [{}] * 3, [_votes(httnv=3)] * 3, organisation={"founded_on": "2026-09-01"}
    )


# --- collecting and writing ---------------------------------------------------------


def reasons_given(profile: str) -> list[Reason]:
    found: list[Reason] = []
    for data in gallery(profile):
        proposal = classify(parse_scenario(data))
        for result in proposal.members:
            found.extend(result.reasons)
        found.extend(proposal.organisation.reasons)
    return found + committee_reasons(profile)


def committee_reasons(profile: str) -> list[Reason]:
    """The đảng ủy cơ sở's step (ballot.rules.committee) over a small đảng bộ: a member
    kept, one demoted, two tied, one assessed in two bundles; chi bộ kept, demoted, tied
    and not voted; decisions as proposed and otherwise."""
    from fractions import Fraction

    from ballot.rules import committee as c
    from ballot.rules.levels import Level

    group = "lãnh đạo" if get_profile(profile).excellence_cap.grouped else None

    def person(member_id: str, level: Level | None, share: Fraction = Fraction(0),
               status: str = "classified") -> c.ProposedMember:
        return c.ProposedMember(member_id, NAMES[len(member_id) % len(NAMES)], status, level,
                                share, cap_group=group)

    good = [person(f"g{i}", Level.HTTNV) for i in range(9)]
    bundles = [
        c.BranchBundle("Chi bộ 1", "h1", (person("a", Level.HTXSNV, Fraction(3, 4)),
                                          person("b", Level.HTXSNV, Fraction(1, 2)),
                                          person("c", Level.HTXSNV, Fraction(1, 5)),
                                          person("d", Level.HTTNV), *good), Level.HTXSNV,
                       Fraction(2, 3)),
        c.BranchBundle("Chi bộ 2", "h2", (person("e", Level.HTXSNV, Fraction(1, 2)),
                                          person("f", Level.HTXSNV, Fraction(1, 2))),
                       Level.HTXSNV, Fraction(1, 2)),
        c.BranchBundle("Chi bộ 3", "h3", (person("e", Level.HTXSNV, Fraction(1, 2)),),
                       Level.HTXSNV, Fraction(1, 2)),
        c.BranchBundle("Chi bộ 1", "h4", (person("d", Level.HTXSNV, Fraction(1)),), None),
        c.BranchBundle("Chi bộ 4", "h5", tuple(good[:2]), None),
        c.BranchBundle("Chi bộ 5", "h6", tuple(good[:1]), Level.HTXSNV, Fraction(1, 4)),
        *(c.BranchBundle(f"Chi bộ {6 + i}", f"h{7 + i}", tuple(good[:1]), Level.HTTNV)
          for i in range(9)),
    ]
    proposal = c.committee_proposal(c.merge_bundles(bundles), profile)
    decided = c.apply_decisions(
        proposal,
        {"Chi bộ 2:e": c.Decision("Chi bộ 2:e", Level.HTXSNV, "Có thành tích nổi bật."),
         "Chi bộ 1:a": c.Decision("Chi bộ 1:a", Level.HTXSNV, "")},
    )
    found = [r for m in decided.members for r in m.reasons]
    return found + [r for b in decided.branches for r in b.reasons]


def _shape(message: str) -> str:
    """A wording without its numbers, names and dates: what a reviewer reads once."""
    return re.sub(r"\d+([,/.]\d+)*", "#", message)


def wordings(profile: str) -> dict[tuple[str, str], list[str]]:
    """(code, section) → its distinct wordings, in the order the gallery gave them."""
    found: dict[tuple[str, str], dict[str, str]] = {}
    for reason in reasons_given(profile):
        shapes = found.setdefault((reason.code, reason.section), {})
        if len(shapes) < MAX_WORDINGS:
            shapes.setdefault(_shape(reason.message), reason.message)
    return {key: list(shapes.values()) for key, shapes in found.items()}


def all_codes() -> tuple[str, ...]:
    return tuple(code for _, codes in TOPICS for code in codes)


def markdown() -> str:
    lines = [
        "# Lý do trong đề xuất xếp loại / Reasons in a proposal",
        "",
        "Tệp này được sinh tự động, không sửa tay: `python -m ballot.rules.catalogue > "
        "docs/reasons.md`. Mỗi lý do có mã (ổn định, dùng trong gói chứng thực), mục của văn "
        "bản (hoặc quy tắc riêng của hồ sơ) và lời văn đọc trong cuộc họp, với số liệu ví dụ. "
        "Các mục xếp theo tiêu đề của `docs/rules.md`.",
        "",
        "Generated, do not edit: every reason of both profiles (code, section, Vietnamese "
        "text with example numbers), grouped under the headings of `docs/rules.md`; "
        "`tests/rules/test_rules_catalogue.py` fails when it is out of date.",
    ]
    for profile in profile_names():  # 21-HD-2019 first
        given = wordings(profile)
        lines += ["", f"## Hồ sơ {profile}"]
        for heading, codes in TOPICS:
            rows = [(key, texts) for key, texts in given.items() if key[0] in codes]
            if not rows:
                continue
            rows.sort(key=lambda row: codes.index(row[0][0]))
            lines += ["", f"### {heading}", "", "| Mã | Mục | Lời văn |", "|---|---|---|"]
            for (code, section), texts in rows:
                for text in texts:
                    lines.append(f"| `{code}` | {section} | {text} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(encoding="utf-8")
    sys.stdout.write(markdown())
