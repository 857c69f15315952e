"""Read models: what each screen is sent (docs/architecture.md, “Read models”;
docs/threat-model.md says who sees what).

While a round is open every screen, the host's included, gets the turnout and
nothing finer: signatures issued, ballots cast, voters present. The votes per
member appear for everyone the moment the round closes. The projector's and the
phones' snapshot is public: no roster fact, no personal code, and results with
short public notes only. The host console's adds the roster, the members who have
not yet taken part (in roster order, as a paper sign-in sheet) and the full
reasons. A phone's ballot form is built and encoded once per round and forms revision (`RoundForms`),
the public state once per meeting revision (`RevisionStates`).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives import serialization
from sqlalchemy import select
from sqlalchemy.orm import Session

from ballot.crypto.blind_rsa import public_key_to_json
from ballot.crypto.encoding import b64url_encode
from ballot.services import ballot_box, checkin, counting, proposal, trustees
from ballot.services.errors import conflict
from ballot.services.phases import is_counted, is_counting, phase
from ballot.services.rounds import current_round, out_of_order, quorum_refusal
from ballot.services.scenario import may_vote, on_ballot, organisation_of, quorum, settings_of
from ballot.store.models import Certificate, CheckIn, CommitteeCeremony, Meeting, Member, Question, Round, Trustee
from ballot.vocabulary import LEVEL_CODES, MEMBER_ROUND_KINDS, CheckInState, MeetingState, RoundKind, RoundStatus

# How a state reads the meeting's proposal: the revision's memo (`proposal_results`).
Results = Callable[[Session, Meeting], dict[str, Any]]


def public_state(session: Session, meeting: Meeting, results: Results) -> dict[str, Any]:
    state = _common_state(session, meeting, results)
    if state["results"] is not None:
        state["results"] = public_results(state["results"])
    if state["round"] is not None:
        # The version of the round's form: a phone follows an opening from the push alone
        # (docs/protocol.md, GET /api/state).
        state["round"]["form"] = form_version(meeting.rounds[-1], meeting.forms_revision or 0)
    if state["round"] is not None and "tally" not in state["round"]:
        # The labels only caption a tally: without one they would be most of every push
        # (10 kB a phone, five times a second, at 200 members) on the room's Wi-Fi.
        del state["round"]["questions"]
    state["certificate"] = _certificate_view(session, meeting)
    return state


def _certificate_view(session: Session, meeting: Meeting) -> dict[str, Any] | None:
    """What the room may read of the certification: the bundle's short hash, the
    first 16 hex digits the đảng ủy reads back from the file it received."""
    # The hash alone: the certificate's row also holds the whole bundle (17.5 MiB at 1,000 members).
    bundle_hash = session.scalar(select(Certificate.bundle_hash).where(Certificate.meeting_id == meeting.id)) \
        if meeting.state == MeetingState.CERTIFIED else None
    if bundle_hash is None:
        return None
    digits = "".join(ch for ch in bundle_hash if ch in "0123456789abcdefABCDEF").upper()
    return {"short_hash": " ".join(digits[i:i + 4] for i in range(0, 16, 4))}


def meeting_zone(meeting: Meeting, default: ZoneInfo) -> ZoneInfo:
    """The meeting's own time zone, else the installation's (ballot/config.py, `timezone`)."""
    return ZoneInfo(meeting.timezone) if meeting.timezone else default


def host_state(session: Session, meeting: Meeting, zone: ZoneInfo, results: Results) -> dict[str, Any]:
    zone = meeting_zone(meeting, zone)
    state = _common_state(session, meeting, results)
    state["meeting"]["code"] = meeting.code
    # What the minutes record of the meeting (docs/bundle.md, `meeting`); editable until certified.
    state["meeting"]["details"] = {
        "place": meeting.place,
        "counting_committee": list(meeting.counting_committee or []),
        "timezone": zone.key,
        "timezone_is_default": not meeting.timezone,
    }
    # What the rules read of the chi bộ and the count (services/scenario.py): the host's only.
    state["meeting"]["organisation"] = organisation_of(meeting)
    state["meeting"]["settings"] = settings_of(meeting)
    state["members"] = [_member_view(m) for m in meeting.members]
    state["pending_check_ins"] = [_pending_view(session, c, zone) for c in checkin.pending(session, meeting)]
    state["rounds"] = [_round_summary(session, r) for r in meeting.rounds]
    if state["round"]:
        state["round"] = state["rounds"][-1]
        if meeting.rounds[-1].status == RoundStatus.OPEN:
            state["round"]["waiting"] = _not_yet_signed(session, meeting, meeting.rounds[-1])
    state["organisation_vote"] = proposal.organisation_vote(session, meeting)
    state["not_on_ballot"] = _not_on_ballot(meeting)
    state["committee"] = _committee_view(session, meeting, zone)
    # Why a console button would be refused now (None: it would not), by the use cases' own checks.
    state["refusals"] = {
        "create": {kind.value: (refusal[1] if (refusal := out_of_order(meeting, kind)) else None)
                   for kind in RoundKind},
        "open": quorum_refusal(meeting),
    }
    state["digests"] = {part: _digest(state[part]) for part in HEAVY_PARTS}
    state["digests"]["rounds"] = _digest([[r["id"], *(r.get(part) for part in HEAVY_ROUND_PARTS)]
                                          for r in state["rounds"]])
    return state


# The parts of the console's state that grow with the roster and change seldom (the
# roster, the results; each round's questions, and a closed round's tally and tracking
# codes): a live push leaves them out and names them by digest, and the console fetches
# the whole state when a digest differs from what it holds (docs/architecture.md,
# “Read models”).
HEAVY_PARTS = ("members", "results")
HEAVY_ROUND_PARTS = ("questions", "tally", "tracking_codes")


def compact_host_state(state: dict[str, Any]) -> dict[str, Any]:
    compact = {key: value for key, value in state.items() if key not in HEAVY_PARTS}
    compact["rounds"] = [{k: v for k, v in r.items() if k not in (*HEAVY_ROUND_PARTS, "waiting")}
                         for r in state["rounds"]]
    if state["round"]:
        compact["round"] = {k: v for k, v in state["round"].items() if k not in HEAVY_ROUND_PARTS}
    return compact


def _digest(part: Any) -> str:
    text = json.dumps(part, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def meeting_listing(meeting: Meeting) -> dict[str, Any]:
    """One line of the host's list of meetings."""
    return {"id": meeting.id, "title": meeting.title, "branch_name": meeting.branch_name,
            "code": meeting.code, "date": meeting.review_date.isoformat(), "state": meeting.state.value}


