"""Floors: the simplest programs that do a benchmark's physical work (see bench/README.md).

Each floor runs on the same machine, in the same run, interleaved with the project's own
work (``bench.harness.interleave``), so the ratio of the two says what the code costs on
top of what the disk, the terminal or the network cost anyway.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

from models.db import make_engine
from models.ids import new_id
from models.migrate import upgrade

CHECK_IN_COLUMNS = ("id", "site_id", "device_id", "hlc", "created_at", "action", "citizen_id",
                    "offer_id", "method")  # fmt: skip
CHECK_IN_SQL = f"INSERT INTO check_in ({', '.join(CHECK_IN_COLUMNS)}) VALUES ({', '.join('?' * 9)})"
OUTBOX_SQL = (
    "INSERT INTO outbox (kind, row_id, payload, created_at, attempts) VALUES (?, ?, ?, ?, 0)"
)


def migrated(path: Path, tree: Literal["kiosk", "central"]) -> Path:
    """A database at ``path`` with the project's schema (tables and indexes) and no rows, so
    a floor writes the same B-trees the project writes."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine, tree)
    engine.dispose()
    return path


def durable(path: Path) -> sqlite3.Connection:
    """A raw ``sqlite3`` connection with the kiosk's durability: WAL, synchronous=FULL."""
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    return db


class CommitFloor:
    """One durable check-in: its row and its outbox row in one transaction, raw ``sqlite3``
    on a kiosk-schema database (WAL, synchronous=FULL): the same pages reach the disk, with
    one fsync, as for the kiosk's own check-in."""

    def __init__(self, path: Path) -> None:
        self.db = durable(migrated(path, "kiosk"))
        self.device = new_id()

    def commit(self) -> float:
        """Seconds for one commit, as the project's commit is timed (the ids are made first)."""
        row_id, citizen_id = new_id(), new_id()
        started = time.perf_counter()
        now = time.strftime("%Y-%m-%d %H:%M:%S.000000", time.gmtime())
        hlc = f"{time.time_ns() // 1_000_000:015d}-000000-{self.device}"
        row = (row_id, "hornslet", self.device, hlc, now, "check_in", citizen_id,
               "aaben-raadgivning", "name")  # fmt: skip
        payload = json.dumps(dict(zip(CHECK_IN_COLUMNS, row, strict=True)))
        db = self.db
        db.execute("BEGIN IMMEDIATE")
        db.execute(CHECK_IN_SQL, row)
        db.execute(OUTBOX_SQL, ("check_in", row_id, payload, now))
        db.execute("COMMIT")
        return time.perf_counter() - started

    def close(self) -> None:
        self.db.close()


def bulk_insert(path: Path, sql: str, rows: Iterable[tuple[Any, ...]]) -> None:
    """One ``executemany`` of ``rows`` in one transaction (WAL, synchronous=FULL)."""
    db = durable(path)
    try:
        db.execute("BEGIN IMMEDIATE")
        db.executemany(sql, rows)
        db.execute("COMMIT")
    finally:
        db.close()


CITIZEN_SQL = (
    "INSERT INTO citizen (id, reference, provisional, updated_at, display_name, birth_year,"
    " card_token) VALUES (?, ?, 0, ?, ?, ?, ?)"
)


def import_floor(path: Path, raw: bytes) -> tuple[float, float]:
    """Seconds (wall, CPU) to decode a citizens export, split it with ``csv`` and insert
    every row with one ``executemany`` in one durable transaction, on an empty
    central-schema database."""
    import csv
    import io

    started, cpu = time.perf_counter(), time.process_time()
    reader = csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";")
    next(reader)  # the header
    stamp = time.strftime("%Y-%m-%d %H:%M:%S.000000", time.gmtime())
    prefix = f"{time.time_ns() // 1_000_000:012x}"
    rows = (
        (
            f"{prefix[:8]}-{prefix[8:]}-7000-8000-{n:012x}",
            ref,
            stamp,
            name,
            int(year),
            token or None,
        )
        for n, (ref, name, year, token) in enumerate(reader)
    )  # time-ordered ids, as UUIDv7s are: the same B-tree appends
    bulk_insert(path, CITIZEN_SQL, rows)
    return time.perf_counter() - started, time.process_time() - cpu


class SearchFloor:
    """Name search in SQLite: an FTS5 trigram index over the names (in memory), queried
    with every word of three letters or more, 20 hits; a query of only shorter words is a
    prefix range on a B-tree of the folded names (trigrams cannot match fewer than three)."""

    LIMIT = 20

    def __init__(self, rows: Iterable[tuple[str, str, int | None]]) -> None:
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE fts USING fts5(name, tokenize='trigram')")
        self.db.execute("CREATE TABLE names (id TEXT, folded TEXT, birth_year INTEGER)")
        rows = list(rows)
        self.db.executemany("INSERT INTO fts (rowid, name) VALUES (?, ?)",
                            ((n, name) for n, (_id, name, _year) in enumerate(rows)))  # fmt: skip
        self.db.executemany("INSERT INTO names VALUES (?, ?, ?)",
                            ((i, name.lower(), year) for i, name, year in rows))  # fmt: skip
        self.db.execute("CREATE INDEX ix_folded ON names (folded)")

    def search(self, text: str) -> list[tuple[Any, ...]]:
        words = text.lower().split()
        long = [w for w in words if len(w) >= 3]
        if long:
            query = " AND ".join('"' + w.replace('"', '""') + '"' for w in long)
            sql = "SELECT rowid FROM fts WHERE fts MATCH ? LIMIT ?"
            return self.db.execute(sql, (query, self.LIMIT)).fetchall()
        start = words[0] if words else ""
        sql = "SELECT id, folded FROM names WHERE folded >= ? AND folded < ? LIMIT ?"
        return self.db.execute(sql, (start, start + "\U0010ffff", self.LIMIT)).fetchall()
