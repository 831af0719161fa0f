"""Alembic migrations for the kiosk and the central database, applied automatically at start."""

from pathlib import Path
from typing import Literal

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

Kind = Literal["kiosk", "central"]
_HERE = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine, kind: Kind) -> Config:
    """An Alembic config for ``kind`` bound to ``engine`` (no ini file needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(_HERE / kind))
    cfg.attributes["engine"] = engine
    cfg.attributes["kind"] = kind
    return cfg


def upgrade(engine: Engine, kind: Kind, revision: str = "head") -> None:
    """Bring the database behind ``engine`` to ``revision`` (default: the newest)."""
    command.upgrade(alembic_config(engine, kind), revision)


def downgrade(engine: Engine, kind: Kind, revision: str) -> None:
    command.downgrade(alembic_config(engine, kind), revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or ``None`` for an empty database."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision(engine: Engine, kind: Kind) -> str:
    head = ScriptDirectory.from_config(alembic_config(engine, kind)).get_current_head()
    assert head is not None
    return head


def revisions(engine: Engine, kind: Kind) -> list[str]:
    """All revisions of ``kind``, oldest first."""
    script = ScriptDirectory.from_config(alembic_config(engine, kind))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]