def _not_on_ballot(meeting: Meeting) -> list[dict[str, str]]:
    """Members the rules now classify whom no member round asks about: marked present
    after the classification round was made. A follow-up round decides them (docs/rules.md,
    “Vòng bỏ phiếu bổ sung”); the console says so while there is still time."""
    member_rounds = [r for r in meeting.rounds if r.kind in MEMBER_ROUND_KINDS]
    if not any(r.kind == RoundKind.CLASSIFICATION for r in member_rounds):
        return []
    asked = {q.member_id for r in member_rounds for q in r.questions}
    return [{"id": m.key, "name": m.name} for m in meeting.members
            if m.id not in asked and on_ballot(meeting, m)]


def _common_state(session: Session, meeting: Meeting, results: Results) -> dict[str, Any]:
    latest = meeting.rounds[-1] if meeting.rounds else None
    open_now = latest is not None and latest.status == RoundStatus.OPEN
    return {
        "meeting": _meeting_view(meeting),
        "attendance": quorum(meeting),
        "voters": sum(1 for m in meeting.members if may_vote(m)),
        # Phones refetch their own state when this grows: one of them may be asked about.
        "check_ins_waiting": len(checkin.pending(session, meeting)),
        "round": _round_summary(session, latest) if latest else None,
        "results": results(session, meeting)
        if proposal.closed_member_rounds(meeting) and not open_now else None,
        "committee": _public_committee(session, meeting),
    }


