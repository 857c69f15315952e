"""The one object the web layer, the CLI and the tests hold (docs/architecture.md,
“Services”): each method is one use case in its own unit of work, taking typed
commands (ballot.services.commands) and returning plain values. What must follow
a commit (destroying a round key, updating screens) is queued on the unit of work.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from ballot.config import Settings
from ballot.report.canonical import load_bundle
from ballot.report.names import document_filename
from ballot.report.pdf import minutes_pdf
from ballot.report.xlsx import proposal_xlsx
from ballot.services import (
    audit,
    certification_key,
    checkin,
    counting,
    guards,
    hosts,
    meetings,
    proposal,
    roster,
    rounds,
    trustees,
    views,
    voting,
)
from ballot.services import certify as certification
from ballot.services.codes import normalise_code
from ballot.services.commands import (
    CastBallot,
    DesignateCommittee,
    ImportRoster,
    MeetingDetails,
    NewMeeting,
    NewRound,
    RosterTable,
    SetPresence,
)
from ballot.services.errors import conflict, forbidden, not_found
from ballot.services.unit_of_work import Actor, UnitOfWork, Work
from ballot.store.db import Database
from ballot.store.keyvault import KeyVault, RoundKeyStore
from ballot.store.models import Meeting, Round, Trustee
from ballot.store.round_keys import DatabaseKeyVault
from ballot.store.secret import installation_secret

Notify = Callable[[str], None]
Offload = Callable[..., Any]


def _host_actor(host_id: int) -> Actor:
    return lambda session: guards.host_account(session, host_id).username


def _voter_actor(check_in_id: str) -> Actor:
    return lambda session: f"member:{guards.checked_in(session, check_in_id, approved=False).member.key}"


def _trustee(session: Session, check_in_id: str) -> Trustee:
    """The seat of this phone's member on the meeting's current counting committee."""
    member = guards.checked_in(session, check_in_id, approved=True).member
    seat = trustees.trustee_of(session, member)
    if seat is None:
        raise forbidden("not_a_trustee", "Đồng chí không thuộc ban kiểm phiếu của cuộc họp này.")
    return seat


def _phone(session: Session) -> str:
    return "phone"


class Services:
    def __init__(self, settings: Settings, notify: Notify | None = None) -> None:
        self.settings = settings
        settings.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        settings.data_dir.chmod(0o700)  # the whole state of the installation: its owner's alone
        self.db = Database(settings.database)
        self.db.migrate()
        self.secret_key = installation_secret(settings)
        files = KeyVault(settings.data_dir / "round-keys", settings.key_bits)
        # SQLite is served by one process: the round keys stay files of its data
        # directory. On PostgreSQL every process of the database signs: the keys are
        # rows, sealed under the installation's secret (docs/architecture.md,
        # “Several server processes”).
        self.vault: RoundKeyStore = files
        if self.db.engine.dialect.name == "postgresql":
            self.vault = DatabaseKeyVault(self.secret_key, settings.key_bits)
        self.work = Work(self.db, notify or (lambda meeting_id: None))
        self._destroy_keys_no_round_needs(files)
        self.forms = views.RoundForms()
        self.questions = voting.RoundQuestions()
        # How a long pure computation runs: here, or in a worker thread while the server's
        # loop serves other requests (ballot/server.py sets gevent's thread pool).
        self.offload: Offload = lambda fn, *args: fn(*args)
        self.public_states = views.public_states()
        self.host_states = views.host_states()
        self.results = views.proposal_results()

    def _destroy_keys_no_round_needs(self, files: KeyVault) -> None:
        """A crash between a close's commit and the key file's deletion leaves the
        file behind; at the next start every key whose round is closed, certified or
        gone is destroyed, so no ballot can be signed for it afterwards. On PostgreSQL
        a key file an earlier version left for a round still open moves into the table."""
        with self.work() as w:
            needed = rounds.round_ids_with_live_keys(w.session)
            for round_id in self.vault.round_ids(w.session):
                if round_id not in needed:
                    self.vault.discard(w.session, round_id)
                    w.after_commit(lambda round_id=round_id: self.vault.destroy(round_id))
            if isinstance(self.vault, DatabaseKeyVault):
                stored = set(self.vault.round_ids(w.session))
                for round_id in files.round_ids(w.session):
                    if round_id in needed and round_id not in stored:
                        self.vault.adopt(w.session, round_id, files.load(w.session, round_id))
                    w.after_commit(lambda round_id=round_id: files.destroy(round_id))

    def _destroy_key(self, w: UnitOfWork, round_id: str) -> None:
        """The round's key goes with the commit of `w` (a failed close keeps its key)."""
        self.vault.discard(w.session, round_id)
        w.after_commit(lambda: self.vault.destroy(round_id))

    @property
    def data_dir(self) -> Path:
        return self.settings.data_dir

    @property
    def notify(self) -> Notify:
        return self.work.notify

    @notify.setter
    def notify(self, notify: Notify) -> None:
        self.work.notify = notify

    # --- host accounts ------------------------------------------------------------

    def create_host(self, username: str, password: str) -> int:
        with self.work() as w:
            return hosts.create_host(w.session, username, password).id

    def login(self, username: str, password: str) -> str:
        """A new login's token (for the host's cookie)."""
        with self.work() as w:
            return hosts.start_session(w.session, hosts.authenticate(w.session, username, password))

    def host_of_token(self, token: str) -> int | None:
        with self.db.read() as s:
            return hosts.host_of_token(s, token)

    def logout(self, token: str) -> None:
        with self.work() as w:
            hosts.end_session(w.session, token)

    def change_password(self, host_id: int, current: str, new: str) -> str:
        with self.work() as w:
            return hosts.change_password(w.session, guards.host_account(w.session, host_id), current, new)

    def username_of(self, host_id: int) -> str:
        with self.db.read() as s:
            return guards.host_account(s, host_id).username

    def username_exists(self, username: str) -> bool:
        with self.db.read() as s:
            return hosts.username_exists(s, username)

    # --- meetings and the roster ------------------------------------------------------

    def open_meetings(self) -> list[dict[str, str]]:
        """Meetings not yet certified, newest first: what `ballot serve` announces."""
        with self.db.read() as s:
            return [{"id": m.id, "title": m.title, "code": m.code} for m in meetings.open_meetings(s)]

    def meeting_code_known(self, meeting_code: str) -> bool:
        """Whether a meeting has this code (it is on the projector: no secret), so a
        phone that followed a mistyped link says so before asking for a personal code."""
        code = normalise_code(meeting_code)
        if not code or len(code) > 32:
            return False
        with self.db.read() as s:
            return meetings.meeting_id_of_code(s, code) is not None

    def hosted_meetings(self, host_id: int) -> list[dict[str, Any]]:
        """The host's own meetings, for the console's picker on any browser."""
        with self.db.read() as s:
            host = guards.host_account(s, host_id)
            return [views.meeting_listing(m) for m in meetings.hosted_meetings(s, host)]

    def create_meeting(self, host_id: int, command: NewMeeting) -> str:
        with self.work() as w:
            return meetings.create_meeting(w.session, guards.host_account(w.session, host_id), command).id

    def update_meeting_details(self, host_id: int, meeting_id: str, command: MeetingDetails) -> None:
        with self.work("update_meeting_details", _host_actor(host_id)) as w:
            host, meeting = guards.host_and_meeting(w.session, host_id, meeting_id)
            meetings.update_details(w.session, host, meeting, command)
            w.changed(meeting_id)

    def import_roster(self, host_id: int, meeting_id: str, command: ImportRoster) -> roster.Imported:
        return self._import(host_id, meeting_id, roster.rows_of_records([dict(row) for row in command.members]))

    def import_roster_table(self, host_id: int, meeting_id: str, command: RosterTable) -> roster.Imported:
        """A spreadsheet's rows (services/roster.py reads its header and words)."""
        return self._import(host_id, meeting_id, roster.rows_of(command.rows))

    def _import(self, host_id: int, meeting_id: str, rows: roster.RosterRows) -> roster.Imported:
        with self.work("import_roster", _host_actor(host_id)) as w:
            host, meeting = guards.host_and_meeting(w.session, host_id, meeting_id)
            count = len(meetings.import_roster(w.session, host, meeting, rows))
            w.changed(meeting_id)
        return roster.Imported(count, tuple(rows.unused))

    def personal_codes(self, host_id: int, meeting_id: str, member_key: str | None = None) -> list[dict[str, str]]:
        """Personal codes, for printing the join slips or, with `member_key`, for
        reprinting one: never part of the console's state (it is on the projector's
        laptop). Each showing is audited."""
        with self.work() as w:
            host, meeting = guards.host_and_meeting(w.session, host_id, meeting_id)
            members = [guards.member_by_key(meeting, member_key)] if member_key else list(meeting.members)
            audit.record(w.session, meeting.id, host.username, "personal_codes_shown",
                         members=[m.key for m in members] if member_key else "all")
            return [{"id": m.key, "name": m.name, "personal_code": m.personal_code} for m in members]

    def update_member(self, host_id: int, meeting_id: str, member_key: str, changes: dict[str, Any]) -> None:
        with self.work("update_member", _host_actor(host_id)) as w:
            host, meeting = guards.host_and_meeting(w.session, host_id, meeting_id)
            meetings.update_member(w.session, host, meeting, member_key, changes)
            # The forms show members' self-proposed and chi ủy levels (views.RoundForms).
            meeting.forms_revision += 1
            w.changed(meeting_id)

    def set_presence(self, host_id: int, meeting_id: str, command: SetPresence) -> None:
        with self.work("set_presence", _host_actor(host_id)) as w:
            host, meeting = guards.host_and_meeting(w.session, host_id, meeting_id)
            meetings.set_presence(w.session, host, meeting, command)
            w.changed(meeting_id)

    def mark_all_present(self, host_id: int, meeting_id: str) -> int:
        with self.work("mark_all_present", _host_actor(host_id)) as w:
            host, meeting = guards.host_and_meeting(w.session, host_id, meeting_id)
            count = meetings.mark_all_present(w.session, host, meeting)
            w.changed(meeting_id)
        return count

    def decide_check_in(self, host_id: int, meeting_id: str, check_in_id: str, approve: bool) -> None:
        with self.work("decide_check_in", _host_actor(host_id)) as w:
            host, meeting = guards.host_and_meeting(w.session, host_id, meeting_id)
            checkin.decide(w.session, host, meeting, check_in_id, approve)
            w.changed(meeting_id)

    # --- rounds -----------------------------------------------------------------------

    def create_round(self, host_id: int, meeting_id: str, command: NewRound) -> str:
        with self.work("create_round", _host_actor(host_id)) as w:
            host, meeting = guards.host_and_meeting(w.session, host_id, meeting_id)
            round_ = rounds.create_round(w.session, self.vault, host.username, meeting, command)
            round_id = round_.id
            w.changed(meeting_id)
        return round_id

    def open_round(self, host_id: int, round_id: str) -> None:
        with self.work("open_round", _host_actor(host_id)) as w:
            host, round_ = guards.hosted_round(w.session, host_id, round_id)
            rounds.open_round(w.session, host.username, round_)
            w.changed(round_.meeting_id)

    def delete_round(self, host_id: int, round_id: str) -> None:
        with self.work("delete_round", _host_actor(host_id)) as w:
            host, round_ = guards.hosted_round(w.session, host_id, round_id)
            meeting_id = round_.meeting_id
            rounds.delete_draft(w.session, host.username, round_)
            self._destroy_key(w, round_id)
            w.changed(meeting_id)

    def close_round(self, host_id: int, round_id: str) -> None:
        with self.work("close_round", _host_actor(host_id)) as w:
            host, round_ = guards.hosted_round(w.session, host_id, round_id)
            rounds.close_round(w.session, host.username, round_)
            self._destroy_key(w, round_id)
            w.after_commit(self.db.rewrite_without_order)  # the files keep no order of the ballots
            w.changed(round_.meeting_id)

    def void_round(self, host_id: int, round_id: str) -> None:
        with self.work("void_round", _host_actor(host_id)) as w:
            host, round_ = guards.hosted_round(w.session, host_id, round_id)
            counting.void(w.session, host.username, round_)
            w.changed(round_.meeting_id)

    # --- the counting committee (docs/encrypted-ballots.md, 14) ----------------------------

    def designate_committee(self, host_id: int, meeting_id: str, command: DesignateCommittee) -> None:
        with self.work("designate_committee", _host_actor(host_id)) as w:
            host, meeting = guards.host_and_meeting(w.session, host_id, meeting_id)
            trustees.designate(w.session, host.username, meeting, list(command.member_ids), command.threshold)
            w.changed(meeting_id)

    def confirm_committee(self, host_id: int, meeting_id: str) -> None:
        with self.work("confirm_committee", _host_actor(host_id)) as w:
            host, meeting = guards.host_and_meeting(w.session, host_id, meeting_id)
            trustees.confirm_aloud(w.session, host.username, meeting)
            w.changed(meeting_id)

    def trustee_state(self, check_in_id: str) -> dict[str, Any]:
        with self.db.read() as s:
            return views.trustee_view(s, _trustee(s, check_in_id))

    def trustee_message(self, check_in_id: str, envelope: dict[str, Any]) -> dict[str, Any]:
        with self.work("trustee_message", _voter_actor(check_in_id)) as w:
            trustee = _trustee(w.session, check_in_id)
            trustees.receive(w.session, trustee, envelope)
            w.changed(trustee.ceremony.meeting_id)
        return self.trustee_state(check_in_id)

    def trustee_decryption(self, check_in_id: str, round_id: str, envelope: dict[str, Any]) -> dict[str, Any]:
        with self.work("trustee_decryption", _voter_actor(check_in_id)) as w:
            trustee = _trustee(w.session, check_in_id)
            # The trustee's meeting is locked; a round of another meeting is not theirs
            # (and locking its meeting too could deadlock two such calls).
            round_ = w.session.get(Round, round_id)
            if round_ is None or round_.meeting_id != trustee.ceremony.meeting_id:
                raise not_found("vòng bỏ phiếu")
            counting.receive_share(w.session, trustee, round_, envelope)
            w.changed(round_.meeting_id)
        return self.trustee_state(check_in_id)

    def committee_record(self, meeting_id: str) -> dict[str, Any]:
        with self.db.read() as s:
            meeting = s.get(Meeting, meeting_id)
            if meeting is None:
                raise not_found("cuộc họp")
            record = views.committee_record(s, meeting)
            if record is None:
                raise not_found("ban kiểm phiếu của cuộc họp")
            return record

    def encrypted_ballots(self, round_id: str) -> dict[str, Any]:
        """A closed encrypted round's signed ballots, for a trustee's check of the tally."""
        with self.db.read() as s:
            return views.published_ballots(s, guards.a_round(s, round_id))

    def proposal(self, host_id: int, meeting_id: str) -> dict[str, Any]:
        with self.db.read() as s:
            _, meeting = guards.host_and_meeting(s, host_id, meeting_id)
            if not proposal.closed_member_rounds(meeting):
                raise conflict("no_closed_round", "Chưa có vòng bỏ phiếu nào kết thúc.")
            return self.results.state(s, meeting)

    # --- certification ------------------------------------------------------------------

    def certify(self, host_id: int, meeting_id: str) -> bytes:
        """Freeze the meeting and issue its signed bundle; returns the bundle file."""
        signing_key = certification_key.signing_key(self.settings)  # a bad key changes nothing
        with self.work("certify", _host_actor(host_id)) as w:
            host, meeting = guards.host_and_meeting(w.session, host_id, meeting_id)
            for round_id in certification.draft_round_ids(meeting):
                self._destroy_key(w, round_id)  # never opened
            data = certification.certify(
                w.session, host, meeting, signing_key, self.settings.timezone
            ).bundle_json
            w.changed(meeting_id)
        return data.encode()

    def certified_bundle(self, host_id: int, meeting_id: str) -> bytes:
        with self.db.read() as s:
            _, meeting = guards.host_and_meeting(s, host_id, meeting_id)
            return certification.certificate_of(s, meeting).bundle_json.encode()

    def certified_document(self, host_id: int, meeting_id: str, extension: str) -> tuple[bytes, str]:
        """The bundle (json), the minutes (pdf) or the proposal spreadsheet (xlsx),
        with its file name."""
        data = self.certified_bundle(host_id, meeting_id)
        bundle = load_bundle(data)
        render = {"json": lambda: data, "pdf": lambda: minutes_pdf(bundle),
                  "xlsx": lambda: proposal_xlsx(bundle)}[extension]
        return render(), document_filename(bundle, extension)

    def certification_key(self) -> dict[str, str]:
        """The chi bộ's public key and fingerprint, to register with the đảng ủy."""
        return certification_key.public_info(self.settings)

    # --- phones --------------------------------------------------------------------------

    def join(self, meeting_code: str, personal_code: str, current: str | None = None) -> dict[str, Any]:
        """Check in with the meeting code and a personal code (`current`: the check-in
        this phone already holds); returns the check-in, pending if the member is
        already in on another phone."""
        with self.work("join", _phone) as w:
            meeting = guards.meeting_by_code(w.session, normalise_code(meeting_code))
            check_in = checkin.join_with_code(w.session, meeting, personal_code, current)
            result = views.check_in_view(meeting, check_in.member, check_in)
            w.changed(meeting.id)
        return result

    def join_by_name(self, meeting_code: str, member_key: str) -> dict[str, Any]:
        """Check in by choosing a name: pending until the host approves it."""
        with self.work("join_by_name", _phone) as w:
            meeting = guards.meeting_by_code(w.session, normalise_code(meeting_code))
            member = guards.member_by_key(meeting, member_key)
            check_in = checkin.join_by_name(w.session, meeting, member)
            result = views.check_in_view(meeting, member, check_in)
            w.changed(meeting.id)
        return result

    def roster_names(self, meeting_code: str) -> dict[str, Any]:
        with self.db.read() as s:
            return views.roster_names(s, guards.meeting_by_code(s, normalise_code(meeting_code)))

    def voter_state(self, check_in_id: str) -> dict[str, Any]:
        with self.db.read() as s:
            check_in = guards.checked_in(s, check_in_id, approved=False)
            return views.voter_state(s, check_in)

    def ballot_form(self, check_in_id: str, round_id: str) -> views.EncodedForm:
        """The form of a round of the phone's own meeting, once it is open."""
        with self.db.read() as s:
            revision = guards.phone_form_revision(s, check_in_id, round_id)
            form = self.forms.cached(round_id, revision)
            if form is None:
                round_ = s.get(Round, round_id)
                form = self.forms.form(s, round_.meeting, round_)
            return form

    def sign(self, check_in_id: str, round_id: str, blinded: bytes) -> bytes:
        with self.work("sign", _voter_actor(check_in_id)) as w:
            member = guards.checked_in(w.session, check_in_id, approved=True).member
            round_ = guards.a_round(w.session, round_id)
            signature = voting.sign_blinded(w.session, self.vault, round_, member, blinded)
            w.changed(round_.meeting_id, turnout_only=True)
        return signature

    def cast(self, round_id: str, command: CastBallot) -> voting.CastResult:
        form = None
        if not self.questions.plaintext(round_id):  # else nothing to check before the unit of work
            with self.db.read() as s:
                form = voting.encrypted_form(s, guards.a_round(s, round_id), self.questions)
                if form is not None and voting.already_stored(s, round_id, command):
                    form = None  # a resend: answered from what is stored, no proof checked again
        if form is not None:
            # An encrypted ballot's proofs, before the unit of work and beside the loop.
            self.offload(voting.check_encrypted_cast, form, command)
        with self.work("cast") as w:
            round_ = guards.a_round(w.session, round_id)
            result = voting.cast_ballot(w.session, round_, command, self.questions,
                                        proofs_checked=form is not None)
            if result.created:
                w.changed(round_.meeting_id, turnout_only=True)
        return result

    def board(self, round_id: str) -> dict[str, Any]:
        with self.db.read() as s:
            return views.board(s, guards.a_round(s, round_id))

    # --- screens --------------------------------------------------------------------------

    def public_state(self, meeting_id: str, live: bool = False) -> dict[str, Any]:
        """What the projector may show: never who cast which ballot, never contents.
        `live`: for a pushed update (read through the screens' own connections)."""
        with self.db.read(screens=live) as s:
            meeting = s.get(Meeting, meeting_id)
            if meeting is None:
                raise not_found("cuộc họp")
            return self.public_states.state(s, meeting, self.results.state)

    def host_of_meeting(self, meeting_id: str) -> int | None:
        """The account that chairs the meeting (its console's room, ballot/realtime.py)."""
        with self.db.read() as s:
            meeting = s.get(Meeting, meeting_id)
            return meeting.host_id if meeting is not None else None

    def host_state(self, host_id: int, meeting_id: str, live: bool = False) -> dict[str, Any]:
        with self.db.read(screens=live) as s:
            _, meeting = guards.host_and_meeting(s, host_id, meeting_id)
            return self.host_states.state(s, meeting, self.settings.zone, self.results.state)
