"""concurrency: many kiosks (default 50) each push 1,000 check-ins to one central at once;
reports wall time, time per event, and whether any check-in was lost or stored twice.

``mestring bench concurrency --kiosks 200 --db postgresql --workers 2``: 200 kiosks against
a PostgreSQL the bench starts itself (``sync.testing.pg_cluster``, as the tests do) and a
central with 2 worker processes. With more kiosks than 50 the same run also measures 50
kiosks on the same set-up first, and reports the time per event beside it
(``per_event_vs_50``: above 1 means each event cost more at the larger size).
"""

from __future__ import annotations

import asyncio
import itertools
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bench.sync_setup import enrolled_kiosk, free_port, seed_citizens, served
from models import CheckIn, Site
from models.db import make_engine, read_session, write_session
from models.ids import new_id
from models.migrate import upgrade
from models.timeutil import utcnow
from sync.catalogue import seed_catalogue
from sync.changes import publish
from sync.client import run_sync_session
from sync.local import local_status
from sync.outbox import record
from sync.server.feed import ensure_epoch

KIOSKS = 50
EVENTS_PER_KIOSK = 1000
DEFAULT_SITES = ("ronde", "hornslet", "ebeltoft", "kolind")
#: Kiosks per site when the site count follows the kiosk count (50 kiosks: the 4 sites).
KIOSKS_PER_SITE = 12.5
CITIZENS_PER_SITE = 300
#: What ``mestring bench concurrency`` accepts beyond ``--quick`` (see ``bench.cli``).
OPTIONS = ("kiosks", "db", "workers", "sites")
DATABASES = ("sqlite", "postgresql")


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


def site_ids(count: int) -> list[str]:
    """The four default sites, then made-up ones (``s05`` …) up to ``count`` (the first
    three letters differ: ``seed_citizens`` makes card numbers from them)."""
    extra = [f"s{n:02d}" for n in range(len(DEFAULT_SITES) + 1, count + 1)]
    return [*DEFAULT_SITES[:count], *extra]


def _central(url: str, sites: list[str], now: datetime) -> Engine:
    engine = make_engine(url)
    upgrade(engine, "central")
    extra = [s for s in sites if s not in DEFAULT_SITES]
    if extra:  # before the catalogue, so its site-wide rows reach these sites' feeds too
        with write_session(engine) as session:
            publish(session, [Site(id=s, name=s.capitalize()) for s in extra], now=now)
    seed_catalogue(engine, now=now)
    ensure_epoch(engine)
    return engine


@contextmanager
def _server(home: Path, url: str, workers: int) -> Iterator[str]:
    port = free_port()
    env = {**os.environ, "MESTRING_HOME": str(home)}
    command = [sys.executable, "-m", "cli", "central", "serve", "--db", url]
    command += ["--port", str(port), "--workers", str(workers)]
    with served(command, env, port, "the central server", start_s=180) as served_url:
        yield served_url


def measure(url: str, home: Path, *, kiosks: int, sites: int, workers: int) -> dict[str, Any]:
    """One round: a fresh central at ``url``, ``kiosks`` kiosks syncing at once."""
    now = utcnow()
    names = site_ids(sites)
    central = _central(url, names, now)
    citizens = {site: seed_citizens(central, site, CITIZENS_PER_SITE, now) for site in names}
    with _server(home, url, workers) as server:
        desks = []
        expected: set[str] = set()
        for n in range(kiosks):
            site = names[n % len(names)]
            desk = enrolled_kiosk(central, server, home / f"kiosk{n}.db", site, now)
            expected.update(_queue(desk.engine, citizens[site], EVENTS_PER_KIOSK))
            desks.append(desk)
        total_s = asyncio.run(_all_at_once(desks))
        waiting = sum(local_status(k.engine).waiting for k in desks)
        for desk in desks:
            desk.engine.dispose()
    lost, duplicates = _count_stored(central, expected)
    central.dispose()
    return {
        "total_s": round(total_s, 3),
        "per_event_ms": round(total_s * 1000 / max(1, len(expected)), 4),
        "lost": lost,
        "duplicates": duplicates,
        "events": len(expected),
        "left_in_outboxes": waiting,
    }


@contextmanager
def _databases(db: str, home: Path) -> Iterator[Callable[[], str]]:
    """A maker of fresh central database URLs on ``db`` (PostgreSQL: a cluster of the
    bench's own, started as the tests start theirs, and deleted at the end)."""
    made = itertools.count()
    if db == "sqlite":
        yield lambda: f"sqlite:///{home / f'central{next(made)}.db'}"
        return
    from sync.testing.pg_cluster import fresh_database, running_cluster

    with ExitStack() as stack:  # databases dropped, then the cluster stopped
        base = stack.enter_context(running_cluster())
        yield lambda: stack.enter_context(fresh_database(base, prefix="bench_"))


def _check(kiosks: int, db: str, workers: int, sites: int | None) -> int:
    if db not in DATABASES:
        raise ValueError(f"--db skal være {' eller '.join(DATABASES)} (fik {db!r})")
    if kiosks < 1 or workers < 1 or (sites is not None and sites < 1):
        raise ValueError("--kiosks, --workers og --sites skal være mindst 1")
    if workers > 1 and db == "sqlite":
        raise ValueError("--workers over 1 kræver --db postgresql (SQLite: én skriver ad gangen)")
    return sites or max(len(DEFAULT_SITES), math.ceil(kiosks / KIOSKS_PER_SITE))


def run(
    quick: bool,
    *,
    kiosks: int = KIOSKS,
    db: str = "sqlite",
    workers: int = 1,
    sites: int | None = None,
) -> dict[str, Any]:
    del quick  # 1,000 events per kiosk is cheap enough to measure in quick mode too
    site_count = _check(kiosks, db, workers, sites)
    metrics: dict[str, Any] = {"kiosks": kiosks, "events_per_kiosk": EVENTS_PER_KIOSK}
    sizes: dict[str, Any] = {"db": db, "workers": workers, "sites": site_count}
    with tempfile.TemporaryDirectory() as tmp, _databases(db, Path(tmp)) as new_url:
        if kiosks > KIOSKS:  # the reference size first, on the same machine and database
            base_sites = max(len(DEFAULT_SITES), math.ceil(KIOSKS / KIOSKS_PER_SITE))
            home = Path(tmp, "at50")
            home.mkdir()
            base = measure(new_url(), home, kiosks=KIOSKS, sites=base_sites, workers=workers)
            metrics["per_event_ms_at_50"] = base["per_event_ms"]
            metrics["total_s_at_50"] = base["total_s"]
            metrics["lost_at_50"], metrics["duplicates_at_50"] = base["lost"], base["duplicates"]
        home = Path(tmp, "main")
        home.mkdir()
        result = measure(new_url(), home, kiosks=kiosks, sites=site_count, workers=workers)
    metrics.update(
        total_s=result["total_s"],
        per_event_ms=result["per_event_ms"],
        lost=result["lost"],
        duplicates=result["duplicates"],
    )
    if "per_event_ms_at_50" in metrics:
        metrics["per_event_vs_50"] = round(
            result["per_event_ms"] / metrics["per_event_ms_at_50"], 2
        )
    sizes.update(events=result["events"], left_in_outboxes=result["left_in_outboxes"])
    return {"metrics": metrics, "sizes": sizes}
