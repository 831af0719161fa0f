"""store: durable check-in commit with its outbox entry (file SQLite, WAL + synchronous=FULL)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from bench.floors import CommitFloor
from bench.harness import add_ratio, interleave, summary_ms
from models import CheckIn
from models.db import make_engine, write_session
from models.ids import new_id
from models.migrate import upgrade
from models.timeutil import utcnow
from sync.outbox import init_state, record

TARGETS = {"commit_p50_ratio": 2.0, "commit_p99_ratio": 2.0}
WARM_UP = 20


def one_commit(engine: Engine) -> float:
    """Seconds for one check-in committed with its outbox entry, as the kiosk writes it."""
    event = CheckIn(
        id=new_id(),
        action="check_in",
        citizen_id=new_id(),
        offer_id="aaben-raadgivning",
        method="name",
    )
    started = time.perf_counter()
    with write_session(engine) as session:
        record(session, [event], now=utcnow())
    return time.perf_counter() - started


def kiosk_engine(path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine, "kiosk")
    with write_session(engine) as session:
        init_state(session, device_id=new_id(), site_id="hornslet")
    return engine


def run(quick: bool) -> dict[str, Any]:
    commits = 500 if quick else 5000
    with tempfile.TemporaryDirectory() as tmp:
        engine = kiosk_engine(Path(tmp) / "kiosk.db")
        floor = CommitFloor(Path(tmp) / "floor.db")
        mine, limit = interleave(lambda: one_commit(engine), floor.commit, commits + WARM_UP)
        floor.close()
        engine.dispose()
    figures, floors = summary_ms(mine[WARM_UP:]), summary_ms(limit[WARM_UP:])
    metrics = {
        "commit_p99_ms": figures["p99_ms"],
        "commit_p50_ms": figures["p50_ms"],
        "commit_max_ms": figures["max_ms"],
    }
    add_ratio(metrics, "commit_p50_ms", floors["p50_ms"])
    add_ratio(metrics, "commit_p99_ms", floors["p99_ms"])
    return {
        "metrics": metrics,
        "sizes": {
            "commits": commits,
            "journal_mode": "wal",
            "synchronous": "full",
            "floor": "raw sqlite3, check-in row + outbox row, one transaction",
        },
    }
