"""Write demo data into a central database (through the change feed) or a kiosk database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TypeVar

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
from sync.changes import VISIT_SCOPE_DAYS, publish
from sync.outbox import init_state

Row = TypeVar("Row", bound=SQLModel)


def fresh_copies(rows: Sequence[Row]) -> list[Row]:
    """New, unattached copies of ``rows`` so one ``DemoData`` can seed several databases."""
    return [type(row)(**row.model_dump()) for row in rows]


#: Rows published between flushes; keeping the identity map small keeps publish fast.
PUBLISH_CHUNK = 200


def _add_and_publish(session: Session, rows: Sequence[SQLModel], now: datetime) -> None:
    session.add_all(rows)
    session.flush()
    for start in range(0, len(rows), PUBLISH_CHUNK):
        publish(session, rows[start : start + PUBLISH_CHUNK], now=now)
        session.flush()
        session.expunge_all()  # written already; the transaction goes on


def seed_central(session: Session, data: DemoData, *, now: datetime) -> None:
    """Write all demo reference data in ``session``'s transaction, publishing every row.

    A table's rows are added and flushed before they are published, so each row's target
    sites are computed from the complete picture (every site; a staff member's every role).
    """
    catalogue: list[Sequence[SQLModel]] = [data.sites, data.offers, data.topics]
    for rows in [*catalogue, data.site_offers, data.citizens]:
        _add_and_publish(session, fresh_copies(rows), now)
    staff, roles = fresh_copies(data.staff), fresh_copies(data.staff_roles)
    session.add_all([*staff, *roles])
    session.flush()  # a staff member's sites follow from their roles
    _add_and_publish(session, staff, now)
    _add_and_publish(session, roles, now)
    schedule: list[Sequence[SQLModel]] = [data.groups, data.sessions, data.enrolments]
    for rows in [*schedule, data.courses, data.appointments]:
        _add_and_publish(session, fresh_copies(rows), now)
    for model, events in data.events():
        # As if each site's kiosk pushed its events a couple of minutes after making them.
        received = [{**e, "received_at": e["created_at"] + SYNC_DELAY} for e in events]
        _insert(session, model, received)


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
