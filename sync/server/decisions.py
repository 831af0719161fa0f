"""Server-decided requests: group session state (last writer wins on HLC) and provisional
citizens added at a kiosk. Central's answer reaches the kiosks through the change feed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from models import Citizen, GroupSession
from models.db import write_session
from models.events import SessionRequest
from sync.changes import hold_feed_lock, publish, refresh_scope
from sync.hlc import HybridClock, Stamp

#: One answer for every refused guest row, whether or not the id exists elsewhere.
GUEST_REFUSED = "the guest could not be added at this site"


class RequestRefused(Exception):
    """A kiosk request central will never accept (recorded as a rejection)."""


def decide_session_state(
    session: Session, session_id: str, state: str, *, hlc: str, reason: str, now: datetime
) -> bool:
    """Apply a state request if its stamp is newer than the session's; publish the result.

    Returns False when a newer decision already stands (the request is kept as an event).
    The feed lock first, then the row read afresh under its lock: two processes deciding
    the same session at once compare with each other's committed stamp, in one lock order.
    """
    hold_feed_lock(session)
    group_session = session.get(
        GroupSession, session_id, with_for_update=True, populate_existing=True
    )
    if group_session is None:
        raise RequestRefused("unknown group session")
    if hlc <= group_session.state_hlc:
        return False
    if state in (SessionRequest.HELD, SessionRequest.CANCELLED):
        group_session.status = state
        group_session.status_reason = reason
    elif state == SessionRequest.CLOSED:
        group_session.closed = True
    elif state == SessionRequest.REOPENED:
        group_session.closed = False
    else:
        raise RequestRefused("unknown session state")
    group_session.state_hlc = hlc
    publish(session, [group_session], now=now)
    return True


def set_session_state_centrally(
    engine: Engine,
    session_id: str,
    state: str,
    *,
    clock: HybridClock,
    now: datetime,
    reason: str = "",
) -> bool:
    """Central's own decision (e.g. the administrator cancels a session)."""
    with write_session(engine) as session:
        hold_feed_lock(session)  # the lock order of ``decide_session_state``
        current = session.get(GroupSession, session_id, with_for_update=True)
        if current is None:
            raise RequestRefused("unknown group session")
        if current.state_hlc:
            clock.observe(Stamp.parse(current.state_hlc))
        return decide_session_state(
            session, session_id, state, hlc=clock.now().pack(), reason=reason, now=now
        )


def accept_provisional_citizen(
    session: Session, proposed: Citizen, *, site_id: str, now: datetime
) -> None:
    """Insert or update a kiosk-created provisional citizen and scope them to their site."""
    if not proposed.provisional:
        raise RequestRefused("a kiosk may only add provisional citizens")
    if proposed.created_site_id != site_id:
        raise RequestRefused(GUEST_REFUSED)
    existing = session.get(Citizen, proposed.id)
    if existing is not None and existing.merged_into is not None:
        # A late or replayed push of a guest central has merged since: the merge stands
        # (the kiosk learns it from the feed), nothing to refuse or to change.
        return
    if existing is None:
        # Stored exactly as the kiosk wrote it, so both copies agree (integrity check).
        session.add(proposed)
    elif existing.provisional and existing.merged_into is None:
        if existing.created_site_id != site_id:
            raise RequestRefused(GUEST_REFUSED)
        existing.display_name = proposed.display_name
        existing.birth_year = proposed.birth_year
        existing.updated_at = proposed.updated_at
        session.add(existing)
    else:
        raise RequestRefused(GUEST_REFUSED)
    session.flush()
    entered, _left = refresh_scope(session, proposed.id, now=now)
    if site_id not in entered:
        publish(session, [existing or proposed], now=now)
