"""The counsellor's §82b courses (weeks elapsed, warnings) and today's appointments.

Course weeks, flags and attended appointments follow the shared rules in
``models.figures.courses`` (the same as the site report's).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from kiosk.services.attendance import require_role, site_of_kiosk
from kiosk.services.audit import audit
from kiosk.services.staff import StaffMember
from models import Appointment, CheckIn, Citizen, Course, Offer
from models.db import write_session
from models.events import CheckInAction
from models.figures.courses import (
    WARN_WEEKS_BEFORE_END,
    CourseAlert,
    course_alert,
    course_week,
)
from models.figures.facts import appointment_arrivals
from models.people import Role
from models.text import danish_sort_key
from models.timeutil import local_day_bounds, local_today


class Arrival(StrEnum):
    EXPECTED = "expected"  # not checked in (yet)
    ARRIVED = "arrived"
    LEFT = "left"  # checked out


@dataclass(frozen=True, slots=True)
class CourseProgress:
    course_id: str
    citizen_id: str
    display_name: str
    birth_year: int | None
    starts_on: date
    planned_weeks: int
    week: int
    weeks_elapsed: int  # whole weeks since the start
    attended: int  # appointments of the course the citizen was checked in for
    booked_so_far: int  # appointments of the course up to now (not cancelled)
    alert: CourseAlert


@dataclass(frozen=True, slots=True)
class AppointmentArrival:
    appointment_id: str
    citizen_id: str
    display_name: str
    birth_year: int | None
    starts_at: datetime
    ends_at: datetime
    offer_name_da: str
    offer_name_en: str
    arrival: Arrival
    arrived_at: datetime | None


@dataclass(frozen=True, slots=True)
class CheckInRow:
    id: str
    action: str
    appointment_id: str | None
    ref_id: str | None
    created_at: datetime


def arrivals(rows: Iterable[CheckInRow]) -> dict[str, tuple[Arrival, datetime]]:
    """Arrival per appointment from its check-in events (retracted check-ins do not count)."""
    rows = list(rows)
    retracted = {r.ref_id for r in rows if r.action == CheckInAction.RETRACTION}
    live = {r.id: r for r in rows if r.action == CheckInAction.CHECK_IN and r.id not in retracted}
    left = {r.ref_id for r in rows if r.action == CheckInAction.CHECK_OUT and r.ref_id in live}
    result: dict[str, tuple[Arrival, datetime]] = {}
    for check_in in sorted(live.values(), key=lambda r: r.created_at):
        if check_in.appointment_id and check_in.appointment_id not in result:
            state = Arrival.LEFT if check_in.id in left else Arrival.ARRIVED
            result[check_in.appointment_id] = (state, check_in.created_at)
    return result


def check_in_rows(session: Session, appointment_ids: Sequence[str]) -> list[CheckInRow]:
    if not appointment_ids:
        return []
    first = session.exec(
        select(CheckIn.id).where(col(CheckIn.appointment_id).in_(appointment_ids))
    ).all()
    # sqlmodel's select() is typed for at most four entities (it takes any number at run time).
    rows = session.exec(
        select(  # type: ignore[call-overload]
            CheckIn.id, CheckIn.action, CheckIn.appointment_id, CheckIn.ref_id, CheckIn.created_at
        ).where(col(CheckIn.appointment_id).in_(appointment_ids) | col(CheckIn.ref_id).in_(first))
    ).all()
    return [CheckInRow(*row) for row in rows]


def my_courses(engine: Engine, *, staff: StaffMember, now: datetime) -> list[CourseProgress]:
    """The member's running §82b courses, flagged ones first; audited per citizen."""
    require_role(staff, [Role.COUNSELLOR])
    today = local_today(now)
    with write_session(engine) as session:
        rows = session.exec(
            select(Course, Citizen)
            .join(Citizen, col(Citizen.id) == col(Course.citizen_id))
            .where(Course.counsellor_staff_id == staff.id)
            .where((col(Course.ends_on).is_(None)) | (col(Course.ends_on) >= today))
        ).all()
        appointments = session.exec(
            select(Appointment.id, Appointment.course_id, Appointment.starts_at)
            .where(col(Appointment.course_id).in_([c.id for c, _ in rows]))
            .where(col(Appointment.cancelled).is_(False))
        ).all()
        arrived = appointment_arrivals(session, [a[0] for a in appointments])
        for course, _ in rows:
            audit(
                session,
                action="course_view",
                staff_id=staff.id,
                citizen_id=course.citizen_id,
                detail=f"course={course.id}",
                now=now,
            )
    result = [_progress(c, p, appointments, arrived, today, now) for c, p in rows]
    severity = {CourseAlert.OVERDUE: 0, CourseAlert.NEARING_END: 1, CourseAlert.NONE: 2}
    return sorted(
        result, key=lambda r: (severity[r.alert], -r.week, danish_sort_key(r.display_name))
    )


