"""Pull side of central: the site's change feed with current rows, snapshots of the rows a
site holds, integrity summaries, the server epoch and tombstone garbage collection."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, delete, exists, func, select, tuple_
from sqlalchemy.engine import Engine
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from models import ChangeFeed, Device, FeedCounter, ServerMeta, SiteScope, StaffSiteRole
from models.db import read_session, write_session
from models.ids import new_id
from models.timeutil import utcnow
from sync.crashpoints import crash_point, declare
from sync.pin_seal import seal
from sync.protocol import IntegritySummary, SnapshotPage, TableSummary
from sync.rows import (
    REFERENCE,
    WireRow,
    encode,
    key_of,
    key_values,
    pk_columns,
    row_of,
    table_digest,
)
from sync.server.auth import DeviceIdentity
from sync.server.site_events import FED_EVENTS, FED_TABLES, site_event_rows

EPOCH_KEY, FLOOR_KEY = "epoch", "feed_floor"
SITE_WIDE = {"site", "offer", "topic", "questionnaire", "questionnaire_question"}
CITIZEN_OWNED = {"enrolment", "course", "appointment"}


PULL_READ = declare("server.pull.read", "a pull page read; not yet answered")
SNAPSHOT_READ = declare("server.snapshot.read", "a snapshot page read; not yet answered")
INTEGRITY_READ = declare("server.integrity.read", "integrity summary computed; not yet answered")


class ResyncRequired(Exception):
    """The device's cursor cannot be continued (too old, or another epoch): 410."""


def meta_value(session: Session, key: str, default: str = "") -> str:
    row = session.get(ServerMeta, key)
    return row.value if row else default


def ensure_epoch(engine: Engine) -> str:
    """The server's epoch, created on first use."""
    with write_session(engine) as session:
        row = session.get(ServerMeta, EPOCH_KEY)
        if row is None:
            row = ServerMeta(key=EPOCH_KEY, value=new_id())
            session.add(row)
        return row.value


def rotate_epoch(engine: Engine) -> str:
    """Start a new epoch (after restoring a backup): every kiosk resyncs from a snapshot."""
    with write_session(engine) as session:
        row = session.get(ServerMeta, EPOCH_KEY) or ServerMeta(key=EPOCH_KEY, value="")
        row.value = new_id()
        session.add(row)
        return row.value


def site_rows(table_name: str, site_id: str) -> Select[Any]:
    """The rows of ``table_name`` that a site's kiosks hold (what the feed replicates)."""
    table = REFERENCE[table_name]
    query = select(table)
    scope = select(col(SiteScope.citizen_id)).where(col(SiteScope.site_id) == site_id)
    if table_name in SITE_WIDE:
        return query
    if table_name == "staff":
        roles = select(col(StaffSiteRole.staff_id)).where(col(StaffSiteRole.site_id) == site_id)
        return query.where(table.c.id.in_(roles))
    if table_name == "citizen":
        return query.where(table.c.id.in_(scope))
    query = query.where(table.c.site_id == site_id)
    if table_name in CITIZEN_OWNED:
        query = query.where(table.c.citizen_id.in_(scope))
    return query


def for_device(identity: DeviceIdentity, table_name: str, row: WireRow) -> WireRow:
    """``row`` as this device may hold it: a staff row's PIN hash sealed with the device's
    key, so the raw argon2 hash never reaches a kiosk's disk (``docs/security.md``)."""
    if table_name != "staff" or not row.get("pin_hash"):
        return row
    if not row.get("active", True):
        return {**row, "pin_hash": ""}  # a staff member who left: nothing to guess at
    if not identity.pin_key:
        return row
    return {**row, "pin_hash": seal(str(row["pin_hash"]), identity.pin_key)}


