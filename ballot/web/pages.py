"""HTML pages: host console, projector, phone. Data come from the JSON API and
the Socket.IO channel; the pages hold no business logic."""

from __future__ import annotations

import datetime as dt
import io

import qrcode
import qrcode.image.svg
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)

from ballot.services.codes import normalise_code
from ballot.services.scenario import profile_in_force, profile_names
from ballot.web import asset_dir, services_of
from ballot.web.host_api import logged_in_host
from ballot.web.preload import module_graph

bp = Blueprint("pages", __name__)


@bp.app_context_processor
def _public_url() -> dict[str, str]:
    """Pages build join links and slips from the server's address, not the browser's."""
    return {"public_url": public_url()}


@bp.get("/")
def index():
    return redirect(url_for("pages.host_console"))


@bp.get("/host")
def host_console():
    return render_template("host.html", profiles=profile_names(),
                           timezone=services_of(current_app).settings.timezone)


@bp.get("/host/meetings/<meeting_id>/slips")
def join_slips(meeting_id: str):
    """Printable personal join slips; the codes come from the host API."""
    if logged_in_host() is None:
        return redirect(url_for("pages.host_console"))
    return render_template("slips.html", meeting_id=meeting_id)


SAMPLE_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@bp.get("/host/roster-sample/<profile>.<kind>")
def roster_sample(profile: str, kind: str):
    """The sample roster of a rule profile (examples/roster-sample-<profile>.<csv|xlsx>,
    written by scripts/make_roster_samples.py; columns as in services/roster.py)."""
    if profile not in profile_names() or kind not in SAMPLE_TYPES:
        abort(404)
    return send_from_directory(asset_dir("examples"), f"roster-sample-{profile}.{kind}",
                               mimetype=SAMPLE_TYPES[kind], as_attachment=True)


@bp.get("/host/roster-sample.csv")
def roster_sample_in_force():
    """The address of the single sample of earlier versions: the sample of the profile
    in force today."""
    return redirect(url_for("pages.roster_sample", profile=profile_in_force(dt.date.today()), kind="csv"))


@bp.get("/projector/<meeting_id>")
def projector(meeting_id: str):
    state = services_of(current_app).public_state(meeting_id)
    return render_template("projector.html", meeting=state["meeting"],
                           join_url=join_url(state["meeting"]["code"]))


@bp.get("/j/<meeting_code>")
@bp.get("/J/<meeting_code>")  # a link typed from a slip may come capitalised
def phone(meeting_code: str):
    """The phone's page; a code no meeting has is said at once, with a field to retype it."""
    code = normalise_code(meeting_code)
    known = services_of(current_app).meeting_code_known(code)
    page = render_template("phone.html", meeting_code=code, meeting_known=known,
                           modules=module_graph("js/phone.js"),
                           personal_code=request.args.get("c", "") if known else "")
    return page, 200 if known else 404


@bp.get("/trustee")
def trustee():
    """The counting committee member's page (docs/encrypted-ballots.md, 14): it opens for
    the phone of a member the host designated; its API says so otherwise."""
    return render_template("trustee.html", modules=module_graph("js/trustee.js"))


@bp.get("/qr.svg")
def qr_svg():
    """A QR code for a URL of this server only (join links, personal slips)."""
    target = request.args.get("u", "")
    if not target.startswith(public_url() + "/") or len(target) > 300:
        return Response("bad url", status=400)
    image = qrcode.make(target, image_factory=qrcode.image.svg.SvgPathImage, box_size=20)
    buffer = io.BytesIO()
    image.save(buffer)
    return Response(buffer.getvalue(), mimetype="image/svg+xml")


def public_url() -> str:
    """The address phones reach this server at (ballot.server.Server.listening)."""
    return current_app.config["PUBLIC_URL"]


def join_url(meeting_code: str) -> str:
    return f"{public_url()}/j/{meeting_code}"
