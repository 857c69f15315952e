"""One object the web layer, the CLI and the tests hold: every use case in its own
unit of work, with the side effects that must follow a commit (destroying a
round key, notifying the realtime layer) done after the commit and never before.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import wraps
from pathlib import Path
from typing import Any, Callable

from ballot.crypto.keys_cli import passphrase_from_env
from ballot.crypto.keys_cli import resolve_directory as resolve_keys_directory
from ballot.db import Database, database_url
from ballot.models import CheckIn, HostAccount, Meeting, Member, Round
from ballot.services import audit, checkin, meetings, proposal, rounds
from ballot.services import certify as certification
from ballot.services.codes import normalise_code
from ballot.services.errors import MeetingCertified, ServiceError, conflict, invalid, not_found

Notify = Callable[[str], None]


def _refusals_audited(attempt: str, who: str = "host"):
    """A change refused because the meeting is certified is itself recorded (issue 5):
    the refused unit of work rolled back, so the audit event gets its own."""

    def decorate(method):
        @wraps(method)
        def wrapper(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except MeetingCertified as exc:
                self._record_refusal(exc.meeting_id, who, args, attempt)
                raise

        return wrapper

    return decorate


@dataclass
class Services:
    data_dir: Path
    key_bits: int = 2048
    notify: Notify = field(default=lambda meeting_id: None)
    # The chi bộ's certification key (DESIGN 3): PHIEUKIN_KEYS_DIR, else ./keys, the
    # same folder `ballot keys init` writes, so the key made there is the one used;
    # its passphrase from PHIEUKIN_KEY_PASSPHRASE when not given.
    keys_dir: Path | None = None
    key_passphrase: bytes | None = None

    def __post_init__(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.db = Database(database_url(self.data_dir))
        self.db.migrate()
        self.vault = rounds.KeyVault(self.data_dir / "round-keys", self.key_bits)
        if self.keys_dir is None:
            self.keys_dir = resolve_keys_directory(None)
        if self.key_passphrase is None:
            self.key_passphrase = passphrase_from_env()
        # The ballot form of a round, built once per (round, status): every phone asks
        # for it when the round opens, and in a large meeting building it was most of
        # the server's work (bench/meeting_load.py). Only editing a member changes it.
        self._forms: dict[tuple[str, str, int], dict[str, Any]] = {}
        self._forms_version = 0  # bumped after each member edit commits

    # --- host -------------------------------------------------------------------------

    def create_host(self, username: str, password: str) -> int:
        with self.db.session() as s:
            return meetings.create_host(s, username, password).id

    def login(self, username: str, password: str) -> int:
        with self.db.session() as s:
            return meetings.authenticate(s, username, password).id

    def username_of(self, host_id: int) -> str:
        with self.db.read() as s:
            return self._host(s, host_id).username

    def open_meetings(self) -> list[dict[str, str]]:
        """Meetings not yet certified, newest first: what `ballot serve` announces."""
        from sqlalchemy import select

        with self.db.read() as s:
            found = s.scalars(
                select(Meeting).where(Meeting.state == "open").order_by(Meeting.created_at.desc())
            )
            return [{"id": m.id, "title": m.title, "code": m.code} for m in found]

    def username_exists(self, username: str) -> bool:
        from sqlalchemy import select

        with self.db.read() as s:
            return s.scalar(select(HostAccount.id).where(HostAccount.username == username)) is not None

    def create_meeting(self, host_id: int, fields: dict[str, Any]) -> str:
        with self.db.session() as s:
            return meetings.create_meeting(s, self._host(s, host_id), fields).id

    @_refusals_audited("import_roster", who="host")
    def import_roster(self, host_id: int, meeting_id: str, rows: list[dict[str, Any]]) -> int:
        with self.db.session() as s:
            host, meeting = self._host_meeting(s, host_id, meeting_id)
            count = len(meetings.import_roster(s, host, meeting, rows))
        self.notify(meeting_id)
        return count

    @_refusals_audited("update_member", who="host")
    def update_member(self, host_id: int, meeting_id: str, member_key: str, changes: dict) -> None:
        with self.db.session() as s:
            host, meeting = self._host_meeting(s, host_id, meeting_id)
            meetings.update_member(s, host, meeting, member_key, changes)
        # The forms show members' self-proposed and chi ủy levels. A form built from a
        # snapshot older than this edit was filed under the old version: never read again.
        self._forms_version += 1
        self._forms.clear()
        self.notify(meeting_id)

    @_refusals_audited("set_presence", who="host")
    def set_presence(self, host_id: int, meeting_id: str, body: Any) -> None:
        if not isinstance(body, dict) or not isinstance(body.get("member_id"), str) \
                or not isinstance(body.get("present"), bool) \
                or not isinstance(body.get("absent_with_leave", False), bool):
            raise invalid("bad_request", "Cần member_id (chuỗi), present và absent_with_leave (đúng/sai).")
        with self.db.session() as s:
            host, meeting = self._host_meeting(s, host_id, meeting_id)
            meetings.set_presence(s, host, meeting, body["member_id"], body["present"],
                                  body.get("absent_with_leave", False))
        self.notify(meeting_id)

    @_refusals_audited("set_projector_live", who="host")
    def set_projector_live(self, host_id: int, meeting_id: str, live: Any) -> None:
        if not isinstance(live, bool):
            raise invalid("bad_request", "Trường “live” phải là đúng/sai.")
        with self.db.session() as s:
            host, meeting = self._host_meeting(s, host_id, meeting_id)
            meetings.set_projector_live(s, host, meeting, live)
        self.notify(meeting_id)

    @_refusals_audited("decide_check_in", who="host")
    def decide_check_in(self, host_id: int, meeting_id: str, check_in_id: str, approve: bool) -> None:
        with self.db.session() as s:
            host, meeting = self._host_meeting(s, host_id, meeting_id)
            checkin.decide(s, host, meeting, check_in_id, approve)
        self.notify(meeting_id)

    @_refusals_audited("create_round", who="host")
    def create_round(self, host_id: int, meeting_id: str, body: Any) -> str:
        if not isinstance(body, dict):
            raise invalid("bad_request", "Nội dung yêu cầu phải là một đối tượng JSON.")
        with self.db.session() as s:
            host, meeting = self._host_meeting(s, host_id, meeting_id)
            round_ = rounds.create_round(s, self.vault, host.username, meeting,
                                         body.get("kind"), body.get("member_ids"))
            round_id = round_.id
        self.notify(meeting_id)
        return round_id

    @_refusals_audited("open_round", who="host")
    def open_round(self, host_id: int, round_id: str) -> None:
        with self.db.session() as s:
            round_ = self._host_round(s, host_id, round_id)
            rounds.open_round(s, self._host(s, host_id).username, round_)
            meeting_id = round_.meeting_id
        self.notify(meeting_id)

    @_refusals_audited("close_round", who="host")
    def close_round(self, host_id: int, round_id: str) -> None:
        with self.db.session() as s:
            round_ = self._host_round(s, host_id, round_id)
            rounds.close_round(s, self._host(s, host_id).username, round_)
            meeting_id = round_.meeting_id
        self.vault.destroy(round_id)  # after the commit: a failed close keeps its key
        self.notify(meeting_id)

    def proposal(self, host_id: int, meeting_id: str) -> dict[str, Any]:
        with self.db.read() as s:
            _, meeting = self._host_meeting(s, host_id, meeting_id)
            if not proposal.closed_member_rounds(meeting):
                raise conflict("no_closed_round", "Chưa có vòng bỏ phiếu nào kết thúc.")
            return proposal.compute(s, meeting)

    # --- certification (issue 5) -------------------------------------------------------

    @_refusals_audited("certify", who="host")
    def certify(self, host_id: int, meeting_id: str) -> bytes:
        """Freeze the meeting and issue its signed bundle; returns the bundle file."""
        signing_key = self._signing_key()  # before the unit of work: a bad key changes nothing
        with self.db.session() as s:
            host, meeting = self._host_meeting(s, host_id, meeting_id)
            drafts = certification.draft_round_ids(meeting)
            data = certification.certify(s, host, meeting, signing_key).bundle_json
        for round_id in drafts:
            self.vault.destroy(round_id)  # never opened, now never can be
        self.notify(meeting_id)
        return data.encode()

    def certified_bundle(self, host_id: int, meeting_id: str) -> bytes:
        with self.db.read() as s:
            _, meeting = self._host_meeting(s, host_id, meeting_id)
            return certification.certificate_of(s, meeting).bundle_json.encode()

    def minutes_pdf(self, host_id: int, meeting_id: str) -> bytes:
        from ballot.report.canonical import load_bundle
        from ballot.report.pdf import minutes_pdf

        return minutes_pdf(load_bundle(self.certified_bundle(host_id, meeting_id)))

    def proposal_xlsx(self, host_id: int, meeting_id: str) -> bytes:
        from ballot.report.canonical import load_bundle
        from ballot.report.xlsx import proposal_xlsx

        return proposal_xlsx(load_bundle(self.certified_bundle(host_id, meeting_id)))

    def certification_key(self) -> dict[str, str]:
        """The chi bộ's public key and fingerprint, to register with the đảng ủy."""
        from ballot.crypto.certify import fingerprint, public_key_b64url

        public_key = self._signing_key().public_key()
        return {"public_key": public_key_b64url(public_key), "fingerprint": fingerprint(public_key)}

    def _signing_key(self):
        from ballot.crypto.certify import KeyStore
        from ballot.crypto.errors import CryptoError, KeyExists

        store = KeyStore(self.keys_dir)
        try:
            if not store.exists():
                try:
                    store.init(self.key_passphrase)  # "created on first run" (DESIGN 3)
                except KeyExists:
                    pass  # created meanwhile by another request
            return store.load_private(self.key_passphrase)
        except (CryptoError, OSError) as exc:
            message = exc.message if isinstance(exc, CryptoError) else str(exc)
            raise ServiceError("signing_key_unusable",
                               f"Không dùng được khóa chứng thực của chi bộ: {message}", 500) from None

    def _record_refusal(self, meeting_id: str, who: str, args: tuple, attempt: str) -> None:
        actor = who
        try:
            if who == "host":
                actor = self.username_of(args[0])
            elif who == "voter":
                with self.db.session() as s:
                    actor = f"member:{checkin.voter(s, args[0], require_approved=False).member.key}"
        except ServiceError:
            pass
        with self.db.session() as s:
            audit.record(s, meeting_id, actor, "change_refused", attempted=attempt)

    # --- voters ----------------------------------------------------------------------

    @_refusals_audited("join", who="phone")
    def join(self, body: Any) -> dict[str, Any]:
        """Check in with the meeting code and a personal code; returns the check-in."""
        if not isinstance(body, dict) or not all(
            isinstance(body.get(k), str) and 0 < len(body[k]) <= 64
            for k in ("meeting_code", "personal_code")
        ):
            raise invalid("bad_request", "Cần mã cuộc họp và mã cá nhân.")
        with self.db.session() as s:
            meeting = meetings.meeting_by_code(s, normalise_code(body["meeting_code"]))
            check_in = checkin.join_with_code(s, meeting, body["personal_code"])
            result = self._voter_view(meeting, check_in.member, check_in)
        self.notify(result["meeting"]["id"])
        return result

    @_refusals_audited("join_by_name", who="phone")
    def join_by_name(self, body: Any) -> dict[str, Any]:
        """Check in by choosing a name: pending until the host approves it."""
        if not isinstance(body, dict) or not isinstance(body.get("meeting_code"), str) \
                or not isinstance(body.get("member_id"), str):
            raise invalid("bad_request", "Cần mã cuộc họp và đảng viên đã chọn.")
        with self.db.session() as s:
            meeting = meetings.meeting_by_code(s, normalise_code(body["meeting_code"]))
            member = meetings.member_by_key(meeting, body["member_id"])
            check_in = checkin.join_by_name(s, meeting, member)
            result = self._voter_view(meeting, member, check_in)
        self.notify(result["meeting"]["id"])
        return result

    def roster_names(self, meeting_code: str) -> dict[str, Any]:
        with self.db.read() as s:
            meeting = meetings.meeting_by_code(s, normalise_code(meeting_code))
            return {"meeting": {"id": meeting.id, "title": meeting.title},
                    "members": [{"id": m.key, "name": m.name} for m in meeting.members]}

    def voter_state(self, check_in_id: str) -> dict[str, Any]:
        version = self._forms_version  # read before the snapshot (see update_member)
        with self.db.read() as s:
            check_in = checkin.voter(s, check_in_id, require_approved=False)
            member, meeting = check_in.member, check_in.member.meeting
            round_ = _current_round(meeting)
            can_vote = check_in.state == "approved" and rounds.may_vote(member)
            return {
                "meeting": {"id": meeting.id, "title": meeting.title,
                            "branch_name": meeting.branch_name, "state": meeting.state},
                "round": self._form(s, round_, version) if round_ else None,
                "me": {
                    "id": member.key, "name": member.name, "status": member.status,
                    "check_in": check_in.state, "can_vote": can_vote,
                    "has_signature": bool(round_) and rounds.has_signature(s, round_.id, member.id),
                },
            }

    def _form(self, session, round_: Round, version: int) -> dict[str, Any]:
        key = (round_.id, round_.status, version)
        form = self._forms.get(key)
        if form is None:
            form = self._forms[key] = _round_view(session, round_)
        return form

    @_refusals_audited("sign", who="voter")
    def sign(self, check_in_id: str, round_id: str, body: Any) -> str:
        from ballot.crypto.encoding import b64url_encode

        if not isinstance(body, dict):
            raise invalid("bad_request", "Nội dung yêu cầu phải là một đối tượng JSON.")
        with self.db.session() as s:
            member = checkin.voter(s, check_in_id, require_approved=True).member
            round_ = rounds.get_round(s, round_id)
            signature = rounds.sign_blinded(s, self.vault, round_, member, body.get("blinded"))
            meeting_id = round_.meeting_id
        self.notify(meeting_id)
        return b64url_encode(signature)

    @_refusals_audited("cast", who="anonymous")
    def cast(self, round_id: str, body: Any) -> rounds.CastResult:
        with self.db.session() as s:
            round_ = rounds.get_round(s, round_id)
            result = rounds.cast_ballot(s, round_, body)
            meeting_id = round_.meeting_id
        if result.created:
            self.notify(meeting_id)
        return result

    def board(self, round_id: str) -> dict[str, Any]:
        with self.db.read() as s:
            round_ = rounds.get_round(s, round_id)
            codes = rounds.tracking_codes(s, round_id)
            return {"round_id": round_id, "status": round_.status, "ballots_cast": len(codes),
                    "tracking_codes": codes}

    # --- views for realtime and pages ---------------------------------------------------

    def public_state(self, meeting_id: str) -> dict[str, Any]:
        """What the projector may show: never who cast which ballot, never contents."""
        from ballot.services.views import public_state

        with self.db.read() as s:
            meeting = s.get(Meeting, meeting_id)
            if meeting is None:
                raise not_found("cuộc họp")
            return public_state(s, meeting)

    def host_state(self, host_id: int, meeting_id: str) -> dict[str, Any]:
        from ballot.services.views import host_state

        with self.db.read() as s:
            _, meeting = self._host_meeting(s, host_id, meeting_id)
            return host_state(s, meeting)

    # --- helpers ---------------------------------------------------------------------

    @staticmethod
    def _host(s, host_id: int) -> HostAccount:
        host = s.get(HostAccount, host_id)
        if host is None:
            raise ServiceError("not_logged_in", "Cần đăng nhập.", 401)
        return host

    def _host_meeting(self, s, host_id: int, meeting_id: str) -> tuple[HostAccount, Meeting]:
        host = self._host(s, host_id)
        return host, meetings.meeting_for_host(s, host, meeting_id)

    def _host_round(self, s, host_id: int, round_id: str) -> Round:
        round_ = rounds.get_round(s, round_id)
        meetings.meeting_for_host(s, self._host(s, host_id), round_.meeting_id)
        return round_

    @staticmethod
    def _voter_view(meeting: Meeting, member: Member, check_in: CheckIn) -> dict[str, Any]:
        return {
            "member": {"id": member.key, "name": member.name, "status": member.status},
            "meeting": {"id": meeting.id, "title": meeting.title},
            "check_in": {"id": check_in.id, "state": check_in.state},
        }


