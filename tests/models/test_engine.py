"""The engine: WAL, synchronous=FULL, foreign keys, immediate write transactions."""

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError

from models import Citizen, Enrolment, db
from models.db import make_engine, read_session, write_session
from models.migrate import upgrade


def test_sqlite_engine_uses_wal_full_sync_and_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'k.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_creating_an_engine_creates_no_file(tmp_path: Path) -> None:
    make_engine(f"sqlite:///{tmp_path / 'never.db'}")
    assert not (tmp_path / "never.db").exists()


def test_foreign_keys_are_enforced(fresh_db) -> None:
    with pytest.raises(IntegrityError), write_session(fresh_db) as session:
        session.add(
            Enrolment(
                id="e",
                group_id="nope",
                citizen_id="nope",
                site_id="nope",
                starts_on=__import__("datetime").date(2026, 1, 1),
            )
        )


def test_failed_write_session_leaves_nothing_behind(fresh_db) -> None:
    with pytest.raises(RuntimeError), write_session(fresh_db) as session:
        session.add(Citizen(id="c1", display_name="Anna"))
        session.flush()
        raise RuntimeError("power cut")
    with read_session(fresh_db) as session:
        assert session.get(Citizen, "c1") is None


def test_card_tokens_and_references_are_unique(fresh_db) -> None:
    with write_session(fresh_db) as session:
        session.add(Citizen(id="c1", display_name="Anna", card_token="A1", reference="R1"))
    with pytest.raises(IntegrityError), write_session(fresh_db) as session:
        session.add(Citizen(id="c2", display_name="Bo", card_token="A1"))


def test_concurrent_immediate_writers_never_read_the_same_counter(tmp_path: Path) -> None:
    from models import SyncState

    engine = make_engine(f"sqlite:///{tmp_path / 'k.db'}")
    upgrade(engine, "kiosk")
    with write_session(engine) as session:
        session.add(SyncState(id=1, device_id="d", site_id="hornslet"))
    taken: list[int] = []
    lock = threading.Lock()

    def take(n: int) -> None:
        for _ in range(n):
            with write_session(engine) as session:
                state = session.get(SyncState, 1)
                assert state is not None
                value = state.next_seq
                state.next_seq = value + 1
                session.add(state)
            with lock:
                taken.append(value)

    threads = [threading.Thread(target=take, args=(50,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(taken) == list(range(1, 201))


def test_a_database_another_process_holds_is_sqlalchemys_operational_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """'database is locked' at BEGIN is what every caller handles (central answers 503), not
    a raw sqlite3 error that escapes as a 500."""
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 50)
    path = tmp_path / "c.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine, "kiosk")
    other = sqlite3.connect(path, isolation_level=None)  # another process's writer
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(OperationalError, match="locked"), write_session(engine) as session:
            session.execute(text("SELECT 1"))
    finally:
        other.rollback()
        other.close()
    with write_session(engine) as session:  # and the engine works again afterwards
        session.execute(text("SELECT 1"))
    engine.dispose()


def test_writers_of_one_process_queue_for_each_other(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With SQLite's busy handler off, a second thread's write would fail at once; it waits
    for the first writer's commit instead, and both writes land."""
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 0)
    engine = make_engine(f"sqlite:///{tmp_path / 'k.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE n (v INTEGER)"))
        conn.execute(text("INSERT INTO n VALUES (0)"))
    inside, errors = threading.Event(), []

    def bump(hold: threading.Event | None) -> None:
        try:
            with write_session(engine) as session:
                value = session.execute(text("SELECT v FROM n")).scalar_one()
                if hold is not None:
                    inside.set()
                    hold.wait(5)
                session.execute(text("UPDATE n SET v = :v"), {"v": value + 1})
        except Exception as err:  # noqa: BLE001 - the test reports it
            errors.append(err)

    release = threading.Event()
    first = threading.Thread(target=bump, args=(release,))
    first.start()
    assert inside.wait(5)
    second = threading.Thread(target=bump, args=(None,))
    second.start()
    second.join(0.2)
    assert second.is_alive()  # queued behind the first writer, not failed
    release.set()
    first.join(5)
    second.join(5)
    assert errors == []
    with read_session(engine) as session:
        assert session.execute(text("SELECT v FROM n")).scalar_one() == 2
    engine.dispose()
