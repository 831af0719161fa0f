"""Undo (a retraction event, never a delete) and check-out of today's check-ins."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from kiosk.services.audit import audit
from kiosk.services.checkin import CheckInRecord, CheckInRefused, aware
from kiosk.services.duplicates import visits_today
from kiosk.services.staff import StaffMember
from models import CheckIn, Citizen, Offer
from models.db import read_session, write_session
from models.events import CheckInAction
from models.ids import new_id
from sync.outbox import load_state, record


def _follow_up(event: CheckIn, action: str, staff: StaffMember | None) -> CheckIn:
    return CheckIn(
        id=new_id(),
        action=action,
        citizen_id=event.citizen_id,
        offer_id=event.offer_id,
        session_id=event.session_id,
        appointment_id=event.appointment_id,
        ref_id=event.id,
        method=event.method,
        staff_id=staff.id if staff else None,
    )


def _refs(session: Session, check_in_id: str) -> set[str]:
    query = select(CheckIn.action).where(CheckIn.ref_id == check_in_id)
    return set(session.exec(query).all())


def undo_check_in(
    engine: Engine, *, check_in_id: str, staff: StaffMember, now: datetime, window_minutes: int
) -> None:
    """Retract a check-in made less than ``window_minutes`` ago (``CheckInRefused`` if not)."""
    with write_session(engine) as session:
        event = session.get(CheckIn, check_in_id)
        if event is None or event.action != CheckInAction.CHECK_IN:
            raise CheckInRefused("unknown")
        if CheckInAction.RETRACTION in _refs(session, check_in_id):
            raise CheckInRefused("already_undone")
        if now - aware(event.created_at) > timedelta(minutes=window_minutes):
            raise CheckInRefused("too_late")
        record(session, [_follow_up(event, CheckInAction.RETRACTION, staff)], now=now)
        audit(session, action="undo_check_in", staff_id=staff.id, citizen_id=event.citizen_id,
              detail=check_in_id, now=now)  # fmt: skip


def check_out(engine: Engine, *, check_in_id: str, staff: StaffMember, now: datetime) -> None:
    """Record when a citizen left, for offers that want it."""
    with write_session(engine) as session:
        event = session.get(CheckIn, check_in_id)
        if event is None or event.action != CheckInAction.CHECK_IN:
            raise CheckInRefused("unknown")
        offer = session.get(Offer, event.offer_id)
        if offer is None or not offer.wants_checkout:
            raise CheckInRefused("no_checkout")
        refs = _refs(session, check_in_id)
        if CheckInAction.RETRACTION in refs:
            raise CheckInRefused("already_undone")
        if CheckInAction.CHECK_OUT in refs:
            raise CheckInRefused("already_out")
        record(session, [_follow_up(event, CheckInAction.CHECK_OUT, staff)], now=now)
        audit(session, action="check_out", staff_id=staff.id, citizen_id=event.citizen_id,
              detail=check_in_id, now=now)  # fmt: skip


def todays_check_ins(engine: Engine, *, now: datetime) -> list[CheckInRecord]:
    """Today's standing visits here, newest first, with check-out state: each visit once (the
    check-in this device shows) with the other devices that checked it in too."""
    with read_session(engine) as session:
        device_id = load_state(session).device_id
        visits = list(visits_today(session, device_id=device_id, now=now).values())
        ids = [e.id for e, _ in visits]
        outs = set(
            session.exec(
                select(CheckIn.ref_id).where(
                    col(CheckIn.ref_id).in_(ids), CheckIn.action == CheckInAction.CHECK_OUT
                )
            ).all()
        )
        names = {
            c.id: c.display_name
            for c in session.exec(
                select(Citizen).where(col(Citizen.id).in_({e.citizen_id for e, _ in visits}))
            )
        }
        offers = {o.id: o for o in session.exec(select(Offer))}
    records = []
    for event, also in sorted(visits, key=lambda shown: shown[0].hlc, reverse=True):
        offer = offers.get(event.offer_id)
        records.append(
            CheckInRecord(
                event.id, event.citizen_id, names.get(event.citizen_id, "?"), event.offer_id,
                offer.name_da if offer else event.offer_id, aware(event.created_at),
                bool(offer and offer.wants_checkout), event.id in outs, also,
            )
        )  # fmt: skip
    return records
