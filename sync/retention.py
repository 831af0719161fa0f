"""Retention: purge kiosk events central has confirmed, and central data past its policy.

Kiosk: an event is deleted once it is older than its kind's window *and* acknowledged by
central (its outbox entry is gone) and not a rejected item kept for the status screen.
Nothing unsynced is ever purged. So that the kiosk's figures stay right however long a
course runs (``docs/figures.md``), the kiosk also keeps the check-ins and marks of groups and
§82b courses still running, and every event of the current Danish month (the F6 report's
longest period). Central: audit entries and rejected pushes (their stored
payloads) after ``audit_retention_days``;
other events only if the municipality sets ``central_event_retention_days``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models import (
    AnonymousContact,
    Appointment,
    AttendanceMark,
    AuditEntry,
    CheckIn,
    Course,
    FitPlanChange,
    FitRating,
    Group,
    GroupSession,
    LocalRejection,
    Outbox,
    QuestionnaireAnswer,
    QueueTicket,
    QueueTicketEvent,
    Rejection,
    SessionStateChange,
    SyncState,
)
from models.config import Settings
from models.db import write_session
from models.timeutil import local_day_bounds, local_today

#: Event kinds other than audit entries, attendance marks and FIT ratings follow
#: ``event_retention_days`` (anonymous answers as anonymous contacts).
PLAIN_EVENTS: tuple[Any, ...] = (
    CheckIn,
    AnonymousContact,
    QuestionnaireAnswer,
    QueueTicket,
    QueueTicketEvent,
    SessionStateChange,
    FitPlanChange,
)


@dataclass(slots=True)
class PurgeResult:
    """Rows deleted (or, in a dry run, that would be) per table, and the cut-offs used."""

    dry_run: bool
    deleted: dict[str, int] = field(default_factory=dict)
    cutoffs: dict[str, datetime] = field(default_factory=dict)
    skipped: str = ""  # why nothing was purged, if so

    @property
    def total(self) -> int:
        return sum(self.deleted.values())


def kiosk_windows(settings: Settings) -> list[tuple[Any, int]]:
    """(event model, days kept after creation) for a kiosk."""
    windows = [(model, settings.event_retention_days) for model in PLAIN_EVENTS]
    windows.append((AttendanceMark, settings.attendance_retention_days))
    # A course's ratings are kept as its marks are, and while it runs (``kept_for_figures``).
    windows.append((FitRating, settings.attendance_retention_days))
    windows.append((AuditEntry, settings.audit_retention_days))
    return windows


def central_windows(settings: Settings) -> list[tuple[Any, int]]:
    """(event model, days kept) on central; events only when a policy is set."""
    windows: list[tuple[Any, int]] = [(AuditEntry, settings.audit_retention_days)]
    if settings.central_event_retention_days > 0:
        days = settings.central_event_retention_days
        windows += [(model, days) for model in (*PLAIN_EVENTS, AttendanceMark, FitRating)]
    return windows


def running_sessions(today: Any) -> Any:
    """Ids of the sessions of groups still running on ``today`` (a subquery)."""
    running = col(Group.active).is_(True) & (
        col(Group.ends_on).is_(None) | (col(Group.ends_on) >= today)
    )
    return (
        select(GroupSession.id)
        .join(Group, col(Group.id) == col(GroupSession.group_id))
        .where(running)
    )


def running_appointments(today: Any) -> Any:
    """Ids of the appointments of §82b courses still running on ``today`` (a subquery)."""
    running = col(Course.ends_on).is_(None) | (col(Course.ends_on) >= today)
    return (
        select(Appointment.id)
        .join(Course, col(Course.id) == col(Appointment.course_id))
        .where(running)
    )


def running_courses(today: Any) -> Any:
    """Ids of the §82b courses still running on ``today`` (a subquery)."""
    running = col(Course.ends_on).is_(None) | (col(Course.ends_on) >= today)
    return select(Course.id).where(running)


def running_ratings(now: datetime) -> Any:
    """FIT ratings whose course or group session's group still runs."""
    today = local_today(now)
    return (
        col(FitRating.session_id).is_not(None)
        & col(FitRating.session_id).in_(running_sessions(today))
    ) | (
        col(FitRating.course_id).is_not(None) & col(FitRating.course_id).in_(running_courses(today))
    )


