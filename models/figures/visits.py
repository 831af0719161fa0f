"""Reading visit facts: check-ins that count as visits, anonymous contacts, queue tickets."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from statistics import median

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from models import AnonymousContact, CheckIn, QueueTicket, QueueTicketEvent
from models.events import CheckInAction, QueueAction, TicketStatus
from models.figures.facts import Period, merged_citizens, site_filter, utc_bounds
from models.timeutil import LOCAL_TZ

#: One visit: a check-in that was not retracted, as (site, offer, citizen, Danish day).
Visit = tuple[str, str, str, date]


def visits(session: Session, period: Period) -> list[Visit]:
    """Visits in the period: live check-ins, merged citizens under their survivor; a guest and
    the citizen they were merged into, both checked in to one session, are one visit."""
    start, end = utc_bounds(period)
    retracted = select(CheckIn.ref_id).where(
        CheckIn.action == CheckInAction.RETRACTION, col(CheckIn.ref_id).is_not(None)
    )
    stmt = sa_select(
        col(CheckIn.site_id),
        col(CheckIn.offer_id),
        col(CheckIn.citizen_id),
        col(CheckIn.created_at),
        col(CheckIn.session_id),
    ).where(
        col(CheckIn.action) == CheckInAction.CHECK_IN,
        col(CheckIn.created_at) >= start,
        col(CheckIn.created_at) < end,
        col(CheckIn.id).not_in(retracted),
    )
    merged = merged_citizens(session)
    days: dict[tuple[int, int, int, int], date] = {}
    found: list[Visit] = []
    at_session: set[tuple[str, str]] = set()
    for site, offer, sent, at, session_id in session.execute(
        site_filter(stmt, CheckIn.site_id, period.site)
    ):
        citizen = merged.get(sent, sent)
        if session_id is not None:
            if (session_id, citizen) in at_session:
                continue
            at_session.add((session_id, citizen))
        hour = (at.year, at.month, at.day, at.hour)
        day = days.get(hour)
        if day is None:  # Danish days change on the hour, so one conversion per hour will do
            day = days[hour] = at.astimezone(LOCAL_TZ).date()
        found.append((site, offer, citizen, day))
    return found


def anonymous_contacts(session: Session, period: Period) -> list[tuple[str, str, str, str]]:
    """(site, offer, topics, age band) for anonymous contacts in the period."""
    stmt = select(
        AnonymousContact.site_id,
        AnonymousContact.offer_id,
        AnonymousContact.topics,
        AnonymousContact.age_band,
    ).where(
        col(AnonymousContact.contact_date) >= period.start,
        col(AnonymousContact.contact_date) <= period.end,
    )
    stmt = site_filter(stmt, AnonymousContact.site_id, period.site)
    return [(s, o, t or "", a or "") for s, o, t, a in session.exec(stmt).all()]


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
    stmt = select(QueueTicket.id, QueueTicket.site_id, QueueTicket.offer_id, QueueTicket.created_at)
    stmt = site_filter(
        stmt.where(
            col(QueueTicket.queue_date) >= period.start, col(QueueTicket.queue_date) <= period.end
        ),
        QueueTicket.site_id,
        period.site,
    )
    tickets = {tid: (site, offer, at) for tid, site, offer, at in session.exec(stmt).all()}
    actions: dict[str, list[str]] = defaultdict(list)
    called: dict[str, datetime] = {}
    events = (
        select(QueueTicketEvent.ticket_id, QueueTicketEvent.action, QueueTicketEvent.created_at)
        .where(col(QueueTicketEvent.ticket_id).in_(select(stmt.subquery().c.id)))
        .order_by(col(QueueTicketEvent.hlc))
    )
    for ticket_id, action, at in session.exec(events).all():
        actions[ticket_id].append(action)
        if action == QueueAction.CALLED:
            called.setdefault(ticket_id, at)
    groups: dict[tuple[str, str], QueueFigures] = defaultdict(QueueFigures)
    for ticket_id, (site, offer, at) in tickets.items():
        group = groups[(site, offer)]
        group.tickets += 1
        group.status[ticket_status(actions.get(ticket_id, []))] += 1
        if ticket_id in called:
            group.waits.append(max(0.0, (called[ticket_id] - at).total_seconds() / 60))
    return dict(groups)


def wait_figures(waits: list[float]) -> tuple[float | None, float | None, float | None]:
    """Median, 90th percentile (nearest rank) and longest wait in minutes."""
    if not waits:
        return None, None, None
    ordered = sorted(waits)
    p90 = ordered[max(0, -(-len(ordered) * 9 // 10) - 1)]
    return round(median(ordered), 1), round(p90, 1), round(ordered[-1], 1)
