"""multidevice: 3 devices of one site each write 1,000 events (check-ins and queue tickets)
while syncing every few seconds against a real central server process; reports the time to
full convergence after the last write (target ≤ 2× one sync round) and lost/duplicated."""

from __future__ import annotations

import asyncio
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.sync_setup import BenchKiosk, central_at, central_server, enrolled_kiosk, seed_citizens
from models import CheckIn, QueueTicket
from models.db import write_session
from models.ids import new_id
from models.timeutil import utcnow
from sync.client import run_sync_session
from sync.outbox import record
from sync.testing.site_convergence import duplicate_labels, fed_rows

SITE, DEVICES, CITIZENS = "ronde", 3, 300
FULL = {"events": 1_000, "chunks": 10, "interval_s": 3.0}
QUICK = {"events": 1_000, "chunks": 5, "interval_s": 2.0}


def _write_chunk(kiosk: BenchKiosk, citizens: list[str], count: int) -> set[tuple[str, str]]:
    """``count`` events on one kiosk (one transaction): 3 check-ins to each queue ticket."""
    from sync.queue_numbers import next_ticket_number

    now = utcnow()
    written: set[tuple[str, str]] = set()
    with write_session(kiosk.engine) as session:
        rows: list[CheckIn | QueueTicket] = []
        number = next_ticket_number(session, now.date())
        for n in range(count):
            if n % 4 == 3:
                rows.append(QueueTicket(id=new_id(), queue_date=now.date(), number=number,
                                        offer_id="aaben-raadgivning"))  # fmt: skip
                number += 1
            else:
                rows.append(CheckIn(id=new_id(), action="check_in", offer_id="aaben-raadgivning",
                                    citizen_id=random.choice(citizens)))  # fmt: skip
        record(session, rows, now=now)
    written |= {(str(r.__tablename__), r.id) for r in rows}
    return written


async def _device(
    kiosk: BenchKiosk, citizens: list[str], sizes: dict[str, Any], rounds: list[float]
) -> tuple[set[tuple[str, str]], float]:
    """Write in chunks, syncing every ``interval_s``; returns (written ids, last write time)."""
    written: set[tuple[str, str]] = set()
    per_chunk = sizes["events"] // sizes["chunks"]
    last_write = 0.0
    for _chunk in range(sizes["chunks"]):
        written |= await asyncio.to_thread(_write_chunk, kiosk, citizens, per_chunk)
        last_write = time.perf_counter()
        started = time.perf_counter()
        await run_sync_session(kiosk.engine, kiosk.client)
        rounds.append(time.perf_counter() - started)
        await asyncio.sleep(max(0.0, sizes["interval_s"] - rounds[-1]))
    return written, last_write


async def _until_converged(kiosks: list[BenchKiosk], central: Any, interval_s: float) -> float:
    """Each device keeps syncing on its interval; the time at which all hold the site's rows."""
    while True:
        await asyncio.gather(*(run_sync_session(k.engine, k.client) for k in kiosks))
        held = set(fed_rows(central, SITE))
        if all(set(fed_rows(k.engine)) >= held for k in kiosks):
            return time.perf_counter()
        await asyncio.sleep(interval_s)


async def _scenario(
    kiosks: list[BenchKiosk], central: Any, citizens: list[str], sizes: dict[str, Any]
) -> dict[str, Any]:
    for kiosk in kiosks:
        await run_sync_session(kiosk.engine, kiosk.client)  # enrolled and up to date
    rounds: list[float] = []
    results = await asyncio.gather(*(_device(k, citizens, sizes, rounds) for k in kiosks))
    last_write = max(at for _w, at in results)
    converged_at = await _until_converged(kiosks, central, sizes["interval_s"])
    written = set().union(*(w for w, _at in results))
    held_central = set(fed_rows(central, SITE))
    lost = sum(len(written - set(fed_rows(k.engine))) for k in kiosks) + len(written - held_central)
    duplicated = len(held_central - written) + duplicate_labels(central)
    # One sync round: a device syncs every interval, or back to back when a session takes longer.
    one_round = max(sizes["interval_s"], statistics.median(rounds))
    for kiosk in kiosks:
        await kiosk.client.aclose()
    return {
        "convergence_s": round(converged_at - last_write, 3),
        "sync_round_s": round(one_round, 3),
        "convergence_rounds": round((converged_at - last_write) / one_round, 2),
        "session_median_s": round(statistics.median(rounds), 3),
        "events_written": len(written),
        "lost": lost,
        "duplicated": duplicated,
    }


def run(quick: bool) -> dict[str, Any]:
    sizes = QUICK if quick else FULL
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        now = utcnow()
        central = central_at(home, now)
        citizens = seed_citizens(central, SITE, CITIZENS, now)
        with central_server(home) as url:
            kiosks = [
                enrolled_kiosk(central, url, home / f"device{n}.db", SITE, now)
                for n in range(DEVICES)
            ]
            metrics = asyncio.run(_scenario(kiosks, central, citizens, sizes))
            for kiosk in kiosks:
                kiosk.engine.dispose()
        central.dispose()
    return {
        "metrics": metrics,
        "sizes": {
            "devices": DEVICES,
            "events_per_device": sizes["events"],
            "chunks": sizes["chunks"],
            "sync_interval_s": sizes["interval_s"],
            "transport": "http loopback, separate server process",
        },
    }
