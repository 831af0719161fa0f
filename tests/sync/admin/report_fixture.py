"""A small hand-computed data set for report tests (figures worked out in test_reports.py)."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy.engine import Engine

from models import (
    AnonymousContact,
    AttendanceMark,
    CheckIn,
    Citizen,
    Course,
    Enrolment,
    Group,
    GroupSession,
    QueueTicket,
    QueueTicketEvent,
)
from models.db import write_session
from models.ids import new_id
from models.timeutil import local_datetime
from sync.hlc import Stamp

_counter = iter(range(1, 10_000))


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    """Danish wall-clock time in November 2026, as aware UTC."""
    return local_datetime(date(2026, month, day), time(hour, minute))


def event(model, site: str, when: datetime, **fields):
    stamp = Stamp(int(when.timestamp() * 1000), next(_counter), "dev-1").pack()
    return model(
        id=fields.pop("id", None) or new_id(), site_id=site, device_id="dev-1", hlc=stamp,
        created_at=when, received_at=when, **fields,
    )  # fmt: skip


def checkin(site, when, citizen, offer="aaben-raadgivning", action="check_in", **kw):
    return event(CheckIn, site, when, action=action, citizen_id=citizen, offer_id=offer, **kw)


def _visits() -> list:
    retracted = checkin("ebeltoft", at(24, 9), "c3")
    first = checkin("hornslet", at(17, 10), "c1")
    return [
        first,
        checkin("hornslet", at(18, 10), "c1"),
        checkin("hornslet", at(18, 11), "c2"),
        checkin("hornslet", at(23, 10), "c2", offer="gruppeforloeb"),
        checkin("ebeltoft", at(23, 0, 30), "c3"),  # 23:30 UTC on Sunday: Monday in Denmark
        retracted,
        checkin("ebeltoft", at(24, 9, 2), "c3", action="retraction", ref_id=retracted.id),
        checkin("hornslet", at(17, 11), "c1", action="check_out", ref_id=first.id),
        checkin("hornslet", at(10, 10), "c4"),  # before the period
    ]


def _anonymous() -> list:
    def contact(site, day, topics, age):
        return event(AnonymousContact, site, at(day, 10), offer_id="aaben-raadgivning",
                     topics=topics, age_band=age, contact_date=date(2026, 11, day))  # fmt: skip

    return [
        contact("hornslet", 18, "oekonomi,bolig", "18-29"),
        contact("hornslet", 19, "oekonomi", None),
        contact("ebeltoft", 20, "", "30-49"),
        contact("hornslet", 1, "bolig", None),  # before the period
    ]


def _groups() -> list:
    group = Group(id="g1", site_id="hornslet", offer_id="gruppeforloeb", title="Forstå din ADHD",
                  code="G-01", sensitive=True, starts_on=date(2026, 9, 1))  # fmt: skip
    enrol = [
        Enrolment(id="e1", group_id="g1", citizen_id="c1", site_id="hornslet",
                  starts_on=date(2026, 9, 1)),
        Enrolment(id="e2", group_id="g1", citizen_id="c2", site_id="hornslet",
                  starts_on=date(2026, 9, 1)),
        Enrolment(id="e3", group_id="g1", citizen_id="c3", site_id="hornslet",
                  starts_on=date(2026, 9, 1), ends_on=date(2026, 11, 17)),
    ]  # fmt: skip

    def meeting(sid, day, hour, status="planned"):
        return GroupSession(id=sid, group_id="g1", site_id="hornslet", starts_at=at(day, hour),
                            ends_at=at(day, hour + 2), status=status)  # fmt: skip

    def mark(sid, day, citizen, value, minute=0):
        return event(AttendanceMark, "hornslet", at(day, 10, minute), session_id=sid,
                     citizen_id=citizen, mark=value)  # fmt: skip

    return [
        group, *enrol,
        meeting("s1", 17, 10, "held"), meeting("s2", 19, 10), meeting("s3", 21, 10, "cancelled"),
        meeting("s4", 23, 10), meeting("s5", 24, 14),
        mark("s1", 17, "c1", "present"), mark("s1", 17, "c2", "absent"),
        mark("s1", 17, "c2", "late", minute=5), mark("s1", 17, "c3", "present"),
        mark("s2", 19, "c1", "excused"), mark("s2", 19, "c9", "present"),
    ]  # fmt: skip


def _courses() -> list:
    def course(cid, site, starts, ends=None):
        return Course(id=cid, citizen_id="c1", site_id=site, offer_id="forloeb-82b",
                      starts_on=starts, ends_on=ends, reference=cid.upper())  # fmt: skip

    return [
        course("k1", "hornslet", date(2026, 6, 1)),
        course("k2", "hornslet", date(2026, 10, 1)),
        course("k3", "ebeltoft", date(2026, 5, 1), date(2026, 7, 15)),
        course("k4", "ebeltoft", date(2026, 8, 1), date(2026, 11, 20)),
    ]


def _queue() -> list:
    rows = []

    def ticket(number, minute, *steps):
        t = event(QueueTicket, "hornslet", at(18, 10, minute), queue_date=date(2026, 11, 18),
                  number=number, offer_id="aaben-raadgivning")  # fmt: skip
        rows.append(t)
        for action, step_minute in steps:
            rows.append(event(QueueTicketEvent, "hornslet", at(18, 10, step_minute),
                              ticket_id=t.id, action=action))  # fmt: skip

    ticket(1, 0, ("called", 12), ("served", 30))
    ticket(2, 5, ("called", 35), ("served", 50))
    ticket(3, 10, ("left", 40))
    ticket(4, 20, ("called", 21), ("left", 22))
    return rows


def seed_report_fixture(engine: Engine) -> None:
    citizens = [Citizen(id=f"c{n}", display_name=f"Borger {n}") for n in (1, 2, 3, 4, 9)]
    with write_session(engine) as session:
        session.add_all(citizens)
        session.flush()
        for rows in (_visits(), _anonymous(), _groups(), _courses(), _queue()):
            for row in rows:  # one at a time: rows refer to each other without relationships
                session.add(row)
                session.flush()
