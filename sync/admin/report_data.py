"""Fetching report figures from central: visits, anonymous contacts, queue waiting times."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime
from statistics import median
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from models import AnonymousContact, CheckIn, Citizen, QueueTicket, QueueTicketEvent
from models.events import CheckInAction, QueueAction
from models.timeutil import LOCAL_TZ, local_day_bounds
from sync.admin.report_model import ReportQuery

#: One non-retracted check-in: (site, offer, citizen, Danish day).
Visit = tuple[str, str, str, date]


def utc_bounds(query: ReportQuery) -> tuple[datetime, datetime]:
    return local_day_bounds(query.start)[0], local_day_bounds(query.end)[1]


def _site_filter(stmt: Any, column: Any, query: ReportQuery) -> Any:
    return stmt if query.site is None else stmt.where(column == query.site)


def merged_citizens(session: Session) -> dict[str, str]:
    """Merged (provisional) citizen ids → the citizen they were merged into."""
    stmt = select(Citizen.id, Citizen.merged_into).where(col(Citizen.merged_into).is_not(None))
    step = {cid: str(target) for cid, target in session.exec(stmt).all()}
    return {cid: _survivor(step, cid) for cid in step}


def _survivor(step: dict[str, str], citizen_id: str) -> str:
    """The end of a merge chain (A→B, B→C: C); a cycle stops instead of looping."""
    seen = {citizen_id}
    while citizen_id in step and step[citizen_id] not in seen:
        citizen_id = step[citizen_id]
        seen.add(citizen_id)
    return citizen_id


def visits(session: Session, query: ReportQuery) -> list[Visit]:
    """Check-ins in the period that were not retracted (visits)."""
    start, end = utc_bounds(query)
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
        _site_filter(stmt, CheckIn.site_id, query)
    ):
        citizen = merged.get(sent, sent)
        if session_id is not None:
            # A guest and the citizen they were merged into, both checked in to one session,
            # are one visit.
            if (session_id, citizen) in at_session:
                continue
            at_session.add((session_id, citizen))
        hour = (at.year, at.month, at.day, at.hour)
        day = days.get(hour)
        if day is None:  # Danish days change on the hour, so one conversion per hour will do
            day = days[hour] = at.astimezone(LOCAL_TZ).date()
        found.append((site, offer, citizen, day))
    return found


def anonymous_contacts(session: Session, query: ReportQuery) -> list[tuple[str, str, str, str]]:
    """(site, offer, topics, age band) for anonymous contacts in the period."""
    stmt = select(
        AnonymousContact.site_id,
        AnonymousContact.offer_id,
        AnonymousContact.topics,
        AnonymousContact.age_band,
    ).where(
        col(AnonymousContact.contact_date) >= query.start,
        col(AnonymousContact.contact_date) <= query.end,
    )
    stmt = _site_filter(stmt, AnonymousContact.site_id, query)
    return [(s, o, t or "", a or "") for s, o, t, a in session.exec(stmt).all()]


def queue_waits(session: Session, query: ReportQuery) -> dict[tuple[str, str], dict[str, Any]]:
    """Per (site, offer): tickets, served, left, and waiting minutes until first called."""
    stmt = select(QueueTicket.id, QueueTicket.site_id, QueueTicket.offer_id, QueueTicket.created_at)
    stmt = _site_filter(
        stmt.where(
            col(QueueTicket.queue_date) >= query.start, col(QueueTicket.queue_date) <= query.end
        ),
        QueueTicket.site_id,
        query,
    )
    tickets = {tid: (site, offer, at) for tid, site, offer, at in session.exec(stmt).all()}
    called: dict[str, datetime] = {}
    outcome: dict[str, str] = {}
    events = (
        select(
            QueueTicketEvent.ticket_id,
            QueueTicketEvent.action,
            QueueTicketEvent.hlc,
            QueueTicketEvent.created_at,
        )
        .where(col(QueueTicketEvent.ticket_id).in_(select(stmt.subquery().c.id)))
        .order_by(col(QueueTicketEvent.hlc))
    )
    for ticket_id, action, _hlc, at in session.exec(events).all():
        if action == QueueAction.CALLED:
            called.setdefault(ticket_id, at)
        else:
            outcome[ticket_id] = action  # the latest served/left wins
    groups: dict[tuple[str, str], dict[str, Any]] = defaultdict(
        lambda: {"tickets": 0, "counts": Counter(), "waits": []}
    )
    for ticket_id, (site, offer, at) in tickets.items():
        group = groups[(site, offer)]
        group["tickets"] += 1
        group["counts"][outcome.get(ticket_id, "open")] += 1
        if ticket_id in called:
            group["waits"].append(max(0.0, (called[ticket_id] - at).total_seconds() / 60))
    return dict(groups)


def wait_figures(waits: list[float]) -> tuple[float | None, float | None, float | None]:
    """Median, 90th percentile (nearest rank) and longest wait in minutes."""
    if not waits:
        return None, None, None
    ordered = sorted(waits)
    p90 = ordered[max(0, -(-len(ordered) * 9 // 10) - 1)]
    return round(median(ordered), 1), round(p90, 1), round(ordered[-1], 1)
