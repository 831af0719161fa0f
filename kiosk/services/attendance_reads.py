"""What marking one participant reads, as prepared statements (one mark, a few rows).

Marking is a durable write measured against the bare commit (bench/README.md,
attendance): each ORM query here cost more Python than the read itself, and so did even
Core's execution of a cached statement. So each statement is compiled once per dialect
and, on SQLite, run straight on the DB-API cursor of the transaction's connection (as
``sync.outbox_sql`` writes), with the column types' own bind and result processors; other
drivers run the Core statement.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.engine import Connection, Dialect
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


Processor = Callable[[Any], Any] | None
Compiled = tuple[str, list[tuple[str, Any, Processor]], list[Processor]]


class Prepared:
    """A select compiled once per dialect; ``rows`` runs it on a connection's transaction."""

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        self._compiled: dict[str, Compiled] = {}

    def _compile(self, dialect: Dialect) -> Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            compiled = self.statement.compile(dialect=dialect)
            binds: list[tuple[str, Any, Processor]] = []
            for name in compiled.positiontup or ():
                bind = compiled.binds[name]
                process = bind.type.dialect_impl(dialect).bind_processor(dialect)
                binds.append((name, bind.effective_value, process))
            results: list[Processor] = [
                c.type.dialect_impl(dialect).result_processor(dialect, None)
                for c in self.statement.selected_columns
            ]
            found = (compiled.string, binds, results)
            self._compiled[dialect.name] = found
        return found

    def rows(self, connection: Connection, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        driver = connection.connection.driver_connection
        if driver is None or connection.dialect.paramstyle != "qmark":
            return [tuple(row) for row in connection.execute(self.statement, params)]
        sql, binds, results = self._compile(connection.dialect)
        values = []
        for name, default, process in binds:
            value = params.get(name, default)
            values.append(value if process is None or value is None else process(value))
        cursor = driver.cursor()
        try:
            found = cursor.execute(sql, values).fetchall()
        finally:
            cursor.close()
        if not any(results):
            return [tuple(row) for row in found]
        return [
            tuple(v if p is None or v is None else p(v) for v, p in zip(row, results, strict=True))
            for row in found
        ]


_SESSION_READ: Prepared = Prepared(_SESSION)  # type: ignore[arg-type]  # any row shape
_MARKS_READ: Prepared = Prepared(_MARKS)  # type: ignore[arg-type]
_DESK_READ: Prepared = Prepared(_DESK)  # type: ignore[arg-type]
_ENROLLED_READ: Prepared = Prepared(_ENROLLED)


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
        found = _SESSION_READ.rows(self.connection, {"session_id": session_id})
        if not found:
            raise AttendanceRefused("session_unknown")
        group_id, starts_at, closed, status, found_group, leader = found[0]
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
            for key, session, citizen, mark, hlc in _MARKS_READ.rows(self.connection, params)
        ]
        return max(facts, key=lambda f: f.order) if facts else None

    def desk_checked_in(self, session_id: str, citizen_id: str) -> bool:
        """Whether the desk checked ``citizen_id`` in for the session (and did not undo it)."""
        params = {"session_id": session_id, "citizen_id": citizen_id}
        rows = _DESK_READ.rows(self.connection, params)
        return bool(live_check_ins((r[0], r[1], r[2], r[3]) for r in rows))

    def enrolled(self, gs: Markable, citizen_id: str) -> bool:
        """Whether ``citizen_id`` is enrolled in the session's group on its day."""
        params = {"group_id": gs.group_id, "citizen_id": citizen_id, "day": gs.day}
        return bool(_ENROLLED_READ.rows(self.connection, params))
