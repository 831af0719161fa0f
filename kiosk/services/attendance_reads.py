"""What marking one participant reads, as prepared Core statements (one mark, a few rows).

Marking is a durable write measured against the bare commit (bench/README.md,
attendance): each ORM query here cost more Python than the read itself, so the statements
are built once and run on the transaction's connection.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Connection
from sqlmodel import col

from kiosk.services.attendance import AttendanceRefused
from kiosk.services.mark_merge import MarkFact
from models import AttendanceMark, CheckIn, Enrolment, Group, GroupSession
from models.events import Mark
from models.figures.facts import live_check_ins
from models.schedule import SessionStatus
from models.timeutil import LOCAL_TZ

_SESSION = (
    select(
        col(GroupSession.group_id),
        col(GroupSession.starts_at),
        col(GroupSession.closed),
        col(GroupSession.status),
        col(Group.id),
        col(Group.leader_staff_id),
    )  # fmt: skip
    .outerjoin(Group, col(Group.id) == col(GroupSession.group_id))
    .where(col(GroupSession.id) == bindparam("session_id"))
)
_MARKS = select(
    col(AttendanceMark.id), col(AttendanceMark.session_id), col(AttendanceMark.citizen_id),
    col(AttendanceMark.mark), col(AttendanceMark.hlc),
).where(col(AttendanceMark.session_id) == bindparam("session_id"),
        col(AttendanceMark.citizen_id) == bindparam("citizen_id"))  # fmt: skip
_DESK = select(
    col(CheckIn.id), col(CheckIn.action), col(CheckIn.citizen_id), col(CheckIn.ref_id)
).where(col(CheckIn.session_id) == bindparam("session_id"),
        col(CheckIn.citizen_id) == bindparam("citizen_id"))  # fmt: skip
_ENROLLED = (
    select(col(Enrolment.id))
    .where(
        col(Enrolment.group_id) == bindparam("group_id"),
        col(Enrolment.citizen_id) == bindparam("citizen_id"),
        col(Enrolment.starts_on) <= bindparam("day"),
    )  # fmt: skip
    .where(col(Enrolment.ends_on).is_(None) | (col(Enrolment.ends_on) >= bindparam("day")))
    .limit(1)
)


@dataclass(frozen=True, slots=True)
class Markable:
    """A session whose marks may change, with its group's leader."""

    group_id: str
    starts_at: datetime
    group_found: bool
    leader_staff_id: str | None

    @property
    def day(self) -> date:
        return self.starts_at.astimezone(LOCAL_TZ).date()


class MarkReads:
    """The reads of one mark, on the connection of its write transaction."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def markable(self, session_id: str) -> Markable:
        """The session, if marks may be changed on it; else ``AttendanceRefused``."""
        row = self.connection.execute(_SESSION, {"session_id": session_id}).first()
        if row is None:
            raise AttendanceRefused("session_unknown")
        group_id, starts_at, closed, status, found_group, leader = row
        if closed:
            raise AttendanceRefused("session_closed")
        if status == SessionStatus.CANCELLED:
            raise AttendanceRefused("session_cancelled")
        return Markable(group_id, starts_at, found_group is not None, leader)

    def current_mark(self, session_id: str, citizen_id: str) -> MarkFact | None:
        """The participant's current mark (the latest by HLC), or None."""
        params = {"session_id": session_id, "citizen_id": citizen_id}
        facts = [
            MarkFact(key, session, citizen, Mark(mark), hlc)
            for key, session, citizen, mark, hlc in self.connection.execute(_MARKS, params)
        ]
        return max(facts, key=lambda f: f.order) if facts else None

    def desk_checked_in(self, session_id: str, citizen_id: str) -> bool:
        """Whether the desk checked ``citizen_id`` in for the session (and did not undo it)."""
        params = {"session_id": session_id, "citizen_id": citizen_id}
        rows = self.connection.execute(_DESK, params).all()
        return bool(live_check_ins((r[0], r[1], r[2], r[3]) for r in rows))

    def enrolled(self, gs: Markable, citizen_id: str) -> bool:
        """Whether ``citizen_id`` is enrolled in the session's group on its day."""
        params = {"group_id": gs.group_id, "citizen_id": citizen_id, "day": gs.day}
        return self.connection.execute(_ENROLLED, params).first() is not None
