"""Alembic runs this for the central tree; the environment is shared by both trees."""

from models.migrations.environment import run_migrations

run_migrations("central")
