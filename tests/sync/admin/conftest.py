"""Fixtures for central administration: a migrated central database with the catalogue."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import func, select

from models import ChangeFeed, Offer, Site, Topic
from models.db import read_session, write_session
from sync.changes import publish

SITES = [
    Site(id="ronde", name="Rønde", place="Byens Hus", is_base=True),
    Site(id="hornslet", name="Hornslet", place="Alpedalen"),
    Site(id="ebeltoft", name="Ebeltoft", place="Strandgårdshøj"),
    Site(id="kolind", name="Kolind", place="Kafé Kolind"),
]
OFFERS = [
    ("aaben-raadgivning", "Åben rådgivning", "Open counselling", "walkin", "anonymous"),
    ("samvaer", "Åbent samværstilbud", "Open drop-in", "walkin", "anonymous"),
    (
        "mestringsforloeb",
        "Individuelt mestringsforløb",
        "Individual course",
        "appointment",
        "identified",
    ),
    ("gruppeforloeb", "Gruppeforløb", "Group course", "group", "identified"),
    ("fritidsguide", "Fritidsguide", "Leisure guide", "appointment", "identified"),
]
TOPICS = [
    ("oekonomi", "økonomi", "money"),
    ("bolig", "bolig", "housing"),
    ("ensomhed", "ensomhed", "loneliness"),
    ("andet", "andet", "other"),
]


def seed_catalogue(engine: Engine, now) -> None:
    with write_session(engine) as session:
        rows = [Site(**s.model_dump()) for s in SITES]
        rows += [
            Offer(id=i, name_da=da, name_en=en, kind=k, identity=ident, sort_order=n)
            for n, (i, da, en, k, ident) in enumerate(OFFERS)
        ]
        rows += [
            Topic(id=i, name_da=da, name_en=en, sort_order=n)
            for n, (i, da, en) in enumerate(TOPICS)
        ]
        publish(session, rows, now=now)


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
