"""The demo kiosk: Hornslet's share of the demo data, seeded once per day into a demo home."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import func
from sqlmodel import col, select

from kiosk.demo_progress import DemoProgress
from kiosk.i18n import t
from models import GroupSession, Outbox, SyncState
from models.config import Settings
from models.db import read_session
from models.demo import build_demo
from models.filemodes import write_private
from models.timeutil import local_day_bounds, local_today, utcnow
from sync.demo_seed import seed_kiosk

DEMO_SITE = "hornslet"
#: Written into a home seeded by the demo; only such a home is ever re-seeded.
MARKER = ".mestring-demo"
#: The text of each step of `sync.demo.demo_central`, as `make demo` shows it.
STEP_TEXTS = {
    "central": "demo.step.central",
    "server": "demo.step.server",
    "sync": "demo.step.sync",
}


def _state(settings: Settings, now: datetime) -> tuple[bool, bool, int]:
    """(has identity, has a session today, outbox entries) of the kiosk database."""
    from kiosk.launch import open_kiosk_db

    engine = open_kiosk_db(settings)
    start, end = local_day_bounds(local_today(now))
    try:
        with read_session(engine) as session:
            identity = session.get(SyncState, 1) is not None
            today = session.exec(
                select(func.count())
                .select_from(GroupSession)
                .where(col(GroupSession.starts_at) >= start, col(GroupSession.starts_at) < end)
            ).one()
            waiting = session.exec(select(func.count()).select_from(Outbox)).one()
    finally:
        engine.dispose()
    return identity, today > 0, waiting


def _remove_database(settings: Settings) -> None:
    db = settings.home / "kiosk.db"
    for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        path.unlink(missing_ok=True)


def prepare_demo(settings: Settings, *, now: datetime | None = None) -> bool:
    """Seed the demo kiosk unless it already holds today's demo data; True if it seeded.

    Re-running on the same day opens the same data (and whatever was done in it). On a
    later day, a demo home with nothing waiting to sync is re-seeded for that day, so the
    programme is never empty; a home that is not a demo home is never touched.
    """
    now = now or utcnow()
    marker = settings.home / MARKER
    identity, current, waiting = _state(settings, now)
    if identity and (current or waiting or not marker.exists()):
        return False
    if identity:
        if settings.kiosk_db_url:
            return False  # not the demo's own file: leave it alone
        _remove_database(settings)
    from kiosk.launch import open_kiosk_db

    engine = open_kiosk_db(settings)
    try:
        seed_kiosk(engine, build_demo(local_today(now)), DEMO_SITE, now=now, settings=settings)
    finally:
        engine.dispose()
    write_private(marker, b"demo data seeded by `mestring demo`\n")
    return True


@contextmanager
def demo_with_central(settings: Settings, progress: DemoProgress) -> Iterator[str]:
    """`sync.demo.demo_central`'s steps, each announced with its seconds ticking: today's
    demo data in a central database, the central server in the background, the kiosk
    enrolled and synced. Yields the server's URL; the server stops when the block ends."""
    from sync.demo import demo_central

    def step(name: str) -> AbstractContextManager[None]:
        return progress.step(t(STEP_TEXTS[name]))

    with demo_central(settings, settings.home / "kiosk.db", step=step) as url:
        yield url