def _progress(
    course: Course,
    citizen: Citizen,
    appointments: Sequence[tuple[str, str | None, datetime]],
    arrived: set[str],
    today: date,
    now: datetime,
) -> CourseProgress:
    mine = [(a_id, at) for a_id, course_id, at in appointments if course_id == course.id]
    week = course_week(course.starts_on, today)
    return CourseProgress(
        course_id=course.id,
        citizen_id=citizen.id,
        display_name=citizen.display_name,
        birth_year=citizen.birth_year,
        starts_on=course.starts_on,
        planned_weeks=course.planned_weeks,
        week=week,
        weeks_elapsed=max(0, (today - course.starts_on).days // 7),
        attended=sum(1 for a_id, _ in mine if a_id in arrived),
        booked_so_far=sum(1 for _, at in mine if at <= now),
        alert=course_alert(week, course.planned_weeks),
    )


def todays_appointments(
    engine: Engine, *, staff: StaffMember, now: datetime
) -> list[AppointmentArrival]:
    """The member's appointments today at this site, with arrival status; audited."""
    require_role(staff, [Role.COUNSELLOR, Role.FRONT_DESK, Role.GROUP_LEADER])
    start, end = local_day_bounds(local_today(now))
    with write_session(engine) as session:
        rows = session.exec(
            select(Appointment, Citizen, Offer)
            .join(Citizen, col(Citizen.id) == col(Appointment.citizen_id))
            .join(Offer, col(Offer.id) == col(Appointment.offer_id))
            .where(Appointment.site_id == site_of_kiosk(session))
            .where(Appointment.staff_id == staff.id, col(Appointment.cancelled).is_(False))
            .where(Appointment.starts_at >= start, Appointment.starts_at < end)
            .order_by(col(Appointment.starts_at))
        ).all()
        arrived = arrivals(check_in_rows(session, [a.id for a, _, _ in rows]))
        for appointment, citizen, _ in rows:
            audit(
                session,
                action="appointment_view",
                staff_id=staff.id,
                citizen_id=citizen.id,
                detail=f"appointment={appointment.id}",
                now=now,
            )
    return [_arrival(a, c, o, arrived.get(a.id)) for a, c, o in rows]


def _arrival(
    appointment: Appointment,
    citizen: Citizen,
    offer: Offer,
    arrived: tuple[Arrival, datetime] | None,
) -> AppointmentArrival:
    return AppointmentArrival(
        appointment_id=appointment.id,
        citizen_id=citizen.id,
        display_name=citizen.display_name,
        birth_year=citizen.birth_year,
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        offer_name_da=offer.name_da,
        offer_name_en=offer.name_en,
        arrival=arrived[0] if arrived else Arrival.EXPECTED,
        arrived_at=arrived[1] if arrived else None,
    )


__all__ = [
    "WARN_WEEKS_BEFORE_END",
    "AppointmentArrival",
    "Arrival",
    "CourseAlert",
    "CourseProgress",
    "course_alert",
    "course_week",
    "my_courses",
    "todays_appointments",
]
