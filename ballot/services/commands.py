"""The typed inputs of the use cases: what each request means once the web edge
has parsed and checked it (docs/architecture.md, “Validation”).

Every command is strict: no field it does not name, no type coerced ("false" is
not a boolean, "3" is not a number), every string NFC-normalised and stripped,
and refused if it holds a control character, a lone surrogate or more than its
length. The web layer builds these from request bodies (ballot.web.validation)
and answers any refusal with a 400 naming the field in Vietnamese; the use cases
receive only these values.
"""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata
import zoneinfo
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    StringConstraints,
)

from ballot.crypto import blind_rsa
from ballot.crypto.encoding import b64url_decode
from ballot.crypto.errors import CryptoError
from ballot.vocabulary import (
    BodyKind,
    Denominator,
    Grade,
    KhtnvByAccumulation,
    Level,
    OrganisationKind,
    RoundKind,
)

MAX_ROSTER_ROWS = 2000
MAX_ROSTER_COLUMNS = 60
MAX_CELL_LENGTH = 300
ROSTER_ID_LENGTH = 32  # Member.key's column
# An encrypted ballot is about 1.3 kB per member classified (docs/encrypted-ballots.md, 6).
MAX_BALLOT_BYTES = 1536 * 1024


def clean_text(value: str) -> str:
    """NFC, and refused with surrogates or control characters (tab and line feed aside)."""
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in value):
        raise ValueError("có ký tự không hợp lệ")
    if any(unicodedata.category(ch) == "Cc" and ch not in "\t\n" for ch in value):
        raise ValueError("có ký tự điều khiển")
    return unicodedata.normalize("NFC", value)


def _single_line(value: str) -> str:
    if "\n" in value or "\t" in value:
        raise ValueError("phải nằm trên một dòng")
    return value


def text(max_length: int, *, min_length: int = 1) -> type[str]:
    """A line of text a person typed: stripped, NFC, at most `max_length` characters."""
    return Annotated[  # type: ignore[return-value]
        str,
        StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length),
        AfterValidator(clean_text),
        AfterValidator(_single_line),
    ]


def _base64url(size: int | None):
    def decode(value: str) -> bytes:
        try:
            data = b64url_decode(value)
        except CryptoError:
            raise ValueError("không phải base64url hợp lệ") from None
        if size is not None and len(data) != size:
            raise ValueError(f"phải dài đúng {size} byte")
        return data

    return decode


def base64url(max_length: int, size: int | None = None) -> type[bytes]:
    """Bytes sent as unpadded base64url (RFC 4648 §5); `size`: their exact length."""
    return Annotated[  # type: ignore[return-value]
        str,
        StringConstraints(min_length=1, max_length=max_length, pattern=r"^[A-Za-z0-9_-]+$"),
        AfterValidator(_base64url(size)),
    ]


def _cell(value: object) -> object:
    """A roster cell as JSON or a spreadsheet holds it (the roster reads its meaning)."""
    if isinstance(value, str):
        if len(value) > MAX_CELL_LENGTH:
            raise ValueError(f"quá dài (tối đa {MAX_CELL_LENGTH} ký tự)")
        return _single_line(clean_text(value)).strip()
    if value is None or isinstance(value, (bool, int, float, dt.date)):
        return value
    raise ValueError("phải là chữ, số, đúng/sai hoặc để trống")


RosterId = text(ROSTER_ID_LENGTH)
Cell = Annotated[object, AfterValidator(_cell)]
Code = text(64)
ObjectId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{32}$")]


