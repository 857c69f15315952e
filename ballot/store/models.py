"""Storage: SQLAlchemy 2.x typed models (docs/architecture.md, “Storage”).

Secrecy of the ballot is a property of this schema, not of good behaviour:
`Ballot` has no member, session, address or timestamp column, and is stored
WITHOUT ROWID under its own digest, so neither a column nor the physical order
of rows tells when (or in which order) ballots arrived. Participation
(`SignatureIssuance`) is the paper sign-in sheet: who received a signature.

The uniqueness that matters is a database constraint: one signature per member
per round, one stored ballot per signature.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import Enum as SQLEnum
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from ballot.vocabulary import (
    CheckInState,
    Denominator,
    MeetingState,
    MembershipStatus,
    OrganisationKind,
    RoundKind,
    RoundStatus,
)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def _stored(enum: type[Enum], length: int) -> SQLEnum:
    """An enum stored as its value in a plain string column; the CHECK constraints
    below (from the migrations) hold the allowed values in the database itself."""
    return SQLEnum(enum, native_enum=False, create_constraint=False, length=length,
                   values_callable=lambda members: [m.value for m in members],
                   validate_strings=True)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON}


class HostAccount(Base):
    __tablename__ = "host_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Meeting(Base):
    __tablename__ = "meeting"
    __table_args__ = (
        CheckConstraint(
            "organisation_kind IN ('chi_bo_co_so', 'chi_bo_truc_thuoc')",
            name="ck_meeting_kind",
        ),
        CheckConstraint(
            "denominator IN ('entitled', 'present', 'ballots')", name="ck_meeting_denominator"
        ),
        CheckConstraint("state IN ('open', 'certified')", name="ck_meeting_state"),
        CheckConstraint(
            "khtnv_by_accumulation IS NULL OR khtnv_by_accumulation IN ('khtnv', 'undetermined')",
            name="ck_meeting_khtnv_by_accumulation",
        ),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("host_account.id"))
    branch_name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    review_date: Mapped[dt.date] = mapped_column(Date)
    profile: Mapped[str] = mapped_column(String(32))
    denominator: Mapped[Denominator] = mapped_column(_stored(Denominator, 16),
                                                     default=Denominator.ENTITLED)
    thresholds: Mapped[dict[str, Any]] = mapped_column(default=dict)
    organisation_kind: Mapped[OrganisationKind] = mapped_column(_stored(OrganisationKind, 24))
    organisation_disciplined: Mapped[bool] = mapped_column(Boolean, default=False)
    # 366-2025 khoản 1.5: 25 where the competent level grants it; None: the profile's default.
    cap_percent: Mapped[int | None] = mapped_column(Integer)
    # The chi bộ's facts of 21-HD II.B.1.3 and II.B.6, in the scenario's own keys
    # (docs/rules.md, “Dữ liệu đầu vào”): founded_on, criteria, bodies,
    # discipline_self_remedied; a key left out means the ordinary case.
    organisation_facts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # settings.khtnv_by_accumulation ("khtnv" / "undetermined"); None: the profile's default.
    khtnv_by_accumulation: Mapped[str | None] = mapped_column(String(16))
    # What the minutes record of the meeting itself (docs/bundle.md, `meeting`): where it
    # was held, the counting committee (ban kiểm phiếu), head first, and the IANA time
    # zone its times are written in (None: the installation's `timezone` setting).
    place: Mapped[str | None] = mapped_column(String(300))
    counting_committee: Mapped[list[str]] = mapped_column(JSON, default=list)
    timezone: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[MeetingState] = mapped_column(_stored(MeetingState, 16), default=MeetingState.OPEN)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # Counters the screens' caches are keyed by, so that a server process never serves
    # a state or a ballot form older than another process's commit (docs/architecture.md,
    # “Several server processes”): `revision` grows with every change a screen shows,
    # `forms_revision` with every edit of a member a ballot form shows.
    revision: Mapped[int] = mapped_column(Integer, default=0)
    forms_revision: Mapped[int] = mapped_column(Integer, default=0)

    members: Mapped[list[Member]] = relationship(
        back_populates="meeting", order_by="Member.position", cascade="all, delete-orphan"
    )
    rounds: Mapped[list[Round]] = relationship(
        back_populates="meeting", order_by="Round.number", cascade="all, delete-orphan"
    )


class Member(Base):
    """A member of the roster with the facts the rules engine reads (docs/rules.md).
    `key` is the roster id the chi bộ gave (in ballots, bundles and the API as
    the member's "id"); `id` is the database's own row id, never shown."""

    __tablename__ = "member"
    __table_args__ = (
        UniqueConstraint("meeting_id", "key", name="uq_member_key"),
        UniqueConstraint("meeting_id", "personal_code", name="uq_member_personal_code"),
        CheckConstraint("status IN ('chinh_thuc', 'du_bi')", name="ck_member_status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meeting.id"), index=True)
    key: Mapped[str] = mapped_column(String(32))  # the roster id, e.g. "m01"
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[MembershipStatus] = mapped_column(_stored(MembershipStatus, 16))
    admitted_on: Mapped[dt.date] = mapped_column(Date)
    personal_code: Mapped[str] = mapped_column(String(16))
    present: Mapped[bool] = mapped_column(Boolean, default=False)
    absent_with_leave: Mapped[bool] = mapped_column(Boolean, default=False)
    facts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    self_level: Mapped[str | None] = mapped_column(String(8))
    committee_level: Mapped[str | None] = mapped_column(String(8))

    meeting: Mapped[Meeting] = relationship(back_populates="members")


class CheckIn(Base):
    """A phone that joined the meeting: by personal code (approved at once) or by
    choosing a name (pending until the host approves). One member, one phone: a
    second phone for a member already in waits for the host, who may move the member
    to it (the first becomes `replaced`)."""

    __tablename__ = "check_in"
    __table_args__ = (
        CheckConstraint("state IN ('pending', 'approved', 'refused', 'replaced')", name="ck_checkin_state"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meeting.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    state: Mapped[CheckInState] = mapped_column(_stored(CheckInState, 16))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    member: Mapped[Member] = relationship()


class Round(Base):
    __tablename__ = "round"
    __table_args__ = (
        UniqueConstraint("meeting_id", "number", name="uq_round_number"),
        CheckConstraint(
            "kind IN ('classification', 'followup', 'organisation')", name="ck_round_kind"
        ),
        CheckConstraint("status IN ('draft', 'open', 'closed')", name="ck_round_status"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meeting.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[RoundKind] = mapped_column(_stored(RoundKind, 16))
    status: Mapped[RoundStatus] = mapped_column(_stored(RoundStatus, 8), default=RoundStatus.DRAFT)
    public_key_pem: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Encrypted to the counting committee's joint key (docs/encrypted-ballots.md, 14):
    # the ceremony whose key the ballots use; once closed, the encrypted tally (canonical
    # JSON) until `t` trustees' shares give the counts. None: plaintext ballots.
    ceremony_id: Mapped[str | None] = mapped_column(ForeignKey("committee_ceremony.id"))
    encrypted_tally: Mapped[str | None] = mapped_column(Text)
    # {"ballots", "votes"}: a plaintext round's counted at its close, an encrypted
    # round's decrypted (with "trustees"); None before (or from an earlier version).
    counts: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    # A closed encrypted round the committee could not count, voided by the host.
    voided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    meeting: Mapped[Meeting] = relationship(back_populates="rounds")
    questions: Mapped[list[Question]] = relationship(
        back_populates="round", order_by="Question.position", cascade="all, delete-orphan"
    )


class CommitteeCeremony(Base):
    """One run of the counting committee's key generation (docs/encrypted-ballots.md, 4
    and 14). The meeting's current ceremony is its latest; a failed or replaced one
    stays in the record. `context` is the canonical JSON every message binds."""

    __tablename__ = "committee_ceremony"
    __table_args__ = (
        UniqueConstraint("meeting_id", "number", name="uq_ceremony_number"),
        CheckConstraint("state IN ('running', 'complete', 'failed')", name="ck_ceremony_state"),
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    meeting_id: Mapped[str] = mapped_column(ForeignKey("meeting.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    context: Mapped[str] = mapped_column(Text)
    n: Mapped[int] = mapped_column(Integer)
    t: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16), default="running")
    failure: Mapped[str | None] = mapped_column(Text)
    joint_key: Mapped[str | None] = mapped_column(String(64))
    fingerprint: Mapped[str | None] = mapped_column(String(64))
    confirmed_aloud_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    trustees: Mapped[list[Trustee]] = relationship(
        back_populates="ceremony", order_by="Trustee.index", cascade="all, delete-orphan"
    )


class Trustee(Base):
    """Member `member_id` is trustee `index` of the ceremony; the phone of their check-in
    opens the trustee page."""

    __tablename__ = "trustee"

    ceremony_id: Mapped[str] = mapped_column(ForeignKey("committee_ceremony.id"), primary_key=True)
    index: Mapped[int] = mapped_column(Integer, primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))

    ceremony: Mapped[CommitteeCeremony] = relationship(back_populates="trustees")
    member: Mapped[Member] = relationship()


class CeremonyMessage(Base):
    """A signed envelope of the ceremony as its trustee sent it (announce, dealing,
    confirmation, complaint); `against` tells a trustee's complaints apart (0 otherwise)."""

    __tablename__ = "ceremony_message"
    __table_args__ = (
        CheckConstraint("kind IN ('announce', 'dealing', 'confirmation', 'complaint')",
                        name="ck_ceremony_message_kind"),
    )

    ceremony_id: Mapped[str] = mapped_column(ForeignKey("committee_ceremony.id"), primary_key=True)
    trustee_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    against: Mapped[int] = mapped_column(Integer, primary_key=True, default=0)
    envelope: Mapped[str] = mapped_column(Text)


