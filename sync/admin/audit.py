"""Audit entries written on central for administrative actions (imports, exports, merges)."""

from __future__ import annotations

import getpass
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from sqlmodel import Session

from models import AuditEntry
from models.ids import new_id
from sync.hlc import HybridClock

#: Central's own actions are recorded as made at the base in Rønde by the "central" device.
CENTRAL_SITE = "ronde"
CENTRAL_DEVICE = "central"

#: The signed-in console user an action is made by (unset for command-line use).
_acting_person: ContextVar[str | None] = ContextVar("acting_person", default=None)


@contextmanager
def acting_as(person: str) -> Iterator[None]:
    """Record the audit entries made inside as made by ``person`` (the web console)."""
    token = _acting_person.set(person)
    try:
        yield
    finally:
        _acting_person.reset(token)


def operator() -> str:
    """The console user acting, else the operating-system user running the command."""
    person = _acting_person.get()
    if person is not None:
        return person
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def central_audit(
    session: Session,
    *,
    action: str,
    now: datetime,
    citizen_id: str | None = None,
    detail: str = "",
) -> AuditEntry:
    """Add an audit entry for an administrative action to ``session``'s transaction."""
    stamp = HybridClock(CENTRAL_DEVICE, wall=lambda: int(now.timestamp() * 1000)).now()
    entry = AuditEntry(
        id=new_id(),
        site_id=CENTRAL_SITE,
        device_id=CENTRAL_DEVICE,
        hlc=stamp.pack(),
        created_at=now,
        received_at=now,
        citizen_id=citizen_id,
        action=action,
        detail=f"{detail} (by {operator()})"[:400],
    )
    session.add(entry)
    return entry
