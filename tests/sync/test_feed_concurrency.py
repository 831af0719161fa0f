"""Two central processes writing at once (PostgreSQL, one connection each): feed numbers
never collide and none is handed out while a smaller one is uncommitted; two refreshes of
one citizen's scope make one scope row; ``--workers`` above 1 is refused on SQLite."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine

from cli.main import main
from models import ChangeFeed, Citizen, FeedCounter, SiteScope
from models.db import read_session, write_session
from models.migrate import upgrade
from sync.catalogue import seed_catalogue
from sync.changes import append, refresh_scope
from sync.server.throttle import OVERALL, PER_ADDRESS, EnrolThrottle, Throttled


class Background:
    """``work`` in a write transaction of its own thread; ``done`` once it committed."""

    def __init__(self, engine: Engine, work: Callable[[Any], None]) -> None:
        self.done = threading.Event()
        self.error: BaseException | None = None

        def run() -> None:
            try:
                with write_session(engine) as session:
                    work(session)
            except BaseException as failure:  # reported by the test, not lost in the thread
                self.error = failure
            self.done.set()

        self.thread = threading.Thread(target=run)
        self.thread.start()

    def finish(self) -> None:
        self.thread.join(timeout=60)
        if self.error is not None:
            raise self.error


def wait_until_blocked(engine: Engine) -> None:
    """Until another connection waits for the feed counter's row lock."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity"
        " WHERE wait_event_type = 'Lock' AND query ILIKE '%feed_counter%'"
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            if conn.execute(query).scalar_one() > 0:
                return
        time.sleep(0.02)
    raise AssertionError("the second writer never waited for the first one's lock")


def _entries(engine: Engine) -> list[int]:
    with read_session(engine) as session:
        return list(session.execute(select(ChangeFeed.seq).order_by(ChangeFeed.seq)).scalars())  # type: ignore[call-overload]


@pytest.mark.postgres
def test_a_second_writer_numbers_after_the_first_one_commits(pg_engine, frozen_now):
    upgrade(pg_engine, "central")  # no counter row yet: both writers would create it
    entry = [("hornslet", "citizen", "c", "upsert")]
    with write_session(pg_engine) as first:
        append(first, entry * 3, now=frozen_now)
        second = Background(pg_engine, lambda s: append(s, entry * 2, now=frozen_now))
        wait_until_blocked(pg_engine)
        assert not second.done.is_set()
        assert _entries(pg_engine) == []  # nothing committed, and no later number visible
    second.finish()
    assert _entries(pg_engine) == [1, 2, 3, 4, 5]
    with read_session(pg_engine) as session:
        assert session.get(FeedCounter, 1).value == 5


@pytest.mark.postgres
def test_two_refreshes_of_one_citizens_scope_make_one_scope_row(pg_engine, frozen_now):
    upgrade(pg_engine, "central")
    seed_catalogue(pg_engine, now=frozen_now)
    guest = Citizen(
        id="0193f3a0-0000-7000-8000-0000000000c1",
        display_name="Gæst",
        birth_year=1990,
        provisional=True,
        created_site_id="hornslet",
    )
    with write_session(pg_engine) as session:
        session.add(guest)
    before = _entries(pg_engine)
    with write_session(pg_engine) as first:
        assert refresh_scope(first, guest.id, now=frozen_now)[0] == {"hornslet"}
        second = Background(pg_engine, lambda s: refresh_scope(s, guest.id, now=frozen_now))
        wait_until_blocked(pg_engine)
    second.finish()  # no unique-key error: it saw the first one's scope row
    with read_session(pg_engine) as session:
        scopes = session.execute(select(func.count()).select_from(SiteScope)).scalar_one()
        rows = session.execute(select(ChangeFeed.row_id)).scalars().all()  # type: ignore[call-overload]
    assert scopes == 1
    assert len(_entries(pg_engine)) == len(before) + 1
    assert rows.count(guest.id) == 1


def test_workers_above_one_are_refused_on_sqlite(tmp_path, capsys):
    assert main(["--home", str(tmp_path), "central", "serve", "--workers", "2"]) == 2
    message = capsys.readouterr().err
    assert "kræver PostgreSQL" in message
    assert not (tmp_path / "central.db").exists()  # refused before anything was opened


def test_processes_sharing_the_enrolment_limits_allow_no_more_than_one_process():
    processes = [EnrolThrottle.shared_by(2, overall=OVERALL) for _ in range(2)]
    allowed = 0
    for throttle in processes:
        for _ in range(PER_ADDRESS.burst):
            try:
                throttle.check("10.0.0.7")
                allowed += 1
            except Throttled:
                pass
    assert 1 <= allowed <= PER_ADDRESS.burst
    shares = [EnrolThrottle.shared_by(3).per_address for _ in range(3)]
    assert sum(1 / s.every_s for s in shares) == pytest.approx(1 / PER_ADDRESS.every_s)
