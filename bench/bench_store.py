"""store: durable check-in commit with its outbox entry (file SQLite, WAL + synchronous=FULL)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import summary_ms
from models import CheckIn
from models.db import make_engine, write_session
from models.ids import new_id
from models.migrate import upgrade
from models.timeutil import utcnow
from sync.outbox import init_state, record


def run(quick: bool) -> dict[str, Any]:
    commits = 500 if quick else 5000
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'kiosk.db'}")
        upgrade(engine, "kiosk")
        with write_session(engine) as session:
            init_state(session, device_id=new_id(), site_id="hornslet")
        samples: list[float] = []
        for i in range(commits + 20):
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
            if i >= 20:  # warm-up excluded
                samples.append(time.perf_counter() - started)
        engine.dispose()
    figures = summary_ms(samples)
    return {
        "metrics": {
            "commit_p99_ms": figures["p99_ms"],
            "commit_p50_ms": figures["p50_ms"],
            "commit_max_ms": figures["max_ms"],
        },
        "sizes": {"commits": commits, "journal_mode": "wal", "synchronous": "full"},
    }
