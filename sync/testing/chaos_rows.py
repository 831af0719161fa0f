"""Event rows a front desk writes, for chaos runs (ids fresh, stamps filled in by the outbox)."""

from __future__ import annotations

from datetime import datetime

from models import AnonymousContact, AttendanceMark, CheckIn, QueueTicket
from models.ids import new_id


def check_in(citizen_id: str, now: datetime) -> CheckIn:
    return CheckIn(
        id=new_id(),
        action="check_in",
        citizen_id=citizen_id,
        offer_id="gruppeforloeb",
        created_at=now,
    )


def mark(session_id: str, citizen_id: str, value: str, now: datetime) -> AttendanceMark:
    return AttendanceMark(
        id=new_id(),
        session_id=session_id,
        citizen_id=citizen_id,
        mark=value,
        created_at=now,
    )


def anonymous_contact(now: datetime) -> AnonymousContact:
    hour = now.replace(minute=0, second=0, microsecond=0)
    return AnonymousContact(
        id=new_id(),
        offer_id="aaben-raadgivning",
        topics="",
        contact_date=hour.date(),
        created_at=hour,
    )


def queue_ticket(number: int, now: datetime) -> QueueTicket:
    return QueueTicket(
        id=new_id(),
        number=number,
        offer_id="aaben-raadgivning",
        queue_date=now.date(),
        created_at=now,
    )
