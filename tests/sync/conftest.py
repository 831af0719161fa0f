"""Fixtures for sync tests: the central engine runs on SQLite and, when available, PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from models.db import make_engine
from tests.conftest import FROZEN_NOW, postgres_url
from tests.sync.world import World, central_template, migrated_central, postgres_database


@pytest.fixture(params=["sqlite", "postgres"])
def central(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated central database with the default catalogue, on each supported engine."""
    if request.param == "sqlite":
        engine = migrated_central(f"sqlite:///{tmp_path / 'central.db'}", FROZEN_NOW)
        yield engine
        engine.dispose()
        return
    base = postgres_url()
    if base is None:
        pytest.skip("PostgreSQL not available: set MESTRING_TEST_PG_URL (CI sets it)")
    with postgres_database(base, central_template(base, FROZEN_NOW)) as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


@pytest.fixture
def world(central: Engine, tmp_path: Path) -> World:
    return World(central, tmp_path, FROZEN_NOW)