def _public_committee(session: Session, meeting: Meeting) -> dict[str, Any] | None:
    """That the meeting has a counting committee, and where its ceremony is; the
    projector fetches the record itself and computes the fingerprint."""
    ceremony = trustees.current_ceremony(session, meeting)
    if ceremony is None:
        return None
    return {"ceremony": ceremony.id, "state": ceremony.state, "n": ceremony.n, "t": ceremony.t,
            "confirmed_aloud": ceremony.confirmed_aloud_at is not None}


def _committee_view(session: Session, meeting: Meeting, zone: ZoneInfo) -> dict[str, Any] | None:
    """The console's card: each trustee's progress through the ceremony (docs/encrypted-ballots.md, 14)."""
    ceremony = trustees.current_ceremony(session, meeting)
    if ceremony is None:
        return None
    sent = trustees.progress(session, ceremony)
    confirmed = ceremony.confirmed_aloud_at
    return {
        "ceremony": ceremony.id, "state": ceremony.state, "failure": ceremony.failure,
        "n": ceremony.n, "t": ceremony.t,
        "short_fingerprint": trustees.short_fingerprint(ceremony),
        "confirmed_aloud_at": confirmed.replace(tzinfo=dt.timezone.utc).astimezone(zone).strftime("%H:%M")
        if confirmed else None,
        "trustees": [{"index": tr.index, "id": tr.member.key, "name": tr.member.name,
                      "announced": "announce" in sent[tr.index], "dealt": "dealing" in sent[tr.index],
                      "confirmed": "confirmation" in sent[tr.index],
                      "complained": "complaint" in sent[tr.index]}
                     for tr in ceremony.trustees],
    }


def _not_yet_signed(session: Session, meeting: Meeting, round_: Round) -> list[dict[str, str]]:
    """The voters present who have not yet taken a ballot, in roster order: a paper
    sign-in sheet's blanks, never the order or time of signing."""
    signed = set(ballot_box.signed_member_keys(session, round_.id))
    return [{"id": m.key, "name": m.name} for m in meeting.members if may_vote(m) and m.key not in signed]


def _pending_view(session: Session, check_in: CheckIn, zone: ZoneInfo) -> dict[str, Any]:
    view: dict[str, Any] = {"id": check_in.id, "member_id": check_in.member.key, "name": check_in.member.name,
                            "other_phone_since": None}
    other = checkin.active_check_in(session, check_in.member)
    if other is not None:
        since = other.created_at.replace(tzinfo=dt.timezone.utc).astimezone(zone)
        view["other_phone_since"] = since.strftime("%H:%M")
    return view


def check_in_view(meeting: Meeting, member: Member, check_in: CheckIn) -> dict[str, Any]:
    return {
        "member": {"id": member.key, "name": member.name, "status": member.status.value},
        "meeting": {"id": meeting.id, "title": meeting.title},
        "check_in": {"id": check_in.id, "state": check_in.state.value},
    }


def roster_names(session: Session, meeting: Meeting) -> dict[str, Any]:
    """The names a phone may choose from: never a member already present or in on a
    phone (one member, one phone)."""
    return {"meeting": {"id": meeting.id, "title": meeting.title},
            "members": [{"id": m.key, "name": m.name} for m in meeting.members
                        if not m.present and checkin.active_check_in(session, m) is None]}


