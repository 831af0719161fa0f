"""Reading visit facts: check-ins that count as visits, anonymous contacts, queue tickets."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from statistics import median
from typing import Any

from sqlalchemy import String, type_coerce
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from models import AnonymousContact, CheckIn, QueueTicket, QueueTicketEvent
from models.events import CheckInAction, QueueAction, TicketStatus
from models.figures.facts import Period, merged_citizens, plain_rows, site_filter, utc_bounds
from models.timeutil import LOCAL_TZ
from models.visit_duplicates import VisitKey, key_of

#: One visit: a check-in that was not retracted, as (site, offer, citizen, Danish day).
Visit = tuple[str, str, str, date]


def raw_time(column: Any) -> Any:
    """``column`` without SQLAlchemy's per-row timezone processing (the figures read six-figure
    row counts): SQLite hands back its stored text, other databases a datetime."""
    return type_coerce(column, String)


def as_utc(value: str | datetime) -> datetime:
    """A stored time (text from SQLite, or a datetime) as aware UTC."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class DanishDays:
    """Danish calendar days of UTC times; Danish days change on the hour, so one conversion per
    hour will do."""

    def __init__(self) -> None:
        self.known: dict[object, date] = {}

    def __call__(self, value: str | datetime) -> date:
        key = value[:13] if isinstance(value, str) else (value.year, value.month, value.day,
                                                          value.hour)  # fmt: skip
        day = self.known.get(key)
        if day is None:
            day = self.known[key] = as_utc(value).astimezone(LOCAL_TZ).date()
        return day


def visits(session: Session, period: Period, *, only: Any = None) -> list[Visit]:
    """Visits in the period (of the citizens the id query ``only`` selects, if given): live
    check-ins counted once per visit (``models.visit_duplicates``: one per citizen, session /
    appointment / offer and Danish day, however many devices checked it in), merged citizens
    under their survivor, so a guest and the citizen they were merged into, both checked in
    to one session, are one visit too."""
    start, end = utc_bounds(period)
    retracted = sa_select(col(CheckIn.ref_id)).where(
        col(CheckIn.action) == CheckInAction.RETRACTION, col(CheckIn.ref_id).is_not(None)
    )
    stmt = sa_select(
        col(CheckIn.site_id),
        col(CheckIn.offer_id),
        col(CheckIn.citizen_id),
        raw_time(col(CheckIn.created_at)),
        col(CheckIn.session_id),
        col(CheckIn.appointment_id),
        col(CheckIn.hlc),
        col(CheckIn.id),
    ).where(
        col(CheckIn.action) == CheckInAction.CHECK_IN,
        col(CheckIn.created_at) >= start,
        col(CheckIn.created_at) < end,
        col(CheckIn.id).not_in(retracted),
    )
    if only is not None:
        stmt = stmt.where(col(CheckIn.citizen_id).in_(only))
    merged = merged_citizens(session)
    danish_day = DanishDays()
    known = danish_day.known
    found: dict[VisitKey, tuple[Any, ...]] = {}  # visit → the check-in that counts (a row)
    for row in plain_rows(session, site_filter(stmt, CheckIn.site_id, period.site)):
        _site, offer, sent, at, session_id, appointment_id, _hlc, _id = row
        citizen = merged.get(sent, sent)
        day = (known.get(at[:13]) if isinstance(at, str) else None) or danish_day(at)
        key = key_of(citizen, session_id, appointment_id, offer, day)
        held = found.setdefault(key, row)
        if held is not row and _earlier(row, held):
            found[key] = row
    return [(row[0], row[1], key[0], key[3]) for key, row in found.items()]


def _earlier(row: tuple[Any, ...], than: tuple[Any, ...]) -> bool:
    """Whether check-in ``row`` comes before ``than`` by the rule's order: time, clock stamp,
    event id (so every database and device picks the same one)."""
    return (as_utc(row[3]), row[6], row[7]) < (as_utc(than[3]), than[6], than[7])


def anonymous_contacts(session: Session, period: Period) -> list[tuple[str, str, str, str]]:
    """(site, offer, topics, age band) for anonymous contacts in the period."""
    stmt = sa_select(
        col(AnonymousContact.site_id),
        col(AnonymousContact.offer_id),
        col(AnonymousContact.topics),
        col(AnonymousContact.age_band),
    ).where(
        col(AnonymousContact.contact_date) >= period.start,
        col(AnonymousContact.contact_date) <= period.end,
    )
    stmt = site_filter(stmt, AnonymousContact.site_id, period.site)
    return [(s, o, t or "", a or "") for s, o, t, a in plain_rows(session, stmt)]


def topics_of(topics: str) -> list[str]:
    """The topic ids of one contact; a contact with none counts under the empty topic."""
    named = [t.strip() for t in topics.split(",") if t.strip()]
    return named or [""]


@dataclass(slots=True)
class QueueFigures:
    tickets: int = 0
    status: Counter[TicketStatus] = field(default_factory=Counter)
    waits: list[float] = field(default_factory=list)  # minutes from ticket to first call


def ticket_status(actions: list[str]) -> TicketStatus:
    """Served or left once either happened (the latest wins), called once called, else waiting."""
    done = [a for a in actions if a != QueueAction.CALLED]
    if done:
        return TicketStatus(done[-1])
    return TicketStatus.CALLED if actions else TicketStatus.WAITING


def queue_figures(session: Session, period: Period) -> dict[tuple[str, str], QueueFigures]:
    """Per (site, offer): tickets, their status, and waiting minutes until first called."""
    stmt = sa_select(
        col(QueueTicket.id),
        col(QueueTicket.site_id),
        col(QueueTicket.offer_id),
        raw_time(col(QueueTicket.created_at)),
    ).where(col(QueueTicket.queue_date) >= period.start, col(QueueTicket.queue_date) <= period.end)
    stmt = site_filter(stmt, QueueTicket.site_id, period.site)
    tickets = {tid: (site, offer, at) for tid, site, offer, at in plain_rows(session, stmt)}
    actions: dict[str, list[str]] = defaultdict(list)
    called: dict[str, str | datetime] = {}
    events = (
        sa_select(
            col(QueueTicketEvent.ticket_id),
            col(QueueTicketEvent.action),
            raw_time(col(QueueTicketEvent.created_at)),
        )
        .where(col(QueueTicketEvent.ticket_id).in_(sa_select(stmt.subquery().c.id)))
        .order_by(col(QueueTicketEvent.hlc))
    )
    for ticket_id, action, at in plain_rows(session, events):
        actions[ticket_id].append(action)
        if action == QueueAction.CALLED:
            called.setdefault(ticket_id, at)
    groups: dict[tuple[str, str], QueueFigures] = defaultdict(QueueFigures)
    for ticket_id, (site, offer, at) in tickets.items():
        group = groups[(site, offer)]
        group.tickets += 1
        group.status[ticket_status(actions.get(ticket_id, []))] += 1
        if ticket_id in called:
            waited = (as_utc(called[ticket_id]) - as_utc(at)).total_seconds() / 60
            group.waits.append(max(0.0, waited))
    return dict(groups)


def wait_figures(waits: list[float]) -> tuple[float | None, float | None, float | None]:
    """Median, 90th percentile (nearest rank) and longest wait in minutes."""
    if not waits:
        return None, None, None
    ordered = sorted(waits)
    p90 = ordered[max(0, -(-len(ordered) * 9 // 10) - 1)]
    return round(median(ordered), 1), round(p90, 1), round(ordered[-1], 1)
