"""Migrations: empty → head, and previous revision holding data → head without loss."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

import models
from models.db import make_engine
from models.migrate import current_revision, downgrade, head_revision, revisions, upgrade

KINDS = ["kiosk", "central"]


@pytest.mark.parametrize("kind", KINDS)
def test_empty_database_migrates_to_head_with_every_table(tmp_path: Path, kind: str) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    upgrade(engine, kind)
    assert current_revision(engine) == head_revision(engine, kind)
    expected = models.KIOSK_TABLE_NAMES if kind == "kiosk" else models.CENTRAL_TABLE_NAMES
    present = set(inspect(engine).get_table_names()) - {"alembic_version"}
    assert present == expected


@pytest.mark.parametrize("kind", KINDS)
def test_migrations_match_the_models(tmp_path: Path, kind: str) -> None:
    """Every model column exists after migrating, so no model change ships without a revision."""
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    upgrade(engine, kind)
    wanted = models.KIOSK_TABLE_NAMES if kind == "kiosk" else models.CENTRAL_TABLE_NAMES
    inspector = inspect(engine)
    for name in wanted:
        table = SQLModel.metadata.tables[name]
        db_columns = {c["name"] for c in inspector.get_columns(name)}
        assert {c.name for c in table.columns} == db_columns, name
        db_indexes = {i["name"] for i in inspector.get_indexes(name)}
        assert {i.name for i in table.indexes} <= db_indexes, name


def _seed_at_first_revision(engine) -> None:
    now = datetime(2026, 11, 24, 8, 0, tzinfo=UTC).isoformat(sep=" ")
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO site (id, name, place, is_base) VALUES "
                "('hornslet', 'Hornslet', 'Alpedalen', 0)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO offer (id, name_da, name_en, kind, legal_basis, identity, "
                "wants_checkout, sort_order, active) VALUES ('aaben-raadgivning', "
                "'Åben rådgivning', 'Open counselling', 'walkin', 'SEL §10/§12', "
                "'anonymous', 0, 1, 1)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO citizen (id, display_name, birth_year, reference, "
                "card_token, provisional) VALUES ('c1', 'Søren Ærø Åberg', 1971, "
                "'R-1', 'CARD1', 0)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO check_in (id, site_id, device_id, hlc, created_at, action, "
                "citizen_id, "
                "offer_id, method) VALUES ('e1', 'hornslet', 'd1', '000001764000000000-000000-d1', "
                f"'{now}', 'check_in', 'c1', 'aaben-raadgivning', 'name')"
            )
        )


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("start", ["first", "previous"])
def test_database_with_data_survives_upgrade_to_head(tmp_path: Path, kind: str, start: str) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    chain = revisions(engine, kind)
    assert len(chain) >= 2, "the test needs a previous revision"
    upgrade(engine, kind, chain[0] if start == "first" else chain[-2])
    _seed_at_first_revision(engine)
    upgrade(engine, kind)
    with engine.connect() as conn:
        name = conn.execute(text("SELECT display_name FROM citizen WHERE id='c1'")).scalar_one()
        checkin = conn.execute(text("SELECT citizen_id, hlc FROM check_in WHERE id='e1'")).one()
    assert name == "Søren Ærø Åberg"
    assert tuple(checkin) == ("c1", "000001764000000000-000000-d1")
    assert current_revision(engine) == head_revision(engine, kind)


@pytest.mark.parametrize("kind", KINDS)
def test_downgrade_to_first_revision_and_back(tmp_path: Path, kind: str) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    upgrade(engine, kind)
    first = revisions(engine, kind)[0]
    downgrade(engine, kind, first)
    assert current_revision(engine) == first
    upgrade(engine, kind)
    assert current_revision(engine) == head_revision(engine, kind)


@pytest.mark.postgres
def test_central_schema_migrates_on_postgres_and_back(pg_engine) -> None:
    upgrade(pg_engine, "central")
    present = set(inspect(pg_engine).get_table_names()) - {"alembic_version"}
    assert present == models.CENTRAL_TABLE_NAMES
    downgrade(pg_engine, "central", revisions(pg_engine, "central")[0])
    upgrade(pg_engine, "central")
    assert current_revision(pg_engine) == head_revision(pg_engine, "central")