class Command(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


# --- the host --------------------------------------------------------------------


class Login(Command):
    username: text(64) = Field(title="Tên đăng nhập")
    # A password is taken as typed: no stripping, no normalising.
    password: Annotated[str, StringConstraints(min_length=1, max_length=200),
                        AfterValidator(clean_text)] = Field(title="Mật khẩu")


class ChangePassword(Command):
    current_password: Annotated[str, StringConstraints(min_length=1, max_length=200),
                                AfterValidator(clean_text)] = Field(title="Mật khẩu hiện tại")
    new_password: Annotated[str, StringConstraints(min_length=8, max_length=200),
                            AfterValidator(clean_text)] = Field(title="Mật khẩu mới")


MAX_BODIES = 20


def _share(value: object) -> float | str:
    """A threshold share: a number strictly between 0 and 1, or an exact fraction written
    "p/q" (two thirds is "2/3": 0.6666… is below it; docs/rules.md, “Đếm phiếu”)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if not 0 < value < 1:
            raise ValueError("phải lớn hơn 0 và nhỏ hơn 1")
        return float(value)
    parts = value.split("/") if isinstance(value, str) and len(value) <= 16 else []
    if len(parts) != 2 or not all(part.strip().isdigit() for part in parts):
        raise ValueError("phải là số (ví dụ 0.5) hoặc phân số dạng “2/3”")
    p, q = (int(part) for part in parts)
    if not 0 < p < q:
        raise ValueError("phân số phải lớn hơn 0 và nhỏ hơn 1")
    return f"{p}/{q}"


Share = Annotated[object, AfterValidator(_share)]


class Thresholds(Command):
    HTXSNV: Share | None = Field(default=None, title="Ngưỡng HTXSNV")
    HTTNV: Share | None = Field(default=None, title="Ngưỡng HTTNV")
    HTNV: Share | None = Field(default=None, title="Ngưỡng HTNV")


class OrganisationCriteria(Command):
    """The chi bộ's Mẫu 01 self-assessment (21-HD II.B.1.3.a–c)."""

    tasks: Grade = Field(title="Tiêu chí kết quả thực hiện nhiệm vụ")
    other: Grade = Field(title="Các tiêu chí khác")


class SameLevelBody(Command):
    """Chính quyền, Mặt trận or a đoàn thể of the same level and its rating (21-HD II.B.1.3)."""

    name: text(200) = Field(title="Tên tổ chức")
    kind: BodyKind = Field(title="Loại tổ chức cùng cấp")
    level: Level = Field(title="Mức xếp loại")


MAX_COUNTING_COMMITTEE = 5


@functools.cache
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def _time_zone(value: str) -> str:
    """An IANA time zone the installation knows, e.g. "Asia/Ho_Chi_Minh"."""
    if value not in _time_zones():
        raise ValueError("không phải múi giờ đã biết (viết như Asia/Ho_Chi_Minh)")
    return value


def _committee(names: list[str]) -> list[str]:
    """The counting committee (ban kiểm phiếu): its head first, then its members."""
    if not 1 <= len(names) <= MAX_COUNTING_COMMITTEE:
        raise ValueError(f"cần từ 1 đến {MAX_COUNTING_COMMITTEE} người (trưởng ban ghi đầu tiên)")
    if len({name.casefold() for name in names}) != len(names):
        raise ValueError("có tên ghi hai lần")
    return names


TimeZoneName = Annotated[text(64), AfterValidator(_time_zone)]
CountingCommittee = Annotated[list[text(200)], AfterValidator(_committee)]


class MeetingDetails(Command):
    """The facts of the meeting the minutes record (docs/bundle.md, `meeting`): where it
    was held, who counted the ballots, and the time zone its times are written in. A
    field left out is unchanged; null clears it."""

    place: text(300) | None = Field(default=None, title="Địa điểm họp")
    counting_committee: CountingCommittee | None = Field(
        default=None, title="Ban kiểm phiếu", json_schema_extra={"positions": ("người thứ",)})
    timezone: TimeZoneName | None = Field(default=None, title="Múi giờ")


class NewMeeting(Command):
    branch_name: text(200) = Field(title="Tên chi bộ")
    title: text(300) = Field(title="Tiêu đề cuộc họp")
    date: dt.date = Field(title="Ngày họp")
    profile: text(32) | None = Field(default=None, title="Bộ quy tắc")
    denominator: Denominator = Field(default=Denominator.ENTITLED, title="Mẫu số tính tỷ lệ phiếu")
    thresholds: Thresholds | None = Field(default=None, title="Ngưỡng phiếu")
    # No default: a chi bộ cơ sở left without it got an advisory cap instead of a
    # binding one (docs/rules.md, “Dữ liệu đầu vào”; 21-HD II.B.2.5, bước 2).
    organisation_kind: OrganisationKind = Field(
        title="Loại tổ chức (chi bộ cơ sở hay chi bộ trực thuộc đảng ủy cơ sở)")
    organisation_disciplined: bool = Field(default=False, title="Chi bộ bị kỷ luật")
    # 21-HD II.B.1.3.c: "trừ trường hợp bị xử lý kỷ luật nhưng tự phát hiện và khắc phục xong hậu quả".
    discipline_self_remedied: bool = Field(
        default=False, title="Chi bộ tự phát hiện và khắc phục xong hậu quả vi phạm")
    founded_on: dt.date | None = Field(default=None, title="Ngày thành lập chi bộ")
    organisation_criteria: OrganisationCriteria | None = Field(
        default=None, title="Tự đánh giá của chi bộ (Mẫu 01)")
    bodies: Annotated[list[SameLevelBody], Field(max_length=MAX_BODIES)] = Field(
        default_factory=list, title="Chính quyền, Mặt trận, đoàn thể cùng cấp")
    cap_percent: Literal[20, 25] | None = Field(default=None, title="Tỷ lệ giới hạn xuất sắc")
    khtnv_by_accumulation: KhtnvByAccumulation | None = Field(
        default=None, title="“Không hoàn thành nhiệm vụ” chỉ đạt do cộng dồn")
    place: text(300) | None = Field(default=None, title="Địa điểm họp")
    counting_committee: CountingCommittee | None = Field(
        default=None, title="Ban kiểm phiếu", json_schema_extra={"positions": ("người thứ",)})
    # None: the installation's setting (ballot/config.py, `timezone`).
    timezone: TimeZoneName | None = Field(default=None, title="Múi giờ")


class ImportRoster(Command):
    members: Annotated[
        list[Annotated[dict[text(60), Cell], Field(max_length=MAX_ROSTER_COLUMNS)]],
        Field(min_length=1, max_length=MAX_ROSTER_ROWS),
    ] = Field(title="Danh sách đảng viên")


class RosterTable(Command):
    """A roster spreadsheet as read from an uploaded CSV or XLSX file: its rows
    of cells, the header among them (ballot.services.roster finds it)."""

    rows: Annotated[
        list[Annotated[list[Cell], Field(max_length=MAX_ROSTER_COLUMNS)]],
        Field(max_length=MAX_ROSTER_ROWS + 10),
    ] = Field(title="Tệp danh sách", json_schema_extra={"positions": ("dòng", "cột")})


class MemberChanges(RootModel[Annotated[dict[text(60), Cell], Field(min_length=1,
                                                                      max_length=MAX_ROSTER_COLUMNS)]]):
    """Roster columns to change for one member (the same columns as an import)."""

    model_config = ConfigDict(strict=True, frozen=True)


class SetPresence(Command):
    member_id: RosterId = Field(title="Đảng viên")
    present: bool = Field(title="Có mặt")
    absent_with_leave: bool = Field(default=False, title="Vắng có phép")


class DecideCheckIn(Command):
    approve: bool = Field(title="Đồng ý")


class NewRound(Command):
    kind: RoundKind = Field(title="Loại vòng")
    member_ids: Annotated[list[RosterId], Field(max_length=MAX_ROSTER_ROWS)] | None = Field(
        default=None, title="Đảng viên của vòng bổ sung")


class DesignateCommittee(Command):
    member_ids: Annotated[list[RosterId], Field(min_length=1, max_length=7)] = Field(
        title="Thành viên ban kiểm phiếu")
    threshold: Annotated[int, Field(ge=1, le=7)] = Field(title="Số thành viên cần để giải mã")


class TrusteeMessage(Command):
    """A trustee's signed envelope ({message, signature}), checked by the use case."""

    envelope: dict[str, Any] = Field(title="Thông điệp của ban kiểm phiếu")


class Nothing(Command):
    """A call that takes no body (open or close a round, certify): `{}` or none."""


# --- the phones ------------------------------------------------------------------


class Join(Command):
    meeting_code: Code = Field(title="Mã cuộc họp")
    personal_code: Code = Field(title="Mã cá nhân")


class JoinByName(Command):
    meeting_code: Code = Field(title="Mã cuộc họp")
    member_id: RosterId = Field(title="Đảng viên")


class SignBlinded(Command):
    blinded: base64url(1400) = Field(title="Phiếu đã làm mù")


class CastBallot(Command):
    # Exactly as signed: the ballot is bytes under a signature, so it is neither
    # stripped nor normalised here (its canonical form is checked when cast).
    ballot: Annotated[str, StringConstraints(min_length=1, max_length=MAX_BALLOT_BYTES)] = Field(
        title="Phiếu")
    prefix: base64url(64, size=blind_rsa.PREFIX_LEN) = Field(title="Tiền tố ngẫu nhiên")
    signature: base64url(1400) = Field(title="Chữ ký")


class JoinRoom(Command):
    """The realtime channel's `join` event."""

    meeting_id: ObjectId = Field(title="Cuộc họp")
    role: Literal["public", "host"] = Field(default="public", title="Vai trò")


# --- the đảng ủy's clerk (docs/committee-bundle.md, “The web area”) -----------------


def _fingerprint(value: str) -> str:
    """A signer fingerprint as typed (spaces, colons and case ignored): 64 hex digits."""
    digits = "".join(ch for ch in value if ch not in " :").upper()
    if len(digits) != 64 or any(ch not in "0123456789ABCDEF" for ch in digits):
        raise ValueError("cần đúng 64 chữ số hệ 16 (0–9, A–F), như “ballot keys show” của chi bộ in ra")
    return value


class RegisterBranch(Command):
    name: text(200) = Field(title="Tên chi bộ")
    kind: OrganisationKind = Field(title="Loại tổ chức")
    fingerprint: Annotated[text(200), AfterValidator(_fingerprint)] = Field(title="Dấu vân tay khóa của chi bộ")
    confirmation: text(500) = Field(title="Đã đối chiếu dấu vân tay thế nào")


class CommitteeDecision(Command):
    """The đảng ủy's decision on a member, or (no member_id) on a chi bộ's own level;
    on the web a reason is always asked for (II.B.2.5: the đảng ủy considers and decides)."""

    branch: text(200) = Field(title="Chi bộ")
    member_id: RosterId | None = Field(default=None, title="Mã đảng viên")
    level: Level = Field(title="Mức xếp loại")
    reason: text(1000) = Field(title="Lý do")


class CertifyCommittee(Command):
    resolution: text(100) = Field(title="Số nghị quyết/quyết định")
    date: dt.date = Field(title="Ngày của nghị quyết/quyết định")
