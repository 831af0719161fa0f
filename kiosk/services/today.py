"""Today at this site: group sessions, appointments and the sync badge, as plain dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from kiosk.services.duplicates import AlsoAt, appointment_visits
from models import (
    Appointment,
    Group,
    GroupSession,
    Offer,
    Outbox,
    Site,
    Staff,
)
from models.db import read_session
from models.figures.facts import load_session_facts
from models.figures.rules import session_figures
from models.timeutil import local_day_bounds, local_today
from sync.outbox import load_state

#: The sync badge warns when the last good sync is older than this.
SYNC_STALE_AFTER = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class SessionToday:
    """A group session today. ``public_title`` is safe for a locked screen."""

    id: str
    group_id: str
    title: str
    code: str
    sensitive: bool
    starts_at: datetime
    ends_at: datetime
    location: str
    status: str
    closed: bool
    enrolled: int
    arrived: int  # attended ("Mødt"): the same figure as the session list and the roster
    participants: int = 0  # enrolled citizens and guests

    @property
    def public_title(self) -> str:
        """The neutral code for a diagnosis-revealing title, else the title."""
        return self.code if self.sensitive else f"{self.title} ({self.code})"


@dataclass(frozen=True, slots=True)
class AppointmentToday:
    """An appointment today, without the citizen's name (names need a staff login)."""

    id: str
    starts_at: datetime
    ends_at: datetime
    offer_name_da: str
    offer_name_en: str
    staff_initials: str
    arrived: bool
    #: Other devices that checked the same appointment in too (desks while apart).
    also: tuple[AlsoAt, ...] = ()


@dataclass(frozen=True, slots=True)
class SyncBadge:
    """What the home screen says about sync."""

    last_sync_ok_at: datetime | None
    waiting: int
    last_error: str
    stale: bool


@dataclass(frozen=True, slots=True)
class HomeView:
    """Everything the home screen shows."""

    site_id: str
    site_name: str
    site_place: str
    day: date
    sessions: list[SessionToday]
    appointments: list[AppointmentToday]
    sync: SyncBadge


def sessions_today(
    session: Session, site_id: str, day: date, now: datetime | None = None
) -> list[SessionToday]:
    """Today's group sessions; "Mødt" counts by the shared rules (``models.figures.rules``):
    the leader's marks, desk check-ins not marked otherwise, guests included."""
    start, end = local_day_bounds(day)
    rows = session.exec(
        select(GroupSession, Group)
        .join(Group, col(Group.id) == GroupSession.group_id)
        .where(
            GroupSession.site_id == site_id,
            col(GroupSession.starts_at) >= start,
            col(GroupSession.starts_at) < end,
        )
        .order_by(col(GroupSession.starts_at), col(Group.code))
    ).all()
    facts = load_session_facts(session, [s for s, _ in rows])
    figures = [session_figures(f, now or start) for f in facts]
    return [
        SessionToday(
            id=s.id,
            group_id=g.id,
            title=g.title,
            code=g.code,
            sensitive=g.sensitive,
            starts_at=s.starts_at,
            ends_at=s.ends_at,
            location=s.location,
            status=s.status,
            closed=s.closed,
            enrolled=fig.enrolled,
            arrived=fig.attended,
            participants=fig.participants,
        )
        for (s, g), fig in zip(rows, figures, strict=True)
    ]


def appointments_today(session: Session, site_id: str, day: date) -> list[AppointmentToday]:
    start, end = local_day_bounds(day)
    rows = session.exec(
        select(Appointment, Offer, Staff)
        .join(Offer, col(Offer.id) == Appointment.offer_id)
        .outerjoin(Staff, col(Staff.id) == Appointment.staff_id)
        .where(
            Appointment.site_id == site_id,
            col(Appointment.cancelled).is_(False),
            col(Appointment.starts_at) >= start,
            col(Appointment.starts_at) < end,
        )
        .order_by(col(Appointment.starts_at), col(Appointment.id))
    ).all()
    device_id = load_state(session).device_id
    arrived = appointment_visits(session, [a.id for a, _, _ in rows], device_id=device_id)
    return [
        AppointmentToday(
            id=a.id,
            starts_at=a.starts_at,
            ends_at=a.ends_at,
            offer_name_da=o.name_da,
            offer_name_en=o.name_en,
            staff_initials=s.initials if s else "",
            arrived=a.id in arrived,
            also=arrived[a.id][1] if a.id in arrived else (),
        )
        for a, o, s in rows
    ]


def sync_badge(session: Session, now: datetime) -> SyncBadge:
    state = load_state(session)
    waiting = session.exec(select(func.count()).select_from(Outbox)).one()
    last = state.last_sync_ok_at
    stale = last is None or now - last > SYNC_STALE_AFTER
    return SyncBadge(last, int(waiting), state.last_error, stale)


class TodayService:
    """Reads what the home screen shows. Raises ``sync.outbox.NotInitialised`` on a kiosk
    without identity (not enrolled, no demo data)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def home(self, now: datetime) -> HomeView:
        """Today (the Danish calendar day at ``now``) at this kiosk's site."""
        day = local_today(now)
        with read_session(self.engine) as session:
            state = load_state(session)
            site = session.get(Site, state.site_id)
            return HomeView(
                site_id=state.site_id,
                site_name=site.name if site else state.site_id,
                site_place=site.place if site else "",
                day=day,
                sessions=sessions_today(session, state.site_id, day, now),
                appointments=appointments_today(session, state.site_id, day),
                sync=sync_badge(session, now),
            )

    def site_id(self) -> str:
        """This kiosk's site (raises ``NotInitialised`` when it has none yet)."""
        with read_session(self.engine) as session:
            return load_state(session).site_id
