"""Kiosk side of the transactional outbox: every local write is stamped and queued in the
same SQLite transaction as the row itself, so a row never exists without its outbox entry
and an outbox entry never exists without its row."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from pydantic_core import to_jsonable_python
from sqlalchemy import Table
from sqlalchemy.orm.attributes import instance_state, set_committed_value
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session, SQLModel

from models.events import EventBase
from models.kiosk_state import Outbox, SyncState
from sync.crashpoints import crash_point, declare
from sync.hlc import HybridClock, Stamp
from sync.outbox_sql import LocalWriter

RECORDED = declare("kiosk.write.recorded", "a local write and its outbox entries; uncommitted")


class NotInitialised(RuntimeError):
    """The kiosk database has no sync state yet (not seeded or enrolled)."""


def load_state(session: Session) -> SyncState:
    state = session.get(SyncState, 1)
    if state is None:
        raise NotInitialised("this kiosk has no device identity yet; enrol it or run the demo")
    return state


def init_state(
    session: Session, *, device_id: str, site_id: str, server_url: str = ""
) -> SyncState:
    """Create or update the kiosk's single sync-state row."""
    state = session.get(SyncState, 1) or SyncState(id=1)
    state.device_id = device_id
    state.site_id = site_id
    if server_url:
        state.server_url = server_url
    session.add(state)
    return state


def clock_for(state: SyncState, now: datetime) -> HybridClock:
    """The device's clock, resumed from its persisted last stamp, reading wall time ``now``."""
    wall = int(now.timestamp() * 1000)
    last = Stamp.parse(state.hlc) if state.hlc else None
    return HybridClock(state.device_id or "kiosk", wall=lambda: wall, last=last)


def row_payload(row: SQLModel) -> str:
    return json.dumps(row.model_dump(mode="json"), ensure_ascii=False, sort_keys=True)


def _insert_values(row: SQLModel) -> dict[str, Any]:
    """``row``'s column values as the ORM would insert them: a ``None`` is left out, so a
    column default still applies (the unit of work skips ``None`` the same way)."""
    table = _table_of(type(row))
    values = {}
    for column in table.columns:
        value = getattr(row, column.key)
        if value is not None:
            values[column.key] = value
    return values


@dataclass(frozen=True, slots=True)
class NewEvent:
    """A new event given as its column values, for ``record``: written exactly as the model
    row would be (the same columns, the same outbox payload) without building the ORM
    object, which cost more Python than its insert (bench attendance). ``record`` fills in
    ``values`` (id given; device, site, HLC and ``created_at`` when missing)."""

    model: type[EventBase]
    values: dict[str, Any]


@cache
def _field_defaults(model: type[EventBase]) -> dict[str, Any]:
    """The model's fields with their plain defaults (every field of an event has one but
    its id); a field made by a factory would need a fresh value per row, so none may."""
    defaults = {}
    for name, info in model.model_fields.items():
        if info.default_factory is not None:
            raise TypeError(f"{model.__name__}.{name}: NewEvent takes no default factories")
        if not info.is_required():
            defaults[name] = info.default
    return defaults


def new_event_payload(values: dict[str, Any]) -> str:
    """The outbox payload of a ``NewEvent``: what ``row_payload`` makes of the same row."""
    return json.dumps(to_jsonable_python(values), ensure_ascii=False, sort_keys=True)


def _table_of(model: type[SQLModel]) -> Table:
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


_OUTBOX: Table = _table_of(Outbox)
_STATE: Table = _table_of(SyncState)


def record(
    session: Session,
    rows: Iterable[SQLModel | NewEvent],
    *,
    now: datetime,
    kind: str | None = None,
) -> list[int]:
    """Write ``rows`` with their outbox entries in ``session``'s transaction.

    Events get the device, site, ``created_at`` and a fresh HLC stamp unless already set.
    Call inside ``models.db.write_session`` so sequence numbers are taken under the write
    lock. Returns the device sequence numbers used.

    The rows, their outbox entries and the new sequence number and clock are written by
    prepared statements on the session's own connection (``sync.outbox_sql``: the same
    transaction, so a row still never exists without its outbox entry); the ORM's unit of
    work was most of a check-in's cost. New rows are not added to the session: they are
    facts, never changed after this.
    """
    session.flush()  # what the caller added first (a site, a citizen) is written first
    writer = LocalWriter(session.connection(), _STATE)
    try:
        seqs, next_seq, hlc = _write(session, writer, rows, now, kind)
    finally:
        writer.close()
    _keep_loaded_state(session, next_seq, hlc)
    crash_point(RECORDED)
    return seqs


def _write(
    session: Session,
    writer: LocalWriter,
    rows: Iterable[SQLModel | NewEvent],
    now: datetime,
    kind: str | None,
) -> tuple[list[int], int, str]:
    found = writer.read_state()
    if found is None:
        raise NotInitialised("this kiosk has no device identity yet; enrol it or run the demo")
    device_id, site_id, next_seq, last_hlc = found
    wall = int(now.timestamp() * 1000)
    last = Stamp.parse(last_hlc) if last_hlc else None
    clock = HybridClock(device_id or "kiosk", wall=lambda: wall, last=last)
    seqs: list[int] = []
    for row in rows:
        if isinstance(row, NewEvent):
            values = row.values
            for name, default in _field_defaults(row.model).items():
                values.setdefault(name, default)
            values["device_id"] = values["device_id"] or device_id
            values["site_id"] = values["site_id"] or site_id
            values["hlc"] = values["hlc"] or clock.now().pack()
            if values["created_at"] is None:
                values["created_at"] = now
            table = _table_of(row.model)
            writer.insert(table, {c.key: values[c.key] for c in table.columns
                                  if values.get(c.key) is not None})  # fmt: skip
            outbox = {"seq": next_seq, "kind": kind or str(table.name),
                      "row_id": str(values["id"]), "payload": new_event_payload(values),
                      "created_at": now, "attempts": 0}  # fmt: skip
            writer.insert(_OUTBOX, outbox)
            seqs.append(next_seq)
            next_seq += 1
            continue
        if isinstance(row, EventBase):
            row.device_id = row.device_id or device_id
            row.site_id = row.site_id or site_id
            row.hlc = row.hlc or clock.now().pack()
            if getattr(row, "created_at", None) is None:
                row.created_at = now
        if instance_state(row).key is None:
            writer.insert(_table_of(type(row)), _insert_values(row))
        else:  # a row that already exists (a reference row changed locally): the ORM updates
            session.add(row)
        outbox = {"seq": next_seq, "kind": kind or str(row.__tablename__),
                  "row_id": str(row.id),  # type: ignore[attr-defined]
                  "payload": row_payload(row), "created_at": now, "attempts": 0}  # fmt: skip
        writer.insert(_OUTBOX, outbox)
        seqs.append(next_seq)
        next_seq += 1
    hlc = clock.last.pack()
    if last_hlc and hlc <= last_hlc:
        hlc = last_hlc
    writer.update_state(next_seq, hlc)
    return seqs, next_seq, hlc


def _keep_loaded_state(session: Session, next_seq: int, hlc: str) -> None:
    """A ``SyncState`` the session already holds learns the values just written (without
    being marked changed), so a later ``load_state`` in the transaction sees them."""
    loaded = session.identity_map.get(identity_key(SyncState, 1))
    if loaded is not None:
        set_committed_value(loaded, "next_seq", next_seq)
        set_committed_value(loaded, "hlc", hlc)
