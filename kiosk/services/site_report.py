"""This site's report: visits per offer, anonymous contacts by topic, group attendance rates
per group and session, appointment no-shows and course lengths."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from statistics import median

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from kiosk.services.attendance import (
    AttendanceRefused,
    enrolled_on,
    load_marks,
    session_day,
    site_of_kiosk,
)
from kiosk.services.audit import audit
from kiosk.services.courses import arrivals, check_in_rows
from kiosk.services.mark_merge import ATTENDED_MARKS, CurrentMarks
from kiosk.services.site_visits import Visits, site_visits
from kiosk.services.staff import StaffMember
from models import Appointment, Course, Enrolment, Group, GroupSession
from models.db import write_session
from models.people import Role
from models.schedule import SessionStatus
from models.text import danish_sort_key
from models.timeutil import local_day_bounds, local_today


@dataclass(frozen=True, slots=True)
class SessionRow:
    session_id: str
    group_id: str
    day: date
    starts_at: datetime
    status: str
    closed: bool
    enrolled: int
    attended: int  # enrolled citizens present, late or left early
    absent: int  # no-shows: absent without notice
    excused: int  # afbud
    unmarked: int
    guests: int  # guests who attended

    @property
    def counts(self) -> bool:
        return self.status != SessionStatus.CANCELLED

    @property
    def rate(self) -> float | None:
        return self.attended / self.enrolled if self.counts and self.enrolled else None


@dataclass(frozen=True, slots=True)
class GroupRow:
    group_id: str
    title: str
    code: str
    sensitive: bool
    sessions: int  # sessions that took place or were due (not cancelled)
    cancelled: int
    enrolled_slots: int  # enrolled citizens summed over those sessions
    attended: int
    absent: int
    excused: int
    guests: int

    @property
    def rate(self) -> float | None:
        return self.attended / self.enrolled_slots if self.enrolled_slots else None


@dataclass(frozen=True, slots=True)
class CourseLengths:
    running: int  # §82b courses running at the end of the period (or today)
    ended: int  # ended within the period
    median_weeks: float | None  # over all courses in the period, length so far or in total
    longest_weeks: float | None
    over_planned: int  # longer than their planned weeks


@dataclass(frozen=True, slots=True)
class SiteReport:
    site_id: str
    start: date
    end: date
    groups: tuple[GroupRow, ...]
    sessions: tuple[SessionRow, ...]
    appointments: int  # appointments due in the period (not cancelled)
    appointment_no_shows: int  # of those, never checked in
    courses: CourseLengths
    visits: Visits


def site_report(
    engine: Engine, *, start: date, end: date, staff: StaffMember, now: datetime
) -> SiteReport:
    """The report for this kiosk's site over the Danish days ``start``..``end``; audited."""
    if not staff.has(Role.GROUP_LEADER):  # admins hold every role
        raise AttendanceRefused("role_required")
    if end < start:
        start, end = end, start
    last = min(end, local_today(now))
    with write_session(engine) as session:
        site_id = site_of_kiosk(session)
        groups, sessions = _session_rows(session, site_id, start, last)
        due, no_shows = _appointment_no_shows(session, site_id, start, last, now)
        courses = _course_lengths(session, site_id, start, min(end, local_today(now)))
        visits = site_visits(session, site_id, start, last)
        audit(
            session,
            action="report_view",
            staff_id=staff.id,
            detail=f"site={site_id} from={start.isoformat()} to={end.isoformat()}",
            now=now,
        )
    return SiteReport(site_id, start, end, groups, sessions, due, no_shows, courses, visits)


