"""console: server-side render time of each /admin/ page (p95) with the half-year demo data.

The report pages keep their last built report while the data is unchanged
(``sync.console.report_cache``), so they are measured four ways: the first view after start
(``*_cold_ms``: nothing cached, the report is built, one sample), first views with the cache
emptied before each (``*_cold_p50_ms`` / ``*_cold_p95_ms``: what every view after a change of
the data costs, through the ordinary page address), repeated views (``*_p95_ms``: served from
the cache after the data version is read) and "Beregn igen" (``*_fresh_p95_ms``).
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pyotp
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from bench.admin_data import seed_halfyear
from bench.harness import percentile
from models.config import Settings
from models.db import make_engine
from models.migrate import upgrade
from sync.admin.report_model import ReportQuery
from sync.admin.report_period import default_period
from sync.admin.reports import make_report
from sync.console.accounts import add_user
from sync.console.report_cache import data_version
from sync.server.app import create_app

START, END = date(2026, 1, 1), date(2026, 6, 30)
NOW = datetime(2026, 7, 1, 8, 0, tzinfo=UTC)
PASSWORD = "bench password 2026"
PAGES = {
    "overview": "/admin/",
    "devices": "/admin/devices",
    "imports": "/admin/imports",
    "provisional": "/admin/provisional",
    "reports_4_weeks": "/admin/reports",
    "reports_halfyear": "/admin/reports?committee=true",
    "audit": "/admin/audit",
    "retention": "/admin/retention",
}


def _signed_in(client: TestClient, secret: str) -> None:
    page = client.get("/admin/sign-in").text
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    client.post("/admin/sign-in", data={"login": "bench", "password": PASSWORD, "csrf": csrf})
    page = client.get("/admin/sign-in/code").text
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    code = pyotp.TOTP(secret).at(NOW)
    answer = client.post("/admin/sign-in/code", data={"code": code, "csrf": csrf})
    if answer.status_code != 303:
        raise RuntimeError(f"bench sign-in failed: {answer.status_code}")


def _timed_get(client: TestClient, url: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = client.get(url)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{url}: HTTP {response.status_code}")
    return elapsed, len(response.content)


def _cache(app: Any) -> Any:
    """The console's report page cache (to empty it before each first view)."""
    from starlette.routing import Mount

    mount = next(r for r in app.routes if isinstance(r, Mount) and r.path == "/admin")
    return mount.app.state.console.reports  # type: ignore[attr-defined]


def _time_cold(client: TestClient, cache: Any, rounds: int) -> dict[str, float]:
    """First views of each report page: the cache emptied before every sample."""
    metrics: dict[str, float] = {}
    for name, url in PAGES.items():
        if not name.startswith("reports_"):
            continue
        samples = []
        for _ in range(rounds):
            cache.clear()
            samples.append(_timed_get(client, url)[0])
        metrics[f"{name}_cold_p50_ms"] = round(percentile(samples, 50) * 1000, 1)
        metrics[f"{name}_cold_p95_ms"] = round(percentile(samples, 95) * 1000, 1)
    return metrics


def _time_pages(client: TestClient, rounds: int) -> dict[str, float]:
    metrics: dict[str, float] = {}
    for name, url in PAGES.items():
        report = name.startswith("reports_")
        if report:  # the first view after start: nothing cached yet, the report is built
            cold, _size = _timed_get(client, url)
            metrics[f"{name}_cold_ms"] = round(cold * 1000, 1)
        samples, size = [], 0
        for _ in range(rounds):
            elapsed, size = _timed_get(client, url)
            samples.append(elapsed)
        metrics[f"{name}_p95_ms"] = round(percentile(samples, 95) * 1000, 1)
        if report:  # what the page itself adds to the report's cost
            metrics[f"{name}_kb"] = round(size / 1024, 1)
            fresh = url + ("&" if "?" in url else "?") + "fresh=1"
            rebuilt = [_timed_get(client, fresh)[0] for _ in range(rounds)]
            metrics[f"{name}_fresh_p95_ms"] = round(percentile(rebuilt, 95) * 1000, 1)
    return metrics


def _version_query(engine: Engine, rounds: int) -> dict[str, float]:
    """The data version every report page view reads (one query of aggregates)."""
    samples = []
    for _ in range(rounds * 4):
        started = time.perf_counter()
        data_version(engine)
        samples.append(time.perf_counter() - started)
    return {"report_version_p95_ms": round(percentile(samples, 95) * 1000, 2)}


def _builder_alone(engine: Engine, rounds: int) -> dict[str, float]:
    """The shared report builder without the console, for the same two periods: what of a
    report page's time is the page and what is the report."""
    metrics: dict[str, float] = {}
    first, last = default_period(NOW)
    for name, query in (
        ("4_weeks", ReportQuery(site=None, start=first, end=last)),
        ("halfyear", ReportQuery(site=None, start=START, end=END, committee=True)),
    ):
        samples = []
        for _ in range(rounds):
            started = time.perf_counter()
            make_report(engine, query, now=NOW)
            samples.append(time.perf_counter() - started)
        metrics[f"builder_{name}_p95_ms"] = round(percentile(samples, 95) * 1000, 1)
    return metrics


def run(quick: bool) -> dict[str, Any]:
    visits_per_day = 40 if quick else 230  # full: ~200k events, as `bench report`
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'central.db'}")
        upgrade(engine, "central")
        events = seed_halfyear(engine, START, END, visits_per_day=visits_per_day)
        account = add_user(
            engine, login="bench", display_name="Bench", role="admin", password=PASSWORD, now=NOW
        )
        app = create_app(Settings(home=Path(tmp)), engine=engine, now=lambda: NOW)
        with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
            _signed_in(client, account.totp_secret)
            metrics = _time_pages(client, 5 if quick else 20)
            metrics.update(_time_cold(client, _cache(app), 5 if quick else 20))
            metrics.update(_builder_alone(engine, 5 if quick else 20))
            metrics.update(_version_query(engine, 5 if quick else 20))
        engine.dispose()
    worst = max(metrics[f"{name}_p95_ms"] for name in PAGES)  # repeated views of each page
    worst_cold = max(v for k, v in metrics.items() if k.endswith("_cold_p95_ms"))
    return {
        "metrics": {**metrics, "worst_p95_ms": worst, "worst_cold_p95_ms": worst_cold},
        "sizes": {"events": events, "quick": quick, "budget_p95_ms": 200},
    }
