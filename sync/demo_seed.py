"""Write demo data into a central database (through the change feed) or a kiosk database."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from models.config import Settings
from models.db import write_session
from models.demo import DemoData
from models.demo_history import EventRow
from models.events import AttendanceMark
from models.ids import new_id
from models.timeutil import local_day_bounds, local_today
from sync.changes import UPSERT, VISIT_SCOPE_DAYS, row_key
from sync.changes_bulk import append_bulk, refresh_scopes_bulk
from sync.outbox import init_state

Row = TypeVar("Row", bound=SQLModel)
#: A change-feed entry: ``(site_id, table_name, row_id, op)``.
FeedEntry = tuple[str, str, str, str]


def fresh_copies(rows: Sequence[Row]) -> list[Row]:
    """New, unattached copies of ``rows`` so one ``DemoData`` can seed several databases."""
    return [type(row)(**row.model_dump()) for row in rows]


def seed_central(session: Session, data: DemoData, *, now: datetime) -> int:
    """Write all demo reference data in ``session``'s transaction, publishing every row;
    returns the number of feed entries.

    The bulk form of publishing each table in turn with ``sync.changes.publish`` (which
    costs a few queries per citizen): the rows go in with one executemany per table, the
    citizens' scopes are computed for all of them at once (``refresh_scopes_bulk``, before
    the history's events, as ``publish`` saw it), and the feed entries are appended in one
    go, in foreign-key order, a citizen's upsert at a site before any row of theirs there.
    Each row reaches the same sites as through ``publish``; nothing is published twice.
    """
    for rows in data.tables():
        _insert_rows(session, rows)
    citizen_ids = [c.id for c in data.citizens]
    entered, _left = refresh_scopes_bulk(session, citizen_ids, now=now)  # new: none left
    written = append_bulk(session, feed_entries(data, entered), now=now)
    for model, events in data.events():
        # As if each site's kiosk pushed its events a couple of minutes after making them.
        received = [{**e, "received_at": e["created_at"] + SYNC_DELAY} for e in events]
        _insert(session, model, received)
    return written


def feed_entries(data: DemoData, scoped: Sequence[tuple[str, str]]) -> list[FeedEntry]:
    """The feed entries ``(site_id, table, row_id, op)`` that publish ``data`` when the
    citizens are in scope at the ``(citizen_id, site_id)`` pairs ``scoped``.

    The rules of ``sync.changes.sites_for_row``: the catalogue goes to every site, a site's
    offers, groups and sessions to that site, a staff member to the sites of their roles,
    a citizen to each site whose scope holds them, followed there by their enrolments,
    courses and appointments (and nowhere else).
    """
    every_site = sorted(s.id for s in data.sites)
    role_sites: dict[str, set[str]] = {}
    for role in data.staff_roles:
        role_sites.setdefault(role.staff_id, set()).add(role.site_id)
    held = set(scoped)
    entries: list[FeedEntry] = []

    def add(rows: Sequence[SQLModel], sites: Callable[[Any], Iterable[str]]) -> None:
        for row in rows:
            table, key = str(row.__tablename__), row_key(row)
            entries.extend((site, table, key, UPSERT) for site in sites(row))

    catalogue: tuple[Sequence[SQLModel], ...] = (data.sites, data.offers, data.topics)
    site_bound: tuple[Sequence[SQLModel], ...] = (data.staff_roles, data.groups, data.sessions)
    citizens: tuple[Sequence[SQLModel], ...] = (data.enrolments, data.courses, data.appointments)
    for rows in catalogue:
        add(rows, lambda _row: every_site)
    add(data.site_offers, lambda row: [row.site_id])
    entries.extend((site, "citizen", citizen, UPSERT) for citizen, site in scoped)
    add(data.staff, lambda row: sorted(role_sites.get(row.id, ())))
    for rows in site_bound:
        add(rows, lambda row: [row.site_id])
    for rows in citizens:
        add(rows, lambda row: [row.site_id] if (row.citizen_id, row.site_id) in held else [])
    return entries


def _insert_rows(session: Session, rows: Sequence[SQLModel]) -> None:
    """Insert ORM rows' values with one executemany (no objects enter the session)."""
    if rows:
        session.execute(insert(type(rows[0])), [row.model_dump() for row in rows])


#: How long after an event was made the history pretends central received it.
SYNC_DELAY = timedelta(minutes=2)


def _insert(session: Session, model: type[SQLModel], rows: list[EventRow]) -> None:
    if rows:
        session.execute(insert(model), rows)