def _session_rows(
    session: Session, site_id: str, start: date, last: date
) -> tuple[tuple[GroupRow, ...], tuple[SessionRow, ...]]:
    lo, _ = local_day_bounds(start)
    _, hi = local_day_bounds(last)
    pairs = session.exec(
        select(GroupSession, Group)
        .join(Group, col(Group.id) == col(GroupSession.group_id))
        .where(GroupSession.site_id == site_id)
        .where(GroupSession.starts_at >= lo, GroupSession.starts_at < hi)
        .order_by(col(GroupSession.starts_at))
    ).all()
    group_ids = {g.id for _, g in pairs}
    enrolments = session.exec(select(Enrolment).where(col(Enrolment.group_id).in_(group_ids))).all()
    marks = load_marks(session, [gs.id for gs, _ in pairs])
    rows = tuple(_session_row(gs, enrolments, marks) for gs, _ in pairs)
    groups = {g.id: g for _, g in pairs}
    group_rows = [_group_row(g, [r for r in rows if r.group_id == g.id]) for g in groups.values()]
    group_rows.sort(key=lambda g: danish_sort_key(g.title))
    return tuple(group_rows), rows


def _session_row(
    gs: GroupSession, enrolments: Sequence[Enrolment], marks: CurrentMarks
) -> SessionRow:
    day = session_day(gs)
    enrolled = {
        e.citizen_id for e in enrolments if e.group_id == gs.group_id and enrolled_on(e, day)
    }
    here = {citizen: fact.mark for (sid, citizen), fact in marks.items() if sid == gs.id}
    tally = Counter(mark for citizen, mark in here.items() if citizen in enrolled)
    guests = sum(1 for c, m in here.items() if c not in enrolled and m in ATTENDED_MARKS)
    return SessionRow(
        session_id=gs.id,
        group_id=gs.group_id,
        day=day,
        starts_at=gs.starts_at,
        status=gs.status,
        closed=gs.closed,
        enrolled=len(enrolled),
        attended=sum(tally[m] for m in ATTENDED_MARKS),
        absent=tally["absent"],
        excused=tally["excused"],
        unmarked=len(enrolled - here.keys()),
        guests=guests,
    )


def _group_row(group: Group, rows: Sequence[SessionRow]) -> GroupRow:
    held = [r for r in rows if r.counts]
    return GroupRow(
        group_id=group.id,
        title=group.title,
        code=group.code,
        sensitive=group.sensitive,
        sessions=len(held),
        cancelled=len(rows) - len(held),
        enrolled_slots=sum(r.enrolled for r in held),
        attended=sum(r.attended for r in held),
        absent=sum(r.absent for r in held),
        excused=sum(r.excused for r in held),
        guests=sum(r.guests for r in held),
    )


def _appointment_no_shows(
    session: Session, site_id: str, start: date, last: date, now: datetime
) -> tuple[int, int]:
    lo, _ = local_day_bounds(start)
    _, hi = local_day_bounds(last)
    ids = session.exec(
        select(Appointment.id)
        .where(Appointment.site_id == site_id, col(Appointment.cancelled).is_(False))
        .where(Appointment.starts_at >= lo, Appointment.starts_at < min(hi, now))
    ).all()
    arrived = arrivals(check_in_rows(session, list(ids)))
    return len(ids), sum(1 for a in ids if a not in arrived)


def _course_lengths(session: Session, site_id: str, start: date, last: date) -> CourseLengths:
    courses = session.exec(
        select(Course)
        .where(Course.site_id == site_id, Course.starts_on <= last)
        .where((col(Course.ends_on).is_(None)) | (col(Course.ends_on) >= start))
    ).all()
    weeks = [((min(c.ends_on or last, last) - c.starts_on).days) / 7 for c in courses]
    return CourseLengths(
        running=sum(1 for c in courses if c.ends_on is None or c.ends_on > last),
        ended=sum(1 for c in courses if c.ends_on is not None and c.ends_on <= last),
        median_weeks=round(median(weeks), 1) if weeks else None,
        longest_weeks=round(max(weeks), 1) if weeks else None,
        over_planned=sum(1 for c, w in zip(courses, weeks, strict=True) if w > c.planned_weeks),
    )
