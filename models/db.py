"""Engines and sessions. SQLite gets WAL, synchronous=FULL, foreign keys and a busy timeout."""

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, create_engine

from models.filemodes import private_sqlite

BUSY_TIMEOUT_MS = 10_000
#: How long a writer waits for the other writers of its own process (``write_session``):
#: on a central with many kiosks pushing at once the queue is long but moves, so it may
#: wait longer than SQLite's busy timeout; under a kiosk's 30 s request timeout.
WRITER_WAIT_S = 25.0


def _configure_sqlite(engine: Engine, path: Path | None) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        if path is not None:  # before the WAL exists: SQLite gives it the file's mode
            private_sqlite(path)
        # Let SQLAlchemy's "begin" hook below emit BEGIN itself (pysqlite's own transaction
        # handling would start transactions too late for read-modify-write).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get("sqlite_begin", "DEFERRED")
        # Straight to the driver: a statement through SQLAlchemy's execution machinery costs
        # more Python than the durable commit's own work (bench/README.md, store).
        try:
            conn.connection.driver_connection.execute(f"BEGIN {mode}")
        except sqlite3.Error as err:
            # Outside SQLAlchemy's wrapping: raise what every caller handles ("database is
            # locked" is a busy database, answered 503 on central, never a 500).
            raise exc.DBAPIError.instance(f"BEGIN {mode}", None, err, sqlite3.Error) from err


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine for ``url`` (``sqlite:///path`` or ``postgresql+psycopg://…``).

    SQLite connections use WAL with ``synchronous=FULL`` so a confirmed commit survives a
    power cut. The database file is made 0600 (or tightened to it) when it is opened, before
    its WAL exists; nothing is created here (migrations make the schema).
    """
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 10})
        engine = create_engine(url, **kwargs)
        _configure_sqlite(engine, _database_file(url))
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def _database_file(url: str) -> Path | None:
    """The file of a SQLite URL, kept readable by its owner only (it holds names and PIN
    hashes, docs/security.md); ``None`` for an in-memory database."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def is_sqlite(engine: Engine) -> bool:
    """True when ``engine`` talks to SQLite."""
    return engine.dialect.name == "sqlite"


def _immediate(engine: Engine) -> Engine:
    """``engine`` taking SQLite's write lock at BEGIN; made once per engine (kept on it, so
    it goes when the engine goes)."""
    bind: Engine | None = getattr(engine, "_mestring_immediate", None)
    if bind is None:
        bind = engine.execution_options(sqlite_begin="IMMEDIATE")
        engine._mestring_immediate = bind  # type: ignore[attr-defined]
    return bind


def _writer_lock(engine: Engine) -> threading.Lock:
    """One lock per SQLite engine that its writing threads queue on (kept on the engine)."""
    lock: threading.Lock | None = getattr(engine, "_mestring_writer", None)
    if lock is None:
        with _LOCKS_LOCK:
            lock = getattr(engine, "_mestring_writer", None)
            if lock is None:
                lock = threading.Lock()
                engine._mestring_writer = lock  # type: ignore[attr-defined]
    return lock


_LOCKS_LOCK = threading.Lock()


@contextmanager
def _sqlite_writer(engine: Engine) -> Iterator[None]:
    """Hold the engine's writer lock for a whole write transaction.

    SQLite has one writer; threads of one process waiting in its busy handler sleep and
    poll (up to 100 ms a try), so under load the lock sits free while every writer sleeps,
    and a writer can starve past the busy timeout. Queued on a Python lock, the next writer
    starts the moment the last one commits; only other processes still meet the busy
    handler. Waiting longer than ``WRITER_WAIT_S`` is the same "database is locked" error.
    """
    lock = _writer_lock(engine)
    if not lock.acquire(timeout=WRITER_WAIT_S):
        err = sqlite3.OperationalError("database is locked (writers queued in this process)")
        raise exc.DBAPIError.instance("BEGIN IMMEDIATE", None, err, sqlite3.Error)
    try:
        yield
    finally:
        lock.release()


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """A session whose transaction takes SQLite's write lock up front and commits on exit.

    Use it for read-modify-write (device sequence numbers, clocks) so two writers never
    read the same value. On PostgreSQL it is an ordinary transaction.
    """
    if not is_sqlite(engine):
        yield from _write(engine)
        return
    with _sqlite_writer(engine):
        yield from _write(_immediate(engine))


def _write(bind: Engine) -> Iterator[Session]:
    with Session(bind, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A session for reading; closing it ends the transaction and detaches loaded rows,
    which keep their values (services return them or plain dataclasses made from them)."""
    with Session(engine, expire_on_commit=False) as session:
        yield session
