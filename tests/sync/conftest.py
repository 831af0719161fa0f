"""Fixtures for sync tests: the central engine runs on SQLite and, when available, PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from models.db import make_engine
from tests.conftest import FROZEN_NOW
from tests.sync.world import World, central_template, migrated_central, postgres_database


@pytest.fixture(scope="session")
def pg_central_template(pg_base_url: str) -> Iterator[str]:
    """A migrated central database with the catalogue, made once per test process and
    copied for each test (much faster than migrating every time)."""
    with central_template(pg_base_url, FROZEN_NOW) as name:
        yield name


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def central(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated central database with the default catalogue, on each supported engine."""
    if request.param == "sqlite":
        engine = migrated_central(f"sqlite:///{tmp_path / 'central.db'}", FROZEN_NOW)
        yield engine
        engine.dispose()
        return
    base = request.getfixturevalue("pg_base_url")
    with postgres_database(base, request.getfixturevalue("pg_central_template")) as url:
        engine = make_engine(url)
        yield engine
        engine.dispose()


@pytest.fixture
def world(central: Engine, tmp_path: Path) -> World:
    return World(central, tmp_path, FROZEN_NOW)
