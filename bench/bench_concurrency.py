"""concurrency: 50 kiosks each push 1,000 check-ins to one central server process at once;
reports the wall time and whether any check-in was lost or stored twice."""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench.sync_setup import central_at, central_server, enrolled_kiosk, seed_citizens
from models import CheckIn
from models.db import read_session, write_session
from models.ids import new_id
from models.timeutil import utcnow
from sync.client import run_sync_session
from sync.local import local_status
from sync.outbox import record

KIOSKS = 50
SITES = ("ronde", "hornslet", "ebeltoft", "kolind")
CITIZENS_PER_SITE = 300


def _queue(engine: Any, citizens: list[str], count: int) -> list[str]:
    now = utcnow()
    events = [
        CheckIn(
            id=new_id(),
            action="check_in",
            citizen_id=citizens[i % len(citizens)],
            offer_id="aaben-raadgivning",
            site_id="",
            device_id="",
            hlc="",
            created_at=now,
        )
        for i in range(count)
    ]
    with write_session(engine) as session:
        record(session, events, now=now)
    return [e.id for e in events]


async def _all_at_once(kiosks: list[Any]) -> float:
    started = time.perf_counter()
    await asyncio.gather(*(run_sync_session(k.engine, k.client) for k in kiosks))
    elapsed = time.perf_counter() - started
    for kiosk in kiosks:
        await kiosk.client.aclose()
    return elapsed


def _count_stored(central: Any, expected: set[str]) -> tuple[int, int]:
    """(lost, duplicates) of the expected check-in ids in central."""
    with read_session(central) as session:
        ids = list(session.execute(select(CheckIn.id)).scalars())  # type: ignore[call-overload]
        total = session.execute(select(func.count()).select_from(CheckIn)).scalar_one()
    found = set(ids) & expected
    return len(expected - found), int(total) - len(set(ids))


def run(quick: bool) -> dict[str, Any]:
    del quick  # 1,000 events per kiosk is cheap enough to measure in quick mode too
    events_per_kiosk = 1000
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        now = utcnow()
        central = central_at(home, now)
        citizens = {site: seed_citizens(central, site, CITIZENS_PER_SITE, now) for site in SITES}
        with central_server(home) as url:
            kiosks = []
            expected: set[str] = set()
            for n in range(KIOSKS):
                site = SITES[n % len(SITES)]
                kiosk = enrolled_kiosk(central, url, home / f"kiosk{n}.db", site, now)
                expected.update(_queue(kiosk.engine, citizens[site], events_per_kiosk))
                kiosks.append(kiosk)
            total_s = asyncio.run(_all_at_once(kiosks))
            waiting = sum(local_status(k.engine).waiting for k in kiosks)
            for kiosk in kiosks:
                kiosk.engine.dispose()
        lost, duplicates = _count_stored(central, expected)
        central.dispose()
    return {
        "metrics": {
            "kiosks": KIOSKS,
            "events_per_kiosk": events_per_kiosk,
            "total_s": round(total_s, 3),
            "lost": lost,
            "duplicates": duplicates,
        },
        "sizes": {"events": len(expected), "left_in_outboxes": waiting, "sites": len(SITES)},
    }
