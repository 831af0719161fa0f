"""Fixtures for central administration: a migrated central database with the catalogue."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from models import ChangeFeed
from models.db import read_session, write_session
from models.demo_catalogue import offers, sites, topics
from sync.changes import publish


def seed_catalogue(engine: Engine, now) -> None:
    """The four sites, the SPEC's offers and topics, published as central would."""
    with write_session(engine) as session:
        publish(session, [*sites(), *offers(), *topics()], now=now)


@pytest.fixture
def central(central_db: Engine, frozen_now) -> Engine:
    """Central at head with the four sites, the offers and the topics."""
    seed_catalogue(central_db, frozen_now)
    return central_db


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