def board(session: Session, round_: Round) -> dict[str, Any]:
    """The bulletin board: the count while the round is open, the sorted tracking
    codes once it has closed (polled during the round, codes appearing one by one
    would tell when each ballot arrived)."""
    closed = round_.status == RoundStatus.CLOSED
    return {"round_id": round_.id, "status": phase(round_).value,
            "ballots_cast": ballot_box.ballot_count(session, round_.id),
            "tracking_codes": ballot_box.tracking_codes(session, round_.id) if closed else None}


# What the room may read of a result: no roster fact, only these short notes.
PUBLIC_NOTES = {
    "within_excellence_cap": "Trong giới hạn tỷ lệ xuất sắc",
    "excellence_cap_exceeded": "Giảm theo giới hạn tỷ lệ xuất sắc",
    "excellence_cap_advisory": "Vượt giới hạn tỷ lệ xuất sắc: đảng ủy cơ sở xem xét",
    "excellence_cap_exceeded_after_followup": "Vượt giới hạn tỷ lệ xuất sắc sau vòng bổ sung",
    "excellence_cap_tie": "Bằng phiếu tại giới hạn tỷ lệ xuất sắc: chi bộ bỏ phiếu bổ sung",
    "excellence_cap_advisory_tie": "Bằng phiếu tại giới hạn tỷ lệ xuất sắc",
    "excellence_cap_tie_not_asked": "Bằng phiếu tại giới hạn tỷ lệ xuất sắc",
    "small_organisation_exception": "Nơi có dưới 05 đảng viên hoàn thành tốt nhiệm vụ",
    "no_level_reached": "Chưa đạt mức nào: cần bỏ phiếu bổ sung",
    "khtnv_by_accumulation": "Chỉ đạt do cộng dồn phiếu",
    "khtnv_by_accumulation_undetermined": "Chỉ đạt do cộng dồn phiếu: cần bỏ phiếu bổ sung",
}
ADJUSTED_NOTE = "Điều chỉnh theo quy định (chi tiết trong biên bản)"
NOT_NOW_NOTE = "Không xếp loại trong lần này (chi tiết trong biên bản)"


def public_results(full: dict[str, Any]) -> dict[str, Any]:
    """The proposal as the room may see it: levels, counts and shares, the cap's
    arithmetic, and short public notes instead of reasons that name private facts."""
    members = []
    for member in full["members"]:
        codes = [reason["code"] for reason in member["reasons"]]
        notes = [PUBLIC_NOTES[code] for code in dict.fromkeys(codes) if code in PUBLIC_NOTES]
        if member["status"] in ("not_classified", "deferred"):
            notes.append(NOT_NOW_NOTE)
        elif member["level"] != member["voted_level"] and not any(c.startswith("excellence_cap") for c in codes):
            notes.append(ADJUSTED_NOTE)
        members.append({key: member[key] for key in ("id", "name", "status", "voted_level", "level",
                                                     "votes", "shares")} | {"notes": notes})
    return {
        "profile": full["profile"],
        "members": members,
        "totals": full["totals"],
        "cap": full["cap"],
        "denominator": full["denominator"],
        "organisation": {"max_level": full["organisation"]["max_level"]},
    }


@dataclass(frozen=True)
class EncodedForm:
    """A round's ballot form as sent: its JSON once encoded, and compressed once (the
    form holds nothing secret and nothing a request chose, so compressing it leaks
    nothing), named by `etag`, which changes whenever the form does."""

    etag: str
    body: bytes
    gzipped: bytes


def form_version(round_: Round, forms_revision: int) -> str:
    return f"{round_.id}.{forms_revision}"


