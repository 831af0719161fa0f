"""Walk-in queue for open counselling: per-day ticket numbers, call, served, left."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from kiosk.services.audit import audit
from kiosk.services.input_guard import text_refusal
from kiosk.services.refusals import Refused
from kiosk.services.staff import StaffMember
from models import QueueTicket, QueueTicketEvent
from models.db import read_session, write_session
from models.events import QueueAction, TicketStatus
from models.ids import new_id
from models.timeutil import local_today
from sync.outbox import load_state, record

DEFAULT_OFFER = "aaben-raadgivning"
WAITING, CALLED = TicketStatus.WAITING, TicketStatus.CALLED


class QueueRefused(Refused, ValueError):
    """A queue step that does not fit the ticket's state."""


@dataclass(frozen=True, slots=True)
class Ticket:
    """A ticket today, with its state derived from its events."""

    id: str
    number: int
    name: str | None
    created_at: datetime
    status: str  # waiting | called | served | left
    called_at: datetime | None = None
    done_at: datetime | None = None

    def waited_minutes(self, now: datetime) -> int:
        """Minutes from the ticket until it was called (or until ``now`` while waiting)."""
        until = self.called_at or self.done_at or now
        return max(0, int((until - self.created_at).total_seconds() // 60))


@dataclass(frozen=True, slots=True)
class PublicQueue:
    """What a public screen may show: ticket numbers only."""

    called: tuple[int, ...]
    waiting: tuple[int, ...]


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _tickets(session: Session, now: datetime) -> list[Ticket]:
    site_id = load_state(session).site_id
    rows = session.exec(
        select(QueueTicket)
        .where(QueueTicket.queue_date == local_today(now), QueueTicket.site_id == site_id)
        .order_by(col(QueueTicket.number))
    ).all()
    events = session.exec(
        select(QueueTicketEvent)
        .where(col(QueueTicketEvent.ticket_id).in_([t.id for t in rows]))
        .order_by(col(QueueTicketEvent.hlc))
    ).all()
    state: dict[str, dict[str, datetime | str]] = {t.id: {"status": WAITING} for t in rows}
    for event in events:
        entry = state[event.ticket_id]
        entry["status"] = event.action
        key = "called_at" if event.action == QueueAction.CALLED else "done_at"
        entry[key] = _utc(event.created_at)
    tickets = []
    for row in rows:
        entry = state[row.id]
        called, done = entry.get("called_at"), entry.get("done_at")
        tickets.append(
            Ticket(row.id, row.number, row.name, _utc(row.created_at), str(entry["status"]),
                   called if isinstance(called, datetime) else None,
                   done if isinstance(done, datetime) else None)
        )  # fmt: skip
    return tickets


def queue_today(engine: Engine, *, now: datetime) -> list[Ticket]:
    """Today's tickets at this site, by number."""
    with read_session(engine) as session:
        return _tickets(session, now)


def public_view(tickets: list[Ticket]) -> PublicQueue:
    """Ticket numbers only: the one(s) called and those still waiting."""
    return PublicQueue(
        tuple(t.number for t in tickets if t.status == CALLED),
        tuple(t.number for t in tickets if t.status == WAITING),
    )


def add_ticket(
    engine: Engine, *, staff: StaffMember, now: datetime, name: str | None = None,
    offer_id: str = DEFAULT_OFFER,
) -> Ticket:  # fmt: skip
    """Give the next ticket number of the day (an optional name stays off public views)."""
    refusal = text_refusal(name or "", name=True)
    if refusal is not None:  # checked before tidying: a tab or newline is refused, not eaten
        from kiosk.i18n import t

        raise QueueRefused(t(refusal))
    cleaned = " ".join((name or "").split())[:80] or None
    with write_session(engine) as session:
        site_id = load_state(session).site_id
        day = local_today(now)
        last = session.exec(
            select(func.max(QueueTicket.number)).where(
                QueueTicket.queue_date == day, QueueTicket.site_id == site_id
            )
        ).one()
        ticket = QueueTicket(
            id=new_id(), queue_date=day, number=(last or 0) + 1, offer_id=offer_id,
            name=cleaned, staff_id=staff.id,
        )  # fmt: skip
        record(session, [ticket], now=now)
        audit(session, action="queue_add", staff_id=staff.id, detail=str(ticket.number), now=now)
    return Ticket(ticket.id, ticket.number, cleaned, now, WAITING)


def _step(session: Session, ticket: Ticket, action: str, staff: StaffMember, now: datetime) -> None:
    event = QueueTicketEvent(id=new_id(), ticket_id=ticket.id, action=action, staff_id=staff.id)
    record(session, [event], now=now)
    audit(session, action=f"queue_{action}", staff_id=staff.id, detail=str(ticket.number), now=now)


def call_next(engine: Engine, *, staff: StaffMember, now: datetime) -> Ticket | None:
    """Call the longest-waiting ticket; None when nobody waits."""
    with write_session(engine) as session:
        waiting = [t for t in _tickets(session, now) if t.status == WAITING]
        if not waiting:
            return None
        _step(session, waiting[0], QueueAction.CALLED, staff, now)
    return waiting[0]


def finish(
    engine: Engine, *, ticket_id: str, action: str, staff: StaffMember, now: datetime
) -> None:
    """Mark a ticket served or left without being served (from waiting or called)."""
    if action not in (QueueAction.SERVED, QueueAction.LEFT):
        raise QueueRefused(f"unknown queue step {action!r}")
    with write_session(engine) as session:
        ticket = next((t for t in _tickets(session, now) if t.id == ticket_id), None)
        if ticket is None:
            raise QueueRefused("unknown ticket")
        if ticket.status not in (WAITING, CALLED):
            raise QueueRefused("ticket already finished")
        if action == QueueAction.SERVED and ticket.status != CALLED:
            raise QueueRefused("call the ticket before serving it")
        _step(session, ticket, action, staff, now)
