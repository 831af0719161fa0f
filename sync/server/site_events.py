"""Same-site events in the change feed: what one device of a site records, its other devices
receive (the kinds ``rules.FED_TO_SITE`` allows; anonymous contacts and audit stay central)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, Table, select
from sqlmodel import Session

from models.config import Settings
from sync.changes import UPSERT, append
from sync.rows import EVENTS, REFERENCE
from sync.server.rules import FED_TO_SITE

#: Event tables the feed carries, by SQL name.
FED_EVENTS: dict[str, Table] = {name: EVENTS[name] for name, fed in FED_TO_SITE.items() if fed}
#: Every table a pull page or a snapshot may carry.
FED_TABLES: dict[str, Table] = {**REFERENCE, **FED_EVENTS}


def feed_site_events(
    session: Session, site_id: str, stored: Iterable[tuple[str, dict[str, Any]]], *, now: datetime
) -> None:
    """Append the site's feed entries for newly stored events of the fed kinds."""
    entries = [
        (site_id, kind, str(params["id"]), UPSERT)
        for kind, params in stored
        if FED_TO_SITE.get(kind) and not params.get("_rejected")
    ]
    append(session, entries, now=now)


def kiosk_window(table_name: str) -> timedelta:
    """How long a kiosk keeps events of ``table_name`` (the defaults of its retention)."""
    fields = Settings.model_fields
    # Marks and ratings are kept for a course's length (a roster's "5 af 7", a FIT trend).
    longer = table_name in ("attendance_mark", "fit_rating")
    key = "attendance_retention_days" if longer else "event_retention_days"
    return timedelta(days=int(fields[key].default))


def site_event_rows(table_name: str, site_id: str, *, now: datetime) -> Select[Any]:
    """A site's events of one fed kind within the kiosk's retention window (for a device
    enrolled later, or one resyncing from a snapshot)."""
    table = FED_EVENTS[table_name]
    since = now - kiosk_window(table_name)
    return select(table).where(table.c.site_id == site_id, table.c.created_at >= since)
