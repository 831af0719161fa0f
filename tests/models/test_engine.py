"""The engine: WAL, synchronous=FULL, foreign keys, immediate write transactions."""

import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from models import Citizen, Enrolment
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
