"""Fixtures for central administration: a migrated central database with the catalogue."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from models import ChangeFeed
from models.db import make_engine, read_session, write_session
from models.demo_catalogue import offers, sites, topics
from models.migrate import upgrade
from sync.changes import publish
from tests.sync.world import postgres_database


def seed_catalogue(engine: Engine, now) -> None:
    """The four sites, the SPEC's offers and topics, published as central would."""
    with write_session(engine) as session:
        publish(session, [*sites(), *offers(), *topics()], now=now)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def central(request: pytest.FixtureRequest, tmp_path: Path, frozen_now) -> Iterator[Engine]:
    """Central at head with the four sites, the offers and the topics, on each engine."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'central.db'}")
        upgrade(engine, "central")
        seed_catalogue(engine, frozen_now)
        yield engine
        engine.dispose()
        return
    with postgres_database(request.getfixturevalue("pg_base_url")) as url:
        engine = make_engine(url)
        upgrade(engine, "central")
        seed_catalogue(engine, frozen_now)
        yield engine
        engine.dispose()


def db_url(engine: Engine) -> str:
    """The engine's URL for ``--db``, password included."""
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    def write(name: str, text: str, encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return path

    return write


def feed_length(engine: Engine) -> int:
    with read_session(engine) as session:
        return int(session.exec(select(func.count()).select_from(ChangeFeed)).one())
