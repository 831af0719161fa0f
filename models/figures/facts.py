"""Reading the facts the counting rules work on; the kiosk and central share these tables."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from models import Appointment, AttendanceMark, CheckIn, Citizen, Enrolment, GroupSession
from models.events import CheckInAction, Mark
from models.figures.marks import MarkFact
from models.figures.rules import SessionFacts
from models.schedule import SessionStatus
from models.timeutil import LOCAL_TZ, local_day_bounds

CHUNK = 900  # ids per IN (...) list: well inside every database's parameter limit


class Period(Protocol):
    """A site (``None`` = all sites) and Danish days ``start``..``end``, inclusive
    (a ``ReportQuery`` is one)."""

    @property
    def site(self) -> str | None: ...
    @property
    def start(self) -> date: ...
    @property
    def end(self) -> date: ...


def utc_bounds(period: Period) -> tuple[datetime, datetime]:
    """The period's first and last Danish day as a half-open UTC interval."""
    return local_day_bounds(period.start)[0], local_day_bounds(period.end)[1]


def site_filter(stmt: Any, column: Any, site: str | None) -> Any:
    return stmt if site is None else stmt.where(column == site)


def chunks(ids: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def merged_citizens(session: Session) -> dict[str, str]:
    """Merged (provisional) citizen ids → the citizen that survives their merge chain."""
    stmt = select(Citizen.id, Citizen.merged_into).where(col(Citizen.merged_into).is_not(None))
    step = {cid: str(target) for cid, target in session.exec(stmt).all()}
    return {cid: survivor(step, cid) for cid in step}


def survivors_of(session: Session, citizen_ids: Iterable[str]) -> dict[str, str]:
    """Like ``merged_citizens``, for the named citizens only (a roster names a few dozen, and a
    kiosk may hold 100,000 citizens): merged ones → the citizen that survives their chain."""
    step: dict[str, str] = {}
    frontier = set(citizen_ids)
    seen: set[str] = set()
    while frontier:
        seen |= frontier
        found: dict[str, str] = {}
        for part in chunks(sorted(frontier)):
            stmt = sa_select(col(Citizen.id), col(Citizen.merged_into)).where(
                col(Citizen.id).in_(part), col(Citizen.merged_into).is_not(None)
            )
            found.update({cid: str(target) for cid, target in plain_rows(session, stmt)})
        step.update(found)
        frontier = set(found.values()) - seen
    return {cid: survivor(step, cid) for cid in step}


def plain_rows(session: Session, stmt: Any) -> list[tuple[Any, ...]]:
    """The rows of a statement whose columns need no conversion, as the driver's tuples (no
    SQLAlchemy row objects: the report reads six-figure row counts)."""
    result = session.connection().execute(stmt)
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def survivor(step: dict[str, str], citizen_id: str) -> str:
    """The end of a merge chain (A→B, B→C: C); a cycle stops instead of looping."""
    seen = {citizen_id}
    while citizen_id in step and step[citizen_id] not in seen:
        citizen_id = step[citizen_id]
        seen.add(citizen_id)
    return citizen_id


def live_check_ins(rows: Iterable[tuple[str, str, str, str | None]]) -> dict[str, str]:
    """Check-in id → citizen for rows ``(id, action, citizen, ref_id)``: check-ins that were not
    retracted (check-outs and retractions are not visits)."""
    rows = list(rows)
    retracted = {ref for _, action, _, ref in rows if action == CheckInAction.RETRACTION}
    return {
        id_: citizen
        for id_, action, citizen, _ in rows
        if action == CheckInAction.CHECK_IN and id_ not in retracted
    }


def _check_ins_for(session: Session, column: Any, ids: Sequence[str]) -> dict[str, set[str]]:
    """Per session/appointment id: citizens with a live check-in for it."""
    found: dict[str, set[str]] = defaultdict(set)
    for part in chunks(list(ids)):
        own = select(CheckIn.id).where(column.in_(part))
        rows = session.execute(
            sa_select(col(CheckIn.id), col(CheckIn.action), col(CheckIn.citizen_id),
                      col(CheckIn.ref_id), column)
            .where(column.in_(part) | col(CheckIn.ref_id).in_(own))
        ).all()  # fmt: skip
        target = {row[0]: row[4] for row in rows if row[4] is not None}
        for id_, citizen in live_check_ins((r[0], r[1], r[2], r[3]) for r in rows).items():
            if id_ in target:
                found[target[id_]].add(citizen)
    return found


def session_check_ins(session: Session, session_ids: Sequence[str]) -> dict[str, set[str]]:
    """Per group session: citizens checked in for it at the desk (not retracted)."""
    return _check_ins_for(session, col(CheckIn.session_id), session_ids)


def appointment_arrivals(session: Session, appointment_ids: Sequence[str]) -> set[str]:
    """Appointments with a check-in that was not retracted."""
    return set(_check_ins_for(session, col(CheckIn.appointment_id), appointment_ids))


def mark_facts(session: Session, session_ids: Sequence[str]) -> list[MarkFact]:
    facts = []
    for part in chunks(list(session_ids)):
        rows = session.execute(
            sa_select(col(AttendanceMark.id), col(AttendanceMark.session_id),
                      col(AttendanceMark.citizen_id), col(AttendanceMark.mark),
                      col(AttendanceMark.hlc))
            .where(col(AttendanceMark.session_id).in_(part))
        ).all()  # fmt: skip
        facts += [MarkFact(*row) for row in rows]
    return facts


MarkRow = tuple[str, str, str, str, str]  # (session, citizen, mark, hlc, event id)


def mark_rows(session: Session, session_ids: Sequence[str]) -> list[MarkRow]:
    """The mark events of ``session_ids`` as plain rows (a report reads many thousands)."""
    rows: list[MarkRow] = []
    connection = session.connection()
    for part in chunks(list(session_ids)):
        stmt = sa_select(
            col(AttendanceMark.session_id),
            col(AttendanceMark.citizen_id),
            col(AttendanceMark.mark),
            col(AttendanceMark.hlc),
            col(AttendanceMark.id),
        ).where(col(AttendanceMark.session_id).in_(part))
        rows += [tuple(row) for row in connection.execute(stmt).all()]  # type: ignore[misc]
    return rows


def current_explicit_marks(
    facts: Iterable[MarkFact | MarkRow], merged: dict[str, str]
) -> dict[str, dict[str, Mark]]:
    """Per session: the latest mark per citizen, a merged guest's marks under the survivor
    (the guest's and the citizen's marks of one session compete by HLC, then event id)."""
    latest: dict[tuple[str, str], tuple[str, str, str]] = {}
    for fact in facts:
        if isinstance(fact, MarkFact):
            row: MarkRow = (fact.session_id, fact.citizen_id, fact.mark.value, fact.hlc, fact.id)
        else:
            row = fact
        sid, citizen, mark, hlc, id_ = row
        key = (sid, merged.get(citizen, citizen))
        held = latest.get(key)
        if held is None or (hlc, id_) > (held[1], held[2]):
            latest[key] = (mark, hlc, id_)
    marks: dict[str, dict[str, Mark]] = defaultdict(dict)
    for (sid, citizen), (mark, _, _) in latest.items():
        marks[sid][citizen] = Mark(mark)
    return marks


def enrolments_of(session: Session, group_ids: Iterable[str]) -> dict[str, list[Enrolment]]:
    found: dict[str, list[Enrolment]] = defaultdict(list)
    for part in chunks(sorted(set(group_ids))):
        for row in session.exec(select(Enrolment).where(col(Enrolment.group_id).in_(part))):
            found[row.group_id].append(row)
    return found


def enrolled_on(enrolment: Enrolment, day: date) -> bool:
    return enrolment.starts_on <= day and (enrolment.ends_on is None or enrolment.ends_on >= day)


def load_session_facts(session: Session, sessions: Sequence[GroupSession]) -> list[SessionFacts]:
    """The facts of ``sessions``, in their order: enrolments on each day, current marks, desk
    check-ins, with merged citizens counted under the citizen they were merged into."""
    ids = [s.id for s in sessions]
    enrolments = enrolments_of(session, {s.group_id for s in sessions})
    rows = mark_rows(session, ids)
    desk = session_check_ins(session, ids)
    named = {r[1] for r in rows} | {c for cs in desk.values() for c in cs}
    named |= {e.citizen_id for es in enrolments.values() for e in es}
    merged = survivors_of(session, named)
    marks = current_explicit_marks(rows, merged)
    found = []
    for gs in sessions:
        day = gs.starts_at.astimezone(LOCAL_TZ).date()
        enrolled = frozenset(
            merged.get(e.citizen_id, e.citizen_id)
            for e in enrolments.get(gs.group_id, ())
            if enrolled_on(e, day)
        )
        arrived = frozenset(merged.get(c, c) for c in desk.get(gs.id, ()))
        found.append(
            SessionFacts(
                id=gs.id,
                group_id=gs.group_id,
                starts_at=gs.starts_at,
                status=SessionStatus(gs.status),
                closed=gs.closed,
                enrolled=enrolled,
                marks=marks.get(gs.id, {}),
                checked_in=arrived,
            )
        )
    return found


def appointments_in(session: Session, period: Period) -> list[tuple[Appointment, bool]]:
    """Booked (not cancelled) appointments starting in the period, and whether each arrived."""
    lo, hi = utc_bounds(period)
    stmt = select(Appointment).where(
        col(Appointment.cancelled).is_(False),
        col(Appointment.starts_at) >= lo,
        col(Appointment.starts_at) < hi,
    )
    rows = list(session.exec(site_filter(stmt, Appointment.site_id, period.site)).all())
    arrived = appointment_arrivals(session, [a.id for a in rows])
    return [(a, a.id in arrived) for a in rows]
