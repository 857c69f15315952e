"""`ballot verify` and the đảng ủy's verification page: every check on a bundle
(docs/bundle.md, “Verifying a bundle”; docs/protocol.md, “What the verifier checks”).

Pure: bytes in, a `Report` out; no Flask, no database, no files. Each check is
named, says what it looked at in Vietnamese and English, and either holds,
fails, or (the signer, when no expected key is given) must be compared by a
person. The checks run in a fixed order, each on its own, so a tampered bundle
shows every check it breaks, and the first failing one is the headline.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from cryptography.exceptions import InvalidSignature as _Ed25519Invalid
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from ballot.crypto import blind_rsa, tracking
from ballot.crypto.certify import fingerprint, public_key_from_b64url, public_key_raw
from ballot.crypto.encoding import b64url_decode, hex_groups
from ballot.crypto.errors import CryptoError
from ballot.report import bundle as fmt
from ballot.report import verify_encrypted as enc
from ballot.report.canonical import (
    BundleFormatError,
    bundle_digest,
    canonical_bytes,
    load_bundle,
)
from ballot.report.outcome import Outcome, Problems
from ballot.report.outcome import listed as _listed
from ballot.report.schema import BUNDLE_SCHEMA, ENCRYPTED_BUNDLE_SCHEMA, schema_problems
from ballot.rules.attendance import attendance, may_vote
from ballot.rules.profiles import get_profile

PASS, FAIL, MANUAL = "pass", "fail", "manual"
VALID, SIGNER_UNCONFIRMED, FAILED = "valid", "signer_unconfirmed", "failed"
VERDICTS: dict[str, tuple[str, str]] = {
    VALID: ("Hợp lệ — gói do chi bộ đã đăng ký ký và mọi kiểm tra đều đúng.",
            "Valid — signed by the registered branch, and every check holds."),
    SIGNER_UNCONFIRMED: (
        "Chữ ký hợp lệ nhưng chưa xác nhận được người ký — hãy đối chiếu dấu vân tay với "
        "dấu vân tay chi bộ đã đăng ký với đảng ủy trước khi dùng kết quả.",
        "The signature is valid but the signer is not confirmed — compare the fingerprint "
        "with the one the branch registered before using the results."),
    FAILED: ("Không hợp lệ — không được dùng kết quả trong gói này.",
             "Not valid — the results in this bundle must not be used."),
}


@dataclass(frozen=True)
class CheckResult:
    name: str
    status: str
    title_vi: str
    title_en: str
    detail_vi: str
    detail_en: str

    @property
    def holds(self) -> bool:
        """A check to compare by hand does not fail the bundle; it is shown as such."""
        return self.status != FAIL

    def title(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_vi

    def detail(self, lang: str) -> str:
        return self.detail_en if lang == "en" else self.detail_vi

    def to_dict(self) -> dict[str, str]:
        return {
            "name": self.name,
            "status": self.status,
            "title_vi": self.title_vi,
            "title_en": self.title_en,
            "detail_vi": self.detail_vi,
            "detail_en": self.detail_en,
        }


@dataclass(frozen=True)
class Report:
    checks: tuple[CheckResult, ...]
    bundle: dict[str, Any] | None
    bundle_hash: str | None

    @property
    def ok(self) -> bool:
        return all(check.holds for check in self.checks)

    @property
    def verdict(self) -> str:
        """VALID only when the signer is a known chi bộ (docs/bundle.md, “Verifying a
        bundle”): a bundle anyone signed with a fresh key holds every other check."""
        if not self.ok:
            return FAILED
        return VALID if self.check("signer").status == PASS else SIGNER_UNCONFIRMED

    @property
    def first_failure(self) -> CheckResult | None:
        return next((check for check in self.checks if not check.holds), None)

    def check(self, name: str) -> CheckResult:
        return next(check for check in self.checks if check.name == name)


# --- entry point ----------------------------------------------------------------------


def verify_bundle(
    data: bytes | str,
    expected_key: Ed25519PublicKey | None = None,
    expected_fingerprint: str | None = None,
    registry: Mapping[str, Sequence[str]] | None = None,
    checked_at_cast: bool = False,
) -> Report:
    """Every check on the bundle in `data`; compare the signer with the expected key
    or fingerprint when one is given, else with the fingerprints the đảng ủy
    registered for the chi bộ the bundle names (`registry`: name → fingerprints).
    `checked_at_cast`: only for the chi bộ's own check at certification, whose ballots
    are the texts it stored, each checked canonical (an encrypted one's proofs too)
    when cast: their contents are read with the plain parser and no proof is checked
    again. Every other reader checks them all."""
    try:
        bundle = load_bundle(data)
        # The chi bộ's own bundle, as its builder made it, is held to the schema by the
        # tests of every kind of meeting (tests/test_bundle_schema.py); every reader of
        # the file it sends checks the schema (a second at 1,000 members).
        _check_shape(bundle, schema=not checked_at_cast)
        # Canonicalised once (it is most of the cost of a large bundle); this also
        # proves every value has one RFC 8785 form.
        digest = bundle_digest(bundle)
    except BundleFormatError as exc:
        failed = CheckResult("format", FAIL, *TITLES["format"], exc.message_vi, exc.message_en)
        return Report((failed,), None, None)
    shape = CheckResult(
        "format", PASS, *TITLES["format"], _format_passed_vi(bundle), f"Format {bundle['format']}."
    )
    checks: list[CheckResult] = [shape]
    record = (enc.EncryptedRecord(bundle, proofs=not checked_at_cast)
              if bundle["format"] == fmt.FORMAT_ENCRYPTED else None)
    parse = fmt.plain_ballot if checked_at_cast else fmt.parsed_ballot
    for name, run in _checks(expected_key, expected_fingerprint, registry, digest, record, parse):
        checks.append(_run_check(name, run, bundle))
    return Report(tuple(checks), bundle, hex_groups(digest))


def _run_check(
    name: str, run: Callable[[dict[str, Any]], Outcome], bundle: dict[str, Any]
) -> CheckResult:
    try:
        outcome = run(bundle)
    except Exception as exc:  # a hostile bundle must fail a check, never crash the verifier
        outcome = Outcome(False, f"Không kiểm tra được: {exc}", f"could not be checked: {exc}")
    status = outcome.status or (PASS if outcome.ok else FAIL)
    return CheckResult(name, status, *TITLES[name], outcome.vi, outcome.en)


def _checks(
    expected_key, expected_fingerprint, registry, digest: bytes, record: enc.EncryptedRecord | None = None,
    parse: Callable[[str], dict[str, Any]] = fmt.parsed_ballot,
) -> list[tuple[str, Callable[[dict[str, Any]], Outcome]]]:
    """The checks in their order. Format 2 (`record` given) adds the committees, the
    ballots' proofs, the encrypted tally and the decryptions, and its encrypted rounds
    take their own branch of the contents, duplicates and recount checks
    (docs/bundle.md, “Format 2”); format 1's list is exactly as it always was."""
    checks: list[tuple[str, Callable[[dict[str, Any]], Outcome]]] = [
        ("bundle_signature", lambda b: check_bundle_signature(b, digest)),
        ("signer", lambda b: check_signer(b, expected_key, expected_fingerprint, registry)),
        ("ballot_signatures", check_ballot_signatures),
        ("ballot_contents", lambda b: check_ballot_contents(b, record, parse)),
        ("tracking_codes", check_tracking_codes),
        ("no_duplicates", lambda b: check_no_duplicates(b, record)),
        ("participation", check_participation),
        ("participants_eligible", check_participants_eligible),
        ("attendance", check_attendance),
        ("recount", lambda b: check_recount(b, record, parse)),
        ("rules", check_rules),
    ]
    if record is None:
        return checks
    after = {  # format 2's checks, each after the check named
        "signer": [("committees", lambda b: enc.check_committees(b, record))],
        "ballot_contents": [("ballot_proofs", lambda b: enc.check_ballot_proofs(b, record))],
        "attendance": [
            ("encrypted_tally", lambda b: enc.check_encrypted_tally(b, record)),
            ("decryptions", lambda b: enc.check_decryptions(b, record)),
        ],
    }
    return [item for check in checks for item in (check, *after.get(check[0], ()))]


TITLES: dict[str, tuple[str, str]] = {
    "format": ("Định dạng gói", "Bundle format"),
    "bundle_signature": ("Chữ ký của chi bộ trên gói", "The branch's signature on the bundle"),
    "signer": ("Người ký là chi bộ đã biết", "The signer is the known branch"),
    "ballot_signatures": (
        "Chữ ký của từng phiếu do vòng bỏ phiếu cấp",
        "Every ballot's RSA signature under its round key",
    ),
    "ballot_contents": (
        "Nội dung phiếu đúng vòng, đúng mục, đúng mức",
        "Ballots name their round, its questions and valid levels",
    ),
    "tracking_codes": ("Mã tra cứu của từng phiếu đúng", "Tracking codes recomputed"),
    "no_duplicates": ("Không có phiếu trùng", "No duplicate ballot"),
    "participation": (
        "Số phiếu thu về không vượt số phiếu phát ra",
        "Ballots per round not above participation",
    ),
    "participants_eligible": (
        "Người được phát phiếu là đảng viên chính thức có mặt",
        "Every participant a full member marked present",
    ),
    "attendance": ("Số liệu tham dự khớp danh sách", "Attendance matches the roster"),
    "recount": ("Kiểm lại phiếu khớp kết quả đã lưu", "Recount equals the stored tallies"),
    "rules": (
        "Áp dụng lại quy tắc cho kết quả đề xuất như gói",
        "The rules re-applied give the bundle's proposal",
    ),
    **enc.TITLES,
}


# --- shape ------------------------------------------------------------------------------


def _check_shape(bundle: dict[str, Any], schema: bool = True) -> None:
    """The format named, then its JSON Schema (docs/bundle.md, "The JSON Schema"): every
    field known, present and of its type, so that every later check can run (their
    values are checked there). `schema`: False for the chi bộ's own check at
    certification (verify_bundle, `checked_at_cast`)."""
    kind = bundle.get("format")
    if kind not in fmt.FORMATS:
        known = " hay ".join(f"“{name}”" for name in fmt.FORMATS)
        raise BundleFormatError(
            f"Không phải gói {known} (format = {kind!r}).",
            f"not a {' or '.join(fmt.FORMATS)} bundle (format = {kind!r})",
        )
    # Each format its own schema (docs/bundle.md, “Versioning”).
    problems = schema_problems(bundle, ENCRYPTED_BUNDLE_SCHEMA if kind == fmt.FORMAT_ENCRYPTED else BUNDLE_SCHEMA
                               ) if schema else []
    if problems:
        raise BundleFormatError(
            f"Gói không đúng cấu trúc {kind}: "
            + _listed([vi for vi, _ in problems], "vấn đề khác") + ".",
            f"the bundle does not follow the {kind} structure: "
            + _listed([en for _, en in problems], "more"),
        )
    _require(
        bundle,
        "",
        {
            "meeting": dict,
            "organisation": dict,
            "profile": str,
            "settings": dict,
            "roster": list,
            "attendance": dict,
            "rounds": list,
            "proposal": dict,
            "signer": dict,
            "signature": str,
        },
    )
    _require(bundle["meeting"], "meeting", {"id": str, "review_date": str})
    # The optional members the minutes print (docs/bundle.md, `meeting`): absent in
    # bundles made before them, which verify as before; when present, each person of
    # the counting committee is named once, as the meeting form requires.
    committee = bundle["meeting"].get("counting_committee", [])
    if len({name.casefold() for name in committee}) != len(committee):
        raise BundleFormatError(
            "meeting.counting_committee: một người được ghi hai lần trong ban kiểm phiếu.",
            "meeting.counting_committee: a person is listed twice in the counting committee",
        )
    _require(bundle["signer"], "signer", {"algorithm": str, "public_key": str, "fingerprint": str})
    for index, member in enumerate(bundle["roster"]):
        _require(member, f"roster[{index}]", {"id": str, "name": str, "status": str})
    round_ids = set()
    for index, round_ in enumerate(bundle["rounds"]):
        where = f"rounds[{index}]"
        _require(
            round_,
            where,
            {
                "id": str,
                "number": int,
                "kind": str,
                "questions": list,
                "public_key": dict,
                "public_key_fingerprint": str,
                "participants": list,
                "ballots": list,
                "tally": dict,
            },
        )
        if round_["id"] in round_ids:
            raise BundleFormatError(
                f"Vòng {round_['id']} xuất hiện hai lần.", f"round {round_['id']} appears twice"
            )
        round_ids.add(round_["id"])
        for q, question in enumerate(round_["questions"]):
            _require(question, f"{where}.questions[{q}]", {"id": str})
        for b, ballot in enumerate(round_["ballots"]):
            _require(
                ballot,
                f"{where}.ballots[{b}]",
                {"text": str, "prefix": str, "signature": str, "tracking_code": str},
            )
        if not all(isinstance(p, str) for p in round_["participants"]):
            raise BundleFormatError(
                f"{where}.participants phải là danh sách mã.",
                f"{where}.participants must be a list of ids",
            )
        _require(round_["tally"], f"{where}.tally", {"ballots": int, "votes": dict})


def _format_passed_vi(bundle: dict[str, Any]) -> str:
    if bundle["format"] == fmt.FORMAT_ENCRYPTED:
        return "Đúng cấu trúc của gói chứng thực có phiếu mã hóa."
    return "Đúng cấu trúc của gói chứng thực."


def _require(obj: Any, where: str, fields: dict[str, type]) -> None:
    if not isinstance(obj, dict):
        raise BundleFormatError(
            f"{where or 'gói'} phải là đối tượng.", f"{where or 'bundle'} must be an object"
        )
    for name, kind in fields.items():
        value = obj.get(name)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            path = f"{where}.{name}" if where else name
            raise BundleFormatError(
                f"Thiếu hoặc sai kiểu trường “{path}”.", f"missing or mistyped field {path!r}"
            )


# --- the signature and the signer --------------------------------------------------------


def check_bundle_signature(bundle: dict[str, Any], digest: bytes) -> Outcome:
    """`digest`: bundle_digest(bundle), computed once by the caller."""
    signer = bundle["signer"]
    if signer["algorithm"] != "Ed25519":
        return Outcome(
            False,
            f"Thuật toán {signer['algorithm']!r} không được hỗ trợ.",
            f"unsupported algorithm {signer['algorithm']!r}",
        )
    try:
        public_key = public_key_from_b64url(signer["public_key"])
    except CryptoError:
        return Outcome(
            False, "Khóa công khai của người ký không hợp lệ.", "the signer's public key is invalid"
        )
    if signer["fingerprint"] != fingerprint(public_key):
        return Outcome(
            False,
            "Dấu vân tay ghi trong gói không khớp khóa công khai.",
            "the fingerprint written in the bundle does not match the public key",
        )
    try:
        public_key.verify(b64url_decode(bundle["signature"]), digest)
    except (CryptoError, _Ed25519Invalid):
        return Outcome(
            False,
            "Chữ ký không khớp nội dung gói: gói đã bị sửa sau khi ký, hoặc chữ ký bị thay.",
            "the signature does not match the content: the bundle was changed "
            "after signing, or the signature was replaced",
        )
    return Outcome(
        True,
        f"Chữ ký của chi bộ hợp lệ; mã băm của gói {hex_groups(digest)}.",
        f"valid Ed25519 signature; bundle hash {hex_groups(digest)}",
    )


def check_signer(
    bundle: dict[str, Any],
    expected_key: Ed25519PublicKey | None,
    expected_fingerprint: str | None,
    registry: Mapping[str, Sequence[str]] | None = None,
) -> Outcome:
    try:
        actual = public_key_from_b64url(bundle["signer"]["public_key"])
    except CryptoError:
        return Outcome(
            False, "Khóa công khai của người ký không hợp lệ.", "the signer's public key is invalid"
        )
    if expected_key is not None:
        if public_key_raw(actual) != public_key_raw(expected_key):
            return Outcome(
                False,
                f"Gói được ký bằng khóa khác ({fingerprint(actual)}), không phải "
                f"khóa đã cho ({fingerprint(expected_key)}).",
                f"signed by another key ({fingerprint(actual)}), not the given "
                f"one ({fingerprint(expected_key)})",
            )
        return Outcome(
            True,
            f"Khớp khóa đã cho ({fingerprint(actual)}).",
            f"matches the given key ({fingerprint(actual)})",
        )
    if expected_fingerprint is not None:
        return _signer_against(actual, [expected_fingerprint], "dấu vân tay đã nhập", "the given fingerprint")
    name = bundle["organisation"]["name"] if registry is not None else None
    registered = registry.get(name) if registry is not None else None
    if registered:
        return _signer_against(actual, registered, f"khóa “{name}” đã đăng ký với đảng ủy",
                               f"the key {name!r} registered with the committee")
    unregistered_vi = (f" “{name}” chưa đăng ký với đảng ủy trên máy này." if registry is not None
                       else "")
    return Outcome(
        True,
        f"Dấu vân tay người ký: {fingerprint(actual)}.{unregistered_vi} Chưa đối chiếu được: hãy so sánh "
        "với dấu vân tay chi bộ đã đăng ký với đảng ủy.",
        f"signer fingerprint: {fingerprint(actual)}. Not confirmed: compare it with the "
        "fingerprint the branch registered with the committee.",
        status=MANUAL,
    )


def _signer_against(actual: Ed25519PublicKey, expected: Sequence[str], what_vi: str,
                    what_en: str) -> Outcome:
    printed = fingerprint(actual)
    if normalise_fingerprint(printed) in {normalise_fingerprint(f) for f in expected}:
        return Outcome(True, f"Khớp {what_vi} ({printed}).", f"matches {what_en} ({printed})")
    return Outcome(
        False,
        f"Gói được ký bằng khóa có dấu vân tay {printed}, khác {what_vi} ({'; '.join(expected)}).",
        f"signed by the key {printed}, not {what_en} ({'; '.join(expected)})",
    )


def normalise_fingerprint(text: str) -> str:
    return re.sub(r"[\s:]", "", text).upper()


def parse_public_key_text(text: str) -> Ed25519PublicKey:
    """An expected key as given by a person: a PEM public key, or the raw key in
    base64url as `ballot keys show` prints it. Raises CryptoError or ValueError."""
    text = text.strip()
    if text.startswith("-----BEGIN"):
        key = serialization.load_pem_public_key(text.encode())
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("not an Ed25519 public key")
        return key
    return public_key_from_b64url(text)


# --- ballots ------------------------------------------------------------------------


def check_ballot_signatures(bundle: dict[str, Any]) -> Outcome:
    problems, counted = Problems(), 0
    for round_ in bundle["rounds"]:
        try:
            public_key = blind_rsa.public_key_from_json(round_["public_key"])
        except (CryptoError, ValueError, TypeError):
            problems.add(
                f"vòng {round_['number']}: khóa công khai không hợp lệ",
                f"round {round_['number']}: invalid public key",
            )
            continue
        if blind_rsa.key_fingerprint(public_key) != round_["public_key_fingerprint"]:
            problems.add(
                f"vòng {round_['number']}: dấu vân tay khóa không khớp",
                f"round {round_['number']}: key fingerprint does not match",
            )
        for ballot in round_["ballots"]:
            counted += 1
            if not _rsa_signature_valid(public_key, ballot):
                problems.add(
                    f"vòng {round_['number']}, phiếu {ballot['tracking_code']}: chữ ký sai",
                    f"round {round_['number']}, ballot {ballot['tracking_code']}: bad signature",
                )
    return problems.outcome(
        f"{counted} phiếu, mọi chữ ký hợp lệ.",
        f"{counted} ballots, every signature valid (RFC 9474)",
    )


def _rsa_signature_valid(public_key, ballot: dict[str, str]) -> bool:
    try:
        prefix = b64url_decode(ballot["prefix"])
        signature = b64url_decode(ballot["signature"])
        blind_rsa.verify(public_key, prefix + ballot["text"].encode(), signature)
    except CryptoError:
        return False
    return True


def check_ballot_contents(bundle: dict[str, Any], record: enc.EncryptedRecord | None = None,
                          parse: Callable[[str], dict[str, Any]] = fmt.parsed_ballot) -> Outcome:
    problems = Problems()
    for round_ in bundle["rounds"]:
        if record is not None and enc.is_encrypted(round_):
            for vi, en in enc.contents_problems(round_, record):
                problems.add(vi, en)
            continue
        questions = {q["id"] for q in round_["questions"]}
        for ballot in round_["ballots"]:
            where_vi = f"vòng {round_['number']}, phiếu {ballot['tracking_code']}"
            where_en = f"round {round_['number']}, ballot {ballot['tracking_code']}"
            for vi, en in _ballot_content_problems(ballot["text"], round_["id"], questions, parse):
                problems.add(f"{where_vi}: {vi}", f"{where_en}: {en}")
    if record is not None and enc.encrypted_rounds(bundle):
        return problems.outcome(
            "Mọi phiếu ở dạng chuẩn tắc, đúng vòng, chỉ chọn mục và mức hợp lệ; mọi phiếu mã hóa có đúng các "
            "mục của vòng, mã hóa bằng khóa chung của ban kiểm phiếu.",
            "every ballot canonical, for its round, with valid questions and levels; every encrypted ballot "
            "with exactly its round's questions, under its committee's joint key",
        )
    return problems.outcome(
        "Mọi phiếu ở dạng chuẩn tắc, đúng vòng, chỉ chọn mục và mức hợp lệ.",
        "every ballot canonical, for its round, with valid questions and levels",
    )


def _ballot_content_problems(
    text: str, round_id: str, questions: set[str], parse: Callable[[str], dict[str, Any]]
) -> list[tuple[str, str]]:
    try:
        ballot = parse(text)
    except (CryptoError, ValueError):
        return [("không ở dạng JSON chuẩn tắc", "not canonical JSON")]
    if set(ballot) != {"round", "choices", "nonce"} or not isinstance(ballot["choices"], dict):
        return [("thiếu hoặc thừa trường", "missing or extra fields")]
    found = []
    if ballot["round"] != round_id:
        found.append(("thuộc vòng khác", "belongs to another round"))
    for question, option in ballot["choices"].items():
        if question not in questions:
            found.append(("có mục không thuộc phiếu vòng này", f"unknown question {question}"))
        if option not in fmt.LEVELS:
            found.append((f"mức lạ {option}", f"unknown level {option}"))
    return found


def check_tracking_codes(bundle: dict[str, Any]) -> Outcome:
    problems = Problems()
    for round_ in bundle["rounds"]:
        codes = []
        for ballot in round_["ballots"]:
            codes.append(ballot["tracking_code"])
            try:
                code = tracking.tracking_code(
                    b64url_decode(ballot["prefix"]),
                    ballot["text"].encode(),
                    b64url_decode(ballot["signature"]),
                )
            except CryptoError:
                code = None
            if code != ballot["tracking_code"]:
                problems.add(
                    f"vòng {round_['number']}: mã {ballot['tracking_code']} tính lại là {code}",
                    f"round {round_['number']}: code {ballot['tracking_code']} "
                    f"recomputes as {code}",
                )
        if codes != sorted(codes):
            problems.add(
                f"vòng {round_['number']}: phiếu không xếp theo mã tra cứu",
                f"round {round_['number']}: ballots not in tracking-code order",
            )
    return problems.outcome(
        "Mọi mã tra cứu khớp phiếu, phiếu xếp theo mã.",
        "every tracking code matches its ballot, in code order",
    )


def check_no_duplicates(bundle: dict[str, Any], record: enc.EncryptedRecord | None = None) -> Outcome:
    """One signature buys one ballot: the same signed ballot, signature or ballot text
    twice means a ballot counted twice (the nonce makes honest texts distinct). In an
    encrypted round no nonce appears twice either (docs/encrypted-ballots.md, 6)."""
    problems = Problems()
    seen_digests: set[tuple[str, str, str]] = set()
    for round_ in bundle["rounds"]:
        signatures: set[str] = set()
        texts: set[str] = set()
        for ballot in round_["ballots"]:
            whole = (ballot["prefix"], ballot["text"], ballot["signature"])
            if (
                whole in seen_digests
                or ballot["signature"] in signatures
                or ballot["text"] in texts
            ):
                problems.add(
                    f"vòng {round_['number']}: phiếu {ballot['tracking_code']} trùng",
                    f"round {round_['number']}: ballot {ballot['tracking_code']} duplicated",
                )
            seen_digests.add(whole)
            signatures.add(ballot["signature"])
            texts.add(ballot["text"])
        if record is not None and enc.is_encrypted(round_):
            for vi, en in enc.nonce_problems(round_, record):
                problems.add(vi, en)
    return problems.outcome("Không phiếu nào xuất hiện hai lần.", "no ballot appears twice")


# --- participation and attendance --------------------------------------------------------


def check_participation(bundle: dict[str, Any]) -> Outcome:
    problems, lines_vi, lines_en = Problems(), [], []
    for round_ in bundle["rounds"]:
        issued, cast = len(set(round_["participants"])), len(round_["ballots"])
        if len(round_["participants"]) != issued:
            problems.add(
                f"vòng {round_['number']}: danh sách nhận chữ ký có người trùng",
                f"round {round_['number']}: a participant is listed twice",
            )
        if cast > issued:
            problems.add(
                f"vòng {round_['number']}: {cast} phiếu nhưng chỉ {issued} người nhận chữ ký",
                f"round {round_['number']}: {cast} ballots but only {issued} signatures issued",
            )
        lines_vi.append(f"vòng {round_['number']}: {cast}/{issued}")
        lines_en.append(f"round {round_['number']}: {cast}/{issued}")
    return problems.outcome(
        "Phiếu thu về/phát ra — " + ", ".join(lines_vi) + ".",
        "ballots cast/issued — " + ", ".join(lines_en),
    )


def check_participants_eligible(bundle: dict[str, Any]) -> Outcome:
    roster = {m["id"]: m for m in bundle["roster"]}
    problems = Problems()
    for round_ in bundle["rounds"]:
        for key in round_["participants"]:
            member = roster.get(key)
            if member is None:
                problems.add(
                    f"vòng {round_['number']}: một người được phát phiếu không có trong danh sách "
                    "đảng viên",
                    f"round {round_['number']}: {key} is not on the roster",
                )
            elif not may_vote(member):
                problems.add(
                    f"vòng {round_['number']}: {member['name']} không phải đảng viên chính "
                    "thức có mặt được biểu quyết",
                    f"round {round_['number']}: {member['name']} is not a full member "
                    "present and entitled to vote",
                )
    return problems.outcome(
        "Mọi người nhận chữ ký là đảng viên chính thức có mặt.",
        "every participant is a full member marked present",
    )


def check_attendance(bundle: dict[str, Any]) -> Outcome:
    expected = attendance(bundle["roster"])
    if canonical_bytes(expected) != canonical_bytes(bundle["attendance"]):
        return Outcome(
            False,
            "Số liệu tham dự trong gói khác với danh sách đảng viên.",
            "the attendance figures differ from the roster",
        )
    return Outcome(
        True,
        f"{expected['present']}/{expected['members']} có mặt; đảng viên chính thức "
        f"{expected['full_members_present']}/{expected['full_members_expected']}.",
        f"{expected['present']}/{expected['members']} present; full members "
        f"{expected['full_members_present']}/{expected['full_members_expected']}",
    )


# --- counting and the rules -------------------------------------------------------------


def check_recount(bundle: dict[str, Any], record: enc.EncryptedRecord | None = None,
                  parse: Callable[[str], dict[str, Any]] = fmt.parsed_ballot) -> Outcome:
    """Each round's ballots counted again; an encrypted round's counts are its
    trustees' decryption of its tally instead (docs/bundle.md, “Format 2”)."""
    problems = Problems()
    for round_ in bundle["rounds"]:
        if record is not None and enc.is_encrypted(round_):
            for vi, en in enc.recount_problems(round_, record, _subject, _votes):
                problems.add(vi, en)
            continue
        try:
            counted = fmt.recount(round_, parse)
        except (CryptoError, ValueError, KeyError, TypeError, AttributeError):
            problems.add(
                f"vòng {round_['number']}: không kiểm lại được (phiếu hỏng)",
                f"round {round_['number']}: cannot recount (malformed ballot)",
            )
            continue
        if counted["ballots"] != round_["tally"]["ballots"]:
            problems.add(
                f"vòng {round_['number']}: đếm được {counted['ballots']} phiếu, kết quả ghi "
                f"{round_['tally']['ballots']}",
                f"round {round_['number']}: {counted['ballots']} ballots counted, tally says "
                f"{round_['tally']['ballots']}",
            )
        for question, votes in counted["votes"].items():
            stored = round_["tally"]["votes"].get(question)
            if stored != votes:
                problems.add(
                    f"vòng {round_['number']}, {_subject(round_, question)}: kiểm lại {_votes(votes)}, "
                    f"đã ghi {_votes(stored)}",
                    f"round {round_['number']}, question {question}: recount {_votes(votes)}, "
                    f"stored {_votes(stored)}",
                )
        extra = set(round_["tally"]["votes"]) - set(counted["votes"])
        if extra:
            problems.add(
                f"vòng {round_['number']}: kết quả có {len(extra)} mục không thuộc phiếu vòng này",
                f"round {round_['number']}: tally has unknown questions {sorted(extra)}",
            )
    if record is not None and enc.encrypted_rounds(bundle):
        return problems.outcome(
            "Kiểm lại từng phiếu, và với vòng bỏ phiếu mã hóa giải mã tổng của ban kiểm phiếu, cho đúng "
            "kết quả đã lưu của mọi vòng.",
            "recounting every ballot, and decrypting each encrypted round's tally, gives every round's "
            "stored tally",
        )
    return problems.outcome(
        "Kiểm lại từng phiếu cho đúng kết quả đã lưu của mọi vòng.",
        "recounting every ballot gives every round's stored tally",
    )


def _subject(round_: dict[str, Any], question: str) -> str:
    """A question by its label (the member's name, or the chi bộ), never by its id."""
    labels = {q["id"]: q.get("label") for q in round_["questions"] if isinstance(q, dict)}
    label = labels.get(question)
    return f"“{label}”" if isinstance(label, str) and label else "một mục lạ"


def _votes(votes: Any) -> str:
    if not isinstance(votes, dict):
        return str(votes)
    return "/".join(str(votes.get(level, 0)) for level in fmt.LEVELS)


def check_rules(bundle: dict[str, Any]) -> Outcome:
    """Compared on what decides (levels, statuses, votes, shares, totals, the cap, reason
    codes and sections), not on the wording of reasons: a later version of the software
    may phrase a reason better without making an older bundle fail.

    The rules are re-applied under the bundle's own rules version (docs/rules.md,
    “Phiên bản quy tắc”). A bundle made before rules version 2 records none: it is
    re-applied as version 1 combined its rounds, and compared on its decisions only
    (version 2 re-cited and re-coded reasons); where today's rules would decide
    otherwise the check says so, for a person to weigh, without failing."""
    from ballot.rules.scenario import ScenarioError

    version = fmt.rules_version(bundle)
    try:
        recomputed = fmt.classify_bundle(bundle)
    except ScenarioError as exc:
        return Outcome(
            False, f"Dữ liệu không áp dụng được quy tắc: {exc}", f"the rules refuse the data: {exc}"
        )
    compare = decisive if version >= 2 else decided_v1
    problems = Problems()
    if canonical_bytes(compare(recomputed)) != canonical_bytes(compare(bundle["proposal"])):
        _describe_proposal_difference(compare(recomputed), compare(bundle["proposal"]), problems)
    organisation = fmt.organisation_vote({**bundle, "proposal": recomputed})
    if canonical_bytes(_decisive_vote(organisation)) != canonical_bytes(
        _decisive_vote(bundle.get("organisation_vote"))
    ):
        problems.add(
            "mức xếp loại của chi bộ khác với kết quả vòng bỏ phiếu của chi bộ",
            "the branch's own level differs from its round",
        )
    members = len(recomputed["members"])
    outcome = problems.outcome(
        f"Theo {_profile_title(bundle['profile'])}: đề xuất cho {members} đảng viên khớp từng người.",
        f"profile {bundle['profile']}: the proposal for {members} members matches",
    )
    if not outcome.ok:
        return outcome
    if version < 2:
        return _older_rules_outcome(bundle, outcome)
    if canonical_bytes(recomputed) != canonical_bytes(bundle["proposal"]):
        return Outcome(
            True,
            outcome.vi + " (Lời văn của lý do khác phiên bản phần mềm này.)",
            outcome.en + " (reasons are worded differently by this software version)",
        )
    return outcome


def decided_v1(proposal: dict[str, Any]) -> dict[str, Any]:
    """What a rules-version-1 proposal decided, in its own shape: each member's status,
    levels, votes and shares, the totals, the cap, the chi bộ's highest level."""
    member_keys = ("id", "name", "status", "voted_level", "level", "votes", "shares")
    cap_keys = ("candidates", "good", "max_excellent", "binding", "tied", "percent", "groups")
    cap = proposal.get("cap") if isinstance(proposal.get("cap"), dict) else {}
    organisation = proposal.get("organisation")
    return {
        "profile": proposal.get("profile"),
        "members": [
            {k: m.get(k) for k in member_keys}
            for m in proposal.get("members", [])
            if isinstance(m, dict)
        ],
        "totals": proposal.get("totals"),
        "cap": {k: cap[k] for k in cap_keys if k in cap},
        "organisation": {
            "max_level": organisation.get("max_level") if isinstance(organisation, dict) else None
        },
        "denominator": proposal.get("denominator"),
    }


def _older_rules_outcome(bundle: dict[str, Any], outcome: Outcome) -> Outcome:
    from ballot.rules.model import RULES_VERSION
    from ballot.rules.scenario import ScenarioError

    vi = (
        f"{outcome.vi} Gói lập theo phiên bản quy tắc 1 (trước khi vòng bổ sung chỉ quyết định "
        "những đồng chí được hỏi): đã áp dụng lại đúng phiên bản đó, so sánh mức, tình trạng, "
        "số phiếu, giới hạn 20% và mức của chi bộ, không so sánh mã lý do."
    )
    en = (
        f"{outcome.en}; the bundle was made under rules version 1 and re-applied under it, "
        "comparing decisions, not reason codes"
    )
    try:
        today = fmt.classify_bundle(bundle, version=RULES_VERSION)
    except ScenarioError as exc:
        return Outcome(
            True,
            vi + f" Phiên bản quy tắc hiện hành không nhận dữ liệu này ({exc.message}).",
            en + f"; the current rules refuse its data ({exc.message})",
        )
    from ballot.report.names import outcome_vi

    stored = {m["id"]: m for m in bundle["proposal"]["members"] if isinstance(m, dict)}
    changed = [
        (m, stored[m["id"]])
        for m in today["members"]
        if m["id"] in stored and _decision(m) != _decision(stored[m["id"]])
    ]
    if not changed:
        return Outcome(True, vi, en)
    listed_vi = "; ".join(
        f"{new['name']}: gói ghi “{outcome_vi(old)}”, quy tắc hiện hành cho “{outcome_vi(new)}”"
        for new, old in changed
    )
    listed_en = "; ".join(
        f"{new['name']}: bundle {_decision(old)}, current rules {_decision(new)}"
        for new, old in changed
    )
    return Outcome(
        True,
        vi + f" Theo phiên bản quy tắc hiện hành ({RULES_VERSION}) kết quả sẽ khác — {listed_vi}.",
        en
        + f"; under the current rules (version {RULES_VERSION}) the result would differ — "
        + listed_en,
        status=MANUAL,
    )


def _decision(member: dict[str, Any]) -> str | None:
    return member.get("level") or member.get("status")


def decisive(proposal: dict[str, Any]) -> dict[str, Any]:
    """The proposal without the wording of its reasons and warnings."""

    def reasons(items: Any) -> list[list[Any]]:
        return [[r.get("code"), r.get("section")] for r in items or [] if isinstance(r, dict)]

    members = [
        {**{k: v for k, v in m.items() if k != "reasons"}, "reasons": reasons(m.get("reasons"))}
        for m in proposal.get("members", [])
        if isinstance(m, dict)
    ]
    organisation = dict(proposal.get("organisation") or {})
    organisation["reasons"] = reasons(organisation.get("reasons"))
    decided = {**proposal, "members": members, "organisation": organisation}
    if "warnings" in proposal:  # warnings about the data: their field and code decide
        decided["warnings"] = [
            [w.get("field"), w.get("code")]
            for w in proposal.get("warnings") or []
            if isinstance(w, dict)
        ]
    return decided


def _profile_title(name: str) -> str:
    try:
        return get_profile(name).title
    except KeyError:
        return f"bộ quy tắc {name}"


def _decisive_vote(vote: dict[str, Any] | None) -> Any:
    if not isinstance(vote, dict):
        return vote
    return {k: v for k, v in vote.items() if k != "reasons"}


def _describe_proposal_difference(
    recomputed: dict[str, Any], stored: dict[str, Any], problems: Problems
) -> None:
    stored_members = {m.get("id"): m for m in stored.get("members", []) if isinstance(m, dict)}
    for member in recomputed["members"]:
        other = stored_members.get(member["id"])
        if other is None:
            problems.add(f"{member['name']}: thiếu trong đề xuất", f"{member['name']}: missing")
        elif canonical_bytes(other) != canonical_bytes(member):
            problems.add(
                f"{member['name']}: gói ghi {other.get('level') or other.get('status')}, "
                f"quy tắc cho {member['level'] or member['status']}",
                f"{member['name']}: bundle says {other.get('level') or other.get('status')}, "
                f"rules give {member['level'] or member['status']}",
            )
    parts = [k for k in recomputed if k != "members"] + [k for k in stored if k not in recomputed]
    for part in parts:
        if canonical_bytes(recomputed.get(part)) != canonical_bytes(stored.get(part)):
            problems.add(f"phần “{part}” của đề xuất khác", f"the proposal's {part!r} differs")
    if len(stored_members) != len(recomputed["members"]):
        problems.add("số đảng viên trong đề xuất khác", "the number of members differs")


# --- for the verification page ---------------------------------------------------------


def report_to_dict(report: Report, zone: ZoneInfo) -> dict[str, Any]:
    """The checks and the verdict, and what the page shows of the bundle: nothing of a
    bundle that failed a check, whose figures must not be used (docs/bundle.md,
    “Verifying a bundle”). Times in the meeting's time zone, else `zone`."""
    from ballot.report.names import date_vi, local_moment, meeting_zone, moment_vi
    from ballot.report.rows import cap_arithmetic_vi, level_totals, proposal_rows

    failure = report.first_failure
    verdict = report.verdict
    answer: dict[str, Any] = {
        "ok": report.ok,
        "verdict": verdict,
        "verdict_vi": VERDICTS[verdict][0],
        "verdict_en": VERDICTS[verdict][1],
        "first_failure": failure.name if failure else None,
        "bundle_hash": report.bundle_hash,
        "checks": [check.to_dict() for check in report.checks],
        "bundle": None,
    }
    bundle = report.bundle
    if bundle is None or verdict == FAILED:
        return answer
    meeting = bundle["meeting"]
    try:
        answer["bundle"] = {
            "organisation": bundle["organisation"]["name"],
            "title": meeting["title"],
            "review_date": date_vi(meeting["review_date"]),
            "certified_at": moment_vi(local_moment(meeting["certified_at"], meeting_zone(bundle, zone.key))),
            "rules": _profile_title(bundle["profile"]),
            "signer_fingerprint": bundle["signer"]["fingerprint"],
            "rows": proposal_rows(bundle),
            "totals": level_totals(bundle),
            "cap": cap_arithmetic_vi(bundle),
            "organisation_level": bundle["proposal"]["organisation"],
            "organisation_vote": bundle.get("organisation_vote"),
        }
    except (KeyError, TypeError, ValueError):
        answer["bundle"] = None  # a malformed proposal: the failed checks say why
    return answer

