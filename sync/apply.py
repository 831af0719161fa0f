"""Kiosk side of pull: apply a page with its cursor and clock in one transaction, and swap a
snapshot in atomically; rows with unacknowledged local changes are never overwritten."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, delete, select, tuple_, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Dialect, Engine
from sqlmodel import Session

from models import Outbox
from sync.crashpoints import crash_point, declare
from sync.hlc import Stamp
from sync.outbox import clock_for, load_state
from sync.protocol import Change, PullPage
from sync.rows import EVENTS, REFERENCE, WireRow, decoder, key_of, key_values, pk_columns

PAGE_WRITTEN = declare("kiosk.pull.page_written", "a page's rows written; cursor not yet saved")
CURSOR_SAVED = declare("kiosk.pull.cursor_saved", "a page and its cursor written; not committed")
SWAP_BEFORE_COMMIT = declare("kiosk.swap.before_commit", "snapshot rows swapped in; not committed")

#: What a pull may carry: reference rows, and the site's events made by its other devices.
PULLED: dict[str, Table] = {**REFERENCE, **EVENTS}
#: Rows a citizen's eviction takes with it.
CITIZEN_OWNED = ("enrolment", "course", "appointment")
#: The kiosk's own events that name a citizen: re-pointed when central reports a merge.
CITIZEN_EVENTS = ("check_in", "attendance_mark", "fit_rating", "audit_entry")


@dataclass
class ApplyStats:
    upserted: int = 0
    deleted: int = 0
    evicted: int = 0
    kept_pending: int = 0
    repointed: int = 0


@contextmanager
def replica_session(engine: Engine) -> Iterator[Session]:
    """A kiosk write transaction (BEGIN IMMEDIATE) with foreign keys off.

    The kiosk is a partial replica: a group's leader or a page's later rows may not be
    here yet. Central enforces referential integrity; the kiosk only mirrors it.
    """
    with engine.connect() as conn:
        raw: Any = conn.connection.driver_connection
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            bound = conn.execution_options(sqlite_begin="IMMEDIATE")
            with Session(bind=bound, expire_on_commit=False) as session:
                try:
                    yield session
                    session.commit()
                except BaseException:
                    session.rollback()
                    raise
        finally:
            raw.execute("PRAGMA foreign_keys=ON")


@dataclass(frozen=True)
class Pending:
    """What unacknowledged outbox entries touch: rows, and citizens they refer to."""

    rows: frozenset[tuple[str, str]]
    citizens: frozenset[str]


def pending_refs(session: Session) -> Pending:
    rows: set[tuple[str, str]] = set()
    citizens: set[str] = set()
    for kind, row_id, payload in session.execute(
        select(Outbox.kind, Outbox.row_id, Outbox.payload)  # type: ignore[call-overload]
    ):
        rows.add((kind, row_id))
        data = json.loads(payload)
        if kind == "citizen":
            citizens.add(row_id)
        if data.get("citizen_id"):
            citizens.add(str(data["citizen_id"]))
        if kind == "session_state_change" and data.get("session_id"):
            rows.add(("group_session", str(data["session_id"])))
        if kind == "fit_plan_change" and data.get("target_id"):
            rows.add(("fit_plan", str(data["target_id"])))  # applied here before central
    return Pending(frozenset(rows), frozenset(citizens))


def _clear_unique_conflicts(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Free unique values (card token, reference, initials) held by other local rows; their
    own feed entries bring the current values."""
    keys = pk_columns(table)
    if len(keys) != 1:
        return
    pk = keys[0]
    ids = [r[pk.name] for r in rows]
    for column in table.columns:
        if not column.unique or column.primary_key:
            continue
        values = [r[column.name] for r in rows if r[column.name] is not None]
        if not values:
            continue
        clash = (column.in_(values)) & (pk.not_in(ids))
        if column.nullable:
            session.execute(update(table).where(clash).values({column.name: None}))
        else:
            session.execute(delete(table).where(clash))


