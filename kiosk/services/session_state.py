"""Session state requests: held, cancelled (with reason), closed, reopened (leader + reason).

Each request is a ``SessionStateChange`` event for central to decide. The kiosk applies it
to its own ``GroupSession`` row at once, in the same transaction as the event, its outbox
entry and its audit entry, so the screen shows the new state while offline.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from kiosk.services.attendance import (
    ATTENDANCE_ROLES,
    AttendanceRefused,
    load_marks,
    require_role,
)
from kiosk.services.audit import audit
from kiosk.services.input_guard import ATTENDANCE_REASONS, text_refusal
from kiosk.services.mark_merge import ATTENDED_MARKS
from kiosk.services.staff import StaffMember
from models import GroupSession, SessionStateChange
from models.db import write_session
from models.events import SessionRequest
from models.ids import new_id
from models.people import Role
from models.schedule import SessionStatus
from sync.outbox import record

MAX_REASON = 200


@dataclass(frozen=True, slots=True)
class SessionState:
    """A session's state after a request was applied locally."""

    session_id: str
    status: str
    status_reason: str
    closed: bool


def _state(gs: GroupSession) -> SessionState:
    return SessionState(gs.id, gs.status, gs.status_reason, gs.closed)


def clean_reason(reason: str) -> str:
    """The reason with whitespace tidied; ``AttendanceRefused`` if empty or too long."""
    text = " ".join(reason.split())
    if not text:
        raise AttendanceRefused("reason_required")
    if len(text) > MAX_REASON:
        raise AttendanceRefused("reason_too_long")
    refusal = text_refusal(text)
    if refusal is not None:
        raise AttendanceRefused(ATTENDANCE_REASONS[refusal])
    return text


def _load(session: Session, session_id: str) -> GroupSession:
    gs = session.get(GroupSession, session_id)
    if gs is None:
        raise AttendanceRefused("session_unknown")
    return gs


def _request(
    session: Session,
    gs: GroupSession,
    state: SessionRequest,
    *,
    reason: str,
    staff: StaffMember,
    now: datetime,
) -> None:
    event = SessionStateChange(
        id=new_id(), session_id=gs.id, state=state.value, reason=reason, staff_id=staff.id
    )
    record(session, [event], now=now)
    # Last writer wins on the HLC: a later state already applied (from central) stays.
    if event.hlc > gs.state_hlc:
        if state is SessionRequest.HELD:
            gs.status, gs.status_reason = SessionStatus.HELD.value, ""
        elif state is SessionRequest.CANCELLED:
            gs.status, gs.status_reason = SessionStatus.CANCELLED.value, reason
        else:
            gs.closed = state is SessionRequest.CLOSED
        gs.state_hlc = event.hlc
        session.add(gs)
    detail = f"session={gs.id}" + (f" reason={reason}" if reason else "")
    audit(session, action=f"session_{state.value}", staff_id=staff.id, detail=detail, now=now)


def mark_held(
    engine: Engine, *, session_id: str, staff: StaffMember, now: datetime
) -> SessionState:
    """Record that the session took place (also undoes a cancellation)."""
    require_role(staff, ATTENDANCE_ROLES)
    with write_session(engine) as session:
        gs = _load(session, session_id)
        if gs.closed:
            raise AttendanceRefused("session_closed")
        if gs.status != SessionStatus.HELD:
            _request(session, gs, SessionRequest.HELD, reason="", staff=staff, now=now)
        return _state(gs)


def cancel_session(
    engine: Engine, *, session_id: str, reason: str, staff: StaffMember, now: datetime
) -> SessionState:
    """Cancel the session with a reason; refused once anyone is marked as attending."""
    require_role(staff, ATTENDANCE_ROLES)
    text = clean_reason(reason)
    with write_session(engine) as session:
        gs = _load(session, session_id)
        if gs.closed:
            raise AttendanceRefused("session_closed")
        marks = load_marks(session, [gs.id])
        if any(fact.mark in ATTENDED_MARKS for fact in marks.values()):
            raise AttendanceRefused("attended_marks_exist")
        _request(session, gs, SessionRequest.CANCELLED, reason=text, staff=staff, now=now)
        return _state(gs)


def close_session(
    engine: Engine, *, session_id: str, staff: StaffMember, now: datetime
) -> SessionState:
    """Close the session, locking its marks; a planned session is recorded as held first."""
    require_role(staff, ATTENDANCE_ROLES)
    with write_session(engine) as session:
        gs = _load(session, session_id)
        if gs.closed:
            raise AttendanceRefused("already_closed")
        if gs.status == SessionStatus.PLANNED:
            _request(session, gs, SessionRequest.HELD, reason="", staff=staff, now=now)
        _request(session, gs, SessionRequest.CLOSED, reason="", staff=staff, now=now)
        return _state(gs)


def reopen_session(
    engine: Engine, *, session_id: str, reason: str, staff: StaffMember, now: datetime
) -> SessionState:
    """Reopen a closed session: needs the group-leader role and a reason; audited."""
    require_role(staff, [Role.GROUP_LEADER])
    text = clean_reason(reason)
    with write_session(engine) as session:
        gs = _load(session, session_id)
        if not gs.closed:
            raise AttendanceRefused("not_closed")
        _request(session, gs, SessionRequest.REOPENED, reason=text, staff=staff, now=now)
        return _state(gs)
