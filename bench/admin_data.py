"""Synthetic central data for the report benchmark: half a year, four sites, ~200,000 events."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import insert
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
from models.demo_catalogue import SITE_IDS, offers, sites, topics
from models.ids import new_id
from models.timeutil import local_datetime
from sync.hlc import Stamp

WALKIN_OFFERS = ("aaben-raadgivning", "aabent-samvaer", "beskaeftigelse", "borgerservice")
AGE_BANDS = ("under 18", "18-29", "30-49", "50-66", "67+", None)


class _Events:
    """Builds event rows (as dicts for executemany) with ascending HLC stamps."""

    def __init__(self) -> None:
        self.counter = 0

    def __call__(self, site: str, when: datetime, **fields: Any) -> dict[str, Any]:
        self.counter += 1
        stamp = Stamp(int(when.timestamp() * 1000), self.counter % 999_999, f"dev-{site}")
        return {"id": new_id(), "site_id": site, "device_id": f"dev-{site}",
                "hlc": stamp.pack(), "created_at": when, "received_at": when, **fields}  # fmt: skip


def _days(start: date, end: date) -> Iterator[date]:
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)


def _moment(rng: random.Random, day: date) -> datetime:
    return local_datetime(day, time(rng.randint(9, 15), rng.randint(0, 59)))


def seed_halfyear(engine: Engine, start: date, end: date, *, visits_per_day: int) -> int:
    """Reference data and events for every site and day; returns the number of events."""
    rng = random.Random(2026)
    event = _Events()
    citizens = [new_id() for _ in range(4000)]
    rows: dict[Any, list[dict[str, Any]]] = {m: [] for m in (
        Citizen, Group, GroupSession, Enrolment, Course, CheckIn, AnonymousContact,
        AttendanceMark, QueueTicket, QueueTicketEvent)}  # fmt: skip
    rows[Citizen] = [{"id": c, "display_name": f"Borger {n}"} for n, c in enumerate(citizens)]
    for site in SITE_IDS:
        _schedule(rng, event, rows, site, citizens, start, end)
        for day in _days(start, end):
            if day.weekday() >= 5:
                continue
            _walkins(rng, event, rows, site, citizens, day, visits_per_day)
    with write_session(engine) as session:
        session.add_all([*sites(), *offers(), *topics()])
        session.flush()
        for model, batch in rows.items():
            if batch:
                session.connection().execute(insert(model), batch)
    return sum(len(rows[m]) for m in rows if m not in (Citizen, Group, GroupSession,
                                                        Enrolment, Course))  # fmt: skip


def _walkins(rng, event, rows, site, citizens, day, count) -> None:  # type: ignore[no-untyped-def]
    for _ in range(count):
        check_in = event(site, _moment(rng, day), action="check_in", citizen_id=rng.choice(
            citizens), offer_id=rng.choice(WALKIN_OFFERS), method="name", ref_id=None)  # fmt: skip
        rows[CheckIn].append(check_in)
        if rng.random() < 0.01:
            rows[CheckIn].append(event(site, check_in["created_at"] + timedelta(minutes=1),
                                       action="retraction", citizen_id=check_in["citizen_id"],
                                       offer_id=check_in["offer_id"], ref_id=check_in["id"],
                                       method="name"))  # fmt: skip
    for _ in range(count // 4):
        topic_ids = ",".join(rng.sample([t.id for t in topics()], rng.randint(1, 2)))
        rows[AnonymousContact].append(event(site, _moment(rng, day).replace(minute=0),
            offer_id="aaben-raadgivning", topics=topic_ids, age_band=rng.choice(AGE_BANDS),
            contact_date=day))  # fmt: skip
    for number in range(1, count // 8 + 1):
        ticket = event(site, _moment(rng, day), queue_date=day, number=number,
                       offer_id="aaben-raadgivning")  # fmt: skip
        rows[QueueTicket].append(ticket)
        called = ticket["created_at"] + timedelta(minutes=rng.randint(0, 40))
        rows[QueueTicketEvent].append(event(site, called, ticket_id=ticket["id"], action="called"))
        rows[QueueTicketEvent].append(event(site, called + timedelta(minutes=20),
                                            ticket_id=ticket["id"], action="served"))  # fmt: skip


def _schedule(rng, event, rows, site, citizens, start, end) -> None:  # type: ignore[no-untyped-def]
    for g in range(6):
        group_id = new_id()
        rows[Group].append({"id": group_id, "site_id": site, "offer_id": "gruppeforloeb",
                            "title": f"Hold {g + 1}", "code": f"{site[:3].upper()}-{g + 1}",
                            "sensitive": False, "starts_on": start, "active": True})  # fmt: skip
        members = rng.sample(citizens, 10)
        rows[Enrolment] += [{"id": new_id(), "group_id": group_id, "citizen_id": c,
                             "site_id": site, "starts_on": start} for c in members]  # fmt: skip
        for week, day in enumerate(_days(start + timedelta(days=g % 5), end)):
            if week % 7:
                continue
            session_id = new_id()
            at = local_datetime(day, time(10, 0))
            rows[GroupSession].append({"id": session_id, "group_id": group_id, "site_id": site,
                                       "starts_at": at, "ends_at": at + timedelta(hours=2),
                                       "status": "held"})  # fmt: skip
            for citizen in members:
                mark = rng.choice(("present", "present", "present", "late", "excused", "absent"))
                rows[AttendanceMark].append(event(site, at, session_id=session_id,
                                                  citizen_id=citizen, mark=mark))  # fmt: skip
    for _ in range(60):
        begun = start + timedelta(days=rng.randint(-60, 150))
        ended = begun + timedelta(days=rng.randint(30, 150)) if rng.random() < 0.6 else None
        rows[Course].append({"id": new_id(), "citizen_id": rng.choice(citizens), "site_id": site,
                             "offer_id": "forloeb-82b", "starts_on": begun, "ends_on": ended,
                             "planned_weeks": 12})  # fmt: skip
