"""The đảng ủy's verification page (docs/bundle.md): upload a bundle, see every check
and the proposal table. Public and read-only: nothing is stored, no login."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request

from ballot.report.verify import (
    normalise_fingerprint,
    parse_public_key_text,
    report_to_dict,
    verify_bundle,
)
from ballot.services.committee import FINGERPRINT
from ballot.services.errors import ServiceError
from ballot.web import services_of
from ballot.web.committee import workspace

bp = Blueprint("verify", __name__)

MAX_BUNDLE_BYTES = 64 * 1024 * 1024  # a chi bộ of a few hundred members, every ballot kept


@bp.get("/verify")
def verify_page():
    registry = _registry()
    return render_template("verify.html", registered=None if registry is None else len(registry))


def _registry() -> dict[str, list[str]] | None:
    """The đảng ủy's registry on the machine that holds its workspace, else None."""
    found = workspace()
    return None if found is None else found.registry()


@bp.post("/api/verify")
def verify_upload():
    """Multipart: `bundle` (the .json file), optional `fingerprint` or `key`."""
    request.max_content_length = MAX_BUNDLE_BYTES  # larger than the app's default, here only
    upload = request.files.get("bundle")
    if upload is None:
        raise ServiceError("missing_bundle", "Tệp gói chứng thực: hãy chọn tệp (.json) chi bộ gửi lên.",
                           400, "bundle")
    fingerprint = (request.form.get("fingerprint") or "").strip() or None
    if fingerprint is not None and not FINGERPRINT.fullmatch(normalise_fingerprint(fingerprint)):
        raise ServiceError("bad_fingerprint", "Dấu vân tay khóa của chi bộ: cần đúng 64 chữ số hệ "
                           "16 (0–9, A–F), như bản chi bộ đã đăng ký với đảng ủy.", 400, "fingerprint")
    key_text = (request.form.get("key") or "").strip()
    try:
        expected_key = parse_public_key_text(key_text) if key_text else None
    except ValueError:
        raise ServiceError(
            "bad_key", "Khóa công khai của chi bộ không đọc được: hãy dán đúng khóa chi bộ đã "
            "đăng ký với đảng ủy.", 400, "key"
        ) from None
    settings = services_of(current_app).settings
    # The đảng ủy's own registry, on the machine that holds its workspace, unless the
    # clerk typed the key or fingerprint to compare with.
    registry = None if fingerprint or expected_key else _registry()
    report = verify_bundle(
        upload.read(), expected_key=expected_key, expected_fingerprint=fingerprint,
        registry=registry,
    )
    return jsonify(report_to_dict(report, settings.zone))
