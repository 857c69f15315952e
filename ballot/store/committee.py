"""The đảng ủy's workspace database (docs/committee-bundle.md, “The workspace”): its own
tables on their own metadata, never mixed with a chi bộ's meeting tables, in its own
file (`<data>/committee.sqlite3`) unless the `database_url` setting names PostgreSQL.
The tables are prefixed `committee_` so that even a shared PostgreSQL database keeps
them apart. SQLite is tuned as the meeting database is (ballot.store.db.make_engine).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    inspect,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

from ballot.store.db import create_private_file, make_engine, sqlite_path


class CommitteeBase(DeclarativeBase):
    """The committee's own metadata: `create_all` here never touches a meeting table."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


class Committee(CommitteeBase):
    __tablename__ = "committee_workspace"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    profile: Mapped[str] = mapped_column(String(40))
    cap_percent: Mapped[int] = mapped_column(Integer, default=20)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Branch(CommitteeBase):
    __tablename__ = "committee_branch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class BranchKey(CommitteeBase):
    """A signer fingerprint the chi bộ registered; `confirmation` records how the clerk
    confirmed it against the chi bộ's own record (typed, or seen on a refused bundle)."""

    __tablename__ = "committee_branch_key"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("committee_branch.id"))
    fingerprint: Mapped[str] = mapped_column(String(80), unique=True)
    confirmation: Mapped[str] = mapped_column(Text)
    registered_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class ImportedBundle(CommitteeBase):
    """A chi bộ bundle accepted after full verification, kept byte for byte."""

    __tablename__ = "committee_bundle"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    branch_id: Mapped[int] = mapped_column(ForeignKey("committee_branch.id"))
    sha256: Mapped[str] = mapped_column(String(80), unique=True)
    signer_fingerprint: Mapped[str] = mapped_column(String(80))
    file_name: Mapped[str] = mapped_column(String(300))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Decision(CommitteeBase):
    """The đảng ủy's decision on one member (member_key set) or one chi bộ (None)."""

    __tablename__ = "committee_decision"
    __table_args__ = (UniqueConstraint("branch_name", "member_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    branch_name: Mapped[str] = mapped_column(String(200))
    member_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    level: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Certification(CommitteeBase):
    """Each committee bundle issued: the resolution it carries and its hash."""

    __tablename__ = "committee_certification"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    resolution: Mapped[str] = mapped_column(String(100))
    resolution_date: Mapped[str] = mapped_column(String(10))
    sha256: Mapped[str] = mapped_column(String(80))
    summary: Mapped[dict] = mapped_column(JSON)
    certified_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class Clerk(CommitteeBase):
    """An account of the đảng ủy's office on the `/committee` web area: a username and a
    password hash made as the host accounts' are (ballot.services.hosts)."""

    __tablename__ = "committee_clerk"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class ClerkSession(CommitteeBase):
    """A clerk's login: the cookie carries a random token, only its SHA-256 is kept, so
    that logging out ends it."""

    __tablename__ = "committee_clerk_session"

    token_digest: Mapped[bytes] = mapped_column(LargeBinary(32), primary_key=True)
    clerk_id: Mapped[int] = mapped_column(ForeignKey("committee_clerk.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=_now)


class CommitteeStore:
    """The workspace's engine and units of work (one transaction each)."""

    def __init__(self, url: str) -> None:
        path = sqlite_path(url)
        if path is not None:
            create_private_file(path)
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def create(self) -> None:
        """Every table that is missing (create_all never alters one that exists): run at
        init, and again on a workspace made before a table was added."""
        CommitteeBase.metadata.create_all(self.engine)

    def exists(self) -> bool:
        return inspect(self.engine).has_table(Committee.__tablename__)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as session:
            with session.begin():
                yield session

    def close(self) -> None:
        self.engine.dispose()
