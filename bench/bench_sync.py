"""sync: nightly session (5,000 check-ins pushed + central's changes pulled) and the first
sync of a site with 100,000 rows, against a real central server process on loopback."""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from bench import floor_sync
from bench.harness import add_ratio
from bench.sync_setup import central_at, central_server, enrolled_kiosk, seed_citizens
from models import CheckIn, GroupSession
from models.db import write_session
from models.ids import new_id
from models.timeutil import utcnow
from sync.changes import publish
from sync.client import run_sync_session
from sync.outbox import record

BOOTSTRAP_ROWS = 100_000
NIGHTLY_EVENTS = 5_000
SMALL_SITE = 2_000
TARGETS = {"nightly_5000_ratio": 3.0, "bootstrap_100k_ratio": 3.0}


def _queue_check_ins(engine: Any, citizens: list[str], count: int) -> None:
    now = utcnow()
    with write_session(engine) as session:
        events = [
            CheckIn(
                id=new_id(),
                action="check_in",
                citizen_id=random.choice(citizens),
                offer_id="aaben-raadgivning",
                site_id="",
                device_id="",
                hlc="",
                created_at=now,
            )
            for _ in range(count)
        ]
        record(session, events, now=now)


def _central_changes(engine: Any, count: int) -> None:
    """A day of central work for the site: sessions planned for its groups."""
    from datetime import date

    from models import Group

    now = utcnow()
    with write_session(engine) as session:
        group = Group(
            id=new_id(),
            site_id="ebeltoft",
            offer_id="gruppeforloeb",
            title="Hverdagsliv",
            code="H-1",
            starts_on=date(2026, 9, 1),
        )
        publish(session, [group], now=now)
        rows = [
            GroupSession(
                id=new_id(),
                group_id=group.id,
                site_id="ebeltoft",
                starts_at=now + timedelta(days=i),
                ends_at=now + timedelta(days=i, hours=2),
            )
            for i in range(count)
        ]
        publish(session, rows, now=now)


async def _timed_session(kiosk: Any, *, close: bool) -> float:
    started = time.perf_counter()
    await run_sync_session(kiosk.engine, kiosk.client)
    elapsed = time.perf_counter() - started
    if close:
        await kiosk.client.aclose()
    return elapsed


async def _nightly(kiosk: Any, central: Any, citizens: list[str]) -> float:
    await _timed_session(kiosk, close=False)  # yesterday's sync
    _queue_check_ins(kiosk.engine, citizens, NIGHTLY_EVENTS)
    _central_changes(central, 500)
    return await _timed_session(kiosk, close=True)


def _bootstrap_floor(home: Path) -> float:
    """The floor of a first sync: one download of the site's citizens, one executemany."""
    copy = floor_sync.copy_database(home / "central.db", home / "floor-central-1.db")
    with floor_sync.floor_server(copy) as url:
        elapsed, rows = floor_sync.bootstrap_floor(url, home / "floor-hornslet.db", "hornslet")
    assert rows == BOOTSTRAP_ROWS
    return elapsed


def _nightly_floor(home: Path, citizens: list[str]) -> float:
    """The floor of a nightly sync: the same 5,000 check-ins pushed in batches of 500, each
    one executemany in one transaction at a minimal FastAPI route; the site's rows pulled."""
    copy = floor_sync.copy_database(home / "central.db", home / "floor-central-2.db")
    kiosk = floor_sync.queued_outbox(home / "floor-ebeltoft.db", citizens, NIGHTLY_EVENTS)
    with floor_sync.floor_server(copy) as url:
        return floor_sync.nightly_floor(url, kiosk, "ebeltoft")


def run(quick: bool) -> dict[str, Any]:
    del quick  # the targets are defined at these sizes; quick mode runs them too
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        now = utcnow()
        central = central_at(home, now)
        seed_citizens(central, "hornslet", BOOTSTRAP_ROWS, now)
        small = seed_citizens(central, "ebeltoft", SMALL_SITE, now)
        with central_server(home) as url:
            big = enrolled_kiosk(central, url, home / "hornslet.db", "hornslet", now)
            bootstrap_s = asyncio.run(_timed_session(big, close=True))
            limit_bootstrap_s = _bootstrap_floor(home)  # the floor right after (A B)
            nightly = enrolled_kiosk(central, url, home / "ebeltoft.db", "ebeltoft", now)
            nightly_s = asyncio.run(_nightly(nightly, central, small))
            limit_nightly_s = _nightly_floor(home, small)
            big.engine.dispose()
            nightly.engine.dispose()
        central.dispose()
    metrics: dict[str, Any] = {
        "nightly_5000_s": round(nightly_s, 3),
        "bootstrap_100k_s": round(bootstrap_s, 3),
        "changes_per_s": round(BOOTSTRAP_ROWS / bootstrap_s),
    }
    add_ratio(metrics, "nightly_5000_s", limit_nightly_s)
    add_ratio(metrics, "bootstrap_100k_s", limit_bootstrap_s)
    return {
        "metrics": metrics,
        "sizes": {
            "bootstrap_rows": BOOTSTRAP_ROWS,
            "nightly_events": NIGHTLY_EVENTS,
            "nightly_central_changes": 501,
            "small_site_citizens": SMALL_SITE,
            "transport": "http loopback, separate server process",
            "floor": "minimal FastAPI route + one executemany per batch; one bulk download",
        },
    }
