"""Check-ins of one visit made at several devices of the site: who else, and when.

Two desks that could not reach each other may both check a citizen in to the same thing; both
rows are kept and the visit counts once (``models.visit_duplicates``). The desk's lists show
the visit once (this device's own check-in, else the earliest) with the others beside it:
"også tjekket ind ved Skranke 2 kl. 09:32".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, col, or_, select

from models import CheckIn, SiteDevice
from models.timeutil import local_day_bounds, local_today
from models.visit_duplicates import VisitKey, visit_key, visits_here


@dataclass(frozen=True, slots=True)
class AlsoAt:
    """The same visit checked in at another device of the site (while they were apart)."""

    device_name: str  # "" when central has not told this device the other one's name
    at: datetime


#: A visit as this device shows it: the check-in shown and where else it was checked in.
Shown = tuple[CheckIn, tuple[AlsoAt, ...]]


def device_names(session: Session) -> dict[str, str]:
    """Device id → the name it was enrolled with (central publishes the site's devices)."""
    return {d.id: d.name for d in session.exec(select(SiteDevice)).all()}


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _also(rows: Iterable[CheckIn], names: dict[str, str]) -> tuple[AlsoAt, ...]:
    return tuple(AlsoAt(names.get(r.device_id, ""), _aware(r.created_at)) for r in rows)


def _shown(session: Session, rows: list[CheckIn], device_id: str) -> dict[VisitKey, Shown]:
    here = visits_here(rows, device_id=device_id)
    names = device_names(session) if any(others for _, others in here.values()) else {}
    return {key: (shown, _also(others, names)) for key, (shown, others) in here.items()}


def visits_today(
    session: Session, *, device_id: str, now: datetime, citizen_id: str | None = None
) -> dict[VisitKey, Shown]:
    """Today's standing visits (of one citizen, or all), each once as ``device_id`` shows it,
    earliest first."""
    start, end = local_day_bounds(local_today(now))
    query = select(CheckIn).where(col(CheckIn.created_at) >= start, col(CheckIn.created_at) < end)
    if citizen_id is not None:
        query = query.where(CheckIn.citizen_id == citizen_id)
    return _shown(session, list(session.exec(query)), device_id)


def _visits_for(session: Session, column: Any, ids: list[str], device_id: str) -> list[Shown]:
    """The standing visits of some sessions or appointments, as ``device_id`` shows them."""
    if not ids:
        return []
    own = select(CheckIn.id).where(column.in_(ids))
    query = select(CheckIn).where(or_(column.in_(ids), col(CheckIn.ref_id).in_(own)))
    return list(_shown(session, list(session.exec(query)), device_id).values())


def session_visits(session: Session, session_id: str, *, device_id: str) -> dict[str, Shown]:
    """Citizen id → their standing check-in for one group session, as ``device_id`` shows it
    (the roster's desk column)."""
    found = _visits_for(session, col(CheckIn.session_id), [session_id], device_id)
    return {row.citizen_id: (row, also) for row, also in found}


def appointment_visits(
    session: Session, appointment_ids: list[str], *, device_id: str
) -> dict[str, Shown]:
    """Appointment id → its standing check-in, as ``device_id`` shows it (home's list)."""
    found = _visits_for(session, col(CheckIn.appointment_id), appointment_ids, device_id)
    return {str(row.appointment_id): (row, also) for row, also in found}


def also_elsewhere(
    session: Session, event: CheckIn, *, device_id: str, now: datetime
) -> tuple[AlsoAt, ...]:
    """The other devices' standing check-ins today of the visit ``event`` belongs to."""
    visits = visits_today(session, device_id=device_id, now=now, citizen_id=event.citizen_id)
    return visits.get(visit_key(event), (event, ()))[1]


def doubled_today(
    session: Session, *, device_id: str, now: datetime
) -> dict[str, tuple[AlsoAt, ...]]:
    """Citizen id → where else they were checked in to the same thing today (the visits this
    device shows once, but other devices checked in too)."""
    found: dict[str, tuple[AlsoAt, ...]] = {}
    for (citizen_id, *_rest), (_row, also) in visits_today(
        session, device_id=device_id, now=now
    ).items():
        if also:
            found[citizen_id] = found.get(citizen_id, ()) + also
    return found
