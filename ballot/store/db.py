"""Database engine and sessions (docs/architecture.md, “Storage”).

SQLite by default, in the data directory, tuned for durability: WAL journal,
synchronous=FULL (an acknowledged ballot survives a power cut), a busy timeout
so concurrent writers queue instead of failing, and foreign keys enforced.
PostgreSQL (the `database_url` setting, `pip install 'phieukin[postgres]'`, psycopg 3)
uses the same models and migrations; there several writers run at once, and each unit
of work that changes a meeting first locks the meeting's row (ballot.services.guards),
so the check-then-insert sequences SQLite's single writer made safe stay safe.
"""

from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

BUSY_TIMEOUT_MS = 10_000
# How long a unit of work waits for its turn behind this server's other writers
# (a whole room casting at once queues here) before it tries SQLite's lock anyway.
WRITER_QUEUE_TIMEOUT_S = 60


def make_engine(url: str, *, writer: bool = True, pool_size: int = 10, max_overflow: int = 20) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        # Let SQLAlchemy, not pysqlite, emit BEGIN. A writer's is BEGIN IMMEDIATE:
        # it takes the lock up front, so check-then-insert sequences cannot
        # interleave and fail late with "database is locked". A reader's is a
        # plain BEGIN: in WAL it sees one snapshot and never waits for writers.
        begin = "BEGIN IMMEDIATE" if writer else "BEGIN"
        event.listen(engine, "begin", lambda conn: conn.exec_driver_sql(begin))
        return engine
    # PostgreSQL: READ COMMITTED, the row locks of ballot.services.guards ordering writers.
    # A request waits for a pooled connection as long as a SQLite writer waits for the
    # lock: at 1,000 phones signing at once the meeting's row lock queues them, and
    # SQLAlchemy's default 30 s turned the queue's tail into server errors.
    return create_engine(url, pool_pre_ping=True, pool_size=pool_size, max_overflow=max_overflow,
                         pool_timeout=WRITER_QUEUE_TIMEOUT_S)


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    dbapi_conn.isolation_level = None  # autocommit at the driver; "begin" event opens txns
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA foreign_keys=ON")
    # Deleted content (a round's erased blind signatures, rows moved by a rewrite) is
    # overwritten with zeros, not left in free space (docs/threat-model.md).
    cur.execute("PRAGMA secure_delete=ON")
    cur.close()


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL (None for another database or in memory)."""
    if not url.startswith("sqlite:///") or url in ("sqlite://", "sqlite:///:memory:"):
        return None
    return Path(url.removeprefix("sqlite:///"))


def create_private_file(path: Path) -> None:
    """The database file, created readable by its owner only before SQLite opens it
    (SQLite gives its -wal and -shm files the same mode), and made so if it exists."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for existing in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if existing.exists():
            existing.chmod(0o600)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision."""
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


class Database:
    def __init__(self, url: str) -> None:
        self.path = sqlite_path(url)
        if self.path is not None:
            create_private_file(self.path)
        self.engine = make_engine(url)
        # SQLite has one writer at a time, and a writer that finds the lock taken
        # polls for it with growing sleeps (up to 100 ms), so under a burst of casts
        # the lock sits free while waiters sleep, and the unluckiest time out with
        # "database is locked". This server's own writers queue here instead and
        # take the lock the moment it is released; other processes still meet the
        # busy timeout.
        self._writer_turn = threading.Lock() if url.startswith("sqlite") else None
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.read_engine = make_engine(url, writer=False) if url.startswith("sqlite") else self.engine
        self._read_sessions = sessionmaker(self.read_engine, expire_on_commit=False)
        # The screens' live updates read through connections of their own on PostgreSQL:
        # in the shared pool they queued behind a thousand phones, and a projector saw
        # a few updates in a whole round. (SQLite's readers never wait for a writer.)
        self.screens_engine = (self.read_engine if url.startswith("sqlite")
                               else make_engine(url, pool_size=2, max_overflow=2))
        self._screens_sessions = sessionmaker(self.screens_engine, expire_on_commit=False)

    def migrate(self) -> None:
        migrate(self.engine)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: committed on success, rolled back on any error."""
        turn = self._writer_turn
        queued = turn is not None and turn.acquire(timeout=WRITER_QUEUE_TIMEOUT_S)
        try:
            with self._sessions() as session:
                session.info["writer"] = True  # guards lock what this unit of work changes
                with session.begin():
                    yield session
        finally:
            if queued:
                turn.release()

    def rewrite_without_order(self) -> None:
        """Rebuild the database so that no page, WAL frame or free page keeps the order
        in which rows were written (docs/threat-model.md, “Whoever gets the data
        directory after the meeting”): fold the WAL in and empty it, then VACUUM
        (every table rewritten in key order, free pages dropped), then empty the WAL
        again. Run after a round closes, behind this server's other writers."""
        if self.engine.dialect.name == "postgresql":
            self._rewrite_postgresql()
            return
        if self.path is None:
            return
        turn = self._writer_turn
        queued = turn is not None and turn.acquire(timeout=WRITER_QUEUE_TIMEOUT_S)
        try:
            with self.engine.connect() as conn:
                raw = conn.connection.dbapi_connection
                for statement in ("PRAGMA wal_checkpoint(TRUNCATE)", "VACUUM", "PRAGMA wal_checkpoint(TRUNCATE)"):
                    raw.execute(statement)
        finally:
            if queued:
                turn.release()

    def _rewrite_postgresql(self) -> None:
        """PostgreSQL's heap pages keep rows in the order they were written, and an
        updated row's old version until VACUUM: CLUSTER rewrites each of the round's
        tables into a new file in its primary key's order (a ballot's digest; a
        participation's round and member), like SQLite's VACUUM of these tables without
        row ids, old versions dropped (docs/threat-model.md)."""
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in ("ballot", "signature_issuance", "round_key"):
                key = conn.exec_driver_sql(
                    "SELECT conname FROM pg_constraint WHERE conrelid = %(t)s::regclass AND contype = 'p'",
                    {"t": table}).scalar_one()
                conn.exec_driver_sql(f'CLUSTER {table} USING "{key}"')

    def close(self) -> None:
        """Close every pooled connection (at a server's stop, after its last commit)."""
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()
        if self.screens_engine is not self.read_engine:
            self.screens_engine.dispose()

    @contextmanager
    def read(self, screens: bool = False) -> Iterator[Session]:
        """A read-only view of one consistent snapshot; anything written is discarded.
        `screens`: for the live updates of the projectors and consoles (their own pool)."""
        with (self._screens_sessions if screens else self._read_sessions)() as session:
            yield session  # closing the session rolls its transaction back
