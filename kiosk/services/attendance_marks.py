"""Group attendance, write side: marks, "mark all unmarked absent" and guests.

Every change is one transaction holding the event, its outbox entry and its audit entry.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from kiosk.services.attendance import (
    ATTENDANCE_ROLES,
    AttendanceRefused,
    build_roster,
    checked_in_citizens,
    require_role,
    session_day,
)
from kiosk.services.audit import audit
from kiosk.services.input_guard import ATTENDANCE_REASONS, text_refusal
from kiosk.services.mark_merge import MarkFact
from kiosk.services.privacy import may_see_members
from kiosk.services.staff import StaffMember
from models import AttendanceMark, CheckIn, Citizen, Enrolment, Group, GroupSession
from models.db import write_session
from models.events import Mark
from models.figures.facts import live_check_ins
from models.ids import new_id
from models.schedule import SessionStatus
from models.timeutil import local_today
from sync.outbox import load_state, record

MAX_NAME = 120


@dataclass(frozen=True, slots=True)
class RestMarked:
    """What "mark the rest absent" did: the marks it wrote, and the participants it left
    alone because the desk had checked them in for the session."""

    marked: tuple[MarkFact, ...]
    skipped_arrived: tuple[str, ...]  # citizen ids

    def __len__(self) -> int:
        return len(self.marked)

    def __iter__(self) -> Iterator[MarkFact]:
        return iter(self.marked)


@dataclass(frozen=True, slots=True)
class GuestAdded:
    citizen_id: str
    display_name: str
    birth_year: int | None
    mark: MarkFact


def markable_session(session: Session, session_id: str) -> GroupSession:
    """The session, if marks may be changed on it; else ``AttendanceRefused``."""
    gs = session.get(GroupSession, session_id)
    if gs is None:
        raise AttendanceRefused("session_unknown")
    if gs.closed:
        raise AttendanceRefused("session_closed")
    if gs.status == SessionStatus.CANCELLED:
        raise AttendanceRefused("session_cancelled")
    return gs


def _on_roster(session: Session, gs: GroupSession, citizen_id: str) -> bool:
    day = session_day(gs)
    enrolled = session.exec(
        select(Enrolment.id)
        .where(Enrolment.group_id == gs.group_id, Enrolment.citizen_id == citizen_id)
        .where(Enrolment.starts_on <= day)
        .where((col(Enrolment.ends_on).is_(None)) | (col(Enrolment.ends_on) >= day))
    ).first()
    if enrolled is not None:
        return True
    marked = session.exec(
        select(AttendanceMark.id).where(
            AttendanceMark.session_id == gs.id, AttendanceMark.citizen_id == citizen_id
        )
    ).first()
    return marked is not None or citizen_id in checked_in_citizens(session, gs.id)


def _write_mark(
    session: Session,
    gs: GroupSession,
    citizen_id: str,
    mark: Mark,
    staff: StaffMember,
    now: datetime,
    over_desk: bool = False,
) -> MarkFact:
    event = AttendanceMark(
        id=new_id(), session_id=gs.id, citizen_id=citizen_id, mark=mark.value, staff_id=staff.id
    )
    record(session, [event], now=now)
    audit(
        session,
        action="attendance_mark",
        staff_id=staff.id,
        citizen_id=citizen_id,
        # The leader's mark wins over the desk's check-in; the log says when it did.
        detail=f"session={gs.id} mark={mark.value}" + (" over=desk_check_in" if over_desk else ""),
        now=now,
    )
    return MarkFact(event.id, gs.id, citizen_id, mark, event.hlc)


def mark_attendance(
    engine: Engine,
    *,
    session_id: str,
    citizen_id: str,
    mark: Mark | str,
    staff: StaffMember,
    now: datetime,
) -> MarkFact:
    """Mark one participant; returns the current mark. The same mark again writes nothing."""
    require_role(staff, ATTENDANCE_ROLES)
    try:
        wanted = Mark(mark)
    except ValueError:
        raise AttendanceRefused("mark_unknown") from None
    with write_session(engine) as session:
        gs = markable_session(session, session_id)
        group = session.get(Group, gs.group_id)
        if group is None or not may_see_members(staff, leader_staff_id=group.leader_staff_id):
            raise AttendanceRefused("need_to_know")  # a mark would tell who is a member
        current = _current_mark(session, session_id, citizen_id)
        if current is not None and current.mark == wanted:
            return current
        if current is None and not _on_roster(session, gs, citizen_id):
            raise AttendanceRefused("not_on_roster")
        if current is not None:
            observe_stamp(session, current.hlc)
        over_desk = current is None and desk_checked_in(session, gs.id, citizen_id)
        return _write_mark(session, gs, citizen_id, wanted, staff, now, over_desk=over_desk)


def desk_checked_in(session: Session, session_id: str, citizen_id: str) -> bool:
    """Whether the desk checked ``citizen_id`` in for the session (and did not undo it)."""
    rows = session.exec(
        select(CheckIn.id, CheckIn.action, CheckIn.citizen_id, CheckIn.ref_id).where(
            CheckIn.session_id == session_id, CheckIn.citizen_id == citizen_id
        )
    ).all()
    return bool(live_check_ins(rows))


def observe_stamp(session: Session, packed: str) -> None:
    """Move the device clock past ``packed`` so the next local mark is later than it, even when
    the mark came from a device whose clock runs ahead of ours."""
    state = load_state(session)
    if packed > state.hlc:
        state.hlc = packed
        session.add(state)


def _current_mark(session: Session, session_id: str, citizen_id: str) -> MarkFact | None:
    rows = session.exec(
        select(AttendanceMark.id, AttendanceMark.mark, AttendanceMark.hlc).where(
            AttendanceMark.session_id == session_id, AttendanceMark.citizen_id == citizen_id
        )
    ).all()
    facts = [MarkFact(key, session_id, citizen_id, Mark(mark), hlc) for key, mark, hlc in rows]
    return max(facts, key=lambda f: f.order) if facts else None


def mark_unmarked_absent(
    engine: Engine, *, session_id: str, staff: StaffMember, now: datetime
) -> RestMarked:
    """Mark every participant without a mark absent, all in one transaction. A participant
    the desk checked in for the session has arrived: they are skipped, never marked absent."""
    require_role(staff, ATTENDANCE_ROLES)
    with write_session(engine) as session:
        gs = markable_session(session, session_id)
        group = session.get(Group, gs.group_id)
        assert group is not None  # foreign key
        roster = build_roster(session, gs, group, staff=staff, now=now)
        marked = tuple(
            _write_mark(session, gs, entry.citizen_id, Mark.ABSENT, staff, now)
            for entry in roster.entries
            if entry.mark is None
        )
        skipped = tuple(e.citizen_id for e in roster.entries if e.arrived_at_desk)
    return RestMarked(marked, skipped)


def validate_guest(display_name: str, birth_year: int | None, *, now: datetime) -> str:
    """The cleaned guest name; ``AttendanceRefused`` on a bad name or birth year."""
    name = " ".join(display_name.split())
    if not name:
        raise AttendanceRefused("name_required")
    if len(name) > MAX_NAME:
        raise AttendanceRefused("name_too_long")
    refusal = text_refusal(name, name=True)
    if refusal is not None:
        raise AttendanceRefused(ATTENDANCE_REASONS[refusal])
    if birth_year is not None and not 1900 <= birth_year <= local_today(now).year:
        raise AttendanceRefused("birth_year_invalid")
    return name


def add_guest(
    engine: Engine,
    *,
    session_id: str,
    display_name: str,
    birth_year: int | None,
    staff: StaffMember,
    now: datetime,
    mark: Mark = Mark.PRESENT,
) -> GuestAdded:
    """Add a guest: a provisional citizen (for central to merge or confirm) marked present."""
    require_role(staff, ATTENDANCE_ROLES)
    name = validate_guest(display_name, birth_year, now=now)
    with write_session(engine) as session:
        gs = markable_session(session, session_id)
        citizen = Citizen(
            id=new_id(),
            display_name=name,
            birth_year=birth_year,
            provisional=True,
            created_site_id=gs.site_id,
            updated_at=now,
        )
        record(session, [citizen], now=now, kind="citizen")
        audit(
            session,
            action="guest_add",
            staff_id=staff.id,
            citizen_id=citizen.id,
            detail=f"session={gs.id}",
            now=now,
        )
        fact = _write_mark(session, gs, citizen.id, mark, staff, now)
    return GuestAdded(citizen.id, name, birth_year, fact)
