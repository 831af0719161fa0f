"""`mestring central serve --workers 2` on PostgreSQL: many kiosks push and pull through two
real worker processes at once; nothing is lost or stored twice, every kiosk converges on its
site's events and reaches its site's feed head (a skipped feed entry would be missing)."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bench.sync_setup import BenchKiosk, enrolled_kiosk, free_port, seed_citizens, served
from models import ChangeFeed, CheckIn, Device, SyncState
from models.db import make_engine, read_session, write_session
from models.ids import new_id
from models.timeutil import utcnow
from sync.client import run_sync_session
from sync.local import local_status
from sync.outbox import record
from sync.server.auth import create_enrolment_code
from sync.server.feed import feed_head
from sync.testing.site_convergence import fed_rows
from tests.sync.world import postgres_database

pytestmark = pytest.mark.postgres

SITES = ("ronde", "hornslet", "ebeltoft")
KIOSKS_PER_SITE = 4
ROUNDS = 3
EVENTS_PER_ROUND = 40


@pytest.fixture
def pg_url(pg_base_url: str, pg_central_template: str) -> Iterator[str]:
    with postgres_database(pg_base_url, pg_central_template) as url:
        yield url


@pytest.fixture
def two_workers(pg_url: str, tmp_path: Path) -> Iterator[str]:
    """`mestring central serve --workers 2` on the test PostgreSQL; its URL."""
    port = free_port()
    command = [sys.executable, "-m", "cli", "central", "serve", "--db", pg_url]
    command += ["--workers", "2", "--port", str(port)]
    env = {**os.environ, "MESTRING_HOME": str(tmp_path / "central-home")}
    # Each worker imports the whole app on its own: on a busy machine that takes a while.
    with served(command, env, port, "the central server with two workers", start_s=180) as url:
        yield url


def _worker_pids(parent: int) -> list[int]:
    """The uvicorn worker processes (multiprocessing spawns) under ``parent``."""
    found = []
    for child in Path(f"/proc/{parent}/task/{parent}/children").read_text().split():
        cmdline = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
        if b"spawn_main" in cmdline:
            found.append(int(child))
    return found


def _server_pid(port: int) -> int:
    """The process listening on ``port`` that started the workers (our ``served`` child)."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"serve" in cmdline and str(port).encode() in cmdline and b"--workers" in cmdline:
            return int(entry.name)
    raise AssertionError("no central server process found")


def _write(kiosk: BenchKiosk, citizens: list[str], count: int) -> list[str]:
    now = utcnow()
    events = [
        CheckIn(
            id=new_id(),
            action="check_in",
            citizen_id=citizens[n % len(citizens)],
            offer_id="aaben-raadgivning",
            site_id="",
            device_id="",
            hlc="",
            created_at=now,
        )
        for n in range(count)
    ]
    with write_session(kiosk.engine) as session:
        record(session, events, now=now)
    return [e.id for e in events]


async def _desk(kiosk: BenchKiosk, citizens: list[str], written: list[str]) -> None:
    """A front desk: writes, syncs, writes again, while every other desk does the same."""
    for _ in range(ROUNDS):
        written += await asyncio.to_thread(_write, kiosk, citizens, EVENTS_PER_ROUND)
        await run_sync_session(kiosk.engine, kiosk.client)


async def _run_all(kiosks: list[BenchKiosk], citizens: dict[str, list[str]]) -> set[str]:
    written: list[str] = []
    await asyncio.gather(*(_desk(k, citizens[k.site_id], written) for k in kiosks))
    # Quiet now: one more session each picks up what others pushed after its last pull.
    await asyncio.gather(*(run_sync_session(k.engine, k.client) for k in kiosks))
    for kiosk in kiosks:
        await kiosk.client.aclose()
    return set(written)


def _stored(central: Engine) -> list[str]:
    with read_session(central) as session:
        return list(session.execute(select(CheckIn.__table__.c.id)).scalars())  # type: ignore[attr-defined]


def _cursor(kiosk: Engine) -> int:
    with read_session(kiosk) as session:
        state = session.get(SyncState, 1)
        assert state is not None
        return state.cursor


def test_many_kiosks_through_two_workers_lose_nothing_and_converge(
    two_workers: str, pg_url: str, tmp_path: Path
) -> None:
    port = int(two_workers.rsplit(":", 1)[1])
    assert len(_worker_pids(_server_pid(port))) == 2
    central = make_engine(pg_url)
    now = utcnow()
    citizens = {site: seed_citizens(central, site, 30, now) for site in SITES}
    kiosks = [
        enrolled_kiosk(central, two_workers, tmp_path / f"desk{n}.db", site, now)
        for n, site in enumerate(SITES * KIOSKS_PER_SITE)
    ]

    written = asyncio.run(_run_all(kiosks, citizens))

    stored = _stored(central)
    assert len(written) == len(kiosks) * ROUNDS * EVENTS_PER_ROUND
    assert written - set(stored) == set()  # lost: none
    assert len(stored) == len(set(stored))  # duplicated: none
    with read_session(central) as session:
        entries = session.execute(select(func.count()).select_from(ChangeFeed)).scalar_one()
        distinct = session.execute(select(func.count(func.distinct(ChangeFeed.seq)))).scalar_one()
        heads = {site: feed_head(session, site) for site in SITES}
    assert entries == distinct
    for kiosk in kiosks:
        assert local_status(kiosk.engine).waiting == 0
        site_events = fed_rows(central, kiosk.site_id).keys()
        assert fed_rows(kiosk.engine).keys() == site_events  # its site's, every one, no other
        assert _cursor(kiosk.engine) == heads[kiosk.site_id]
        kiosk.engine.dispose()
    central.dispose()


def test_one_enrolment_code_is_used_once_across_workers(two_workers: str, pg_url: str) -> None:
    central = make_engine(pg_url)
    code = create_enrolment_code(central, site_id="hornslet", now=utcnow())

    async def attempts() -> list[int]:
        async with httpx.AsyncClient(base_url=two_workers, timeout=30) as client:
            answers = await asyncio.gather(
                *(client.post("/v1/enrol", json={"code": code, "name": f"k{n}"}) for n in range(4))
            )
        return [a.status_code for a in answers]

    statuses = asyncio.run(attempts())
    with read_session(central) as session:
        devices = session.execute(select(func.count()).select_from(Device)).scalar_one()
    central.dispose()
    assert statuses.count(200) == 1
    assert devices == 1
