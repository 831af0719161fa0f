"""Quiescence checks for several devices per site: every device of a site holds the same
check-ins, marks and queue rows as central holds for the site, the same current marks and
the same visit count; no device holds another site's rows; ticket labels are unique."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from models import CheckIn, LocalRejection, QueueTicket, SiteDevice
from models.db import read_session
from models.visit_duplicates import count_once
from sync.protocol import SITE_EVENT_TABLES
from sync.rows import EVENTS

if TYPE_CHECKING:
    from sync.testing.chaos import ChaosKiosk

Rows = dict[tuple[str, str], dict[str, Any]]


def fed_rows(engine: Engine, site_id: str | None = None) -> Rows:
    """Fed event rows (table, id) → row; on central only the site's."""
    found: Rows = {}
    with read_session(engine) as session:
        for name in SITE_EVENT_TABLES:
            table = EVENTS[name]
            query = select(table)
            if site_id is not None:
                query = query.where(table.c.site_id == site_id)
            for row in session.execute(query).mappings():
                found[(name, str(row["id"]))] = dict(row)
    return found


def _rejected(engine: Engine) -> set[str]:
    with read_session(engine) as session:
        return set(session.execute(select(LocalRejection.__table__.c.row_id)).scalars())  # type: ignore[attr-defined]


def current_marks(rows: Rows, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """(session, citizen) → the mark with the greatest (hlc, id) among ``keys``."""
    best: dict[tuple[str, str], tuple[str, str, str]] = {}
    for key in keys:
        if key[0] != "attendance_mark":
            continue
        row = rows[key]
        pair = (str(row["session_id"]), str(row["citizen_id"]))
        candidate = (str(row["hlc"]), str(row["id"]), str(row["mark"]))
        best[pair] = max(best.get(pair, candidate), candidate)
    return {pair: value[2] for pair, value in best.items()}


def visits(rows: Rows, keys: Iterable[tuple[str, str]]) -> int:
    """Visits counted once (``models.visit_duplicates``) among the check-ins in ``keys``."""
    return len(count_once(CheckIn(**rows[k]) for k in keys if k[0] == str(CheckIn.__tablename__)))


def site_problems(central: Engine, kiosks: list[ChaosKiosk]) -> list[str]:
    """Why the devices of each site have not converged ([] when they have)."""
    problems: list[str] = []
    for site_id in sorted({k.site_id for k in kiosks}):
        held = fed_rows(central, site_id)
        marks, counted = current_marks(held, held), visits(held, held)
        for kiosk in (k for k in kiosks if k.site_id == site_id):
            local = fed_rows(kiosk.engine)
            foreign = [k for k, r in local.items() if r["site_id"] != site_id]
            missing = held.keys() - local.keys()
            own = {k for k, r in local.items() if r["device_id"] == kiosk.device_id}
            extra = local.keys() - held.keys() - own - kiosk.confirmed
            if foreign or missing or extra:
                problems.append(
                    f"{kiosk.name}@{site_id}: {len(foreign)} foreign, "
                    f"{len(missing)} missing, {len(extra)} unknown site events"
                )
            shared = local.keys() & held.keys()
            if current_marks(local, shared) != marks or visits(local, shared) != counted:
                problems.append(f"{kiosk.name}@{site_id}: other current marks or visit count")
    return problems


def duplicate_labels(central: Engine) -> int:
    """Queue tickets sharing a site, day and label (prefix + number) at central."""
    devices = SiteDevice.__table__.c  # type: ignore[attr-defined]
    queue = QueueTicket.__table__.c  # type: ignore[attr-defined]
    with read_session(central) as session:
        prefixes = {
            str(i): str(p) for i, p in session.execute(select(devices.id, devices.queue_prefix))
        }
        tickets = session.execute(
            select(queue.site_id, queue.queue_date, queue.device_id, queue.number)
        ).all()
    labels = Counter((s, d, f"{prefixes.get(dev, '?')}{n}") for s, d, dev, n in tickets)
    return sum(c - 1 for c in labels.values() if c > 1)