def _current_round(meeting: Meeting) -> Round | None:
    """The open round, else the latest one (so a phone sees that voting closed)."""
    open_rounds = [r for r in meeting.rounds if r.status == "open"]
    if open_rounds:
        return open_rounds[0]
    started = [r for r in meeting.rounds if r.status == "closed"]
    return started[-1] if started else None


def _round_view(session, round_: Round) -> dict[str, Any]:
    from cryptography.hazmat.primitives import serialization
    from sqlalchemy import select

    from ballot.crypto.blind_rsa import public_key_to_json
    from ballot.models import Question

    public_key = serialization.load_pem_public_key(round_.public_key_pem.encode())
    # Every phone asks for this once per round: one query of plain rows, rather than
    # a thousand Question and Member objects built for it in a meeting of 1,000.
    rows = session.execute(
        select(Question.key, Question.label, Member.key, Member.self_level, Member.committee_level)
        .outerjoin(Member, Question.member_id == Member.id)
        .where(Question.round_id == round_.id)
        .order_by(Question.position)
    )
    return {
        "id": round_.id,
        "status": round_.status,
        "kind": round_.kind,
        "number": round_.number,
        "questions": [
            {
                "id": key,
                "member_id": member_key,
                "label": label,
                "options": ["HTXSNV", "HTTNV", "HTNV", "KHTNV"],
                "proposals": {"self": self_level, "committee": committee_level},
            }
            for key, label, member_key, self_level, committee_level in rows
        ],
        "public_key": public_key_to_json(public_key),
    }
