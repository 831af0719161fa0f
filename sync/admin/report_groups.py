"""Report figures for group attendance (§82a) and individual course lengths (§82b)."""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from models import AttendanceMark, Course, Enrolment, Group, GroupSession
from models.events import Mark
from models.schedule import SessionStatus
from models.timeutil import LOCAL_TZ
from sync.admin.report_data import utc_bounds
from sync.admin.report_model import ReportQuery

ATTENDED = {Mark.PRESENT.value, Mark.LATE.value, Mark.LEFT_EARLY.value}
_CHUNK = 900


@dataclass(slots=True)
class GroupFigures:
    """Attendance of one group over the period's sessions that have taken place."""

    group: Group
    held: int = 0
    cancelled: int = 0
    unrecorded: int = 0  # past, not cancelled, no marks and not marked held
    places: int = 0  # enrolled participants summed over held sessions
    attended: int = 0
    excused: int = 0
    absent: int = 0  # marked absent or not marked at all
    guests: int = 0

    @property
    def rate(self) -> float | None:
        return round(100 * self.attended / self.places, 1) if self.places else None


def _current_marks(session: Session, session_ids: list[str]) -> dict[tuple[str, str], str]:
    """The current mark of each (session, citizen): the one with the greatest HLC, the event
    id breaking a tie (stamps clamped alike), as on the kiosks (``kiosk.services.mark_merge``).
    After a merge, the guest's and the citizen's marks of one session compete the same way."""
    latest: dict[tuple[str, str], tuple[str, tuple[str, str]]] = {}
    for start in range(0, len(session_ids), _CHUNK):
        stmt = sa_select(
            col(AttendanceMark.session_id),
            col(AttendanceMark.citizen_id),
            col(AttendanceMark.mark),
            col(AttendanceMark.hlc),
            col(AttendanceMark.id),
        ).where(col(AttendanceMark.session_id).in_(session_ids[start : start + _CHUNK]))
        for sid, cid, mark, hlc, event_id in session.execute(stmt).all():
            key = (sid, cid)
            if key not in latest or (hlc, event_id) > latest[key][1]:
                latest[key] = (mark, (hlc, event_id))
    return {key: mark for key, (mark, _) in latest.items()}


def group_attendance(session: Session, query: ReportQuery, *, now: datetime) -> list[GroupFigures]:
    """Attendance per group for sessions in the period that have started by ``now``."""
    start, end = utc_bounds(query)
    stmt = select(GroupSession).where(
        col(GroupSession.starts_at) >= start,
        col(GroupSession.starts_at) < min(end, now),
    )
    if query.site is not None:
        stmt = stmt.where(GroupSession.site_id == query.site)
    sessions = list(session.exec(stmt).all())
    group_ids = sorted({s.group_id for s in sessions})
    groups = {g.id: g for g in session.exec(select(Group).where(col(Group.id).in_(group_ids)))}
    enrolments: dict[str, list[tuple[str, date, date | None]]] = defaultdict(list)
    for enrolment in session.exec(select(Enrolment).where(col(Enrolment.group_id).in_(group_ids))):
        enrolments[enrolment.group_id].append(
            (enrolment.citizen_id, enrolment.starts_on, enrolment.ends_on)
        )
    marks: dict[str, dict[str, str]] = defaultdict(dict)
    for (sid, cid), current in _current_marks(session, [s.id for s in sessions]).items():
        marks[sid][cid] = current
    figures = {gid: GroupFigures(group=groups[gid]) for gid in group_ids}
    for meeting in sessions:
        fig = figures[meeting.group_id]
        if meeting.status == SessionStatus.CANCELLED:
            fig.cancelled += 1
            continue
        if meeting.status != SessionStatus.HELD and meeting.id not in marks:
            fig.unrecorded += 1
            continue
        fig.held += 1
        day = meeting.starts_at.astimezone(LOCAL_TZ).date()
        enrolled = {
            citizen
            for citizen, starts_on, ends_on in enrolments[meeting.group_id]
            if starts_on <= day and (ends_on is None or ends_on >= day)
        }
        fig.places += len(enrolled)
        marked = marks.get(meeting.id, {})
        for citizen in enrolled:
            mark = marked.get(citizen)
            if mark in ATTENDED:
                fig.attended += 1
            elif mark == Mark.EXCUSED:
                fig.excused += 1
            else:
                fig.absent += 1
        fig.guests += sum(
            1 for cid, mark in marked.items() if cid not in enrolled and mark in ATTENDED
        )
    return list(figures.values())


def add_months(day: date, months: int) -> date:
    """``day`` moved ``months`` calendar months on (the 31st becomes the month's last day)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class CourseLength:
    """One §82b course's length so far (to its end, or to ``today`` if still running)."""

    course: Course
    last_day: date
    ongoing: bool

    @property
    def days(self) -> int:
        return (self.last_day - self.course.starts_on).days

    @property
    def over_three_months(self) -> bool:
        return self.last_day > add_months(self.course.starts_on, 3)


def course_lengths(session: Session, query: ReportQuery, *, today: date) -> list[CourseLength]:
    """Courses running at some point in the period, with their lengths."""
    stmt = select(Course).where(
        col(Course.starts_on) <= query.end,
        col(Course.ends_on).is_(None) | (col(Course.ends_on) >= query.start),
    )
    if query.site is not None:
        stmt = stmt.where(Course.site_id == query.site)
    found = []
    for course in session.exec(stmt).all():
        ongoing = course.ends_on is None or course.ends_on > today
        last = min(today, course.ends_on) if course.ends_on else today
        found.append(CourseLength(course, max(last, course.starts_on), ongoing))
    return found
