"""Certification: freeze the meeting and sign its bundle (docs/protocol.md,
“Certification”; the format in docs/bundle.md).

One unit of work checks that the meeting can be certified, builds the bundle
from what is stored, signs it with the chi bộ's Ed25519 key, verifies the
signed bundle exactly as the đảng ủy will (a bundle that would fail there is
never issued), stores it and marks the meeting certified. Every later change
is refused by `guards.ensure_editable`.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
from collections.abc import Iterator
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ballot import __version__
from ballot.crypto import blind_rsa
from ballot.crypto.encoding import b64url_encode
from ballot.report import bundle as bundle_format
from ballot.report.canonical import dump_bundle, load_bundle
from ballot.report.verify import verify_bundle
from ballot.rules.attendance import attendance
from ballot.rules.scenario import ScenarioError
from ballot.services import audit, ballot_box, counting, proposal, trustees
from ballot.services.errors import ServiceError, conflict
from ballot.services.guards import ensure_editable
from ballot.services.phases import is_counted, is_counting
from ballot.services.scenario import classify_scenario
from ballot.store.models import Certificate, CommitteeCeremony, HostAccount, Meeting, Round
from ballot.vocabulary import MeetingState, RoundKind, RoundStatus


def certify(
    session: Session,
    host: HostAccount,
    meeting: Meeting,
    signing_key: Ed25519PrivateKey,
    default_timezone: str = "Asia/Ho_Chi_Minh",
) -> Certificate:
    """`default_timezone`: the installation's setting, for a meeting that set none."""
    ensure_editable(meeting)
    _ensure_rounds_finished(meeting)
    certified_at = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    with _collector_paused():
        unsigned = _build_or_refuse(
            session, meeting, host.username, certified_at, meeting.timezone or default_timezone
        )
        signed = bundle_format.sign_bundle(unsigned, signing_key)
        data = dump_bundle(signed)
        bundle_hash = _self_verify(data, signing_key)
    certificate = Certificate(
        meeting_id=meeting.id,
        bundle_json=data.decode(),
        bundle_hash=bundle_hash,
        signer_fingerprint=signed["signer"]["fingerprint"],
        certified_by=host.username,
        certified_at=certified_at.replace(tzinfo=None),
    )
    session.add(certificate)
    meeting.state = MeetingState.CERTIFIED
    try:
        session.flush()
    except IntegrityError:  # a concurrent certification won (one certificate per meeting)
        raise conflict("meeting_certified", "Cuộc họp đã được chứng thực.") from None
    audit.record(
        session,
        meeting.id,
        host.username,
        "meeting_certified",
        bundle_hash=certificate.bundle_hash,
        signer=certificate.signer_fingerprint,
    )
    return certificate


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while the bundle is built and checked: at 1,000
    members that makes millions of short-lived objects, none in a cycle, and the
    collector would walk the whole server's heap again and again while they are made
    (a fifth of the certification's time in process, more in a server holding the
    meeting's states; bench/meeting_load.py). It runs again afterwards as before."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def certificate_of(session: Session, meeting: Meeting) -> Certificate:
    certificate = session.get(Certificate, meeting.id)
    if certificate is None:
        raise ServiceError("not_certified", "Cuộc họp chưa được chứng thực.", 409)
    return certificate


def stored_bundle(session: Session, meeting: Meeting) -> dict[str, Any]:
    return load_bundle(certificate_of(session, meeting).bundle_json)


def draft_round_ids(meeting: Meeting) -> list[str]:
    """Rounds created but never opened: no ballot, no participant; left out of the
    bundle, and their keys destroyed once the certification commits."""
    return [r.id for r in meeting.rounds if r.status == RoundStatus.DRAFT]


def _ensure_rounds_finished(meeting: Meeting) -> None:
    if any(r.status == RoundStatus.OPEN for r in meeting.rounds):
        raise conflict(
            "rounds_open", "Còn vòng bỏ phiếu đang mở; hãy kết thúc vòng đó trước khi chứng thực."
        )
    if any(is_counting(r) for r in meeting.rounds):
        raise conflict(
            "rounds_counting", "Còn vòng đang chờ ban kiểm phiếu giải mã; hãy đợi kết quả hoặc hủy vòng đó "
            "trước khi chứng thực."
        )
    if not any(r.kind == RoundKind.CLASSIFICATION and is_counted(r) for r in meeting.rounds):
        raise conflict(
            "no_closed_round", "Chưa có vòng bỏ phiếu xếp loại nào kết thúc; chưa thể chứng thực."
        )


def _build_or_refuse(
    session: Session, meeting: Meeting, certified_by: str, certified_at: dt.datetime, timezone: str
) -> dict[str, Any]:
    try:
        return build_bundle(session, meeting, certified_by, certified_at, timezone)
    except ScenarioError as exc:  # e.g. more ballots than voters now marked present
        raise conflict(
            "bundle_inconsistent",
            f"Không thể chứng thực: dữ liệu cuộc họp không áp dụng được quy tắc ({exc}).",
        ) from None


def _self_verify(data: bytes, signing_key: Ed25519PrivateKey) -> str:
    """The đảng ủy's own checks, before anything is stored; returns the bundle hash."""
    # The ballots' texts are those stored, each checked canonical and an encrypted one's
    # proofs checked when cast (services/voting.py): not a second time here
    # (docs/encrypted-ballots.md, 10).
    report = verify_bundle(data, expected_key=signing_key.public_key(), checked_at_cast=True)
    failure = report.first_failure
    if failure is not None:
        raise conflict(
            "bundle_inconsistent",
            f"Không thể chứng thực: kiểm tra “{failure.title_vi}” không đạt ({failure.detail_vi}).",
        )
    assert report.bundle_hash is not None  # a bundle that loaded has a hash
    return report.bundle_hash


# --- building the bundle from what is stored -----------------------------------------


def build_bundle(
    session: Session,
    meeting: Meeting,
    certified_by: str,
    certified_at: dt.datetime,
    timezone: str = "Asia/Ho_Chi_Minh",
) -> dict[str, Any]:
    scenario = proposal.scenario(session, meeting)
    roles = {m.key: m.role for m in meeting.members}
    roster = [{**member, "role": roles[member["id"]]} for member in scenario["members"]]
    counted = [r for r in meeting.rounds if is_counted(r)]
    return bundle_format.assemble(
        generator=_generator(),
        meeting={
            "id": meeting.id,
            "title": meeting.title,
            "review_date": meeting.review_date.isoformat(),
            "certified_at": certified_at.isoformat().replace("+00:00", "Z"),
            "certified_by": certified_by,
            **_minutes_facts(meeting, timezone),
        },
        organisation=scenario["organisation"],
        profile=scenario["profile"],
        settings=scenario["settings"],
        roster=roster,
        attendance=attendance(roster),
        rounds=[_round_section(session, r) for r in counted],
        proposal=classify_scenario(scenario),
        committees=_committees(session, counted),
    )


def _committees(session: Session, counted: list[Round]) -> list[dict[str, Any]]:
    """The key-generation record of every committee a counted round is encrypted to
    (docs/encrypted-ballots.md, 10)."""
    ids = list(dict.fromkeys(r.ceremony_id for r in counted if r.ceremony_id is not None))
    out = []
    for ceremony_id in ids:
        ceremony = session.get(CommitteeCeremony, ceremony_id)
        out.append({
            "id": ceremony.id,
            "transcript": trustees.transcript(session, ceremony),
            "trustees": [{"index": tr.index, "member_id": tr.member.key, "name": tr.member.name}
                         for tr in ceremony.trustees],
            "confirmed_aloud_at": _iso(ceremony.confirmed_aloud_at),
        })
    return out


def _minutes_facts(meeting: Meeting, timezone: str) -> dict[str, Any]:
    """The optional members of `meeting` the minutes print (docs/bundle.md, `meeting`):
    the time zone always, the place and the counting committee when the host gave them."""
    facts: dict[str, Any] = {"timezone": timezone}
    if meeting.place:
        facts["place"] = meeting.place
    if meeting.counting_committee:
        facts["counting_committee"] = list(meeting.counting_committee)
    return facts


def _round_section(session: Session, round_: Round) -> dict[str, Any]:
    public_key = serialization.load_pem_public_key(round_.public_key_pem.encode())
    return bundle_format.round_section(
        round_info={
            "id": round_.id,
            "number": round_.number,
            "kind": round_.kind.value,
            "status": round_.status.value,
            "opened_at": _iso(round_.opened_at),
            "closed_at": _iso(round_.closed_at),
            "questions": [
                {"id": q.key, "member_id": q.member.key if q.member else None, "label": q.label}
                for q in round_.questions
            ],
        },
        public_key=blind_rsa.public_key_to_json(public_key),
        public_key_fingerprint=blind_rsa.key_fingerprint(public_key),
        participants=ballot_box.signed_member_keys(session, round_.id),
        ballots=[
            {
                "text": b.text,
                "prefix": b64url_encode(b.prefix),
                "signature": b64url_encode(b.signature),
                "tracking_code": b.tracking_code,
            }
            for b in ballot_box.stored_ballots(session, round_.id)
        ],
        tally=ballot_box.tally(session, round_),
        encryption=_encryption_section(session, round_),
    )


def _encryption_section(session: Session, round_: Round) -> dict[str, Any] | None:
    if round_.ceremony_id is None:
        return None
    return {
        "committee": round_.ceremony_id,
        "tally": json.loads(round_.encrypted_tally or "null"),
        "decryptions": [
            {"trustee": s.trustee_index, "envelope": json.loads(s.envelope),
             **({"refused": s.refused} if s.refused is not None else {})}
            for s in counting.shares_of(session, round_)
        ],
        "trustees": (round_.counts or {}).get("trustees", []),
    }


def _iso(moment: dt.datetime | None) -> str | None:
    """Round times to the second, as UTC: a round's time, never a ballot's
    (docs/protocol.md, “What is never stored”)."""
    return None if moment is None else moment.replace(microsecond=0).isoformat() + "Z"


def _generator() -> str:
    return f"phieukin {__version__}"