class DecryptionShare(Base):
    """A trustee's partial decryption of a round's encrypted tally, as sent; refused ones
    are kept with the reason (the console names the trustee)."""

    __tablename__ = "decryption_share"

    round_id: Mapped[str] = mapped_column(ForeignKey("round.id"), primary_key=True)
    trustee_index: Mapped[int] = mapped_column(Integer, primary_key=True)
    envelope: Mapped[str] = mapped_column(Text)
    refused: Mapped[str | None] = mapped_column(Text)


class Question(Base):
    """One line of the ballot: a member to classify, or the chi bộ itself."""

    __tablename__ = "question"
    __table_args__ = (UniqueConstraint("round_id", "key", name="uq_question_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("round.id"), index=True)
    key: Mapped[str] = mapped_column(String(32))  # the id inside the ballot JSON
    position: Mapped[int] = mapped_column(Integer)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))
    label: Mapped[str] = mapped_column(String(300))

    round: Mapped[Round] = relationship(back_populates="questions")
    member: Mapped[Member | None] = relationship()


class SignatureIssuance(Base):
    """Participation, the paper sign-in sheet: this member received their one blind
    signature for this round. Keyed by (round, member) WITHOUT ROWID and with no
    time, so neither a row id nor a column keeps the order in which members signed
    (docs/threat-model.md, “Whoever gets the data directory after the meeting”).

    While the round is open it also keeps what was signed, so that a member whose
    answer was lost (a crash, a dropped Wi-Fi) gets the same signature again for the
    same blinded message, never a second one; both are erased when the round closes."""

    __tablename__ = "signature_issuance"
    __table_args__ = ({"sqlite_with_rowid": False},)

    round_id: Mapped[str] = mapped_column(ForeignKey("round.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), primary_key=True)
    blinded_digest: Mapped[bytes | None] = mapped_column(LargeBinary(32))
    blind_signature: Mapped[bytes | None] = mapped_column(LargeBinary(1024))


class HostSession(Base):
    """A host's login, kept on the server so that logging out or changing the
    password ends it (the cookie carries only a random token; the digest is stored)."""

    __tablename__ = "host_session"

    token_digest: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    host_id: Mapped[int] = mapped_column(ForeignKey("host_account.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Ballot(Base):
    """A stored signed ballot. Deliberately nothing that could name its voter."""

    __tablename__ = "ballot"
    __table_args__ = (
        UniqueConstraint("round_id", "signature", name="uq_one_ballot_per_signature"),
        Index("uq_ballot_nonce", "round_id", "nonce", unique=True),
        {"sqlite_with_rowid": False},
    )

    digest: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    round_id: Mapped[str] = mapped_column(ForeignKey("round.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    prefix: Mapped[bytes] = mapped_column(LargeBinary(32))
    signature: Mapped[bytes] = mapped_column(LargeBinary(512))
    tracking_code: Mapped[str] = mapped_column(String(16))
    # An encrypted ballot's nonce, unique in its round: a copy of another member's
    # ciphertexts must not be counted twice (docs/encrypted-ballots.md, 6). Random,
    # and inside the ballot's text anyway.
    nonce: Mapped[str | None] = mapped_column(String(32))


class AuditEvent(Base):
    """Who did what to a meeting, and when; never which ballot."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[str | None] = mapped_column(ForeignKey("meeting.id"), index=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(64))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Certificate(Base):
    """The certified bundle of a meeting (docs/protocol.md, “Certification”).

    One per meeting (the primary key is the meeting), written in the same
    transaction that freezes the meeting, so a meeting is certified exactly
    when its bundle exists. The bundle is kept byte for byte as it was signed
    and served; the PDF and the spreadsheet are derived from it on request."""

    __tablename__ = "certificate"

    meeting_id: Mapped[str] = mapped_column(ForeignKey("meeting.id"), primary_key=True)
    bundle_json: Mapped[str] = mapped_column(Text)
    bundle_hash: Mapped[str] = mapped_column(String(80))
    signer_fingerprint: Mapped[str] = mapped_column(String(80))
    certified_by: Mapped[str] = mapped_column(String(100))
    certified_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class RoundKey(Base):
    """An open round's private key on PostgreSQL, where several server processes sign
    (ballot/store/round_keys.py): AES-GCM under a key derived from the installation's
    secret, which the database does not hold. The row is deleted in the close's own
    transaction (docs/protocol.md, “Round keys”)."""

    __tablename__ = "round_key"

    round_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    nonce: Mapped[bytes] = mapped_column(LargeBinary)
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
