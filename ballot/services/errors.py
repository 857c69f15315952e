"""The one error type the use cases raise: a stable code, a Vietnamese message
and the HTTP status the web layer answers with. Raised before anything is
written, or inside the unit of work so that it rolls back."""

from __future__ import annotations


class ServiceError(Exception):
    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.status = status


def not_found(what: str) -> ServiceError:
    return ServiceError("not_found", f"Không tìm thấy {what}.", 404)


def conflict(code: str, message: str) -> ServiceError:
    return ServiceError(code, message, 409)


def forbidden(code: str, message: str) -> ServiceError:
    return ServiceError(code, message, 403)


def invalid(code: str, message: str) -> ServiceError:
    return ServiceError(code, message, 400)
