"""What each citizen has at this site today (appointments, group sessions), for check-in."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import or_
from sqlmodel import Session, col, select

from models import Appointment, Enrolment, Group, GroupSession, Offer
from models.schedule import SessionStatus
from models.timeutil import local_day_bounds


@dataclass(frozen=True, slots=True)
class TodayItem:
    """One thing a citizen has today: an appointment or a group session."""

    kind: str  # "appointment" | "session"
    ref_id: str
    offer_id: str
    offer_name: str
    starts_at: datetime
    title: str  # offer name, or the group's title
    code: str  # what a locked or public screen may show (never a diagnosis)
    wants_checkout: bool

    @property
    def session_id(self) -> str | None:
        return self.ref_id if self.kind == "session" else None

    @property
    def appointment_id(self) -> str | None:
        return self.ref_id if self.kind == "appointment" else None


@dataclass(frozen=True, slots=True)
class OfferChoice:
    """An offer a citizen can be checked in to without a booking (walk-in)."""

    offer_id: str
    name: str
    wants_checkout: bool


def _offer_names(session: Session) -> dict[str, Offer]:
    return {offer.id: offer for offer in session.exec(select(Offer))}


def load_today(
    session: Session, *, site_id: str, day: date, citizen_id: str | None = None
) -> dict[str, list[TodayItem]]:
    """Today's appointments and group sessions at ``site_id``, per citizen, by start time."""
    start, end = local_day_bounds(day)
    offers = _offer_names(session)
    items: dict[str, list[TodayItem]] = defaultdict(list)
    appointments = select(Appointment).where(
        Appointment.site_id == site_id,
        col(Appointment.starts_at) >= start,
        col(Appointment.starts_at) < end,
        col(Appointment.cancelled).is_(False),
    )
    if citizen_id is not None:
        appointments = appointments.where(Appointment.citizen_id == citizen_id)
    for appt in session.exec(appointments):
        offer = offers.get(appt.offer_id)
        name = offer.name_da if offer else appt.offer_id
        items[appt.citizen_id].append(
            TodayItem("appointment", appt.id, appt.offer_id, name, appt.starts_at, name, name,
                      bool(offer and offer.wants_checkout))
        )  # fmt: skip
    sessions = select(GroupSession, Group).where(
        GroupSession.site_id == site_id,
        col(GroupSession.starts_at) >= start,
        col(GroupSession.starts_at) < end,
        GroupSession.status != SessionStatus.CANCELLED,
        GroupSession.group_id == Group.id,
    )
    rows = list(session.exec(sessions))
    by_group: dict[str, list[tuple[GroupSession, Group]]] = defaultdict(list)
    for group_session, group in rows:
        by_group[group.id].append((group_session, group))
    if by_group:
        enrolments = select(Enrolment).where(
            col(Enrolment.group_id).in_(list(by_group)),
            col(Enrolment.starts_on) <= day,
            or_(col(Enrolment.ends_on).is_(None), col(Enrolment.ends_on) >= day),
        )
        if citizen_id is not None:
            enrolments = enrolments.where(Enrolment.citizen_id == citizen_id)
        for enrolment in session.exec(enrolments):
            for group_session, group in by_group[enrolment.group_id]:
                offer = offers.get(group.offer_id)
                items[enrolment.citizen_id].append(
                    TodayItem(
                        "session",
                        group_session.id,
                        group.offer_id,
                        offer.name_da if offer else group.offer_id,
                        group_session.starts_at,
                        group.title,
                        group.code if group.sensitive else group.title,
                        bool(offer and offer.wants_checkout),
                    )
                )
    for citizen_items in items.values():
        citizen_items.sort(key=lambda item: item.starts_at)
    return dict(items)


def walk_in_offers(session: Session, *, site_id: str) -> list[OfferChoice]:
    """Offers at ``site_id`` a citizen can be checked in to without a booking."""
    from models import SiteOffer
    from models.catalogue import OfferKind

    query = (
        select(Offer)
        .where(SiteOffer.site_id == site_id, SiteOffer.offer_id == Offer.id)
        .where(col(Offer.active).is_(True))
        .where(col(Offer.kind).in_([OfferKind.WALKIN, OfferKind.EITHER]))
        .order_by(col(Offer.sort_order))
    )
    return [OfferChoice(o.id, o.name_da, o.wants_checkout) for o in session.exec(query)]
