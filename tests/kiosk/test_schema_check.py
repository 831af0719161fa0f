"""The fast migration check agrees with Alembic and errs on the side of migrating."""

from __future__ import annotations

from pathlib import Path

from kiosk.schema_check import head_from_files, is_current
from models.db import make_engine
from models.migrate import head_revision, revisions, upgrade


def test_head_from_files_matches_alembic(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'k.db'}")
    assert head_from_files("kiosk") == head_revision(engine, "kiosk")
    assert head_from_files("central") == head_revision(engine, "central")
    engine.dispose()


def test_empty_and_older_databases_are_not_current(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'k.db'}")
    assert not is_current(engine, "kiosk")
    upgrade(engine, "kiosk", revisions(engine, "kiosk")[0])
    assert not is_current(engine, "kiosk")
    upgrade(engine, "kiosk")
    assert is_current(engine, "kiosk")
    engine.dispose()
