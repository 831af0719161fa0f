"""Walk-in queue for open counselling: per-day ticket numbers, call, served, left."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from kiosk.services.audit import audit
from kiosk.services.input_guard import text_refusal
from kiosk.services.refusals import Refused
from kiosk.services.staff import StaffMember
from models import QueueTicket, QueueTicketEvent, SiteDevice
from models.db import read_session, write_session
from models.events import QueueAction, TicketStatus
from models.ids import new_id
from models.timeutil import local_today
from sync.outbox import load_state, record
from sync.queue_numbers import next_ticket_number

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
    #: What the desk and the public screen show: the device's prefix and the number ("B3").
    label: str = ""

    def waited_minutes(self, now: datetime) -> int:
        """Minutes from the ticket until it was called (or until ``now`` while waiting)."""
        until = self.called_at or self.done_at or now
        return max(0, int((until - self.created_at).total_seconds() // 60))


@dataclass(frozen=True, slots=True)
class PublicQueue:
    """What a public screen may show: ticket labels ("A12", "B3") only."""

    called: tuple[str, ...]
    waiting: tuple[str, ...]


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def queue_prefixes(session: Session) -> dict[str, str]:
    """Device id → the letter its tickets carry (central hands them out at enrolment)."""
    return dict(session.exec(select(SiteDevice.id, SiteDevice.queue_prefix)).all())


def _tickets(session: Session, now: datetime) -> list[Ticket]:
    """Today's tickets of every device of this site, oldest first (so calling next takes the
    site's longest-waiting ticket once the devices have synced)."""
    site_id = load_state(session).site_id
    rows = session.exec(
        select(QueueTicket)
        .where(QueueTicket.queue_date == local_today(now), QueueTicket.site_id == site_id)
        .order_by(col(QueueTicket.created_at), col(QueueTicket.hlc), col(QueueTicket.id))
    ).all()
    prefixes = queue_prefixes(session)
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
                   done if isinstance(done, datetime) else None,
                   f"{prefixes.get(row.device_id, '')}{row.number}")
        )  # fmt: skip
    return tickets


def queue_today(engine: Engine, *, now: datetime) -> list[Ticket]:
    """Today's tickets at this site (all its devices), oldest first."""
    with read_session(engine) as session:
        return _tickets(session, now)


def public_view(tickets: list[Ticket]) -> PublicQueue:
    """Ticket labels only: the one(s) called and those still waiting."""
    return PublicQueue(
        tuple(t.label for t in tickets if t.status == CALLED),
        tuple(t.label for t in tickets if t.status == WAITING),
    )


def add_ticket(
    engine: Engine, *, staff: StaffMember, now: datetime, name: str | None = None,
    offer_id: str = DEFAULT_OFFER,
) -> Ticket:  # fmt: skip
    """Give this device's next ticket number of the day (an optional name stays off public
    views). Each device of a site counts on its own under its own prefix, so two desks that
    cannot reach each other never hand out the same ticket."""
    refusal = text_refusal(name or "", name=True)
    if refusal is not None:  # checked before tidying: a tab or newline is refused, not eaten
        from kiosk.i18n import t

        raise QueueRefused(t(refusal))
    cleaned = " ".join((name or "").split())[:80] or None
    with write_session(engine) as session:
        state = load_state(session)
        day = local_today(now)
        ticket = QueueTicket(
            id=new_id(), queue_date=day, number=next_ticket_number(session, day), offer_id=offer_id,
            name=cleaned, staff_id=staff.id,
        )  # fmt: skip
        label = f"{queue_prefixes(session).get(state.device_id, '')}{ticket.number}"
        record(session, [ticket], now=now)
        audit(session, action="queue_add", staff_id=staff.id, detail=label, now=now)
    return Ticket(ticket.id, ticket.number, cleaned, now, WAITING, label=label)


def _step(session: Session, ticket: Ticket, action: str, staff: StaffMember, now: datetime) -> None:
    event = QueueTicketEvent(id=new_id(), ticket_id=ticket.id, action=action, staff_id=staff.id)
    record(session, [event], now=now)
    audit(session, action=f"queue_{action}", staff_id=staff.id, detail=ticket.label, now=now)


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
