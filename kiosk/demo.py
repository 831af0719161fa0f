"""The demo kiosk: Hornslet's share of the demo data, seeded once per day into a demo home."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
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
from models.timeutil import local_day_bounds, local_today, utcnow
from sync.demo_seed import seed_kiosk

DEMO_SITE = "hornslet"
#: Written into a home seeded by the demo; only such a home is ever re-seeded.
MARKER = ".mestring-demo"


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
    marker.write_text("demo data seeded by `mestring demo`\n", encoding="utf-8")
    return True


@contextmanager
def demo_with_central(settings: Settings, progress: DemoProgress) -> Iterator[str]:
    """`sync.demo.demo_central`'s steps, each announced with its seconds ticking: today's
    demo data in a central database, the central server in the background, the kiosk
    enrolled and synced. Yields the server's URL; the server stops when the block ends."""
    from models.db import make_engine
    from models.migrate import upgrade
    from sync import demo as central_demo
    from sync.demo_seed import seed_kiosk_history

    kiosk_db, marker = settings.home / "kiosk.db", settings.home / MARKER
    if kiosk_db.exists() and not marker.exists():
        raise central_demo.DemoFailed(f"{settings.home} is not a demo home; use an empty --home")
    today = local_today(utcnow())
    with progress.step(t("demo.step.central")):
        central, data = central_demo.prepare_central(settings.home / "central", today)
    restart = data is not None or not settings.credential_path.exists()
    if restart:  # a new central (or a kiosk seeded without one): the kiosk starts over
        central_demo._wipe(kiosk_db)
        settings.credential_path.unlink(missing_ok=True)
        marker.write_text("demo data from the demo central server (`mestring demo`)\n")
    try:
        with progress.step(t("demo.step.server")):
            server = central_demo.background_server(settings.home / "central")
            url = server.__enter__()
        try:
            with progress.step(t("demo.step.sync")):
                kiosk = make_engine(f"sqlite:///{kiosk_db}")
                upgrade(kiosk, "kiosk")
                try:
                    central_demo.connect_kiosk(settings, kiosk, central, url)
                    if restart:  # the events this site's kiosk made before (central has them)
                        history = data or build_demo(today)
                        seed_kiosk_history(kiosk, history, DEMO_SITE, now=utcnow(),
                                           settings=settings)  # fmt: skip
                    central_demo.first_sync(settings, kiosk)
                finally:
                    kiosk.dispose()
            yield url
        finally:
            server.__exit__(None, None, None)
    finally:
        central.dispose()
