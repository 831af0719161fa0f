"""Shared fixtures: fresh migrated databases for the kiosk and central, a frozen clock."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from models.db import make_engine, write_session
from models.migrate import upgrade
from sync.outbox import init_state

#: Tuesday 24 November 2026, 09:30 in Denmark (08:30 UTC): week 48.
FROZEN_NOW = datetime(2026, 11, 24, 8, 30, tzinfo=UTC)
KIOSK_DEVICE = "0193f3a0-0000-7000-8000-00000000a001"


@pytest.fixture
def frozen_now() -> datetime:
    return FROZEN_NOW


@pytest.fixture
def fresh_db(tmp_path: Path) -> Iterator[Engine]:
    """A kiosk database file migrated to head, with a device identity at Hornslet."""
    engine = make_engine(f"sqlite:///{tmp_path / 'kiosk.db'}")
    upgrade(engine, "kiosk")
    with write_session(engine) as session:
        init_state(session, device_id=KIOSK_DEVICE, site_id="hornslet")
    yield engine
    engine.dispose()


@pytest.fixture
def central_db(tmp_path: Path) -> Iterator[Engine]:
    """A central SQLite database migrated to head."""
    engine = make_engine(f"sqlite:///{tmp_path / 'central.db'}")
    upgrade(engine, "central")
    yield engine
    engine.dispose()


def postgres_url() -> str | None:
    """The PostgreSQL test server CI starts (``MESTRING_TEST_PG_URL``), if any."""
    return os.environ.get("MESTRING_TEST_PG_URL") or None


@pytest.fixture
def pg_engine() -> Iterator[Engine]:
    """An engine on a fresh, private schema of the PostgreSQL test server (skipped without one)."""
    url = postgres_url()
    if url is None:
        pytest.skip("no PostgreSQL test server (MESTRING_TEST_PG_URL unset; CI sets it)")
    from sqlalchemy import text

    from models.ids import new_id

    schema = "t_" + new_id().replace("-", "")[-16:]
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line CI's log can be searched for: how the PostgreSQL runs went."""
    counts = {
        outcome: sum(
            1
            for report in terminalreporter.stats.get(outcome, [])
            if getattr(report, "when", "call") in ("call", "setup")
            and "postgres" in getattr(report, "nodeid", "")
        )
        for outcome in ("passed", "failed", "skipped", "error")
    }
    if any(counts.values()):
        summary = ", ".join(f"{n} {outcome}" for outcome, n in counts.items() if n)
        terminalreporter.write_line(f"PostgreSQL-backed tests: {summary}")
