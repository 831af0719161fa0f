"""Queue ticket numbers on a kiosk: each device of a site counts on its own, day by day."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from models import QueueTicket
from sync.outbox import load_state


def next_ticket_number(session: Session, day: date) -> int:
    """This device's next number on ``day`` (each device of a site counts on its own)."""
    state = load_state(session)
    last = session.exec(
        select(func.max(QueueTicket.number)).where(
            QueueTicket.queue_date == day,
            QueueTicket.site_id == state.site_id,
            QueueTicket.device_id == state.device_id,
        )
    ).one()
    return (last or 0) + 1
