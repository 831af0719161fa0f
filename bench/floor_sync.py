"""The sync floor's client side: push a kiosk's outbox in batches and pull a site's rows
over HTTP loopback to ``bench.floor_sync_server`` in a separate process."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.floors import durable, migrated
from bench.sync_setup import free_port, served
from models.ids import new_id

BATCH = 500
CITIZEN_SQL = (
    "INSERT INTO citizen (id, display_name, birth_year, reference, card_token, updated_at,"
    " provisional) VALUES (?, ?, ?, ?, ?, ?, 0)"
)
SESSION_SQL = (
    "INSERT OR REPLACE INTO group_session (id, group_id, site_id, starts_at, ends_at, location,"
    " status, status_reason, closed, state_hlc) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)


def copy_database(source: Path, target: Path) -> Path:
    """A consistent copy of a live SQLite database (the backup API)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    return target


@contextmanager
def floor_server(database: Path) -> Iterator[str]:
    """The floor's FastAPI app under uvicorn on 127.0.0.1, in its own process."""
    port = free_port()
    command = [sys.executable, "-m", "bench.floor_sync_server", str(database), str(port)]
    with served(command, dict(os.environ), port, "the floor's server") as url:
        yield url


def queued_outbox(path: Path, citizens: list[str], count: int) -> Path:
    """A kiosk-schema database whose outbox holds ``count`` check-ins, as the kiosk's does."""
    db = durable(migrated(path, "kiosk"))
    now = time.strftime("%Y-%m-%d %H:%M:%S.000000", time.gmtime())
    device = new_id()
    rows = []
    for n in range(count):
        event = {"id": new_id(), "site_id": "ebeltoft", "device_id": device,
                 "hlc": f"{time.time_ns() // 1_000_000:015d}-{n:06d}-{device}", "created_at": now,
                 "action": "check_in", "citizen_id": citizens[n % len(citizens)],
                 "offer_id": "aaben-raadgivning", "method": "name"}  # fmt: skip
        rows.append(("check_in", event["id"], json.dumps(event), now))
    db.execute("BEGIN IMMEDIATE")
    db.executemany(
        "INSERT INTO outbox (kind, row_id, payload, created_at, attempts) VALUES (?, ?, ?, ?, 0)",
        rows,
    )
    db.execute("COMMIT")
    db.close()
    return path


def nightly_floor(url: str, kiosk: Path, site: str) -> float:
    """Seconds to push the outbox in batches (each deleted once stored) and pull the site's
    rows into the kiosk database."""
    db = durable(kiosk)
    started = time.perf_counter()
    with httpx.Client(base_url=url, timeout=120) as client:
        while True:
            batch = db.execute(
                "SELECT seq, payload FROM outbox ORDER BY seq LIMIT ?", (BATCH,)
            ).fetchall()
            if not batch:
                break
            body = "[" + ",".join(payload for _, payload in batch) + "]"
            client.post("/push", content=body).raise_for_status()
            db.execute("BEGIN IMMEDIATE")
            db.execute("DELETE FROM outbox WHERE seq <= ?", (batch[-1][0],))
            db.execute("COMMIT")
        rows = client.get(f"/rows/{site}").raise_for_status().json()
        db.execute("BEGIN IMMEDIATE")
        db.executemany(SESSION_SQL, rows)
        db.execute("COMMIT")
    elapsed = time.perf_counter() - started
    db.close()
    return elapsed


def bootstrap_floor(url: str, kiosk: Path, site: str) -> tuple[float, int]:
    """Seconds to download every citizen of the site in one response and insert them with
    one ``executemany`` in one durable transaction; and how many there were."""
    db = durable(migrated(kiosk, "kiosk"))
    started = time.perf_counter()
    with httpx.Client(base_url=url, timeout=120) as client:
        rows = client.get(f"/citizens/{site}").raise_for_status().json()
    db.execute("BEGIN IMMEDIATE")
    db.executemany(CITIZEN_SQL, rows)
    db.execute("COMMIT")
    elapsed = time.perf_counter() - started
    db.close()
    return elapsed, len(rows)