def kept_for_figures(model: Any, now: datetime) -> Any:
    """Events the kiosk's figures still need, whatever their age: this month's (F6 "this
    month"), and the check-ins and marks of running groups and courses (F7 "5 af 7", F8)."""
    today = local_today(now)
    month_start = local_day_bounds(today.replace(day=1))[0]
    kept = col(model.created_at) >= month_start
    # NULL references must read as "no", not as unknown: hence the IS NOT NULL guards.
    if model is CheckIn:
        kept = (
            kept
            | (col(CheckIn.session_id).is_not(None)
               & col(CheckIn.session_id).in_(running_sessions(today)))
            | (col(CheckIn.appointment_id).is_not(None)
               & col(CheckIn.appointment_id).in_(running_appointments(today)))
        )  # fmt: skip
    elif model is AttendanceMark:
        kept = kept | col(AttendanceMark.session_id).in_(running_sessions(today))
    elif model is FitRating:
        kept = kept | running_ratings(now)
    return kept


def _purge(session: Session, model: Any, condition: Any, result: PurgeResult) -> None:
    table = str(model.__tablename__)
    count = int(session.exec(select(func.count()).select_from(model).where(condition)).one())
    if count and not result.dry_run:
        session.execute(delete(model).where(condition))
    result.deleted[table] = count


def purge_kiosk(
    engine: Engine, settings: Settings, now: datetime, *, dry_run: bool = False
) -> PurgeResult:
    """Delete acknowledged kiosk events past their window; call after a successful sync."""
    result = PurgeResult(dry_run=dry_run)
    with write_session(engine) as session:
        state = session.get(SyncState, 1)
        if state is None or state.last_sync_ok_at is None:
            result.skipped = "this kiosk has never synced: nothing is confirmed yet"
            return result
        pending = select(Outbox.row_id)
        rejected = select(LocalRejection.row_id)
        for model, days in kiosk_windows(settings):
            cutoff = now - timedelta(days=days)
            result.cutoffs[str(model.__tablename__)] = cutoff
            condition = (
                (col(model.created_at) < cutoff)
                & col(model.id).not_in(pending)
                & col(model.id).not_in(rejected)
            )
            if model is not AuditEntry:
                condition = condition & ~kept_for_figures(model, now)
            _purge(session, model, condition, result)
    return result


def purge_central(
    engine: Engine, settings: Settings, now: datetime, *, dry_run: bool = False
) -> PurgeResult:
    """Apply central's retention policy; the purge itself is audited (unless a dry run)."""
    from sync.admin.audit import central_audit

    result = PurgeResult(dry_run=dry_run)
    with write_session(engine) as session:
        for model, days in central_windows(settings):
            cutoff = now - timedelta(days=days)
            result.cutoffs[str(model.__tablename__)] = cutoff
            condition = col(model.created_at) < cutoff
            if model is FitRating:
                # A rating follows its course: kept while the course or group runs (the
                # trend's first rating is central's to resend to a rebuilt kiosk).
                condition = condition & ~running_ratings(now)
            _purge(session, model, condition, result)
        # Refused pushes keep their payloads for the administrator; they age like the audit log.
        cutoff = now - timedelta(days=settings.audit_retention_days)
        result.cutoffs[str(Rejection.__tablename__)] = cutoff
        _purge(session, Rejection, col(Rejection.rejected_at) < cutoff, result)
        if not dry_run:
            counts = ", ".join(f"{t}={n}" for t, n in result.deleted.items())
            central_audit(session, action="purge", now=now, detail=f"retention purge: {counts}")
    return result
