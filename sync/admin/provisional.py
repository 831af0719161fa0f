"""Provisional citizens (guests added at kiosks): list, merge into a known citizen, confirm.

Events are insert-only facts; re-pointing a merged guest's ``citizen_id`` is the one
sanctioned correction, made on central, audited, and published so kiosks receive the
merged citizen (and the re-pointed rows), then the provisional row naming the citizen it was
merged into (kiosks re-point their own copies of its events on receiving it), then its evict.
Events a kiosk pushes for the guest after the merge are re-pointed by central on arrival
(``sync.server.merges``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models import (
    Appointment,
    AttendanceMark,
    AuditEntry,
    CheckIn,
    Citizen,
    Course,
    Enrolment,
    SiteScope,
)
from models.db import write_session
from models.text import danish_sort_key
from sync.admin.audit import central_audit
from sync.admin.csvfile import cpr_like
from sync.changes import publish, refresh_scope
from sync.server.merges import surviving_citizens

#: Events that name a citizen, re-pointed by a merge.
CITIZEN_EVENTS = (CheckIn, AttendanceMark, AuditEntry)
#: Reference rows that name a citizen, re-pointed and published by a merge.
CITIZEN_ROWS = (Enrolment, Course, Appointment)


class ProvisionalRefused(Exception):
    """The merge or confirmation cannot be done; nothing was changed."""


@dataclass(frozen=True, slots=True)
class ProvisionalCitizen:
    id: str
    display_name: str
    birth_year: int | None
    created_site_id: str | None
    events: int


@dataclass(slots=True)
class MergeResult:
    provisional_id: str
    into_id: str
    repointed: dict[str, int] = field(default_factory=dict)
    sites: list[str] = field(default_factory=list)


def find_citizen(session: Session, key: str) -> Citizen:
    """A citizen by id, or by case-system reference."""
    citizen = (
        session.get(Citizen, key)
        or session.exec(select(Citizen).where(Citizen.reference == key)).first()
    )
    if citizen is None:
        raise ProvisionalRefused(f"no citizen with id or reference '{key}'")
    return citizen


def resolve_citizen_id(session: Session, citizen_id: str) -> str:
    """The citizen an id stands for now: follows ``merged_into`` (late pushes of a guest)."""
    return surviving_citizens(session, [citizen_id]).get(citizen_id, citizen_id)


def list_provisional(engine: Engine, *, now: datetime) -> list[ProvisionalCitizen]:
    """Guests waiting for a decision, in Danish name order (the listing is audited)."""
    with write_session(engine) as session:
        guests = session.exec(
            select(Citizen).where(Citizen.provisional, col(Citizen.merged_into).is_(None))
        ).all()
        found = [
            ProvisionalCitizen(
                g.id, g.display_name, g.birth_year, g.created_site_id, _event_count(session, g.id)
            )
            for g in guests
        ]
        central_audit(session, action="provisional_list", now=now, detail=f"{len(found)} shown")
    return sorted(found, key=lambda g: danish_sort_key(g.display_name))


def _event_count(session: Session, citizen_id: str) -> int:
    return sum(
        int(session.exec(select(func.count()).where(model.citizen_id == citizen_id)).one())
        for model in (CheckIn, AttendanceMark)
    )


def _check_merge(provisional: Citizen, target: Citizen) -> None:
    if provisional.id == target.id:
        raise ProvisionalRefused("a citizen cannot be merged into themselves")
    if provisional.merged_into and provisional.merged_into != target.id:
        raise ProvisionalRefused(
            f"{provisional.id} is already merged into {provisional.merged_into}"
        )
    if not provisional.provisional and provisional.merged_into is None:
        raise ProvisionalRefused(f"{provisional.id} is not a provisional citizen")
    if target.provisional or target.merged_into:
        raise ProvisionalRefused(
            f"{target.id} is provisional or merged; merge into a known citizen"
        )


def merge_provisional(
    engine: Engine, provisional_key: str, into_key: str, *, now: datetime
) -> MergeResult:
    """Re-point every event and row of a guest to a known citizen, in one transaction.

    Running it again for the same pair re-points events pushed since (late kiosk syncs).
    """
    with write_session(engine) as session:
        guest, target = find_citizen(session, provisional_key), find_citizen(session, into_key)
        guest = _lock(session, guest.id)  # a concurrent push naming the guest waits, or we do
        _check_merge(guest, target)
        result = MergeResult(guest.id, target.id)
        for model in CITIZEN_EVENTS:
            moved = session.execute(
                update(model).where(col(model.citizen_id) == guest.id).values(citizen_id=target.id)
            )
            result.repointed[str(model.__tablename__)] = int(moved.rowcount)  # type: ignore[attr-defined]
        rows = [
            row
            for model in CITIZEN_ROWS
            for row in session.exec(select(model).where(model.citizen_id == guest.id)).all()
        ]
        for row in rows:
            row.citizen_id = target.id
        result.repointed["reference rows"] = len(rows)
        _move_card(session, guest, target)
        guest.merged_into, guest.provisional, guest.updated_at = target.id, False, now
        session.add(guest)
        session.flush()
        refresh_scope(session, target.id, now=now)  # the target reaches the guest's sites first
        # The guest row itself, now naming the target, reaches every kiosk that holds the guest
        # (they re-point their local events on receiving it), then it is evicted everywhere.
        publish(session, [target, guest, *rows], now=now)
        refresh_scope(session, guest.id, now=now)
        result.sites = sorted(
            session.exec(select(SiteScope.site_id).where(SiteScope.citizen_id == target.id))
        )
        moved_text = ", ".join(f"{k}={v}" for k, v in result.repointed.items())
        central_audit(
            session,
            action="citizen_merge",
            now=now,
            citizen_id=target.id,
            detail=f"provisional {guest.id} merged into {target.id}; {moved_text}",
        )
    return result


def _lock(session: Session, citizen_id: str) -> Citizen:
    """The citizen's row, locked until commit and re-read (PostgreSQL; SQLite writes alone)."""
    query = select(Citizen).where(Citizen.id == citizen_id).with_for_update()
    return session.exec(query.execution_options(populate_existing=True)).one()


def _move_card(session: Session, guest: Citizen, target: Citizen) -> None:
    """A card handed to the guest keeps working for the merged citizen (if they have none)."""
    token, guest.card_token = guest.card_token, None
    session.add(guest)
    session.flush()
    if token and not target.card_token:
        target.card_token = token


def confirm_provisional(
    engine: Engine, key: str, *, now: datetime, reference: str | None = None
) -> list[str]:
    """Make a guest a normal citizen; returns the sites whose scope they are in now."""
    with write_session(engine) as session:
        guest = find_citizen(session, key)
        if not guest.provisional or guest.merged_into:
            raise ProvisionalRefused(f"{guest.id} is not a provisional citizen")
        if reference is not None:
            if cpr_like(reference) or not 0 < len(reference) <= 40:
                raise ProvisionalRefused("the reference must be 1–40 characters and never a CPR")
            if session.exec(select(Citizen).where(Citizen.reference == reference)).first():
                raise ProvisionalRefused(f"reference '{reference}' belongs to another citizen")
            guest.reference = reference
        guest.provisional, guest.updated_at = False, now
        publish(session, [guest], now=now)
        refresh_scope(session, guest.id, now=now)
        central_audit(
            session,
            action="citizen_confirm",
            now=now,
            citizen_id=guest.id,
            detail="provisional citizen confirmed",
        )
        return sorted(
            session.exec(select(SiteScope.site_id).where(SiteScope.citizen_id == guest.id))
        )
