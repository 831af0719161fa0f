"""Group attendance, write side: marks, "mark all unmarked absent" and guests.

Every change is one transaction holding the event, its outbox entry and its audit entry.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from kiosk.services.attendance import (
    ATTENDANCE_ROLES,
    AttendanceRefused,
    build_roster,
    require_role,
)
from kiosk.services.attendance_reads import MarkReads
from kiosk.services.audit import audit, new_audit_entry
from kiosk.services.input_guard import ATTENDANCE_REASONS, text_refusal
from kiosk.services.mark_merge import MarkFact
from kiosk.services.privacy import may_see_members
from kiosk.services.staff import StaffMember
from models import AttendanceMark, Citizen, Group, GroupSession
from models.db import write_session
from models.events import Mark
from models.ids import new_id
from models.schedule import SessionStatus
from models.timeutil import local_today
from sync.outbox import NewEvent, load_state, record

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


def _write_mark(
    session: Session,
    session_id: str,
    citizen_id: str,
    mark: Mark,
    staff: StaffMember,
    now: datetime,
    over_desk: bool = False,
) -> MarkFact:
    # Column values, not ORM objects: building the two models cost more than their inserts.
    event = NewEvent(AttendanceMark, {
        "id": new_id(), "session_id": session_id, "citizen_id": citizen_id,
        "mark": mark.value, "staff_id": staff.id,
    })  # fmt: skip
    entry = new_audit_entry(
        action="attendance_mark",
        staff_id=staff.id,
        citizen_id=citizen_id,
        # The leader's mark wins over the desk's check-in; the log says when it did.
        detail=f"session={session_id} mark={mark.value}"
        + (" over=desk_check_in" if over_desk else ""),
    )
    record(session, [event, entry], now=now)  # the mark and its audit entry: one write
    values = event.values
    return MarkFact(values["id"], session_id, citizen_id, mark, values["hlc"])


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
        reads = MarkReads(session.connection())
        gs = reads.markable(session_id)
        if not gs.group_found or not may_see_members(staff, leader_staff_id=gs.leader_staff_id):
            raise AttendanceRefused("need_to_know")  # a mark would tell who is a member
        current = reads.current_mark(session_id, citizen_id)
        if current is not None and current.mark == wanted:
            return current
        over_desk = False
        if current is None:
            # On the roster: enrolled on the day, or checked in for the session at the desk
            # (a mark of theirs would have made ``current``).
            over_desk = reads.desk_checked_in(session_id, citizen_id)
            if not over_desk and not reads.enrolled(gs, citizen_id):
                raise AttendanceRefused("not_on_roster")
        else:
            observe_stamp(session, current.hlc)
        return _write_mark(session, session_id, citizen_id, wanted, staff, now, over_desk)


def observe_stamp(session: Session, packed: str) -> None:
    """Move the device clock past ``packed`` so the next local mark is later than it, even when
    the mark came from a device whose clock runs ahead of ours."""
    state = load_state(session)
    if packed > state.hlc:
        state.hlc = packed
        session.add(state)


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
            _write_mark(session, gs.id, entry.citizen_id, Mark.ABSENT, staff, now)
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
        fact = _write_mark(session, gs.id, citizen.id, mark, staff, now)
    return GuestAdded(citizen.id, name, birth_year, fact)
