"""Proof that central holds every row this kiosk made: after pushing, the kiosk names its own
events that central has not yet confirmed, central answers which it lacks, and those are
queued again. ``mestring sync`` reports "synced" only once nothing is missing."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, literal_column, select
from sqlalchemy.engine import Engine
from sqlmodel import col

from models import EVENT_TABLES, LocalRejection, Outbox
from models.db import read_session, write_session
from sync.outbox import load_state


@dataclass
class Unconfirmed:
    """Own event ids per table not yet confirmed at central, and the rowid marks reached."""

    ids: dict[str, list[str]] = field(default_factory=dict)
    marks: dict[str, int] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(v) for v in self.ids.values())


def unconfirmed_rows(engine: Engine) -> Unconfirmed:
    """Own events past each table's confirmed rowid mark that are neither pending nor
    rejected (those central cannot hold yet, or will never hold)."""
    result = Unconfirmed()
    with read_session(engine) as session:
        state = load_state(session)
        marks = _marks(state.own_verified)
        pending = set(session.execute(select(col(Outbox.row_id))).scalars())
        refused = set(session.execute(select(col(LocalRejection.row_id))).scalars())
        skip = pending | refused
        rowid: Any = literal_column("rowid")
        for model in EVENT_TABLES:
            table = model.__table__  # type: ignore[attr-defined]
            mark = marks.get(table.name, 0)
            highest = session.execute(select(func.max(rowid)).select_from(table)).scalar()
            if highest is None or highest < mark:
                mark = 0  # the table was emptied by a purge: rowids start again
            mine = (table.c.device_id == state.device_id) & (rowid > mark)
            rows = session.execute(select(rowid, table.c.id).where(mine)).all()
            ids = [row_id for _rowid, row_id in rows if row_id not in skip]
            if ids:
                result.ids[table.name] = ids
            result.marks[table.name] = max([mark, *(r for r, _ in rows)])
    return result


def confirm(engine: Engine, marks: dict[str, int]) -> None:
    """Record that every own row up to ``marks`` is held by central."""
    with write_session(engine) as session:
        state = load_state(session)
        state.own_verified = json.dumps(marks, sort_keys=True)
        session.add(state)


def _marks(raw: str) -> dict[str, int]:
    try:
        loaded = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    if not isinstance(loaded, dict):
        return {}
    return {str(k): int(v) for k, v in loaded.items() if isinstance(v, int)}
