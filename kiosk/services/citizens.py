"""The citizens this kiosk knows: the search index, today's plan per citizen, audited reads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from kiosk.services.audit import audit
from kiosk.services.plan import TodayItem, load_today
from kiosk.services.search import CitizenIndex
from kiosk.services.staff import StaffMember
from models import Citizen
from models.db import read_session, write_session
from models.timeutil import local_today
from sync.outbox import load_state


@dataclass(frozen=True, slots=True)
class CitizenView:
    """One citizen as the check-in screen shows them (never a CPR: there is none)."""

    id: str
    display_name: str
    birth_year: int | None
    today: tuple[TodayItem, ...]


def load_index(engine: Engine, *, now: datetime) -> tuple[CitizenIndex, dict[str, list[TodayItem]]]:
    """Build the search index over every citizen held here, with today's plan marked."""
    with read_session(engine) as session:
        rows = session.exec(
            select(Citizen.id, Citizen.display_name, Citizen.birth_year).where(
                col(Citizen.merged_into).is_(None)
            )
        ).yield_per(5000)  # streamed into the index, never 100,000 row objects at once
        index = CitizenIndex(rows)
        today = load_today(session, site_id=load_state(session).site_id, day=local_today(now))
    index.set_today(today)
    return index, today


def todays_plan(engine: Engine, *, now: datetime) -> dict[str, list[TodayItem]]:
    """Today's appointments and sessions here, per citizen (refresh after a sync)."""
    with read_session(engine) as session:
        return load_today(session, site_id=load_state(session).site_id, day=local_today(now))


def audit_search(
    engine: Engine, *, staff: StaffMember, citizen_ids: Sequence[str], now: datetime
) -> None:
    """Record a search (once it settles, not per keystroke): who searched, when, on which
    device (every entry carries it), and which citizens were shown, one entry each so the
    citizen's own log export finds it. The search text is never kept: it may hold anything a
    worker typed (a PIN, a CPR number)."""
    with write_session(engine) as session:
        if not citizen_ids:
            audit(session, action="search", staff_id=staff.id, detail="0 shown", now=now)
        for rank, citizen_id in enumerate(citizen_ids, start=1):
            detail = f"shown {rank} of {len(citizen_ids)}"
            audit(session, action="search", staff_id=staff.id, citizen_id=citizen_id,
                  detail=detail, now=now)  # fmt: skip


def audit_refused_search(engine: Engine, *, staff: StaffMember, now: datetime) -> None:
    """Record that a search was refused (CPR-like): not run, its text not kept."""
    with write_session(engine) as session:
        audit(session, action="search_refused", staff_id=staff.id, now=now)


def view_citizen(
    engine: Engine, *, staff: StaffMember, citizen_id: str, now: datetime
) -> CitizenView | None:
    """A citizen's details and today's plan; the read itself is audited."""
    with write_session(engine) as session:
        citizen = session.get(Citizen, citizen_id)
        if citizen is None:
            return None
        site_id = load_state(session).site_id
        items = load_today(session, site_id=site_id, day=local_today(now), citizen_id=citizen_id)
        audit(session, action="view", staff_id=staff.id, citizen_id=citizen_id, now=now)
        return CitizenView(
            citizen.id, citizen.display_name, citizen.birth_year, tuple(items.get(citizen_id, []))
        )
