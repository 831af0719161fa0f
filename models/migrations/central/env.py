"""Alembic environment shared by the kiosk and the central migration trees."""

from alembic import context
from sqlmodel import SQLModel

import models
from models.db import make_engine

models.load_all()  # the whole schema in SQLModel.metadata
config = context.config
kind = config.attributes.get("kind") or "central"
wanted = models.KIOSK_TABLE_NAMES if kind == "kiosk" else models.CENTRAL_TABLE_NAMES


def include_object(obj, name, type_, reflected, compare_to):  # noqa: ARG001
    if type_ == "table":
        return name in wanted
    table = getattr(obj, "table", None)
    if table is not None:
        return table.name in wanted
    return True


def run_migrations() -> None:
    engine = config.attributes.get("engine") or make_engine(
        config.get_main_option("sqlalchemy.url")
    )
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=SQLModel.metadata,
            include_object=include_object,
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations()