class RoundForms:
    """The ballot form of each round, built and encoded once per forms revision.

    Every phone asks for it when the round opens, and in a large meeting building and
    encoding it was most of the server's work (bench/meeting_load.py). Only editing a
    member changes it, and each edit bumps the meeting's `forms_revision` in its own
    transaction: the revision is read before the form is built, so a form is never
    filed under a revision newer than what it shows, and another server process's
    edit is seen at the next request (docs/architecture.md, “Several server processes”).
    """

    def __init__(self) -> None:
        self._forms: dict[tuple[str, int], EncodedForm] = {}
        self._lock = threading.Lock()

    def cached(self, round_id: str, forms_revision: int) -> EncodedForm | None:
        return self._forms.get((round_id, forms_revision))

    def form(self, session: Session, meeting: Meeting, round_: Round) -> EncodedForm:
        revision = meeting.forms_revision or 0  # read with the meeting's row, before the form
        key = (round_.id, revision)
        form = self._forms.get(key)
        if form is None:
            body = json.dumps(_round_form(session, round_), ensure_ascii=False, separators=(",", ":")).encode()
            form = EncodedForm(f'"{form_version(round_, revision)}"', body, gzip.compress(body, 6, mtime=0))
            with self._lock:
                # The older revisions' forms are never asked for again.
                for old in [k for k in self._forms if k[0] == round_.id and k[1] < revision]:
                    del self._forms[old]
                self._forms[key] = form
        return form


