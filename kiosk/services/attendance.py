"""Group attendance, read side: today's sessions at this site and a session's roster."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from kiosk.services.audit import audit
from kiosk.services.mark_merge import ATTENDED_MARKS, CurrentMarks, MarkFact, current_marks
from kiosk.services.privacy import display_title, may_see_members
from kiosk.services.staff import StaffMember
from models import AttendanceMark, CheckIn, Citizen, Enrolment, Group, GroupSession
from models.db import read_session, write_session
from models.events import CheckInAction
from models.people import Role
from models.schedule import SessionStatus
from models.text import danish_sort_key
from models.timeutil import LOCAL_TZ, local_day_bounds, local_today
from sync.outbox import load_state

#: Roles that may take attendance and add guests (admins hold every role).
ATTENDANCE_ROLES = (Role.GROUP_LEADER, Role.FRONT_DESK, Role.COUNSELLOR)

_MESSAGES = {
    "session_unknown": "No such group session on this kiosk.",
    "session_cancelled": "The session is cancelled; marks cannot be changed.",
    "session_closed": "The session is closed; a group leader must reopen it first.",
    "not_on_roster": "The citizen is not on this session's roster; add them as a guest.",
    "mark_unknown": "Unknown mark.",
    "role_required": "Your role at this site does not allow this.",
    "reason_required": "A reason is required.",
    "reason_too_long": "The reason is too long (at most 200 characters).",
    "not_closed": "The session is not closed.",
    "already_closed": "The session is already closed.",
    "attended_marks_exist": "Participants are marked as attending; a held session cannot be "
    "cancelled.",
    "name_required": "The guest needs a name.",
    "name_too_long": "The name is too long (at most 120 characters).",
    "birth_year_invalid": "The birth year must be a year between 1900 and this year.",
    "cpr_like": "That looks like a CPR number, and CPR numbers are never stored here.",
    "pin_like": "That looks like initials and a PIN; a PIN goes only into the login field.",
    "control_char": "The text holds a control character.",
    "need_to_know": "A group's participants are shown only to its leaders, the site's "
    "counsellors and admins.",
}


class AttendanceRefused(Exception):
    """An attendance action was refused; nothing was changed.

    ``reason`` is a stable key (screens translate ``attendance.refused.<reason>``).
    """

    def __init__(self, reason: str) -> None:
        super().__init__(_MESSAGES.get(reason, reason))
        self.reason = reason


def require_role(staff: StaffMember, roles: Iterable[Role]) -> None:
    """Raise ``AttendanceRefused`` unless ``staff`` holds one of ``roles`` (or is admin)."""
    if not any(staff.has(role) for role in roles):
        raise AttendanceRefused("role_required")


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """One group session as the sessions list shows it."""

    id: str
    group_id: str
    title: str
    code: str
    sensitive: bool
    starts_at: datetime
    ends_at: datetime
    location: str
    status: str
    status_reason: str
    closed: bool
    own: bool  # the logged-in member leads this group
    enrolled: int
    marked: int

    def shown_title(self, *, private: bool) -> str:
        return display_title(self, private=private)

    @property
    def markable(self) -> bool:
        return not self.closed and self.status != SessionStatus.CANCELLED


@dataclass(frozen=True, slots=True)
class RosterEntry:
    """A participant of a session: enrolled citizen or guest, with their current mark."""

    citizen_id: str
    display_name: str
    birth_year: int | None
    guest: bool  # not enrolled in the group (added at the kiosk or marked by another device)
    provisional: bool
    mark: str | None
    checked_in: bool  # checked in at the desk for this session
    attended_before: int  # attended sessions of the group so far, this session excluded
    counted_before: int  # sessions that count so far, this session excluded
    counts_this_session: bool  # this session counts (not cancelled)

    @property
    def attended(self) -> int:
        here = self.counts_this_session and self.mark in ATTENDED_MARKS
        return self.attended_before + int(here)

    @property
    def counted(self) -> int:
        return self.counted_before + int(self.counts_this_session)


@dataclass(frozen=True, slots=True)
class Roster:
    session: SessionSummary
    entries: tuple[RosterEntry, ...]


def session_day(gs: GroupSession) -> date:
    return gs.starts_at.astimezone(LOCAL_TZ).date()


def site_of_kiosk(session: Session) -> str:
    return load_state(session).site_id


def todays_sessions(
    engine: Engine, *, now: datetime, staff: StaffMember | None = None
) -> list[SessionSummary]:
    """Today's group sessions at this kiosk's site; the member's own groups first."""
    start, end = local_day_bounds(local_today(now))
    with read_session(engine) as session:
        site_id = site_of_kiosk(session)
        rows = session.exec(
            select(GroupSession, Group)
            .join(Group, col(Group.id) == col(GroupSession.group_id))
            .where(GroupSession.site_id == site_id)
            .where(GroupSession.starts_at >= start, GroupSession.starts_at < end)
        ).all()
        enrolled = _enrolled_counts(session, [g.id for _, g in rows], local_today(now))
        marked = _marked_counts(session, [gs.id for gs, _ in rows])
    summaries = [
        summarise(gs, g, staff=staff, enrolled=enrolled.get(g.id, 0), marked=marked.get(gs.id, 0))
        for gs, g in rows
    ]
    return sorted(summaries, key=lambda s: (not s.own, s.starts_at, danish_sort_key(s.title)))


