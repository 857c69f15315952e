"""The web layer: Flask app factory. Thin: parse the request into a typed command
(ballot.web.validation), call a service, shape the answer. Every error is JSON
`{"error": {"code", "message"}}`, with `field` when it is about one."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, jsonify, request
from flask_compress import Compress
from werkzeug.exceptions import HTTPException

from ballot.assets import asset_dir
from ballot.services.errors import ServiceError
from ballot.services.facade import Services

MAX_REQUEST_BYTES = 2 * 1024 * 1024  # a roster spreadsheet fits; nothing else comes close

HTTP_MESSAGES = {
    400: ("bad_request", "Yêu cầu không hợp lệ."),
    404: ("not_found", "Không tìm thấy."),
    405: ("method_not_allowed", "Phương thức không được phép."),
    413: ("request_too_large", "Yêu cầu quá lớn."),
    415: ("unsupported_media_type", "Cần gửi JSON (Content-Type: application/json)."),
}


def create_app(services: Services, *, secret_key: str | None = None, testing: bool = False) -> Flask:
    app = Flask(
        __name__,
        static_folder=str(asset_dir("static")),
        template_folder=str(asset_dir("templates")),
    )
    app.config.update(
        SECRET_KEY=secret_key or services.secret_key,
        MAX_CONTENT_LENGTH=MAX_REQUEST_BYTES,
        SESSION_COOKIE_HTTPONLY=True,
        # Strict: a cross-site page can never ride a voter's or a host's cookie.
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_NAME="phieukin",
        # A phone's session lasts the default 31 days from its check-in: not signed and
        # sent again with every answer to every phone of the room.
        SESSION_REFRESH_EACH_REQUEST=False,
        TESTING=testing,
        JSON_AS_ASCII=False,
    )
    app.json.ensure_ascii = False
    app.extensions["phieukin"] = services

    from ballot.web import api, committee, host_api, pages, verify  # they import this module's helpers

    app.register_blueprint(api.bp)
    app.register_blueprint(committee.bp)
    app.register_blueprint(host_api.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(verify.bp)
    _register_errors(app)
    app.after_request(_security_headers)
    _compress_static_files(app)
    _quiet_access_log()
    return app


# Every page: scripts, styles and connections from this server only, no inline
# script or style, never framed, no referrer sent, no content sniffing
# (docs/threat-model.md, “A network observer”).
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                               "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
                               "form-action 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def _compress_static_files(app: Flask) -> None:
    """The phone's scripts and styles compressed (a third of the bytes on a slow room
    Wi-Fi; bench/phone_first_paint.py). Static files only: a compressed answer that holds
    a secret beside text an attacker chooses leaks the secret through its length (BREACH),
    and the pages and API carry personal codes, tokens and ballots. The one exception,
    the ballot form, is compressed once where it is encoded (services/views.py, RoundForms)."""
    app.config.update(COMPRESS_REGISTER=False, COMPRESS_MIN_SIZE=1024, COMPRESS_ALGORITHM=["zstd", "br", "gzip"])
    compress = Compress(app)

    @app.after_request
    def compress_static(response):
        return compress.after_request(response) if request.endpoint == "static" else response


def _security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def services_of(app: Flask) -> Services:
    return app.extensions["phieukin"]


def error_response(code: str, message: str, status: int, field: str | None = None,
                   details: list[str] | None = None):
    """The JSON error; `details`: the message's items one by one (a roster's row errors)."""
    error: dict[str, Any] = {"code": code, "message": message}
    if field is not None:
        error["field"] = field
    if details:
        error["details"] = details
    return jsonify({"error": error}), status


def _register_errors(app: Flask) -> None:
    @app.errorhandler(ServiceError)
    def _service_error(exc: ServiceError):
        return error_response(exc.code, exc.message, exc.status, exc.field, getattr(exc, "details", None))

    @app.errorhandler(HTTPException)
    def _http_error(exc: HTTPException):
        code, message = HTTP_MESSAGES.get(exc.code or 500, ("http_error", exc.description or ""))
        return error_response(code, message, exc.code or 500)


def _quiet_access_log() -> None:
    """Werkzeug's access log joins a client address and a time to each request:
    with the signing request and the casting request side by side, it would
    link a member to a ballot. Access logging stays off (docs/threat-model.md)."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


