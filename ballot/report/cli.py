"""`ballot verify BUNDLE.json [--key K | --fingerprint FP] [--lang vi|en]`.

Prints one line per check (✓ holds, ✗ fails, ⚠ to compare by hand), then the
verdict. Exit 0 when no check fails; 1 when one does (the first failing check is
named last); 2 when the bundle or the key cannot be read at all.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ballot.report.verify import FAIL, MANUAL, SIGNER_UNCONFIRMED, Report, parse_public_key_text, verify_bundle

EXIT_OK, EXIT_FAILED, EXIT_UNREADABLE = 0, 1, 2
MARKS = {"pass": "✓", FAIL: "✗", MANUAL: "⚠"}


def run_verify(path: str, key: str | None, expected_fingerprint: str | None, lang: str,
               with_folder: str | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")  # Vietnamese on any console
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return _unreadable(
            lang,
            f"Không đọc được tệp {path}: {exc.strerror}",
            f"cannot read {path}: {exc.strerror}",
        )
    from ballot.report import committee

    if committee.is_committee_bundle(data):
        return _verify_committee(data, expected_fingerprint, lang, with_folder, key)
    if with_folder is not None:
        return _unreadable(lang, "--with chỉ dùng cho gói của đảng ủy (phieukin-committee/1).",
                           "--with applies to a committee bundle (phieukin-committee/1) only")
    try:
        expected_key = _expected_key(key) if key else None
    except (OSError, ValueError) as exc:
        return _unreadable(
            lang,
            f"Khóa công khai --key không đọc được: {exc}",
            f"cannot read the --key public key: {exc}",
        )
    report = verify_bundle(
        data, expected_key=expected_key, expected_fingerprint=expected_fingerprint
    )
    print_report(report, lang)
    return EXIT_OK if report.ok else EXIT_FAILED


def _verify_committee(data: bytes, expected_fingerprint: str | None, lang: str,
                      with_folder: str | None, key: str | None) -> int:
    from ballot.report import committee

    if key is not None:
        try:
            from ballot.crypto.certify import fingerprint

            expected_fingerprint = fingerprint(_expected_key(key))
        except (OSError, ValueError) as exc:
            return _unreadable(lang, f"Khóa công khai --key không đọc được: {exc}",
                               f"cannot read the --key public key: {exc}")
    files = None
    if with_folder is not None:
        folder = Path(with_folder)
        if not folder.is_dir():
            return _unreadable(lang, f"Không có thư mục {with_folder}.", f"no folder {with_folder}")
        files = committee.folder_files(folder)
    report = committee.verify_committee_bundle(data, files, expected_fingerprint)
    print_report(report, lang)
    return EXIT_OK if report.ok else EXIT_FAILED


def print_report(report: Report, lang: str) -> None:
    for check in report.checks:
        print(f"{MARKS[check.status]} {check.title(lang)}: {check.detail(lang)}")
    failure = report.first_failure
    if failure is not None:
        print(
            f"KẾT QUẢ: KHÔNG ĐẠT — kiểm tra đầu tiên không đạt: {failure.title_vi}."
            if lang != "en"
            else f"RESULT: FAILED — first failing check: {failure.title_en}."
        )
    elif report.verdict == SIGNER_UNCONFIRMED:
        print(
            "KẾT QUẢ: CHỮ KÝ HỢP LỆ NHƯNG CHƯA XÁC NHẬN ĐƯỢC NGƯỜI KÝ — chạy lại với "
            "--fingerprint (dấu vân tay chi bộ đã đăng ký) để xác nhận."
            if lang != "en"
            else "RESULT: SIGNATURE VALID, SIGNER NOT CONFIRMED — run again with --fingerprint "
            "(the branch's registered fingerprint) to confirm."
        )
    else:
        print(
            "KẾT QUẢ: ĐẠT — mọi kiểm tra đều đúng."
            if lang != "en"
            else "RESULT: PASSED — every check holds."
        )


def _expected_key(key: str):
    """A path to a PEM (or base64url) file, or the base64url key itself."""
    candidate = Path(key)
    text = candidate.read_text() if candidate.is_file() else key
    return parse_public_key_text(text)


def _unreadable(lang: str, vi: str, en: str) -> int:
    print(f"Lỗi: {vi}" if lang != "en" else f"Error: {en}", file=sys.stderr)
    return EXIT_UNREADABLE
