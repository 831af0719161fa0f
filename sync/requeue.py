"""Recovery when central has lost outbox entries the kiosk already deleted (a server restored
from backup answers 409 with an older expected seq): queue the kiosk's own rows again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Table
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from models import EVENT_TABLES, Citizen, Outbox
from models.db import write_session
from models.ids import new_id
from sync.crashpoints import crash_point, declare
from sync.outbox import load_state, row_payload

BEFORE_COMMIT = declare("kiosk.requeue.before_commit", "own rows queued again; not committed")
REBASED = declare("kiosk.rebase.before_commit", "outbox re-based on a new lineage; not committed")


def requeue_own_rows(engine: Engine, *, now: datetime) -> int:
    """Queue every row this device made again after the pending entries (from the next seq)."""
    with write_session(engine) as session:
        next_seq = load_state(session).next_seq
    return requeue_from(engine, next_seq, now=now)


def requeue_from(engine: Engine, expected_seq: int, *, now: datetime) -> int:
    """Renumber the outbox from ``expected_seq``: first every row this device made that it
    still holds (central skips ids it already has), then the pending entries in order.
    Returns how many rows were queued again."""
    with write_session(engine) as session:
        return _requeue(session, expected_seq, now=now)


def rebase(engine: Engine, expected_seq: int, *, onto: str, now: datetime) -> int:
    """Central found this kiosk rewound (restored from an image): renumber every own row and
    pending entry from ``expected_seq`` under a new lineage whose parent is ``onto``, in one
    transaction, so nothing the image holds or wrote since is skipped as already seen."""
    with write_session(engine) as session:
        state = load_state(session)
        queued = _requeue(session, expected_seq, now=now)
        state.rebase_of = onto or state.lineage
        state.lineage = new_id()
        state.own_verified = ""  # verify every own row again after the re-base
        session.add(state)
        crash_point(REBASED)
        return queued


def requeue_rows(engine: Engine, missing: dict[str, list[str]], *, now: datetime) -> int:
    """Queue the named own rows again (central does not hold them), after pending entries."""
    with write_session(engine) as session:
        state = load_state(session)
        again = _event_rows(session, lambda table: table.c.id.in_(missing.get(table.name, [])))
        state.next_seq = _append(session, again, state.next_seq, now=now)
        session.add(state)
        return len(again)


def _event_rows(
    session: Session, where: Callable[[Table], ColumnElement[bool]]
) -> list[tuple[str, SQLModel]]:
    """``(kind, row)`` for the rows of every event table that match ``where``, in HLC order."""
    events: list[tuple[str, SQLModel]] = []
    for model in EVENT_TABLES:
        table = model.__table__  # type: ignore[attr-defined]
        query: Any = select(model).where(where(table))
        events += [(table.name, r) for r in session.exec(query).all()]
    events.sort(key=lambda item: str(getattr(item[1], "hlc", "")))
    return events


def _append(session: Session, rows: list[tuple[str, SQLModel]], seq: int, *, now: datetime) -> int:
    """An outbox entry for each ``(kind, row)``, numbered from ``seq``; returns the next seq."""
    for kind, row in rows:
        session.add(
            Outbox(
                seq=seq,
                kind=kind,
                row_id=str(getattr(row, "id", "")),
                payload=row_payload(row),
                created_at=now,
            )
        )
        seq += 1
    return seq


def _requeue(session: Session, expected_seq: int, *, now: datetime) -> int:
    state = load_state(session)
    pending = list(session.exec(select(Outbox).order_by(col(Outbox.seq))).all())
    queued = {(o.kind, o.row_id) for o in pending}
    again: list[tuple[str, SQLModel]] = []
    guests = select(Citizen).where(
        col(Citizen.provisional).is_(True), Citizen.created_site_id == state.site_id
    )
    again += [("citizen", c) for c in session.exec(guests).all()]
    again += _event_rows(session, lambda table: table.c.device_id == state.device_id)
    again = [(k, r) for k, r in again if (k, str(getattr(r, "id", ""))) not in queued]
    for entry in pending:
        session.delete(entry)
    session.flush()
    seq = _append(session, again, expected_seq, now=now)
    for entry in pending:
        session.add(
            Outbox(
                seq=seq,
                kind=entry.kind,
                row_id=entry.row_id,
                payload=entry.payload,
                created_at=entry.created_at,
                attempts=entry.attempts,
            )
        )
        seq += 1
    state.next_seq = seq
    session.add(state)
    crash_point(BEFORE_COMMIT)
    return len(again)
