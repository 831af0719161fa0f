"""Audit trail: every read, search (the citizens shown, never its text), change, export, delete."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from models import AuditEntry
from models.ids import new_id
from sync.outbox import NewEvent, record


def audit_entry(
    *,
    action: str,
    staff_id: str | None = None,
    citizen_id: str | None = None,
    detail: str = "",
) -> AuditEntry:
    """An audit entry to record together with the change it describes, in one ``record``
    call (one sequence-number read and write for both)."""
    return AuditEntry(
        id=new_id(),
        staff_id=staff_id,
        citizen_id=citizen_id,
        action=action,
        detail=detail[:400],
    )


def new_audit_entry(
    *,
    action: str,
    staff_id: str | None = None,
    citizen_id: str | None = None,
    detail: str = "",
) -> NewEvent:
    """``audit_entry`` as column values (``sync.outbox.NewEvent``), for a hot write path."""
    values = {"id": new_id(), "staff_id": staff_id, "citizen_id": citizen_id,
              "action": action, "detail": detail[:400]}  # fmt: skip
    return NewEvent(AuditEntry, values)


def audit(
    session: Session,
    *,
    action: str,
    now: datetime,
    staff_id: str | None = None,
    citizen_id: str | None = None,
    detail: str = "",
) -> AuditEntry:
    """Add an audit entry (and its outbox entry) to ``session``'s transaction.

    Call it in the same ``write_session`` as the change it describes, so the change and its
    audit entry commit together or not at all.
    """
    entry = audit_entry(action=action, staff_id=staff_id, citizen_id=citizen_id, detail=detail)
    record(session, [entry], now=now)
    return entry