def _check_cursor(session: Session, cursor: int, epoch: str) -> str:
    server_epoch = meta_value(session, EPOCH_KEY)
    if epoch and epoch != server_epoch:
        raise ResyncRequired("the server was restored or reset (new epoch)")
    floor = int(meta_value(session, FLOOR_KEY, "0"))
    if 0 < cursor < floor:
        raise ResyncRequired("the device was offline longer than tombstones are kept")
    counter = session.get(FeedCounter, 1)
    if cursor > (counter.value if counter else 0):
        raise ResyncRequired("the device is ahead of the server's feed")
    return server_epoch


Entry = tuple[int, str, str, str]  # seq, table, row id, op


def _last_seq(session: Session, identity: DeviceIdentity) -> int:
    query = select(col(Device.last_seq)).where(col(Device.id) == identity.device_id)
    return int(session.execute(query).scalar() or 0)


def _current_rows(
    session: Session, entries: list[Entry], identity: DeviceIdentity, *, skip_own: bool
) -> dict[tuple[str, str], WireRow]:
    """The current rows the feed entries name; with ``skip_own``, not the device's own
    events (it holds them: see ``pull_page``)."""
    wanted: dict[str, set[str]] = {}
    for _seq, table_name, row_id, op in entries:
        if op == "upsert":
            wanted.setdefault(table_name, set()).add(row_id)
    found: dict[tuple[str, str], WireRow] = {}
    for table_name, keys in wanted.items():
        table = FED_TABLES[table_name]
        columns = pk_columns(table)
        query = select(table)
        if len(columns) == 1:
            query = query.where(columns[0].in_(keys))
        else:
            values = [tuple(key_values(table, k)[c.name] for c in columns) for k in keys]
            query = query.where(tuple_(*columns).in_(values))
        if table_name in FED_EVENTS and skip_own:
            query = query.where(table.c.device_id != identity.device_id)
        for held in session.execute(query):
            row = row_of(table, held)
            found[(table_name, key_of(table, row))] = row
    return found


def pull_page(
    engine: Engine,
    identity: DeviceIdentity,
    *,
    cursor: int,
    epoch: str,
    limit: int,
    acked: int = -1,
) -> dict[str, Any]:
    """The site's changes after ``cursor``, each with the row as it is now (a ``PullPage`` as
    plain data: pages are large and built from our own rows; dates and datetimes are left
    to the serialiser, ``wire_json``).

    ``acked``: the device's last own sequence number it holds as acknowledged. Only when it
    equals central's ``Device.last_seq`` does the device hold every event made under its
    credential, and its own are left out; otherwise (a twin machine pushed with the same
    credential, a disk restored from an image, an answer lost, or unknown: -1) they are sent."""
    feed = ChangeFeed.__table__  # type: ignore[attr-defined]
    with read_session(engine) as session:
        server_epoch = _check_cursor(session, cursor, epoch)
        query = (
            select(feed.c.seq, feed.c.table_name, feed.c.row_id, feed.c.op)
            .where(feed.c.site_id == identity.site_id, feed.c.seq > cursor)
            .order_by(feed.c.seq)
            .limit(limit + 1)
        )
        entries: list[Entry] = [(r[0], r[1], r[2], r[3]) for r in session.execute(query)]
        more = len(entries) > limit
        entries = entries[:limit]
        holds_own = acked >= 0 and not identity.cloned and acked == _last_seq(session, identity)
        rows = _current_rows(session, entries, identity, skip_own=holds_own)
    changes = []
    for seq, table_name, row_id, op in entries:
        row = rows.get((table_name, row_id)) if op == "upsert" else None
        if row is None and table_name in FED_EVENTS:
            continue  # the device's own event, or one central no longer holds: nothing to do
        row = for_device(identity, table_name, row) if row is not None else None
        # A row gone without its tombstone yet (deleted in a later change) is sent as deleted.
        sent_op = op if op != "upsert" or row is not None else "delete"
        changes.append(
            {"seq": seq, "table": table_name, "op": sent_op, "row_id": row_id, "row": row}
        )
    last = entries[-1][0] if entries else cursor
    crash_point(PULL_READ)
    return {"changes": changes, "cursor": last, "epoch": server_epoch, "more": more}


