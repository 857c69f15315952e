"""A demo chi bộ for `ballot demo`: Vietnamese names, full and probationary
members, and the facts that exercise the rules (docs/rules.md)."""

from __future__ import annotations

import datetime as dt
import json
import secrets
from pathlib import Path
from typing import Any

from ballot.services.commands import ImportRoster, NewMeeting
from ballot.services.facade import Services
from ballot.vocabulary import OrganisationKind

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
            "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Quốc", "Ngọc", "Hữu", "Thanh", "Xuân"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng",
         "Hương", "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phúc", "Quân", "Sơn",
         "Tâm", "Thảo", "Thắng", "Trang", "Tuấn", "Uyên", "Việt", "Yến"]
ROLES = ["Bí thư chi bộ", "Phó Bí thư", "Chi ủy viên", "Trưởng phòng", "Chuyên viên", "Giáo viên"]

DEMO_USERNAME = "chutoa"
SCORES = [94, 86, 78, 91, 72, 88, 65, 83, 95, 48, 80, 74]


def demo_rows(count: int, review_date: dt.date) -> list[dict[str, Any]]:
    rows = []
    for i in range(count):
        name = f"{SURNAMES[i % len(SURNAMES)]} {MIDDLE[(i * 3) % len(MIDDLE)]} {GIVEN[(i * 7) % len(GIVEN)]}"
        rows.append({
            "id": f"m{i + 1:02d}",
            "name": name,
            "role": ROLES[i] if i < len(ROLES) else ROLES[-1],
            "status": "du_bi" if _probationary(i) else "chinh_thuc",
            "admitted_on": (review_date - dt.timedelta(days=_days_in_party(i))).isoformat(),
            "self_level": "HTTNV" if i % 4 else "HTXSNV",
            "committee_level": "HTTNV" if i % 5 else "HTXSNV",
            "civil_servant_level": "HTTNV" if i == 4 else None,
            "sick_leave_months": 4 if i == 5 else None,
            "disciplined_this_year": i == 9,
            # Checked scores and task results for the 366-2025 profile (QĐ 366 Điều 11).
            "score": SCORES[i % len(SCORES)],
            "tasks_completed_pct": 100 if i % 6 else 90,
            "tasks_exceeded_pct": 40 if i % 3 == 0 else 10,
            "earlier_shortcomings_fixed": i % 5 != 2,
        })
    return rows


def _probationary(i: int) -> bool:
    return i % 8 == 3 or i == 10


def _days_in_party(i: int) -> int:
    if i == 10:
        return 100  # admitted under 6 months ago: reviewed, not classified (II.B.6)
    # 10 to 50 years in the Party, whatever the size of the demo: a date before the Party
    # was founded (1930) is refused by the roster's checks.
    return 300 if _probationary(i) else 3650 + (97 * i) % (40 * 365)


DEMO_BRANCH = "Chi bộ Phòng Tổng hợp"


def create_demo(services: Services, members: int, today: dt.date | None = None,
                branch: str | None = None) -> dict[str, Any]:
    """`branch` names the chi bộ, so that several demo meetings can send their bundles to
    one đảng ủy (`ballot committee`)."""
    review_date = today or dt.date.today()
    password = secrets.token_urlsafe(9)
    host_id = services.create_host(_unused_username(services), password)
    meeting_id = services.create_meeting(host_id, NewMeeting(
        branch_name=branch or DEMO_BRANCH,
        title=f"Hội nghị kiểm điểm, xếp loại chất lượng đảng viên năm {review_date.year}",
        date=review_date,
        organisation_kind=OrganisationKind.CHI_BO_TRUC_THUOC,
    ))
    services.import_roster(host_id, meeting_id, ImportRoster(members=demo_rows(members, review_date)))
    state = services.host_state(host_id, meeting_id)
    codes = {m["id"]: m["personal_code"] for m in services.personal_codes(host_id, meeting_id)}
    return {
        "host": {"username": services.username_of(host_id), "password": password},
        "meeting_id": meeting_id,
        "meeting_code": state["meeting"]["code"],
        "members": [
            {"id": m["id"], "name": m["name"], "status": m["status"], "personal_code": codes[m["id"]]}
            for m in state["members"]
        ],
    }


def _unused_username(services: Services) -> str:
    name, n = DEMO_USERNAME, 1
    while services.username_exists(name):
        n += 1
        name = f"{DEMO_USERNAME}{n}"
    return name


def export_codes(path: Path, demo: dict[str, Any], base_url: str) -> None:
    path.write_text(json.dumps({"base_url": base_url, **demo}, ensure_ascii=False, indent=2),
                    encoding="utf-8")
