"""`mestring demo` with a central server: demo data in a central database, the server on
127.0.0.1 (a free port) in the background, a Hornslet kiosk enrolled and synced."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from dataclasses import replace
from datetime import date
from pathlib import Path

import httpx
from sqlalchemy.engine import Engine

from models.config import Settings
from models.db import make_engine, write_session
from models.demo import DemoData, build_demo
from models.filemodes import write_private
from models.migrate import upgrade
from models.timeutil import local_today, utcnow
from sync.catalogue import seed_catalogue
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


def open_central(central_home: Path, today: date) -> tuple[Engine, bool]:
    """The demo central database, migrated; and whether it must be (re)seeded for ``today``
    (a database made for another day is wiped first)."""
    central_home.mkdir(parents=True, exist_ok=True, mode=0o700)
    marker = central_home / SEEDED
    fresh = not marker.exists() or marker.read_text().strip() != today.isoformat()
    if fresh:
        _wipe(central_home / "central.db")
    engine = make_engine(f"sqlite:///{central_home / 'central.db'}")
    upgrade(engine, "central")
    return engine, fresh


def seed_today(engine: Engine, central_home: Path, today: date) -> DemoData:
    """Today's demo data into the (empty, migrated) central database, in one transaction."""
    data = build_demo(today)
    with write_session(engine) as session:
        seed_central(session, data, now=utcnow())
    # What the default catalogue has beyond the demo's (its questionnaires), as
    # `mestring central init` seeds it: the demo's desks then offer one after a check-in.
    seed_catalogue(engine, now=utcnow())
    ensure_epoch(engine)
    write_private(central_home / SEEDED, today.isoformat().encode())
    return data


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class CentralServer:
    """`mestring central serve` on 127.0.0.1 in a child process, started at once so it
    boots while the caller goes on (``wait_until_healthy`` then waits for it)."""

    def __init__(self, central_home: Path) -> None:
        self.port = port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        log = central_home / "server.log"  # private from the first byte, like the home
        self.log = os.fdopen(os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "ab")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cli", "central", "serve", "--port", str(port)],
            env={**os.environ, "MESTRING_HOME": str(central_home)},
            stdout=self.log,
            stderr=self.log,
        )

    def wait_until_healthy(self, timeout_s: float = 30) -> str:
        """The server's URL once it answers ``/health``; DemoFailed if it exits or is slow."""
        deadline = time.monotonic() + timeout_s
        while not (_listening(self.port) and _healthy(self.url)):
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise DemoFailed(f"the central server did not start; see {self.log.name}")
            time.sleep(0.05)
        return self.url

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def _listening(port: int) -> bool:
    """Whether something accepts connections on the port: a cheap test to repeat while the
    server boots (an HTTP request costs the booting server's CPU ~1000 times as much)."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


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


#: Announces one step of ``demo_central`` ("central", "server", "sync") while it runs.
Step = Callable[[str], AbstractContextManager[object]]


def _unannounced(_step: str) -> AbstractContextManager[object]:
    return nullcontext()


@contextmanager
def demo_central(settings: Settings, kiosk_db: Path, *, step: Step = _unannounced) -> Iterator[str]:
    """Central with today's demo data running in the background while the block runs, the
    kiosk at ``kiosk_db`` enrolled and synced with it; yields the server's URL.

    Three steps: "central" (the central database migrated and, once a day, seeded),
    "server" (the server, started right after the migration so it boots while the data
    is written, answering; meanwhile the kiosk database is prepared), "sync" (the kiosk
    enrolled once, then its first sync).
    """
    marker = settings.home / DEMO_MARKER
    if kiosk_db.exists() and not marker.exists():
        raise DemoFailed(f"{settings.home} is not a demo home; use an empty --home")
    central_home = settings.home / "central"
    today = local_today(utcnow())
    with ExitStack() as stack:
        with step("central"):
            central, fresh = open_central(central_home, today)
            stack.callback(central.dispose)
            # Booting takes the server about as long as the data takes us. Its own start-up
            # writes (feed pruning, the epoch) wait for the seed's transaction to commit
            # (SQLite's busy timeout, 10 s; the seed takes well under one).
            server = CentralServer(central_home)
            stack.callback(server.stop)
            data = seed_today(central, central_home, today) if fresh else None
        restart = data is not None or not settings.credential_path.exists()
        if restart:
            # A new central (or a kiosk seeded without one): the kiosk starts over with it.
            _wipe(kiosk_db)
            settings.credential_path.unlink(missing_ok=True)
            write_private(marker, b"demo data from the demo central server (`mestring demo`)\n")
        kiosk = make_engine(f"sqlite:///{kiosk_db}")
        try:
            with step("server"):
                upgrade(kiosk, "kiosk")
                if restart:  # the events this site's kiosk made before (central has them)
                    history = data or build_demo(today)
                    seed_kiosk_history(kiosk, history, DEMO_SITE, now=utcnow(), settings=settings)
                url = server.wait_until_healthy()
            with step("sync"):
                connect_kiosk(settings, kiosk, central, url)
                first_sync(settings, kiosk)
        finally:
            kiosk.dispose()
        yield url
