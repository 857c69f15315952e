"""The one error type the use cases raise: a stable code, a Vietnamese message,
the HTTP status the web layer answers with and, for bad input, the field it is
about. Raised before anything is written, or inside the unit of work so that it
rolls back."""

from __future__ import annotations


class ServiceError(Exception):
    def __init__(self, code: str, message: str, status: int = 400, field: str | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status
        self.field = field


def not_found(what: str) -> ServiceError:
    return ServiceError("not_found", f"Không tìm thấy {what}.", 404)


def conflict(code: str, message: str) -> ServiceError:
    return ServiceError(code, message, 409)


def forbidden(code: str, message: str) -> ServiceError:
    return ServiceError(code, message, 403)


def invalid(code: str, message: str, field: str | None = None) -> ServiceError:
    return ServiceError(code, message, 400, field)


def unauthorised(code: str, message: str) -> ServiceError:
    return ServiceError(code, message, 401)


class MeetingCertified(ServiceError):
    """A change to a certified (frozen) meeting. Carries the meeting so that the
    refusal itself can be audited after the refused unit of work rolls back."""

    def __init__(self, meeting_id: str) -> None:
        super().__init__("meeting_certified",
                         "Cuộc họp đã được chứng thực, không thể thay đổi gì nữa.", 409)
        self.meeting_id = meeting_id
