"""One unit of work per use case, and what must follow its commit.

Some effects may only happen once the database has committed: destroying a
round's private key (a close that fails keeps its key), telling the realtime
layer a meeting changed (no screen may show what was rolled back). They are
queued on the unit of work and run after the commit, never on failure.

A change refused because the meeting is certified is itself recorded: the
refused unit of work rolled back, so the audit event gets one of its own
(docs/protocol.md, “Certification”).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import update
from sqlalchemy.orm import Session

from ballot.services import audit
from ballot.services.errors import MeetingCertified, ServiceError
from ballot.store.db import Database
from ballot.store.models import Meeting

# Who attempted a refused change, read in a fresh session (the refused one is gone).
Actor = Callable[[Session], str]


@dataclass
class UnitOfWork:
    session: Session
    _after_commit: list[Callable[[], None]] = field(default_factory=list)
    _changed: set[str] = field(default_factory=set)
    _revised: set[str] = field(default_factory=set)

    def after_commit(self, action: Callable[[], None]) -> None:
        self._after_commit.append(action)

    def changed(self, meeting_id: str, *, turnout_only: bool = False) -> None:
        """The meeting's screens are updated once this commits; its revision grows
        with this transaction, so that no server process keeps serving the state
        before it (views.RevisionStates). `turnout_only`: a signature or a ballot, which
        moves nothing but the open round's counts, read afresh for every update: the
        revision stays, and the rest of the state is not built again for each."""
        if not turnout_only and meeting_id not in self._revised:
            self.session.execute(update(Meeting).where(Meeting.id == meeting_id)
                                 .values(revision=Meeting.revision + 1))
            self._revised.add(meeting_id)
        self._changed.add(meeting_id)


class Work:
    """Opens units of work on one database, with one way to tell screens of changes."""

    def __init__(self, db: Database, notify: Callable[[str], None]) -> None:
        self.db = db
        self.notify = notify

    @contextmanager
    def __call__(self, attempt: str | None = None, actor: Actor | None = None) -> Iterator[UnitOfWork]:
        """A writing unit of work; `attempt` names the change for the audit trail
        if the meeting turns out to be certified."""
        try:
            with self.db.session() as session:
                work = UnitOfWork(session)
                yield work
        except MeetingCertified as exc:
            if attempt is not None:
                self._record_refusal(exc.meeting_id, attempt, actor)
            raise
        for action in work._after_commit:
            action()
        for meeting_id in sorted(work._changed):
            self.notify(meeting_id)

    def _record_refusal(self, meeting_id: str, attempt: str, actor: Actor | None) -> None:
        with self.db.session() as session:
            try:
                who = actor(session) if actor else "anonymous"
            except ServiceError:
                who = "unknown"
            audit.record(session, meeting_id, who, "change_refused", attempted=attempt)
