"""`mestring demo` with a central server: demo data in a central database, the server on
127.0.0.1 (a free port) in the background, a Hornslet kiosk enrolled and synced."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date
from pathlib import Path

import httpx
from sqlalchemy.engine import Engine

from models.config import Settings
from models.db import make_engine, write_session
from models.demo import DemoData, build_demo
from models.migrate import upgrade
from models.timeutil import local_today, utcnow
from sync.client import run_sync_session
from sync.credential import Credential, CredentialMissing
from sync.demo_seed import seed_central, seed_kiosk_history
from sync.enrol import enroll_kiosk
from sync.server.auth import create_enrolment_code
from sync.server.feed import ensure_epoch
from sync.transport import SyncClient

DEMO_SITE = "hornslet"
SEEDED = ".central-seeded"  # holds the day the central demo data was made for
DEMO_MARKER = ".mestring-demo"  # the kiosk demo's marker: only such a home is ever wiped


class DemoFailed(Exception):
    """The demo's central server could not be prepared or started."""


def _wipe(*paths: Path) -> None:
    for path in paths:
        for candidate in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            candidate.unlink(missing_ok=True)


def prepare_central(central_home: Path, today: date) -> tuple[Engine, DemoData | None]:
    """The demo central database for ``today``, and the demo data if it was (re)made now."""
    central_home.mkdir(parents=True, exist_ok=True, mode=0o700)
    marker = central_home / SEEDED
    fresh = not marker.exists() or marker.read_text().strip() != today.isoformat()
    if fresh:
        _wipe(central_home / "central.db")
    engine = make_engine(f"sqlite:///{central_home / 'central.db'}")
    upgrade(engine, "central")
    if not fresh:
        return engine, None
    data = build_demo(today)
    with write_session(engine) as session:
        seed_central(session, data, now=utcnow())
    ensure_epoch(engine)
    marker.write_text(today.isoformat())
    return engine, data


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def background_server(central_home: Path) -> Iterator[str]:
    """`mestring central serve` on 127.0.0.1 in a child process, stopped on exit."""
    port = _free_port()
    log = (central_home / "server.log").open("ab")
    process = subprocess.Popen(
        [sys.executable, "-m", "cli", "central", "serve", "--port", str(port)],
        env={**os.environ, "MESTRING_HOME": str(central_home)},
        stdout=log,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while not _healthy(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise DemoFailed(f"the central server did not start; see {log.name}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _healthy(url: str) -> bool:
    try:
        return httpx.get(f"{url}/health", timeout=1).status_code == 200
    except httpx.TransportError:
        return False


def connect_kiosk(settings: Settings, kiosk: Engine, central: Engine, url: str) -> None:
    """Enrol the demo kiosk (once) and point its credential at this run's server."""
    try:
        credential = Credential.load(settings.credential_path)
    except CredentialMissing:
        code = create_enrolment_code(central, site_id=DEMO_SITE, now=utcnow())
        enroll_kiosk(settings, kiosk, server=url, code=code, name="demo")
        return
    replace(credential, server_url=url).save(settings.credential_path)


def first_sync(settings: Settings, kiosk: Engine) -> None:
    credential = Credential.load(settings.credential_path)

    async def session() -> None:
        client = SyncClient(credential.server_url, credential.token)
        try:
            await run_sync_session(kiosk, client, lock_path=settings.home / "sync.lock")
        finally:
            await client.aclose()

    asyncio.run(session())


@contextmanager
def demo_central(settings: Settings, kiosk_db: Path) -> Iterator[str]:
    """Central with today's demo data running in the background while the block runs."""
    marker = settings.home / DEMO_MARKER
    if kiosk_db.exists() and not marker.exists():
        raise DemoFailed(f"{settings.home} is not a demo home; use an empty --home")
    central_home = settings.home / "central"
    today = local_today(utcnow())
    central, data = prepare_central(central_home, today)
    restart = data is not None or not settings.credential_path.exists()
    if restart:
        # A new central (or a kiosk seeded without one): the kiosk starts over with it.
        _wipe(kiosk_db)
        settings.credential_path.unlink(missing_ok=True)
        marker.write_text("demo data from the demo central server (`mestring demo`)\n")
    try:
        with background_server(central_home) as url:
            kiosk = make_engine(f"sqlite:///{kiosk_db}")
            upgrade(kiosk, "kiosk")
            try:
                connect_kiosk(settings, kiosk, central, url)
                if restart:  # the events this site's kiosk made before (central has them)
                    history = data or build_demo(today)
                    seed_kiosk_history(kiosk, history, DEMO_SITE, now=utcnow(), settings=settings)
                first_sync(settings, kiosk)
            finally:
                kiosk.dispose()
            yield url
    finally:
        central.dispose()