@functools.cache
def _upsert_plan(
    table: Table, dialect: Dialect
) -> tuple[str, tuple[str, ...], tuple[Callable[[Any], Any] | None, ...]]:
    """``INSERT … ON CONFLICT DO UPDATE`` for ``table`` compiled once for ``dialect``: the SQL,
    its parameter names in order and each one's bind processor (the column type's own, so
    values are stored exactly as SQLAlchemy would store them)."""
    statement = sqlite_insert(table)
    keys = [c.name for c in pk_columns(table)]
    others = {c.name: statement.excluded[c.name] for c in table.columns if c.name not in keys}
    if others:
        statement = statement.on_conflict_do_update(index_elements=keys, set_=others)
    else:
        statement = statement.on_conflict_do_nothing(index_elements=keys)
    names = tuple(c.name for c in table.columns)
    compiled = statement.compile(dialect=dialect, column_keys=list(names))
    order = tuple(compiled.positiontup or ())
    processors = tuple(table.c[name].type.bind_processor(dialect) for name in order)
    return str(compiled), order, processors


def upsert_rows(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert or replace ``rows`` (already decoded) in ``table``: one prepared statement run
    over all rows through the driver (a pull page is thousands of rows)."""
    if not rows:
        return
    _clear_unique_conflicts(session, table, rows)
    connection = session.connection()
    sql, order, processors = _upsert_plan(table, connection.dialect)
    plan = tuple(zip(order, processors, strict=True))
    parameters = [
        tuple(
            process(row[name]) if process is not None and row[name] is not None else row[name]
            for name, process in plan
        )
        for row in rows
    ]
    connection.exec_driver_sql(sql, parameters)


def delete_rows(session: Session, table: Table, keys: Iterable[str]) -> int:
    columns = pk_columns(table)
    values = [tuple(key_values(table, k)[c.name] for c in columns) for k in keys]
    if not values:
        return 0
    result = session.execute(delete(table).where(tuple_(*columns).in_(values)))
    return int(result.rowcount)  # type: ignore[attr-defined]


def merges_in(rows: Iterable[dict[str, Any]]) -> dict[str, str]:
    """Merged citizen id → the citizen it was merged into, among decoded citizen rows."""
    return {str(r["id"]): str(r["merged_into"]) for r in rows if r.get("merged_into")}


def repoint_merged(session: Session, merged: dict[str, str]) -> int:
    """Point this kiosk's events for merged citizens at the citizen that survives the merge
    chain, as central did. Events are facts central already holds under the survivor (or
    re-points on arrival): no outbox entries. Returns the number of events re-pointed."""
    if not merged:
        return 0
    step = dict(merged)
    citizens = REFERENCE["citizen"]
    while targets := set(step.values()) - step.keys():
        further = session.execute(
            select(citizens.c.id, citizens.c.merged_into).where(
                citizens.c.id.in_(targets), citizens.c.merged_into.is_not(None)
            )
        ).all()
        if not further:
            break
        step.update({str(cid): str(into) for cid, into in further})
    moved = 0
    for merged_id in merged:
        survivor, seen = merged_id, {merged_id}
        while survivor in step and step[survivor] not in seen:
            survivor = step[survivor]
            seen.add(survivor)
        for name in CITIZEN_EVENTS:
            table = EVENTS[name]
            result = session.execute(
                update(table).where(table.c.citizen_id == merged_id).values(citizen_id=survivor)
            )
            moved += int(result.rowcount)  # type: ignore[attr-defined]
    return moved


def evict_citizen(session: Session, citizen_id: str) -> None:
    """Delete a citizen who left this site's scope, with their site rows."""
    for name in CITIZEN_OWNED:
        table = REFERENCE[name]
        session.execute(delete(table).where(table.c.citizen_id == citizen_id))
    citizens = REFERENCE["citizen"]
    session.execute(delete(citizens).where(citizens.c.id == citizen_id))


class _PageWriter:
    """Buffers upserts per table so a page is written with few statements, in feed order."""

    def __init__(self, session: Session, pending: Pending) -> None:
        self.session, self.pending = session, pending
        self.buffer: dict[str, dict[str, dict[str, Any]]] = {}
        self.merged: dict[str, str] = {}
        self.stats = ApplyStats()

    def flush(self) -> None:
        for name, rows in self.buffer.items():
            upsert_rows(self.session, PULLED[name], list(rows.values()))
        self.buffer.clear()

    def apply(self, change: Change) -> None:
        table = PULLED.get(change.table)
        if table is None:
            raise ValueError(f"the server sent an unknown table {change.table!r}")
        row = (
            decoder(table)(change.row) if change.op == "upsert" and change.row is not None else None
        )
        if row is not None and change.table == "citizen":
            # A merge is central's fact: followed even while the local row itself is pending.
            self.merged.update(merges_in([row]))
        if (change.table, change.row_id) in self.pending.rows:
            self.stats.kept_pending += 1
            return
        if row is None and change.table in EVENTS:
            return  # events are facts: central no longer holding one deletes nothing here
        if row is not None:
            self.buffer.setdefault(change.table, {})[key_of(table, row)] = row
            self.stats.upserted += 1
            return
        self.flush()
        if change.op == "evict":
            if change.row_id in self.pending.citizens:
                self.stats.kept_pending += 1  # the integrity check evicts it later
                return
            evict_citizen(self.session, change.row_id)
            self.stats.evicted += 1
        else:
            self.stats.deleted += delete_rows(self.session, table, [change.row_id])


def observe_server_clock(session: Session, server_hlc: str, now_ms: int) -> None:
    """Move the kiosk's clock past the server's so kiosk requests order after central's."""
    if not server_hlc:
        return
    state = load_state(session)
    clock = clock_for(state, datetime.fromtimestamp(now_ms / 1000, UTC))
    clock.observe(Stamp.parse(server_hlc))
    state.hlc = max(state.hlc, clock.last.pack())
    session.add(state)


def apply_page(engine: Engine, page: PullPage, *, now_ms: int) -> ApplyStats:
    """Apply one pull page, its cursor and the clock in ONE kiosk transaction."""
    with replica_session(engine) as session:
        writer = _PageWriter(session, pending_refs(session))
        for change in page.changes:
            writer.apply(change)
        writer.flush()
        writer.stats.repointed = repoint_merged(session, writer.merged)
        crash_point(PAGE_WRITTEN)
        state = load_state(session)
        state.cursor = page.cursor
        state.epoch = page.epoch
        session.add(state)
        observe_server_clock(session, page.server_hlc, now_ms)
        crash_point(CURSOR_SAVED)
        return writer.stats


def swap_in_tables(
    engine: Engine,
    snapshot: dict[str, list[WireRow]],
    *,
    cursor: int | None = None,
    epoch: str | None = None,
) -> ApplyStats:
    """Replace the given tables with the server's rows in ONE transaction, keeping rows that
    have unacknowledged local changes. With ``cursor``/``epoch`` this is a full resync.
    Event tables (the site's events) are only added to: a kiosk's own events are facts."""
    stats = ApplyStats()
    with replica_session(engine) as session:
        pending = pending_refs(session)
        for name, wire_rows in snapshot.items():
            table = PULLED[name]
            decode = decoder(table)
            incoming = {key_of(table, r): decode(r) for r in wire_rows}
            if name in EVENTS:
                fresh = [r for k, r in incoming.items() if (name, k) not in pending.rows]
                upsert_rows(session, table, fresh)
                stats.upserted += len(fresh)
                continue
            local = {key_of(table, r) for r in session.execute(select(table)).mappings()}
            protected = {k for k in local | incoming.keys() if (name, k) in pending.rows}
            if name == "citizen":
                protected |= {k for k in local if k in pending.citizens}
            stale = local - incoming.keys() - protected
            stats.deleted += delete_rows(session, table, stale)
            keep = [row for key, row in incoming.items() if key not in protected]
            upsert_rows(session, table, keep)
            stats.upserted += len(keep)
            stats.kept_pending += len(protected)
            if name == "citizen":
                stats.repointed += repoint_merged(session, merges_in(incoming.values()))
        if cursor is not None and epoch is not None:
            state = load_state(session)
            state.cursor, state.epoch = cursor, epoch
            session.add(state)
        crash_point(SWAP_BEFORE_COMMIT)
    return stats