def site_share(data: DemoData, site_id: str, *, now: datetime) -> list[list[SQLModel]]:
    """The rows a kiosk at ``site_id`` holds after a full sync, in foreign-key order.

    Mirrors the central scope rule (``sync.changes.wanted_sites``): a citizen belongs to the
    site while they have a current enrolment or course there, or an appointment there that
    is upcoming or at most ``VISIT_SCOPE_DAYS`` old; the site then holds all of the citizen's
    enrolments, courses and appointments there (``sync.changes.citizen_site_rows``).
    """
    today, recent = now.date(), now - timedelta(days=VISIT_SCOPE_DAYS)

    def current(end: date | None) -> bool:
        return end is None or end >= today

    here = [e for e in data.enrolments if e.site_id == site_id]
    courses_here = [c for c in data.courses if c.site_id == site_id]
    appointments_here = [a for a in data.appointments if a.site_id == site_id]
    in_scope = {e.citizen_id for e in here if current(e.ends_on)}
    in_scope |= {c.citizen_id for c in courses_here if current(c.ends_on)}
    in_scope |= {a.citizen_id for a in appointments_here if a.starts_at >= recent}
    roles = [r for r in data.staff_roles if r.site_id == site_id]
    staff_ids = {r.staff_id for r in roles}
    return [
        list(data.sites),
        list(data.offers),
        list(data.topics),
        [o for o in data.site_offers if o.site_id == site_id],
        [c for c in data.citizens if c.id in in_scope],
        [s for s in data.staff if s.id in staff_ids],
        list(roles),
        [g for g in data.groups if g.site_id == site_id],
        [s for s in data.sessions if s.site_id == site_id],
        [e for e in here if e.citizen_id in in_scope],
        [c for c in courses_here if c.citizen_id in in_scope],
        [a for a in appointments_here if a.citizen_id in in_scope],
    ]


def site_events(
    data: DemoData, site_id: str, *, now: datetime, settings: Settings | None = None
) -> list[tuple[type[SQLModel], list[EventRow]]]:
    """The history events a kiosk at ``site_id`` still holds at ``now``: its own site's,
    minus what its retention would have purged (``sync.retention.kiosk_windows``; the events
    of running groups and courses, and this month's, are kept: ``kept_for_figures``)."""
    settings = settings or Settings()
    today = local_today(now)
    month_start = local_day_bounds(today.replace(day=1))[0]
    running = {g.id for g in data.groups if g.active and (g.ends_on is None or g.ends_on >= today)}
    sessions = {s.id for s in data.sessions if s.group_id in running}
    courses = {c.id for c in data.courses if c.ends_on is None or c.ends_on >= today}
    appointments = {a.id for a in data.appointments if a.course_id in courses}

    def kept(event: EventRow) -> bool:
        return event["created_at"] >= month_start or (
            event.get("session_id") in sessions or event.get("appointment_id") in appointments
        )

    share: list[tuple[type[SQLModel], list[EventRow]]] = []
    for model, events in data.events():
        days = settings.event_retention_days
        if model is AttendanceMark:
            days = settings.attendance_retention_days
        cutoff = now - timedelta(days=days)
        rows = [
            e for e in events if e["site_id"] == site_id and (e["created_at"] >= cutoff or kept(e))
        ]
        share.append((model, rows))
    return share


def seed_kiosk_history(
    engine: Engine, data: DemoData, site_id: str, *, now: datetime, settings: Settings | None = None
) -> int:
    """Write the site's history events into a kiosk database (central already holds them:
    nothing goes into the outbox). Returns the number of events written."""
    written = 0
    with write_session(engine) as session:
        for model, rows in site_events(data, site_id, now=now, settings=settings):
            _insert(session, model, rows)
            written += len(rows)
    return written


def seed_kiosk(
    engine: Engine,
    data: DemoData,
    site_id: str,
    *,
    now: datetime,
    device_id: str | None = None,
    server_url: str = "",
    settings: Settings | None = None,
) -> int:
    """Write ``site_id``'s share of the demo data into a migrated kiosk database.

    This is what a first sync would deliver, plus the history events the site's kiosk made
    (``site_events``); it sets the kiosk's identity (``SyncState``) but no "last good sync",
    since none happened. Returns the number of rows written.
    """
    written = 0
    with write_session(engine) as session:
        for rows in site_share(data, site_id, now=now):
            session.add_all(fresh_copies(rows))
            session.flush()
            written += len(rows)
        for model, events in site_events(data, site_id, now=now, settings=settings):
            _insert(session, model, events)
            written += len(events)
        init_state(session, device_id=device_id or new_id(), site_id=site_id, server_url=server_url)
    return written
