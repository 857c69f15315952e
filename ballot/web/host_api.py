"""The host's JSON API: a login cookie plus the X-CSRF-Token header on every call.

The cookie carries a random login token the server keeps (logout and a password
change end it); logins are limited per account and per address, with a growing wait
(OWASP ASVS 2.2.1)."""

from __future__ import annotations

import hmac
import secrets
from functools import wraps

from flask import Blueprint, Response, current_app, jsonify, request, session

from ballot.services.commands import (
    ChangePassword,
    DecideCheckIn,
    DesignateCommittee,
    ImportRoster,
    Login,
    MeetingDetails,
    MemberChanges,
    NewMeeting,
    NewRound,
    Nothing,
    RosterTable,
    SetPresence,
)
from ballot.services.errors import forbidden, unauthorised
from ballot.web import services_of
from ballot.web.ratelimit import Attempts, Rule
from ballot.web.uploads import read_table
from ballot.web.validation import parse_json, parse_value

bp = Blueprint("host_api", __name__, url_prefix="/api/host")

DOCUMENT_TYPES = {
    "json": "application/json",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _services():
    return services_of(current_app)


logins = Attempts(
    {"account": Rule(limit=5, window=60.0), "address": Rule(limit=30, window=600.0)},
    "Đăng nhập sai quá nhiều lần. Hãy đợi {wait} giây rồi thử lại.",
)


def logged_in_host() -> int | None:
    """The host behind this request's cookie, if its login is still open."""
    token = session.get("host_token")
    return _services().host_of_token(token) if isinstance(token, str) else None


def host_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        host_id = logged_in_host()
        if host_id is None:
            raise unauthorised("not_logged_in", "Cần đăng nhập với tư cách chủ tọa.")
        sent = request.headers.get("X-CSRF-Token", "").encode("utf-8", "surrogateescape")
        if not hmac.compare_digest(sent, str(session.get("csrf", "")).encode()):
            raise forbidden("bad_csrf", "Thiếu hoặc sai mã chống giả mạo (X-CSRF-Token).")
        return view(host_id, *args, **kwargs)

    return wrapper


@bp.post("/login")
def login():
    command = parse_json(Login, request)
    ticket = logins.begin(account=command.username.casefold(), address=request.remote_addr or "")
    token = _services().login(command.username, command.password)
    ticket.succeeded()
    logins.forget(account=command.username.casefold())
    _open(token)
    return jsonify({"csrf_token": session["csrf"]})


def _open(token: str) -> None:
    session.clear()
    session["host_token"] = token
    session["csrf"] = secrets.token_urlsafe(32)


@bp.get("/session")
def current_session():
    """Lets the console page recover its CSRF token after a reload."""
    if logged_in_host() is None:
        raise unauthorised("not_logged_in", "Cần đăng nhập với tư cách chủ tọa.")
    return jsonify({"csrf_token": session["csrf"]})


@bp.post("/logout")
@host_required
def logout(host_id: int):
    _services().logout(session["host_token"])
    session.clear()
    return jsonify({"ok": True})


@bp.post("/password")
@host_required
def change_password(host_id: int):
    """Change the password: every other login of this host ends."""
    command = parse_json(ChangePassword, request)
    _open(_services().change_password(host_id, command.current_password, command.new_password))
    return jsonify({"csrf_token": session["csrf"]})


@bp.get("/meetings")
@host_required
def my_meetings(host_id: int):
    return jsonify({"meetings": _services().hosted_meetings(host_id)})


@bp.post("/meetings")
@host_required
def create_meeting(host_id: int):
    meeting_id = _services().create_meeting(host_id, parse_json(NewMeeting, request))
    return jsonify(_services().host_state(host_id, meeting_id)), 201


@bp.get("/meetings/<meeting_id>")
@host_required
def meeting_state(host_id: int, meeting_id: str):
    return jsonify(_services().host_state(host_id, meeting_id))


@bp.patch("/meetings/<meeting_id>")
@host_required
def update_meeting(host_id: int, meeting_id: str):
    """The place, the counting committee and the time zone, until certification."""
    _services().update_meeting_details(host_id, meeting_id, parse_json(MeetingDetails, request))
    return jsonify(_services().host_state(host_id, meeting_id))


@bp.post("/meetings/<meeting_id>/roster")
@host_required
def import_roster(host_id: int, meeting_id: str):
    """A CSV/XLSX upload (multipart field `file`) or JSON `{"members": [rows]}`; the
    answer counts the members and names the columns not used (services/roster.py)."""
    upload = request.files.get("file")
    if upload is not None:
        table = read_table(upload.filename or "", upload.read())
        done = _services().import_roster_table(host_id, meeting_id, parse_value(RosterTable, {"rows": table}))
    else:
        done = _services().import_roster(host_id, meeting_id, parse_json(ImportRoster, request))
    return jsonify({"imported": done.count, "unused_columns": list(done.unused), "notices": done.notices}), 201


@bp.get("/meetings/<meeting_id>/personal-codes")
@host_required
def personal_codes(host_id: int, meeting_id: str):
    """Every member's personal code, for printing the join slips."""
    return jsonify({"members": _services().personal_codes(host_id, meeting_id)})


@bp.get("/meetings/<meeting_id>/members/<member_id>/personal-code")
@host_required
def personal_code(host_id: int, meeting_id: str, member_id: str):
    """One member's code, shown on request (to reprint a slip)."""
    [member] = _services().personal_codes(host_id, meeting_id, member_id)
    return jsonify(member)


@bp.patch("/meetings/<meeting_id>/members/<member_id>")
@host_required
def update_member(host_id: int, meeting_id: str, member_id: str):
    changes = parse_json(MemberChanges, request).root
    _services().update_member(host_id, meeting_id, member_id, dict(changes))
    return jsonify({"ok": True})


@bp.post("/meetings/<meeting_id>/presence")
@host_required
def presence(host_id: int, meeting_id: str):
    _services().set_presence(host_id, meeting_id, parse_json(SetPresence, request))
    return jsonify({"ok": True})


@bp.post("/meetings/<meeting_id>/presence/all")
@host_required
def mark_all_present(host_id: int, meeting_id: str):
    """Everyone not yet marked (nor away with leave), present."""
    parse_json(Nothing, request)
    return jsonify({"marked": _services().mark_all_present(host_id, meeting_id)})


@bp.post("/meetings/<meeting_id>/check-ins/<check_in_id>")
@host_required
def decide_check_in(host_id: int, meeting_id: str, check_in_id: str):
    approve = parse_json(DecideCheckIn, request).approve
    _services().decide_check_in(host_id, meeting_id, check_in_id, approve)
    return jsonify({"ok": True})


@bp.post("/meetings/<meeting_id>/rounds")
@host_required
def create_round(host_id: int, meeting_id: str):
    round_id = _services().create_round(host_id, meeting_id, parse_json(NewRound, request))
    state = _services().host_state(host_id, meeting_id)
    return jsonify(next(r for r in state["rounds"] if r["id"] == round_id)), 201


@bp.post("/rounds/<round_id>/open")
@host_required
def open_round(host_id: int, round_id: str):
    parse_json(Nothing, request)
    _services().open_round(host_id, round_id)
    return jsonify({"id": round_id, "status": "open"})


@bp.delete("/rounds/<round_id>")
@host_required
def delete_round(host_id: int, round_id: str):
    """A draft round, deleted before anyone could vote in it."""
    _services().delete_round(host_id, round_id)
    return jsonify({"id": round_id, "deleted": True})


@bp.post("/rounds/<round_id>/close")
@host_required
def close_round(host_id: int, round_id: str):
    parse_json(Nothing, request)
    _services().close_round(host_id, round_id)
    return jsonify({"id": round_id, "status": "closed"})


@bp.post("/rounds/<round_id>/void")
@host_required
def void_round(host_id: int, round_id: str):
    """A closed encrypted round its counting committee cannot count."""
    parse_json(Nothing, request)
    _services().void_round(host_id, round_id)
    return jsonify({"id": round_id, "status": "void"})


# --- the counting committee (docs/encrypted-ballots.md, 14) ----------------------------


@bp.post("/meetings/<meeting_id>/trustees")
@host_required
def designate_committee(host_id: int, meeting_id: str):
    _services().designate_committee(host_id, meeting_id, parse_json(DesignateCommittee, request))
    return jsonify(_services().host_state(host_id, meeting_id))


@bp.post("/meetings/<meeting_id>/trustees/confirm")
@host_required
def confirm_committee(host_id: int, meeting_id: str):
    """The trustees read their fingerprints aloud and they match the projector's."""
    parse_json(Nothing, request)
    _services().confirm_committee(host_id, meeting_id)
    return jsonify(_services().host_state(host_id, meeting_id))


@bp.get("/meetings/<meeting_id>/proposal")
@host_required
def proposal(host_id: int, meeting_id: str):
    return jsonify(_services().proposal(host_id, meeting_id))


# --- certification ----------------------------------------------------------------------


@bp.post("/meetings/<meeting_id>/certify")
@host_required
def certify(host_id: int, meeting_id: str):
    parse_json(Nothing, request)
    return _file(_services().certify(host_id, meeting_id), DOCUMENT_TYPES["json"]), 201


@bp.get("/meetings/<meeting_id>/bundle")
@host_required
def bundle(host_id: int, meeting_id: str):
    return _document(host_id, meeting_id, "json")


@bp.get("/meetings/<meeting_id>/minutes.pdf")
@host_required
def minutes_pdf(host_id: int, meeting_id: str):
    return _document(host_id, meeting_id, "pdf")


@bp.get("/meetings/<meeting_id>/proposal.xlsx")
@host_required
def proposal_xlsx(host_id: int, meeting_id: str):
    return _document(host_id, meeting_id, "xlsx")


@bp.get("/certification-key")
@host_required
def certification_key(host_id: int):
    """The chi bộ's public key and fingerprint, for the đảng ủy to register."""
    return jsonify(_services().certification_key())


def _document(host_id: int, meeting_id: str, extension: str) -> Response:
    data, filename = _services().certified_document(host_id, meeting_id, extension)
    return _file(data, DOCUMENT_TYPES[extension], filename)


def _file(data: bytes, mimetype: str, filename: str | None = None) -> Response:
    response = Response(data, mimetype=mimetype)
    if filename:
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response

