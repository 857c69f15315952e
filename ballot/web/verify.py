"""The đảng ủy's verification page (docs/bundle.md): upload a bundle, see every check
and the proposal table. Public and read-only: nothing is stored, no login."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from ballot.report.verify import parse_public_key_text, report_to_dict, verify_bundle
from ballot.services.errors import ServiceError

bp = Blueprint("verify", __name__)

MAX_BUNDLE_BYTES = 64 * 1024 * 1024  # a chi bộ of a few hundred members, every ballot kept


@bp.get("/verify")
def verify_page():
    return render_template("verify.html")


@bp.post("/api/verify")
def verify_upload():
    """Multipart: `bundle` (the .json file), optional `fingerprint` or `key`."""
    request.max_content_length = MAX_BUNDLE_BYTES  # larger than the app's default, here only
    upload = request.files.get("bundle")
    if upload is None:
        raise ServiceError("missing_bundle", "Hãy chọn tệp gói chứng thực (.json).", 400)
    fingerprint = (request.form.get("fingerprint") or "").strip() or None
    key_text = (request.form.get("key") or "").strip()
    try:
        expected_key = parse_public_key_text(key_text) if key_text else None
    except ValueError:
        raise ServiceError(
            "bad_key", "Khóa công khai không hợp lệ (cần PEM hoặc base64url).", 400
        ) from None
    report = verify_bundle(
        upload.read(), expected_key=expected_key, expected_fingerprint=fingerprint
    )
    return jsonify(report_to_dict(report))
