"""The đảng ủy's web area, `/committee` (docs/committee-bundle.md, “The web area”): its
clerk's login, the registry of chi bộ, bundles received by upload, the đảng bộ's
proposal with the đảng ủy's decisions, and the certification with its documents.

It runs on the machine that holds the workspace (the server's data directory). Its
login is its own: a cookie of its own (`phieukin_committee`, a random token whose
SHA-256 the workspace keeps) and an X-CSRF-Token derived from it, so that a host's
login opens nothing here and a clerk's nothing on the host's API. Logins are limited
as the host's are (ballot.web.ratelimit)."""

from __future__ import annotations

import hashlib
import hmac
import threading
from functools import wraps

from flask import Blueprint, Response, current_app, jsonify, render_template, request

from ballot.services.commands import CertifyCommittee, CommitteeDecision, Login, Nothing, RegisterBranch
from ballot.services.committee import CommitteeWorkspace, open_workspace
from ballot.services.errors import ServiceError, forbidden, unauthorised
from ballot.web import services_of
from ballot.web.host_api import DOCUMENT_TYPES
from ballot.web.ratelimit import Attempts, Rule
from ballot.web.validation import parse_json

bp = Blueprint("committee", __name__)

COOKIE = "phieukin_committee"
MAX_UPLOAD_BYTES = 64 * 1024 * 1024  # a few hundred chi bộ bundles at once (as /api/verify's one)
MAX_FILES = 500
NO_WORKSPACE = ("Thư mục dữ liệu của máy chủ này chưa có không gian làm việc của đảng ủy. Hãy tạo bằng "
                "“ballot committee init --data THƯ_MỤC --name TÊN_ĐẢNG_ỦY --profile HỒ_SƠ”, rồi tạo tài "
                "khoản bằng “ballot committee add-clerk --data THƯ_MỤC --username TÊN”.")
NOT_LOGGED_IN = "Cần đăng nhập với tư cách văn phòng đảng ủy."

clerk_logins = Attempts(
    {"account": Rule(limit=5, window=60.0), "address": Rule(limit=30, window=600.0)},
    "Đăng nhập sai quá nhiều lần. Hãy đợi {wait} giây rồi thử lại.",
)
_opening = threading.Lock()


def workspace() -> CommitteeWorkspace | None:
    """The data directory's workspace, opened once it exists (a workspace made by
    `ballot committee init` while the server runs is found on the next request)."""
    found = current_app.extensions.get("phieukin_committee")
    if found is None:
        with _opening:
            found = current_app.extensions.get("phieukin_committee")
            if found is None:
                found = open_workspace(services_of(current_app).settings)
                if found is not None:
                    current_app.extensions["phieukin_committee"] = found
    return found


def _workspace() -> CommitteeWorkspace:
    found = workspace()
    if found is None:
        raise ServiceError("no_committee", NO_WORKSPACE, 409)
    return found


def _csrf(token: str) -> str:
    return hmac.new(current_app.secret_key.encode(), b"committee-csrf\n" + token.encode(),
                    hashlib.sha256).hexdigest()


def _token() -> str | None:
    token = request.cookies.get(COOKIE)
    return token if token and len(token) <= 100 else None


def logged_in_clerk(found: CommitteeWorkspace) -> str | None:
    token = _token()
    return None if token is None else found.clerk_of_token(token)


