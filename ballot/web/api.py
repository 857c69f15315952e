"""The voters' and the public JSON API (docs/protocol.md, “API”)."""

from __future__ import annotations

import secrets

from flask import Blueprint, Response, current_app, g, jsonify, request, session

from ballot.crypto.encoding import b64url_encode
from ballot.services.codes import normalise_code
from ballot.services.commands import CastBallot, Join, JoinByName, SignBlinded, TrusteeMessage
from ballot.services.errors import ServiceError, unauthorised
from ballot.web import services_of
from ballot.web.ratelimit import Attempts, Rule
from ballot.web.validation import parse_json

bp = Blueprint("api", __name__, url_prefix="/api")


def _services():
    return services_of(current_app)


def _check_in_id() -> str:
    check_in_id = session.get("voter")
    if not isinstance(check_in_id, str) or not check_in_id:
        raise unauthorised("not_checked_in", "Đồng chí chưa tham gia cuộc họp.")
    return check_in_id


# Personal codes are guessed per phone (its device cookie) and per meeting; one
# member's typos slow down that phone only, and a whole room behind one Wi-Fi address
# joining at once stays far under the address's limit.
join_guesses = Attempts(
    {"device": Rule(limit=5, window=60.0), "meeting": Rule(limit=300, window=600.0),
     "address": Rule(limit=300, window=60.0)},
    "Nhập sai mã quá nhiều lần. Hãy đợi {wait} giây rồi thử lại, hoặc nhờ chủ tọa xác nhận.",
)
DEVICE_COOKIE = "phieukin_device"


@bp.before_app_request
def _device() -> None:
    """The phone's device cookie: a random id with no meaning but "the same phone"."""
    device = request.cookies.get(DEVICE_COOKIE, "")
    g.device, g.new_device = (device, False) if len(device) == 43 else (secrets.token_urlsafe(32), True)


@bp.after_app_request
def _keep_device(response):
    if getattr(g, "new_device", False) and request.path == "/api/join":
        response.set_cookie(DEVICE_COOKIE, g.device, max_age=400 * 86400, httponly=True, samesite="Strict")
    return response


@bp.post("/join")
def join():
    command = parse_json(Join, request)
    ticket = join_guesses.begin(device=g.device, meeting=normalise_code(command.meeting_code),
                                address=request.remote_addr or "")
    current = session.get("voter") if isinstance(session.get("voter"), str) else None
    try:
        result = _services().join(command.meeting_code, command.personal_code, current)
    except ServiceError as exc:
        if exc.code not in ("bad_personal_code", "not_found"):
            ticket.succeeded()  # not a guess: the code was never checked
        raise
    ticket.succeeded()
    _start_voter_session(result["check_in"]["id"])
    return jsonify({"member": result["member"], "meeting": result["meeting"],
                    "check_in": {"state": result["check_in"]["state"]}})


@bp.get("/meetings/<meeting_code>/names")
def names(meeting_code: str):
    return jsonify(_services().roster_names(meeting_code))


@bp.post("/join-by-name")
def join_by_name():
    command = parse_json(JoinByName, request)
    result = _services().join_by_name(command.meeting_code, command.member_id)
    _start_voter_session(result["check_in"]["id"])
    return jsonify({"member": result["member"], "meeting": result["meeting"],
                    "check_in": {"state": result["check_in"]["state"]}})


@bp.get("/state")
def state():
    return jsonify(_services().voter_state(_check_in_id()))


@bp.get("/rounds/<round_id>/form")
def ballot_form(round_id: str):
    """The form as encoded once for the whole room; a phone that has it is answered 304."""
    form = _services().ballot_form(_check_in_id(), round_id)
    headers = {"ETag": form.etag, "Cache-Control": "private, no-cache", "Vary": "Accept-Encoding"}
    if request.if_none_match.contains(form.etag.strip('"')):
        return Response(status=304, headers=headers)
    if request.accept_encodings["gzip"]:
        return Response(form.gzipped, mimetype="application/json", headers={**headers, "Content-Encoding": "gzip"})
    return Response(form.body, mimetype="application/json", headers=headers)


@bp.post("/rounds/<round_id>/sign")
def sign(round_id: str):
    command = parse_json(SignBlinded, request)
    blind_signature = _services().sign(_check_in_id(), round_id, command.blinded)
    return jsonify({"blind_signature": b64url_encode(blind_signature)})


@bp.post("/rounds/<round_id>/ballots")
def cast(round_id: str):
    # Deliberately ignores any cookie: the ballot arrives from nobody.
    result = _services().cast(round_id, parse_json(CastBallot, request))
    return jsonify({"tracking_code": result.tracking_code}), 201 if result.created else 200


@bp.get("/rounds/<round_id>/board")
def board(round_id: str):
    return jsonify(_services().board(round_id))


@bp.get("/meetings/<meeting_id>/public")
def public_state(meeting_id: str):
    return jsonify(_services().public_state(meeting_id))


# --- the counting committee (docs/encrypted-ballots.md, 14) ---------------------------


@bp.get("/trustee")
def trustee_state():
    return jsonify(_services().trustee_state(_check_in_id()))


@bp.post("/trustee/messages")
def trustee_message():
    command = parse_json(TrusteeMessage, request)
    return jsonify(_services().trustee_message(_check_in_id(), command.envelope)), 201


@bp.post("/trustee/rounds/<round_id>/decryption")
def trustee_decryption(round_id: str):
    command = parse_json(TrusteeMessage, request)
    return jsonify(_services().trustee_decryption(_check_in_id(), round_id, command.envelope)), 201


@bp.get("/meetings/<meeting_id>/committee")
def committee_record(meeting_id: str):
    return jsonify(_services().committee_record(meeting_id))


@bp.get("/rounds/<round_id>/encrypted-ballots")
def encrypted_ballots(round_id: str):
    return jsonify(_services().encrypted_ballots(round_id))


def _start_voter_session(check_in_id: str) -> None:
    session.pop("voter", None)
    session["voter"] = check_in_id
    session.permanent = True