def summarise(
    gs: GroupSession, group: Group, *, staff: StaffMember | None, enrolled: int, marked: int
) -> SessionSummary:
    return SessionSummary(
        id=gs.id,
        group_id=group.id,
        title=group.title,
        code=group.code,
        sensitive=group.sensitive,
        starts_at=gs.starts_at,
        ends_at=gs.ends_at,
        location=gs.location,
        status=gs.status,
        status_reason=gs.status_reason,
        closed=gs.closed,
        own=staff is not None and group.leader_staff_id == staff.id,
        enrolled=enrolled,
        marked=marked,
    )


def _enrolled_counts(session: Session, group_ids: list[str], day: date) -> dict[str, int]:
    if not group_ids:
        return {}
    rows = session.exec(
        select(Enrolment.group_id, func.count())
        .where(col(Enrolment.group_id).in_(group_ids))
        .where(Enrolment.starts_on <= day)
        .where((col(Enrolment.ends_on).is_(None)) | (col(Enrolment.ends_on) >= day))
        .group_by(Enrolment.group_id)
    ).all()
    return dict(rows)


def _marked_counts(session: Session, session_ids: list[str]) -> dict[str, int]:
    if not session_ids:
        return {}
    rows = session.exec(
        select(AttendanceMark.session_id, func.count(func.distinct(AttendanceMark.citizen_id)))
        .where(col(AttendanceMark.session_id).in_(session_ids))
        .group_by(AttendanceMark.session_id)
    ).all()
    return dict(rows)


def load_marks(session: Session, session_ids: Iterable[str]) -> CurrentMarks:
    """The current marks (latest HLC) of the given sessions."""
    ids = list(session_ids)
    if not ids:
        return {}
    rows = session.exec(
        select(
            AttendanceMark.id,
            AttendanceMark.session_id,
            AttendanceMark.citizen_id,
            AttendanceMark.mark,
            AttendanceMark.hlc,
        ).where(col(AttendanceMark.session_id).in_(ids))
    ).all()
    return current_marks(MarkFact(*row) for row in rows)


def enrolled_on(enrolment: Enrolment, day: date) -> bool:
    return enrolment.starts_on <= day and (enrolment.ends_on is None or enrolment.ends_on >= day)


