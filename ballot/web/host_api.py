"""The host's JSON API: a login cookie plus the X-CSRF-Token header on every call."""

from __future__ import annotations

import hmac
import secrets
from functools import wraps

from flask import Blueprint, current_app, jsonify, request, session

from ballot.services import roster
from ballot.services.errors import ServiceError
from ballot.web import json_body, services_of

bp = Blueprint("host_api", __name__, url_prefix="/api/host")


def _services():
    return services_of(current_app)


def host_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        host_id = session.get("host")
        if not host_id:
            raise ServiceError("not_logged_in", "Cần đăng nhập với tư cách chủ tọa.", 401)
        sent = request.headers.get("X-CSRF-Token", "")
        if not hmac.compare_digest(sent, session.get("csrf", "")):
            raise ServiceError("bad_csrf", "Thiếu hoặc sai mã chống giả mạo (X-CSRF-Token).", 403)
        return view(host_id, *args, **kwargs)

    return wrapper


@bp.post("/login")
def login():
    body = json_body(request)
    if not isinstance(body, dict) or not isinstance(body.get("username"), str) \
            or not isinstance(body.get("password"), str):
        raise ServiceError("bad_request", "Cần tên đăng nhập và mật khẩu.", 400)
    host_id = _services().login(body["username"], body["password"])
    session.clear()
    session["host"] = host_id
    session["csrf"] = secrets.token_urlsafe(32)
    return jsonify({"csrf_token": session["csrf"]})


@bp.get("/session")
def current_session():
    """Lets the console page recover its CSRF token after a reload."""
    if not session.get("host"):
        raise ServiceError("not_logged_in", "Cần đăng nhập với tư cách chủ tọa.", 401)
    return jsonify({"csrf_token": session["csrf"]})


@bp.post("/logout")
@host_required
def logout(host_id: int):
    session.clear()
    return jsonify({"ok": True})


@bp.post("/meetings")
@host_required
def create_meeting(host_id: int):
    meeting_id = _services().create_meeting(host_id, json_body(request))
    return jsonify(_services().host_state(host_id, meeting_id)), 201


@bp.get("/meetings/<meeting_id>")
@host_required
def meeting_state(host_id: int, meeting_id: str):
    return jsonify(_services().host_state(host_id, meeting_id))


@bp.post("/meetings/<meeting_id>/roster")
@host_required
def import_roster(host_id: int, meeting_id: str):
    """A CSV/XLSX upload (multipart field `file`) or JSON `{"members": [rows]}`."""
    if request.files.get("file"):
        upload = request.files["file"]
        rows = roster.read_table(upload.filename or "", upload.read())
    else:
        body = json_body(request)
        rows = body.get("members") if isinstance(body, dict) else None
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ServiceError("bad_request", "Cần “members”: danh sách các dòng.", 400)
    count = _services().import_roster(host_id, meeting_id, rows)
    return jsonify({"imported": count}), 201


@bp.patch("/meetings/<meeting_id>/members/<member_id>")
@host_required
def update_member(host_id: int, meeting_id: str, member_id: str):
    body = json_body(request)
    if not isinstance(body, dict):
        raise ServiceError("bad_request", "Nội dung yêu cầu phải là một đối tượng JSON.", 400)
    _services().update_member(host_id, meeting_id, member_id, body)
    return jsonify({"ok": True})


@bp.post("/meetings/<meeting_id>/presence")
@host_required
def presence(host_id: int, meeting_id: str):
    _services().set_presence(host_id, meeting_id, json_body(request))
    return jsonify({"ok": True})


@bp.post("/meetings/<meeting_id>/projector")
@host_required
def projector(host_id: int, meeting_id: str):
    body = json_body(request)
    _services().set_projector_live(host_id, meeting_id, body.get("live") if isinstance(body, dict) else None)
    return jsonify({"ok": True})


@bp.post("/meetings/<meeting_id>/check-ins/<check_in_id>")
@host_required
def decide_check_in(host_id: int, meeting_id: str, check_in_id: str):
    body = json_body(request)
    approve = body.get("approve") if isinstance(body, dict) else None
    if not isinstance(approve, bool):
        raise ServiceError("bad_request", "Trường “approve” phải là đúng/sai.", 400)
    _services().decide_check_in(host_id, meeting_id, check_in_id, approve)
    return jsonify({"ok": True})


@bp.post("/meetings/<meeting_id>/rounds")
@host_required
def create_round(host_id: int, meeting_id: str):
    round_id = _services().create_round(host_id, meeting_id, json_body(request))
    return jsonify(_round_of(host_id, meeting_id, round_id)), 201


@bp.post("/rounds/<round_id>/open")
@host_required
def open_round(host_id: int, round_id: str):
    _services().open_round(host_id, round_id)
    return jsonify({"id": round_id, "status": "open"})


@bp.post("/rounds/<round_id>/close")
@host_required
def close_round(host_id: int, round_id: str):
    _services().close_round(host_id, round_id)
    return jsonify({"id": round_id, "status": "closed"})


@bp.get("/meetings/<meeting_id>/proposal")
@host_required
def proposal(host_id: int, meeting_id: str):
    return jsonify(_services().proposal(host_id, meeting_id))


# --- certification (issue 5) ----------------------------------------------------------


@bp.post("/meetings/<meeting_id>/certify")
@host_required
def certify(host_id: int, meeting_id: str):
    return _file(_services().certify(host_id, meeting_id), "application/json"), 201


@bp.get("/meetings/<meeting_id>/bundle")
@host_required
def bundle(host_id: int, meeting_id: str):
    data = _services().certified_bundle(host_id, meeting_id)
    return _file(data, "application/json", _filename(data, "json"))


@bp.get("/meetings/<meeting_id>/minutes.pdf")
@host_required
def minutes_pdf(host_id: int, meeting_id: str):
    bundle_data = _services().certified_bundle(host_id, meeting_id)
    return _file(_services().minutes_pdf(host_id, meeting_id), "application/pdf",
                 _filename(bundle_data, "pdf"))


@bp.get("/meetings/<meeting_id>/proposal.xlsx")
@host_required
def proposal_xlsx(host_id: int, meeting_id: str):
    bundle_data = _services().certified_bundle(host_id, meeting_id)
    return _file(_services().proposal_xlsx(host_id, meeting_id),
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 _filename(bundle_data, "xlsx"))


@bp.get("/certification-key")
@host_required
def certification_key(host_id: int):
    """The chi bộ's public key and fingerprint, for the đảng ủy to register."""
    return jsonify(_services().certification_key())


def _file(data: bytes, mimetype: str, filename: str | None = None):
    from flask import Response

    response = Response(data, mimetype=mimetype)
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _filename(bundle_data: bytes, extension: str) -> str:
    from ballot.report.canonical import load_bundle
    from ballot.report.names import document_filename

    return document_filename(load_bundle(bundle_data), extension)


def _round_of(host_id: int, meeting_id: str, round_id: str) -> dict:
    state = _services().host_state(host_id, meeting_id)
    return next(r for r in state["rounds"] if r["id"] == round_id)