def feed_head(session: Session, site_id: str) -> int:
    query = select(func.max(col(ChangeFeed.seq))).where(col(ChangeFeed.site_id) == site_id)
    return int(session.execute(query).scalar() or 0)


def snapshot_page(
    engine: Engine,
    identity: DeviceIdentity,
    *,
    table_name: str,
    after: str | None,
    limit: int,
    now: datetime | None = None,
) -> SnapshotPage:
    """One keyset page of the rows the site holds in ``table_name``."""
    table = FED_TABLES[table_name]
    columns = pk_columns(table)
    with read_session(engine) as session:
        # Read the feed position first: every change after it will be pulled again.
        counter = session.get(FeedCounter, 1)
        cursor = counter.value if counter else 0
        epoch = meta_value(session, EPOCH_KEY)
        rows_held = (
            site_event_rows(table_name, identity.site_id, now=now or utcnow())
            if table_name in FED_EVENTS
            else site_rows(table_name, identity.site_id)
        )
        query = rows_held.order_by(*columns).limit(limit + 1)
        if after is not None:
            start = key_values(table, after)
            query = query.where(tuple_(*columns) > tuple(start[c.name] for c in columns))
        rows = [
            for_device(identity, table_name, encode(table, r))
            for r in session.execute(query).mappings()
        ]
    more = len(rows) > limit
    rows = rows[:limit]
    next_after = key_of(table, rows[-1]) if more and rows else None
    crash_point(SNAPSHOT_READ)
    return SnapshotPage(
        table=table_name, rows=rows, cursor=cursor, epoch=epoch, next_after=next_after
    )


def integrity_summary(engine: Engine, identity: DeviceIdentity) -> IntegritySummary:
    """Count + hash per reference table of the rows the site holds now."""
    tables: dict[str, TableSummary] = {}
    with read_session(engine) as session:
        cursor = feed_head(session, identity.site_id)
        epoch = meta_value(session, EPOCH_KEY)
        for name, table in REFERENCE.items():
            rows = session.execute(site_rows(name, identity.site_id)).mappings()
            encoded = (for_device(identity, name, encode(table, r)) for r in rows)
            count, digest = table_digest(encoded)
            tables[name] = TableSummary(count=count, hash=digest)
    crash_point(INTEGRITY_READ)
    return IntegritySummary(cursor=cursor, epoch=epoch, tables=tables)


def prune_feed(engine: Engine, *, now: datetime, keep_days: int) -> int:
    """Drop superseded feed entries and tombstones older than ``keep_days``.

    Cursors older than the newest dropped tombstone get 410 and resync from a snapshot.
    Returns how many entries were dropped.
    """
    horizon = now - timedelta(days=keep_days)
    feed = ChangeFeed.__table__  # type: ignore[attr-defined]
    later = aliased(ChangeFeed)
    with write_session(engine) as session:
        old = feed.c.changed_at < horizon
        tombstone = feed.c.op.in_(["delete", "evict"])
        floor_query = select(func.max(feed.c.seq)).where(old, tombstone)
        newest_tombstone = int(session.execute(floor_query).scalar() or 0)
        superseded = exists().where(
            later.site_id == feed.c.site_id,
            later.table_name == feed.c.table_name,
            later.row_id == feed.c.row_id,
            later.seq > feed.c.seq,
        )
        # A site's events older than the horizon: every kiosk has purged them by then.
        site_event = feed.c.table_name.in_(list(FED_EVENTS))
        result = session.execute(delete(feed).where(old, tombstone | superseded | site_event))
        floor = max(int(meta_value(session, FLOOR_KEY, "0")), newest_tombstone)
        row = session.get(ServerMeta, FLOOR_KEY) or ServerMeta(key=FLOOR_KEY, value="0")
        row.value = str(floor)
        session.add(row)
        return int(result.rowcount)  # type: ignore[attr-defined]