class RevisionStates:
    """A screen's state built once per meeting revision, with the open round's counts
    read afresh (`refresh`) at every request: a room's phones all join at once when the
    Wi-Fi comes back, and building the projector's state reads the whole roster (~70 ms
    with 1,000 members); while a round is open each signature and ballot would rebuild
    the console's for every push (a fifth of the server at 200 members,
    bench/meeting_load.py). Keyed by the meeting's `revision`, which every change a
    screen shows bumps in its own transaction (ballot/services/unit_of_work.py), read
    with the meeting's row before the rest: what one server process keeps, another's
    commit makes old."""

    def __init__(self, build: Callable[..., dict[str, Any]],
                 refresh: Callable[[Session, dict[str, Any]], dict[str, Any]]) -> None:
        self._build = build
        self._refresh = refresh
        self._states: dict[str, tuple[int, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def state(self, session: Session, meeting: Meeting, *args: Any) -> dict[str, Any]:
        revision = meeting.revision  # read with the meeting's row, before all the state reads
        with self._lock:
            cached = self._states.get(meeting.id)
        if cached is not None and cached[0] == revision:
            return self._refresh(session, cached[1])
        state = self._build(session, meeting, *args)
        with self._lock:
            if meeting.id not in self._states or self._states[meeting.id][0] <= revision:
                self._states[meeting.id] = (revision, state)
        return state


def public_states() -> RevisionStates:
    """The projector's and the phones' state (`public_state`)."""
    return RevisionStates(public_state, _with_turnout)


def proposal_results() -> RevisionStates:
    """The meeting's proposal once per revision, for the projector's state, the
    console's and the console's proposal alike: classifying 1,000 members takes some
    0.2 s, and a close or a certification made each of them classify again
    (bench/meeting_load.py). It reads the roster, the settings and the closed rounds,
    and every change to them bumps the revision; callers only read the result."""
    return RevisionStates(proposal.compute, lambda session, results: results)


def host_states() -> RevisionStates:
    """The host console's state (`host_state`): the open round's blanks are read afresh too."""
    return RevisionStates(host_state, _host_turnout)


def _host_turnout(session: Session, state: dict[str, Any]) -> dict[str, Any]:
    """`_with_turnout` for the console, whose open round also lists who has not yet
    signed: the same blanks less those who signed since (nobody else joins them
    without a new revision: presence, a check-in)."""
    fresh = _with_turnout(session, state)
    if fresh is state:
        return state
    round_ = fresh["round"]
    if "waiting" in round_:
        signed = set(ballot_box.signed_member_keys(session, round_["id"]))
        round_["waiting"] = [w for w in round_["waiting"] if w["id"] not in signed]
    fresh["rounds"] = [round_ if r["id"] == round_["id"] else r for r in state["rounds"]]
    return fresh


def _with_turnout(session: Session, state: dict[str, Any]) -> dict[str, Any]:
    """The open round's counts now: signing and casting leave the meeting's revision
    as it was (UnitOfWork.changed), and nothing else of the state moves with them."""
    round_ = state["round"]
    if round_ is None or round_["status"] != RoundStatus.OPEN.value:
        return state
    return {**state, "round": {**round_, "participants": ballot_box.participation_count(session, round_["id"]),
                               "ballots_cast": ballot_box.ballot_count(session, round_["id"])}}


def voter_state(session: Session, check_in: CheckIn) -> dict[str, Any]:
    """A few hundred bytes: the round's form, which every phone of the room asks for at
    once when it opens, is fetched apart, once per `form` version (`RoundForms`)."""
    member, meeting = check_in.member, check_in.member.meeting
    round_ = current_round(meeting)
    return {
        "meeting": {"id": meeting.id, "title": meeting.title,
                    "branch_name": meeting.branch_name, "state": meeting.state.value},
        "round": {"id": round_.id, "number": round_.number, "kind": round_.kind.value,
                  "status": phase(round_).value, "form": form_version(round_, meeting.forms_revision or 0)}
        if round_ else None,
        "me": {
            "id": member.key, "name": member.name, "status": member.status.value,
            "check_in": check_in.state.value,
            "can_vote": check_in.state == CheckInState.APPROVED and may_vote(member),
            "has_signature": bool(round_) and ballot_box.has_signature(session, round_.id, member.id),
            # The member's seat on the counting committee: the phone links to the trustee page.
            "trustee": seat.index if (seat := trustees.trustee_of(session, member)) else None,
            # Another phone asked to come in as this member (docs/threat-model.md, “Another member”).
            "other_phone_waiting": check_in.state == CheckInState.APPROVED
            and checkin.waiting_on_another_phone(session, member),
            # This phone waits because the member is already in on another.
            "other_phone": check_in.state == CheckInState.PENDING
            and checkin.active_check_in(session, member) is not None,
        },
    }


def _meeting_view(meeting: Meeting) -> dict[str, Any]:
    return {
        "id": meeting.id,
        "title": meeting.title,
        "branch_name": meeting.branch_name,
        "code": meeting.code,
        "date": meeting.review_date.isoformat(),
        "profile": meeting.profile,
        "denominator": meeting.denominator.value,
        "organisation_kind": meeting.organisation_kind.value,
        "state": meeting.state.value,
    }


def _round_summary(session: Session, round_: Round) -> dict[str, Any]:
    """Turnout while the round is open; its tally and tracking codes once closed."""
    summary: dict[str, Any] = {
        "id": round_.id,
        "number": round_.number,
        "kind": round_.kind.value,
        "status": phase(round_).value,
        "encrypted": round_.ceremony_id is not None,
        "participants": ballot_box.participation_count(session, round_.id),
        "ballots_cast": ballot_box.ballot_count(session, round_.id),
        "questions": [{"id": q.key, "label": q.label} for q in round_.questions],
    }
    if round_.status == RoundStatus.CLOSED:
        summary["tracking_codes"] = ballot_box.tracking_codes(session, round_.id)
    if is_counted(round_):
        summary["tally"] = ballot_box.tally(session, round_)
    if is_counting(round_):
        summary["decryption"] = counting.decryption_view(session, round_)
    return summary


def _member_view(member: Member) -> dict[str, Any]:
    return {
        "id": member.key,
        "name": member.name,
        "role": member.role,
        "status": member.status.value,
        "admitted_on": member.admitted_on.isoformat(),
        "present": member.present,
        "absent_with_leave": member.absent_with_leave,
        "self_level": member.self_level,
        "committee_level": member.committee_level,
        "facts": member.facts,
        "may_vote": may_vote(member),
    }


def _round_form(session: Session, round_: Round) -> dict[str, Any]:
    public_key = serialization.load_pem_public_key(round_.public_key_pem.encode())
    # One query of plain rows, rather than a thousand Question and Member objects
    # built for it in a meeting of 1,000.
    rows = session.execute(
        select(Question.key, Question.label, Member.key, Member.role, Member.self_level,
               Member.committee_level)
        .outerjoin(Member, Question.member_id == Member.id)
        .where(Question.round_id == round_.id)
        .order_by(Question.position)
    )
    form = {
        "id": round_.id,
        "kind": round_.kind.value,
        "number": round_.number,
        "questions": [
            {
                "id": key,
                "member_id": member_key,
                "label": label,
                "role": role or "",
                "options": list(LEVEL_CODES),
                "proposals": {"self": self_level, "committee": committee_level},
            }
            for key, label, member_key, role, self_level, committee_level in rows
        ],
        "public_key": public_key_to_json(public_key),
    }
    if round_.ceremony_id is not None:
        # The phone computes the joint key from this record itself (docs/encrypted-ballots.md, 4.3).
        ceremony = session.get(CommitteeCeremony, round_.ceremony_id)
        form["committee"] = trustees.transcript(session, ceremony)
    return form


def trustee_view(session: Session, trustee: Trustee) -> dict[str, Any]:
    """The trustee page: the ceremony's record and the rounds waiting for this trustee's
    share (docs/encrypted-ballots.md, 14). Public data only: the page holds the secret."""
    ceremony = trustee.ceremony
    meeting = session.get(Meeting, ceremony.meeting_id)
    waiting = [r for r in meeting.rounds if r.ceremony_id == ceremony.id and is_counting(r)]
    return {
        "meeting": {"id": meeting.id, "title": meeting.title, "branch_name": meeting.branch_name,
                    "state": meeting.state.value},
        "me": {"index": trustee.index, "name": trustee.member.name},
        "ceremony": {"id": ceremony.id, "state": ceremony.state, "failure": ceremony.failure,
                     "n": ceremony.n, "t": ceremony.t,
                     "confirmed_aloud": ceremony.confirmed_aloud_at is not None,
                     "transcript": trustees.transcript(session, ceremony)},
        "rounds": [{"id": r.id, "number": r.number, "kind": r.kind.value, "status": phase(r).value,
                    "ballots": ballot_box.ballot_count(session, r.id),
                    "questions": len(r.questions),
                    "tally": json.loads(r.encrypted_tally or "null"),
                    **counting.decryption_view(session, r)}
                   for r in waiting],
    }


def committee_record(session: Session, meeting: Meeting) -> dict[str, Any] | None:
    """The current committee's public record, for the projector to check itself."""
    ceremony = trustees.current_ceremony(session, meeting)
    if ceremony is None:
        return None
    return {"ceremony": ceremony.id, "state": ceremony.state, "n": ceremony.n, "t": ceremony.t,
            "transcript": trustees.transcript(session, ceremony),
            "trustees": [{"index": tr.index, "name": tr.member.name} for tr in ceremony.trustees]}


def published_ballots(session: Session, round_: Round) -> dict[str, Any]:
    """A closed round's ballots as the bundle will hold them, sorted by text, with the
    round's public key: a trustee's phone checks every signature and that the tally is
    their sum before it decrypts (docs/encrypted-ballots.md, 8). Only once no ballot can
    arrive any more, and only an encrypted round's (a plaintext round's board suffices)."""
    if round_.ceremony_id is None or round_.status != RoundStatus.CLOSED:
        raise conflict("not_closed", "Phiếu của vòng chỉ được công bố khi vòng đã kết thúc.")
    public_key = serialization.load_pem_public_key(round_.public_key_pem.encode())
    return {
        "round": round_.id,
        "public_key": public_key_to_json(public_key),
        "ballots": sorted(({"text": b.text, "prefix": b64url_encode(b.prefix),
                            "signature": b64url_encode(b.signature)}
                           for b in ballot_box.stored_ballots(session, round_.id)), key=lambda b: b["text"]),
    }
