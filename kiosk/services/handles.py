"""The database handle the services take, so that screens can name it without sqlalchemy."""

from __future__ import annotations

from sqlalchemy.engine import Engine

__all__ = ["Engine"]
