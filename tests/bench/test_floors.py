"""The floors do the physical work they stand for (what is timed must really happen)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bench.bench_import import citizens_csv
from bench.floor_sync import copy_database, floor_server, nightly_floor, queued_outbox
from bench.floors import CommitFloor, SearchFloor, import_floor, migrated
from models.ids import new_id


def _count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_the_commit_floor_writes_a_check_in_and_its_outbox_row_durably(tmp_path: Path) -> None:
    floor = CommitFloor(tmp_path / "floor.db")
    assert floor.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert floor.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert all(floor.commit() > 0 for _ in range(3))
    floor.close()
    assert _count(tmp_path / "floor.db", "check_in") == 3
    assert _count(tmp_path / "floor.db", "outbox") == 3


def test_the_import_floor_inserts_every_line_of_the_file(tmp_path: Path) -> None:
    wall, cpu = import_floor(migrated(tmp_path / "central.db", "central"), citizens_csv(300))
    assert wall > 0 and cpu > 0
    assert _count(tmp_path / "central.db", "citizen") == 300


def test_the_search_floor_finds_by_trigrams_and_by_a_short_prefix() -> None:
    floor = SearchFloor([("a", "Åse Østergaard", 1950), ("b", "Jens Hansen", 1960)])
    assert len(floor.search("hans")) == 1
    assert len(floor.search("jens han")) == 1
    assert floor.search("je") == [("b", "jens hansen")]
    assert floor.search("zzz") == []


def test_the_sync_floor_pushes_the_outbox_and_pulls_the_sites_rows(tmp_path: Path) -> None:
    central = copy_database(migrated(tmp_path / "c.db", "central"), tmp_path / "copy.db")
    kiosk = queued_outbox(tmp_path / "kiosk.db", [new_id()], 1200)
    with floor_server(central) as url:
        assert nightly_floor(url, kiosk, "ebeltoft") > 0
    assert _count(kiosk, "outbox") == 0
    assert _count(central, "check_in") == 1200
