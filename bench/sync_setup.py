"""Shared set-up for the sync benchmarks: a central database seeded in bulk, a real
`mestring central serve` process on a free loopback port, and enrolled kiosks."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx
from sqlalchemy import insert
from sqlalchemy.engine import Engine

from models import ChangeFeed, Citizen, FeedCounter, SiteScope
from models.db import make_engine, write_session
from models.ids import new_id
from models.migrate import upgrade
from sync.catalogue import seed_catalogue
from sync.changes import next_feed_seqs
from sync.outbox import init_state
from sync.server.auth import create_enrolment_code, enrol_device
from sync.server.feed import ensure_epoch
from sync.transport import SyncClient


def central_at(home: Path, now: datetime) -> Engine:
    engine = make_engine(f"sqlite:///{home / 'central.db'}")
    upgrade(engine, "central")
    seed_catalogue(engine, now=now)
    ensure_epoch(engine)
    return engine


def seed_citizens(engine: Engine, site_id: str, count: int, now: datetime) -> list[str]:
    """``count`` citizens in ``site_id``'s scope with their feed entries, inserted in bulk."""
    ids = [new_id() for _ in range(count)]
    with write_session(engine) as session:
        session.execute(
            insert(Citizen.__table__),  # type: ignore[attr-defined]
            [
                {
                    "id": cid,
                    "display_name": f"Borger {n}",
                    "birth_year": 1950 + n % 50,
                    "card_token": f"{site_id[:3].upper()}{n:08d}",
                    "provisional": False,
                }
                for n, cid in enumerate(ids)
            ],
        )
        session.execute(
            insert(SiteScope.__table__),  # type: ignore[attr-defined]
            [{"site_id": site_id, "citizen_id": cid, "since": now} for cid in ids],
        )
        if session.get(FeedCounter, 1) is None:
            session.add(FeedCounter(id=1, value=0))
            session.flush()
        seqs = next_feed_seqs(session, count)
        session.execute(
            insert(ChangeFeed.__table__),  # type: ignore[attr-defined]
            [
                {
                    "seq": seq,
                    "site_id": site_id,
                    "table_name": "citizen",
                    "row_id": cid,
                    "op": "upsert",
                    "changed_at": now,
                }
                for seq, cid in zip(seqs, ids, strict=True)
            ],
        )
    return ids


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served(
    command: list[str], env: dict[str, str], port: int, what: str, *, start_s: float = 30
) -> Iterator[str]:
    """Run ``command`` (an HTTP server on 127.0.0.1:``port``) in its own process until its
    ``/health`` answers (at most ``start_s``); its URL inside the block, stopped at the end."""
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + start_s
        while True:
            try:
                if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"{what} did not start")
            time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def central_server(home: Path) -> Iterator[str]:
    """`mestring central serve` on 127.0.0.1 in its own process; stopped at the end."""
    port = free_port()
    env = {**os.environ, "MESTRING_HOME": str(home)}
    command = [sys.executable, "-m", "cli", "central", "serve", "--port", str(port)]
    with served(command, env, port, "the central server") as url:
        yield url


@dataclass
class BenchKiosk:
    engine: Engine
    client: SyncClient
    device_id: str
    site_id: str


def enrolled_kiosk(
    central: Engine, url: str, path: Path, site_id: str, now: datetime
) -> BenchKiosk:
    code = create_enrolment_code(central, site_id=site_id, now=now)
    device, token = enrol_device(central, code=code, name=path.stem, now=now)
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine, "kiosk")
    with write_session(engine) as session:
        init_state(session, device_id=device.id, site_id=site_id, server_url=url)
    return BenchKiosk(engine, SyncClient(url, token, timeout_s=120), device.id, site_id)
