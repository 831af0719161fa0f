"""A small world for sync tests: one central (SQLite or PostgreSQL), its app, and kiosks."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from models import Citizen, Enrolment, Group, GroupSession
from models.config import Settings
from models.db import make_engine, write_session
from models.events import CheckIn
from models.ids import new_id
from models.migrate import upgrade
from models.timeutil import frozen_clock
from sync.catalogue import seed_catalogue
from sync.changes import publish
from sync.client import SyncReport, run_sync_session
from sync.outbox import init_state, record
from sync.server import create_app
from sync.server.auth import create_enrolment_code, enrol_device
from sync.transport import RetryPolicy, SyncClient


async def no_sleep(_seconds: float) -> None:
    return None


FAST_RETRY = RetryPolicy(attempts=3, sleep=no_sleep)


def _drop(base_url: str, name: str) -> None:
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@contextmanager
def central_template(base_url: str, now: datetime) -> Iterator[str]:
    """A migrated central database with the catalogue, to copy per test; dropped after."""
    name = f"mst_template_{os.getpid()}"
    _drop(base_url, name)
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    engine = migrated_central(make_url(base_url).set(database=name).render_as_string(False), now)
    engine.dispose()
    try:
        yield name
    finally:
        _drop(base_url, name)


@contextmanager
def postgres_database(base_url: str, template: str | None = None) -> Iterator[str]:
    """A fresh PostgreSQL database for one test (a copy of ``template``), dropped after."""
    name = f"mst_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    copy = f' TEMPLATE "{template}"' if template else ""
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    try:
        yield make_url(base_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def migrated_central(url: str, now: datetime) -> Engine:
    engine = make_engine(url)
    upgrade(engine, "central")
    seed_catalogue(engine, now=now)
    return engine


@dataclass
class Kiosk:
    engine: Engine
    client: SyncClient
    device_id: str
    site_id: str
    token: str


class World:
    """Central plus any number of kiosks talking to it in-process (ASGI) or over a URL."""

    def __init__(self, central: Engine, home: Path, now: datetime) -> None:
        self.central, self.home, self.now = central, home, now
        self.settings = Settings(home=home)
        self.app = create_app(self.settings, engine=central, now=frozen_clock(now))
        self.base_url = "http://central"
        self.transport: httpx.AsyncBaseTransport | None = httpx.ASGITransport(app=self.app)

    def enrol(self, site_id: str, device_name: str = "") -> tuple[str, str]:
        code = create_enrolment_code(self.central, site_id=site_id, now=self.now, name=device_name)
        device, token = enrol_device(self.central, code=code, name="", now=self.now)
        return device.id, token

    def kiosk(
        self, site_id: str = "hornslet", name: str | None = None, device_name: str = ""
    ) -> Kiosk:
        device_id, token = self.enrol(site_id, device_name)
        path = self.home / f"{name or device_id}.db"
        engine = make_engine(f"sqlite:///{path}")
        upgrade(engine, "kiosk")
        with write_session(engine) as session:
            init_state(session, device_id=device_id, site_id=site_id, server_url=self.base_url)
        client = SyncClient(self.base_url, token, transport=self.transport, retry=FAST_RETRY)
        return Kiosk(engine, client, device_id, site_id, token)

    def client(self, token: str = "") -> SyncClient:
        return SyncClient(self.base_url, token, transport=self.transport, retry=FAST_RETRY)

    def add_group_with_citizen(
        self, site_id: str, *, citizen_name: str = "Åse Ømark", sessions: int = 1
    ) -> tuple[str, list[str]]:
        """A group at ``site_id`` with one enrolled citizen; returns (citizen id, session ids)."""
        citizen_id, group_id = new_id(), new_id()
        session_ids = [new_id() for _ in range(sessions)]
        with write_session(self.central) as session:
            session.add(Citizen(id=citizen_id, display_name=citizen_name, birth_year=1980))
            group = Group(
                id=group_id,
                site_id=site_id,
                offer_id="gruppeforloeb",
                title="ADHD i hverdagen",
                code=f"G-{group_id[-4:]}",
                sensitive=True,
                starts_on=date(2026, 9, 1),
            )
            publish(session, [group], now=self.now)
            rows = [
                GroupSession(
                    id=sid,
                    group_id=group_id,
                    site_id=site_id,
                    starts_at=self.now + timedelta(hours=1 + i),
                    ends_at=self.now + timedelta(hours=2 + i),
                )
                for i, sid in enumerate(session_ids)
            ]
            publish(session, rows, now=self.now)
            enrolment = Enrolment(
                id=new_id(),
                group_id=group_id,
                citizen_id=citizen_id,
                site_id=site_id,
                starts_on=date(2026, 9, 1),
            )
            publish(session, [enrolment], now=self.now)
        return citizen_id, session_ids


def check_in(kiosk: Kiosk, citizen_id: str, now: datetime, **extra: object) -> str:
    """Record a check-in at the kiosk the way the front desk does (row + outbox entry)."""
    fields: dict[str, object] = {
        "id": new_id(),
        "action": "check_in",
        "citizen_id": citizen_id,
        "offer_id": "gruppeforloeb",
        "site_id": "",
        "device_id": "",
        "hlc": "",
        "created_at": now,
        **extra,
    }
    event = CheckIn(**fields)
    with write_session(kiosk.engine) as session:
        record(session, [event], now=now)
    return event.id


async def sync(kiosk: Kiosk, now: datetime) -> SyncReport:
    """One full session; the app's clock is frozen, so the skew check is left to its own test."""
    return await run_sync_session(
        kiosk.engine, kiosk.client, now=frozen_clock(now), max_clock_skew_s=10**9
    )