def clerk_required(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        found = _workspace()
        if logged_in_clerk(found) is None:
            raise unauthorised("not_logged_in", NOT_LOGGED_IN)
        sent = request.headers.get("X-CSRF-Token", "").encode("utf-8", "surrogateescape")
        if not hmac.compare_digest(sent, _csrf(_token()).encode()):
            raise forbidden("bad_csrf", "Thiếu hoặc sai mã chống giả mạo (X-CSRF-Token).")
        return view(found, *args, **kwargs)

    return wrapper


# --- the page -----------------------------------------------------------------------------


@bp.get("/committee")
def committee_page():
    found = workspace()
    committee = None if found is None else _committee(found)
    return render_template("committee.html", committee=committee, no_workspace=NO_WORKSPACE,
                           data_dir=str(services_of(current_app).data_dir))


def _committee(found: CommitteeWorkspace) -> dict[str, object] | None:
    try:
        committee = found.committee()
    except ServiceError:
        return None
    return {"name": committee.name, "profile": committee.profile, "cap_percent": committee.cap_percent}


# --- login ------------------------------------------------------------------------------


@bp.post("/api/committee/login")
def login():
    command = parse_json(Login, request)
    found = _workspace()
    ticket = clerk_logins.begin(account=command.username.casefold(), address=request.remote_addr or "")
    token = found.clerk_login(command.username, command.password)
    ticket.succeeded()
    clerk_logins.forget(account=command.username.casefold())
    earlier = _token()
    if earlier is not None:
        found.clerk_logout(earlier)
    response = jsonify({"csrf_token": _csrf(token), "clerk": command.username})
    response.set_cookie(COOKIE, token, httponly=True, samesite="Strict", secure=request.is_secure, path="/")
    return response


@bp.get("/api/committee/session")
def current_session():
    """Lets the page recover its CSRF token after a reload."""
    found = _workspace()
    clerk = logged_in_clerk(found)
    if clerk is None:
        raise unauthorised("not_logged_in", NOT_LOGGED_IN)
    return jsonify({"csrf_token": _csrf(_token()), "clerk": clerk})


@bp.post("/api/committee/logout")
@clerk_required
def logout(found: CommitteeWorkspace):
    parse_json(Nothing, request)
    found.clerk_logout(_token())
    response = jsonify({"ok": True})
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="Strict")
    return response


# --- the workspace ----------------------------------------------------------------------


@bp.get("/api/committee/workspace")
@clerk_required
def state(found: CommitteeWorkspace):
    return jsonify({"committee": _committee(found), "branches": found.branches(), "issued": found.issued()})


@bp.post("/api/committee/branches")
@clerk_required
def register(found: CommitteeWorkspace):
    command = parse_json(RegisterBranch, request)
    done = found.register(command.name, command.fingerprint, command.kind.value, command.confirmation)
    return jsonify({**done, "branches": found.branches()}), 201 if done["new"] else 200


@bp.post("/api/committee/bundles")
@clerk_required
def upload(found: CommitteeWorkspace):
    """Multipart, field `bundles` (one or more .json files): one result per file, in
    order, each accepted or refused with the failing check (ImportResult)."""
    request.max_content_length = MAX_UPLOAD_BYTES  # larger than the app's default, here only
    files = [f for f in request.files.getlist("bundles") if f.filename or f.content_length]
    if not files:
        raise ServiceError("missing_bundles", "Tệp gói của chi bộ: hãy chọn ít nhất một tệp (.json).",
                           400, "bundles")
    if len(files) > MAX_FILES:
        raise ServiceError("too_many_files", f"Tệp gói của chi bộ: tối đa {MAX_FILES} tệp một lần.",
                           400, "bundles")
    results = []
    for upload in files:
        result = found.import_file(upload.filename or "gói", upload.read())
        results.append({"file": result.file, "accepted": result.accepted, "check": result.check,
                        "message": result.message, "branch": result.branch, "sha256": result.sha256,
                        "unregistered_fingerprint": result.unregistered_fingerprint,
                        "unregistered_kind": result.unregistered_kind})
    return jsonify({"results": results, "accepted": sum(r["accepted"] for r in results)})


@bp.get("/api/committee/report")
@clerk_required
def report(found: CommitteeWorkspace):
    return jsonify(found.report())


@bp.post("/api/committee/decisions")
@clerk_required
def decide(found: CommitteeWorkspace):
    command = parse_json(CommitteeDecision, request)
    done = found.decide(command.branch, command.member_id, command.level.value, command.reason)
    return jsonify(done), 201


@bp.post("/api/committee/certify")
@clerk_required
def certify(found: CommitteeWorkspace):
    command = parse_json(CertifyCommittee, request)
    return jsonify(found.issue(command.resolution, command.date)), 201


@bp.get("/api/committee/issued/<name>/<kind>")
@clerk_required
def issued_file(found: CommitteeWorkspace, name: str, kind: str) -> Response:
    data, filename = found.issued_file(name, kind)
    response = Response(data, mimetype=DOCUMENT_TYPES[kind])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response
