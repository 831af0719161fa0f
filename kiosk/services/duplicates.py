"""Check-ins of one visit made at several devices of the site: who else, and when."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlmodel import Session, col, select

from models import CheckIn, SiteDevice
from models.timeutil import local_day_bounds, local_today
from models.visit_duplicates import also_checked_in, duplicates, visit_key

if TYPE_CHECKING:
    from kiosk.services.checkin import AlsoAt


def device_names(session: Session) -> dict[str, str]:
    """Device id → the name it was enrolled with (central publishes the site's devices)."""
    return {d.id: d.name for d in session.exec(select(SiteDevice)).all()}


def _today(session: Session, now: datetime, citizen_id: str | None = None) -> list[CheckIn]:
    start, end = local_day_bounds(local_today(now))
    query = select(CheckIn).where(col(CheckIn.created_at) >= start, col(CheckIn.created_at) < end)
    if citizen_id is not None:
        query = query.where(CheckIn.citizen_id == citizen_id)
    return list(session.exec(query))


def _also(rows: list[CheckIn], names: dict[str, str]) -> tuple[AlsoAt, ...]:
    from kiosk.services.checkin import AlsoAt, aware

    return tuple(AlsoAt(names.get(r.device_id) or "?", aware(r.created_at)) for r in rows)


def also_elsewhere(
    session: Session, event: CheckIn, *, device_id: str, now: datetime
) -> tuple[AlsoAt, ...]:
    """The other devices' standing check-ins today of the visit ``event`` belongs to."""
    rows = _today(session, now, event.citizen_id)
    others = also_checked_in(rows, visit_key(event), device_id=device_id)
    return _also(others, device_names(session)) if others else ()


def doubled_today(
    session: Session, *, device_id: str, now: datetime
) -> dict[str, tuple[AlsoAt, ...]]:
    """Citizen id → the other devices that also checked them in to the same thing today
    (for the desk's lists: "også tjekket ind ved <device> kl. …")."""
    names = device_names(session)
    found: dict[str, tuple[AlsoAt, ...]] = {}
    for (citizen_id, *_rest), group in duplicates(_today(session, now)).items():
        others = [r for r in group if r.device_id != device_id]
        if others:
            found[citizen_id] = found.get(citizen_id, ()) + _also(others, names)
    return found
