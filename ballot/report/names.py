"""Vietnamese words the documents share (PDF, spreadsheet, verification page),
and the download file names."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ballot.rules.levels import LEVEL_NAMES_VI as _LEVEL_NAMES
from ballot.rules.text import percent_vi as exact_percent

LEVEL_NAMES_VI: dict[str, str] = {level.value: name for level, name in _LEVEL_NAMES.items()}
STATUS_VI = {
    "classified": "Đã xếp loại",
    "not_classified": "Không xếp loại",
    "absent": "Vắng mặt, xếp loại sau",
    "undetermined": "Chưa xác định",
    "tie": "Bằng phiếu, chi bộ quyết định",
    "deferred": "Xếp loại sau khi có kết quả xếp loại công chức, viên chức",
}
# docs/rules.md, “Không hoàn thành nhiệm vụ chỉ do cộng dồn”.
KHTNV_BY_ACCUMULATION_VI = {
    "khtnv": "giữ mức “Không hoàn thành nhiệm vụ”, ghi rõ “chỉ đạt do cộng dồn”",
    "undetermined": "coi là chưa xác định, bỏ phiếu bổ sung",
}
# The reasons of a KHTNV reached only by accumulation, named in the documents.
ACCUMULATION_CODES = ("khtnv_by_accumulation", "khtnv_by_accumulation_undetermined")


def accumulated_names(bundle: dict[str, Any]) -> list[str]:
    """Members whose KHTNV came only by adding the higher levels' votes (docs/rules.md,
    “Không hoàn thành nhiệm vụ chỉ do cộng dồn”): named, not only in the reasons."""
    return [
        member["name"]
        for member in bundle["proposal"]["members"]
        if any(reason["code"] in ACCUMULATION_CODES for reason in member["reasons"])
    ]


MEMBERSHIP_VI = {"chinh_thuc": "Chính thức", "du_bi": "Dự bị"}
ORGANISATION_KIND_VI = {
    "chi_bo_co_so": "chi bộ cơ sở",
    "chi_bo_truc_thuoc": "chi bộ trực thuộc đảng ủy cơ sở",
}
DENOMINATOR_VI = {
    "entitled": "đảng viên chính thức có quyền biểu quyết",
    "present": "đảng viên chính thức có mặt",
    "ballots": "số phiếu thu về",
}
ROUND_KIND_VI = {
    "classification": "Xếp loại đảng viên",
    "followup": "Bỏ phiếu bổ sung",
    "organisation": "Xếp loại chi bộ",
}
_FILE_KINDS = {"json": "goi-chung-thuc", "pdf": "bien-ban", "xlsx": "de-xuat"}


def level_vi(level: str | None) -> str:
    return "—" if level is None else LEVEL_NAMES_VI.get(level, level)


def outcome_vi(member: dict[str, Any]) -> str:
    """A member's final line: the proposed level, or why there is none."""
    if member["status"] == "classified":
        return level_vi(member["level"])
    return STATUS_VI.get(member["status"], member["status"])


def ascii_slug(text: str) -> str:
    """ "Chi bộ Phòng Tổng hợp" → "chi-bo-phong-tong-hop": safe in any file name."""
    plain = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(c for c in plain if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:60] or "chi-bo"


def document_filename(bundle: dict[str, Any], extension: str) -> str:
    branch = ascii_slug(bundle["organisation"].get("name", ""))
    return f"{branch}-{bundle['meeting']['review_date']}-{_FILE_KINDS[extension]}.{extension}"


def percent_vi(part: int, whole: int) -> str:
    """12 of 23 → "52,17%"; nothing to divide by → "—"."""
    if whole == 0:
        return "—"
    return exact_percent(Fraction(part, whole))


def share_vi(share: float) -> str:
    """A proposal share (0.6667) as the documents print it: "66,67%"."""
    return f"{share * 100:.2f}".rstrip("0").rstrip(".").replace(".", ",") + "%"


def date_vi(iso_date: str) -> str:
    year, month, day = iso_date[:10].split("-")
    return f"{day}/{month}/{year}"


# --- the meeting's local time (docs/bundle.md, `meeting.timezone`) ------------------------

# A bundle made before `meeting.timezone` existed was made by a chi bộ in Việt Nam.
DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"


def meeting_zone(bundle: dict[str, Any], default: str = DEFAULT_TIMEZONE) -> ZoneInfo:
    """The meeting's own time zone, else `default` (the verifying installation's setting)."""
    name = bundle.get("meeting", {}).get("timezone") or default
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return ZoneInfo(default)


def local_moment(utc_text: str | None, zone: ZoneInfo) -> dt.datetime | None:
    """A bundle time ("2026-12-01T22:57:43Z") in the meeting's zone; None if unreadable."""
    try:
        moment = dt.datetime.fromisoformat(str(utc_text).replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(zone)


def moment_vi(moment: dt.datetime | None) -> str:
    """As Vietnamese minutes write a time: "04 giờ 45, ngày 02 tháng 12 năm 2026"."""
    if moment is None:
        return "…… giờ ……, ngày …… tháng …… năm ……"
    return f"{moment:%H} giờ {moment:%M}, {day_vi(moment.date())}"


def day_vi(day: dt.date) -> str:
    """ "ngày 02 tháng 12 năm 2026"."""
    return f"ngày {day:%d} tháng {day:%m} năm {day.year}"


def meeting_times(bundle: dict[str, Any]) -> tuple[dt.datetime | None, dt.datetime | None]:
    """When the meeting began (its first round opened) and ended (its certification),
    in its own time zone: the only times a bundle keeps (docs/bundle.md)."""
    zone = meeting_zone(bundle)
    opened = [m for r in bundle.get("rounds", []) if (m := local_moment(r.get("opened_at"), zone))]
    return (min(opened) if opened else None,
            local_moment(bundle.get("meeting", {}).get("certified_at"), zone))
