"""The memory benchmark measures a real kiosk process over a topped-up database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bench.bench_memory import measure, top_up_citizens
from kiosk.demo import prepare_demo
from models.config import Settings


def test_top_up_adds_searchable_citizens_until_the_total(tmp_path: Path) -> None:
    prepare_demo(Settings(home=tmp_path))
    database = tmp_path / "kiosk.db"
    with sqlite3.connect(database) as db:
        before = db.execute("SELECT count(*) FROM citizen").fetchone()[0]
    added = top_up_citizens(database, before + 500)
    assert added == 500
    assert top_up_citizens(database, before + 500) == 0  # already there
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM citizen").fetchone()[0] == before + 500
        ids = [row[0] for row in db.execute("SELECT id FROM citizen WHERE reference LIKE 'B%'")]
    assert len(ids) == 500 and all(len(i) == 36 for i in ids)  # UUID-length, like real ids


@pytest.mark.slow
def test_measure_reads_the_kiosks_memory_after_a_login_and_searches(tmp_path: Path) -> None:
    prepare_demo(Settings(home=tmp_path))
    figures = measure(tmp_path)
    assert 20 < figures["home_rss_mb"] <= figures["peak_rss_mb"]
    assert figures["rss_mb"] <= figures["peak_rss_mb"]


def test_the_audit_trail_tells_when_a_search_was_shown(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from bench.bench_memory import AuditTrail
    from kiosk.services.audit import audit
    from models.db import make_engine, write_session

    prepare_demo(Settings(home=tmp_path))
    trail = AuditTrail(tmp_path / "kiosk.db")
    before = trail.count("search")
    with pytest.raises(TimeoutError, match="no new 'search' audit entry"):
        trail.wait_beyond("search", before, timeout=0.3)
    engine = make_engine(f"sqlite:///{tmp_path / 'kiosk.db'}")
    with write_session(engine) as session:
        audit(session, action="search", detail="0 shown", now=datetime.now(UTC))
    engine.dispose()
    assert trail.wait_beyond("search", before, timeout=5) == before + 1


def test_the_memory_floor_reports_its_resident_memory(tmp_path: Path) -> None:
    from bench.bench_memory import floor_rss_mb

    prepare_demo(Settings(home=tmp_path))
    assert 20 < floor_rss_mb(tmp_path / "kiosk.db") < 500
