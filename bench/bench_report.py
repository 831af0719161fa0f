"""report: the committee's half-year XLSX workbook for four sites and ~200,000 events."""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bench.admin_data import seed_halfyear
from models.db import make_engine
from models.migrate import upgrade
from sync.admin.report_model import ReportQuery
from sync.admin.reports import export_report

START, END = date(2026, 1, 1), date(2026, 6, 30)


def run(quick: bool) -> dict[str, Any]:
    visits_per_day = 230  # × 4 sites × 129 weekdays ≈ 120k check-ins; ~200k events in all
    now = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'central.db'}")
        upgrade(engine, "central")
        events = seed_halfyear(engine, START, END, visits_per_day=visits_per_day)
        query = ReportQuery(site=None, start=START, end=END, committee=True)
        out = Path(tmp) / "udvalg.xlsx"
        started = time.perf_counter()
        export_report(engine, query, now=now, fmt="xlsx", out=out)
        elapsed = time.perf_counter() - started
        size = out.stat().st_size
        started = time.perf_counter()
        export_report(engine, ReportQuery(site=None, start=START, end=END), now=now,
                      fmt="table", out=None)  # fmt: skip
        table_s = time.perf_counter() - started
        engine.dispose()
    return {
        "metrics": {"halfyear_s": round(elapsed, 3), "halfyear_table_s": round(table_s, 3)},
        "sizes": {
            "events": events,
            "sites": 4,
            "days": (END - START).days + 1,
            "xlsx_bytes": size,
            "quick": quick,
        },  # fmt: skip
    }
