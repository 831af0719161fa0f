"""The Alembic environment both migration trees run, each on its own share of the tables."""

from __future__ import annotations

from typing import Any

from sqlmodel import SQLModel

import models
from models.db import make_engine


def _only(wanted: set[str]) -> Any:
    """Alembic's ``include_object``: the tables in ``wanted`` and what belongs to them."""

    def include_object(obj: Any, name: str, type_: str, *_args: Any) -> bool:
        if type_ == "table":
            return name in wanted
        table = getattr(obj, "table", None)
        return table.name in wanted if table is not None else True

    return include_object


def run_migrations(tree: str) -> None:
    """Run the migrations of ``tree`` ("kiosk" or "central") on the configured engine."""
    from alembic import context

    models.load_all()  # the whole schema in SQLModel.metadata
    config = context.config
    kind = config.attributes.get("kind") or tree
    wanted = models.KIOSK_TABLE_NAMES if kind == "kiosk" else models.CENTRAL_TABLE_NAMES
    engine = config.attributes.get("engine") or make_engine(
        config.get_main_option("sqlalchemy.url")
    )
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=SQLModel.metadata,
            include_object=_only(wanted),
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
