"""Data files are 0600 and data directories 0700, in a fresh home and in one made before."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from models.config import Settings
from models.db import make_engine, write_session
from models.filemodes import write_private
from models.migrate import upgrade
from sync.credential import Credential
from sync.outbox import init_state


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask():
    """The system default that made the 0644 files the DPO found."""
    old = os.umask(0o022)
    yield
    os.umask(old)


def _use_databases(home: Path) -> None:
    for name in ("kiosk.db", "central.db"):
        engine = make_engine(f"sqlite:///{home / name}")
        upgrade(engine, "kiosk")
        with write_session(engine) as session:
            init_state(session, device_id="d-1", site_id="hornslet", server_url="")
        with engine.connect():  # keeps the WAL and SHM in place while we look
            for path in (home / name, Path(f"{home / name}-wal"), Path(f"{home / name}-shm")):
                assert path.exists() and mode(path) == 0o600, path.name
        engine.dispose()


def test_a_fresh_home_holds_only_private_files(tmp_path: Path, loose_umask, capsys) -> None:
    home = Settings(home=tmp_path / "home").ensure_home()
    assert mode(home) == 0o700
    _use_databases(home)
    Credential("https://c.example", "d-1", "hornslet", "t").save(home / "device.credential")
    write_private(home / "exports" / "rapport.csv", b"a;b\n")
    assert mode(home / "device.credential") == 0o600
    assert (mode(home / "exports"), mode(home / "exports" / "rapport.csv")) == (0o700, 0o600)
    assert "tightened" not in capsys.readouterr().err  # nothing to tighten in a fresh home


def test_an_existing_home_is_tightened_once_and_says_so(tmp_path: Path, loose_umask, capsys):
    home = tmp_path / "home"
    (home / "exports").mkdir(parents=True, mode=0o755)
    os.chmod(home, 0o755)
    for name in ("kiosk.db", "kiosk.db-wal", "central.db", "exports/old.csv"):
        (home / name).write_bytes(b"")
        os.chmod(home / name, 0o644)
    Settings(home=home).ensure_home()
    assert "tightened to 0600/0700" in capsys.readouterr().err
    assert mode(home) == mode(home / "exports") == 0o700
    assert {mode(p) for p in home.rglob("*") if p.is_file()} == {0o600}
    Settings(home=home).ensure_home()
    assert capsys.readouterr().err == ""  # said once


def test_a_database_made_loose_elsewhere_is_tightened_when_opened(tmp_path: Path, loose_umask):
    db = tmp_path / "central.db"
    db.write_bytes(b"")
    os.chmod(db, 0o644)
    engine = make_engine(f"sqlite:///{db}")
    with engine.connect():
        assert mode(db) == 0o600
    engine.dispose()
