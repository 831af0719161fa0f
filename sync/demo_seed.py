"""Write demo data into a central database (through the change feed) or a kiosk database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from models.db import write_session
from models.demo import DemoData
from models.ids import new_id
from models.people import Citizen
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


def site_share(data: DemoData, site_id: str, *, now: datetime) -> list[list[SQLModel]]:
    """The rows a kiosk at ``site_id`` holds after a full sync, in foreign-key order.

    Mirrors the central scope rule (``sync.changes.wanted_sites``): a citizen belongs to the
    site while they have a current enrolment or course there, or an appointment there that
    is upcoming or at most ``VISIT_SCOPE_DAYS`` old.
    """
    today, recent = now.date(), now - timedelta(days=VISIT_SCOPE_DAYS)
    enrolments = [
        e
        for e in data.enrolments
        if e.site_id == site_id and (e.ends_on is None or e.ends_on >= today)
    ]
    courses = [
        c
        for c in data.courses
        if c.site_id == site_id and (c.ends_on is None or c.ends_on >= today)
    ]
    appointments = [a for a in data.appointments if a.site_id == site_id and a.starts_at >= recent]
    in_scope = {e.citizen_id for e in enrolments} | {c.citizen_id for c in courses}
    in_scope |= {a.citizen_id for a in appointments}
    roles = [r for r in data.staff_roles if r.site_id == site_id]
    staff_ids = {r.staff_id for r in roles}
    citizens: list[Citizen] = [c for c in data.citizens if c.id in in_scope]
    return [
        list(data.sites),
        list(data.offers),
        list(data.topics),
        [o for o in data.site_offers if o.site_id == site_id],
        list(citizens),
        [s for s in data.staff if s.id in staff_ids],
        list(roles),
        [g for g in data.groups if g.site_id == site_id],
        [s for s in data.sessions if s.site_id == site_id],
        list(enrolments),
        list(courses),
        list(appointments),
    ]


def seed_kiosk(
    engine: Engine,
    data: DemoData,
    site_id: str,
    *,
    now: datetime,
    device_id: str | None = None,
    server_url: str = "",
) -> int:
    """Write ``site_id``'s share of the demo data into a migrated kiosk database.

    This is what a first sync would deliver; it sets the kiosk's identity (``SyncState``)
    but no "last good sync", since none happened. Returns the number of rows written.
    """
    written = 0
    with write_session(engine) as session:
        for rows in site_share(data, site_id, now=now):
            session.add_all(fresh_copies(rows))
            session.flush()
            written += len(rows)
        init_state(session, device_id=device_id or new_id(), site_id=site_id, server_url=server_url)
    return written