def checked_in_citizens(session: Session, session_id: str) -> set[str]:
    """Citizens with a check-in to ``session_id`` that has not been retracted."""
    rows = session.exec(
        select(CheckIn.id, CheckIn.action, CheckIn.citizen_id, CheckIn.ref_id).where(
            CheckIn.session_id == session_id
        )
    ).all()
    retracted = {ref for _, action, _, ref in rows if action == CheckInAction.RETRACTION}
    return {
        citizen
        for id_, action, citizen, _ in rows
        if action == CheckInAction.CHECK_IN and id_ not in retracted
    }


def open_roster(engine: Engine, *, session_id: str, staff: StaffMember, now: datetime) -> Roster:
    """The roster of a session, Danish-sorted; the read is audited per citizen shown."""
    require_role(staff, ATTENDANCE_ROLES)
    with write_session(engine) as session:
        gs = session.get(GroupSession, session_id)
        if gs is None:
            raise AttendanceRefused("session_unknown")
        group = session.get(Group, gs.group_id)
        assert group is not None  # foreign key
        roster = build_roster(session, gs, group, staff=staff, now=now)
        for entry in roster.entries:
            audit(
                session,
                action="roster_view",
                staff_id=staff.id,
                citizen_id=entry.citizen_id,
                detail=f"session={gs.id}",
                now=now,
            )
    return roster


def build_roster(
    session: Session, gs: GroupSession, group: Group, *, staff: StaffMember, now: datetime
) -> Roster:
    if not may_see_members(staff, leader_staff_id=group.leader_staff_id):
        raise AttendanceRefused("need_to_know")
    today = local_today(now)
    group_sessions = session.exec(
        select(GroupSession).where(GroupSession.group_id == group.id)
    ).all()
    counted = [
        s for s in group_sessions if s.status != SessionStatus.CANCELLED and session_day(s) <= today
    ]
    enrolments = session.exec(select(Enrolment).where(Enrolment.group_id == group.id)).all()
    marks = load_marks(session, {s.id for s in counted} | {gs.id})
    day = session_day(gs)
    enrolled_ids = {e.citizen_id for e in enrolments if enrolled_on(e, day)}
    marked_here = {citizen for (sid, citizen) in marks if sid == gs.id}
    citizens = _citizens(session, enrolled_ids | marked_here)
    checked_in = checked_in_citizens(session, gs.id)
    counts_here = gs.status != SessionStatus.CANCELLED
    others = [s for s in counted if s.id != gs.id]
    entries = []
    for citizen in citizens:
        attended, total = _so_far(citizen.id, others, enrolments, marks)
        mark = marks.get((gs.id, citizen.id))
        entries.append(
            RosterEntry(
                citizen_id=citizen.id,
                display_name=citizen.display_name,
                birth_year=citizen.birth_year,
                guest=citizen.id not in enrolled_ids,
                provisional=citizen.provisional,
                mark=mark.mark if mark else None,
                checked_in=citizen.id in checked_in,
                attended_before=attended,
                counted_before=total,
                counts_this_session=counts_here,
            )
        )
    entries.sort(key=lambda e: (danish_sort_key(e.display_name), e.birth_year or 0))
    summary = summarise(gs, group, staff=staff, enrolled=len(enrolled_ids), marked=len(marked_here))
    return Roster(session=summary, entries=tuple(entries))


def _citizens(session: Session, ids: set[str]) -> list[Citizen]:
    if not ids:
        return []
    return list(session.exec(select(Citizen).where(col(Citizen.id).in_(ids))).all())


def _so_far(
    citizen_id: str,
    sessions: list[GroupSession],
    enrolments: Iterable[Enrolment],
    marks: CurrentMarks,
) -> tuple[int, int]:
    """(attended, counted) over ``sessions`` for one citizen: a session counts while the
    citizen was enrolled on its day, or when they have a mark on it (guests)."""
    own = [e for e in enrolments if e.citizen_id == citizen_id]
    attended = total = 0
    for s in sessions:
        mark = marks.get((s.id, citizen_id))
        if mark is None and not any(enrolled_on(e, session_day(s)) for e in own):
            continue
        total += 1
        attended += int(mark is not None and mark.mark in ATTENDED_MARKS)
    return attended, total
