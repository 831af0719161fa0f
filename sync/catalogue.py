"""The default catalogue `mestring central init` creates: the four sites, the SPEC §2 offers,
the anonymous-contact topics (from ``models.demo_catalogue``, the one source of the seed
catalogue) and the default questionnaires (``models.demo_questionnaires``). Idempotent;
every row goes through the change feed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from models.db import write_session
from models.demo_catalogue import offers, site_offers, sites, topics
from models.demo_questionnaires import questionnaire_rows
from sync.changes import publish


def catalogue_rows() -> list[SQLModel]:
    """Fresh rows in foreign-key order: sites, offers, topics, which site offers what, then
    the questionnaires and where they are used."""
    return [*sites(), *offers(), *topics(), *site_offers(), *questionnaire_rows()]


def seed_catalogue(engine: Engine, *, now: datetime) -> int:
    """Create whatever of the default catalogue is missing; returns rows added."""
    with write_session(engine) as session:
        missing = []
        for row in catalogue_rows():
            key = inspect(type(row)).primary_key_from_instance(row)
            if session.get(type(row), key[0] if len(key) == 1 else tuple(key)) is None:
                missing.append(row)
        # Parents before children (no ORM relationships order them), and every site before
        # publishing, so site-wide rows reach every site's feed.
        for row in missing:
            session.add(row)
            session.flush()
        publish(session, missing, now=now)
    return len(missing)
