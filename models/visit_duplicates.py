"""One visit, however many desks checked it in: the shared rule for counting check-ins once.

Two devices of a site that cannot reach each other may both check a citizen in to the same
thing. Both rows are kept (they are facts), and every count — kiosk screens and central
reports — takes one visit per (citizen, session / appointment / offer, local day): the
earliest standing check-in (by time, then clock stamp, then id, so every device agrees).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from typing import Protocol, TypeVar

from models.timeutil import LOCAL_TZ

CHECK_IN, RETRACTION = "check_in", "retraction"


class VisitRow(Protocol):
    """What the rule reads of a check-in event (``models.CheckIn`` or a row mapping alike)."""

    @property
    def id(self) -> str: ...
    @property
    def action(self) -> str: ...
    @property
    def citizen_id(self) -> str: ...
    @property
    def offer_id(self) -> str: ...
    @property
    def session_id(self) -> str | None: ...
    @property
    def appointment_id(self) -> str | None: ...
    @property
    def ref_id(self) -> str | None: ...
    @property
    def device_id(self) -> str: ...
    @property
    def hlc(self) -> str: ...
    @property
    def created_at(self) -> datetime: ...


Row = TypeVar("Row", bound=VisitRow)
VisitKey = tuple[str, str, str, date]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def key_of(
    citizen_id: str, session_id: str | None, appointment_id: str | None, offer_id: str, day: date
) -> VisitKey:
    """The visit a check-in belongs to, from its parts (the figures read plain columns)."""
    if session_id:
        return (citizen_id, "session", session_id, day)
    if appointment_id:
        return (citizen_id, "appointment", appointment_id, day)
    return (citizen_id, "offer", offer_id, day)


def visit_key(row: VisitRow) -> VisitKey:
    """(citizen, what kind, which one, local day): equal keys are one visit."""
    day = _aware(row.created_at).astimezone(LOCAL_TZ).date()
    return key_of(row.citizen_id, row.session_id, row.appointment_id, row.offer_id, day)


def standing(rows: Iterable[Row]) -> list[Row]:
    """The check-ins among ``rows`` that no retraction among them undoes."""
    rows = list(rows)
    retracted = {r.ref_id for r in rows if r.action == RETRACTION}
    return [r for r in rows if r.action == CHECK_IN and r.id not in retracted]


def _order(row: VisitRow) -> tuple[datetime, str, str]:
    return (_aware(row.created_at), row.hlc, row.id)


def visits_by_key(rows: Iterable[Row]) -> dict[VisitKey, list[Row]]:
    """Standing check-ins grouped by visit, each group earliest first."""
    groups: dict[VisitKey, list[Row]] = {}
    for row in sorted(standing(rows), key=_order):
        groups.setdefault(visit_key(row), []).append(row)
    return groups


def count_once(rows: Iterable[Row]) -> list[Row]:
    """One check-in per visit (the earliest): what every count of visits should count."""
    return [group[0] for group in visits_by_key(rows).values()]


def duplicates(rows: Iterable[Row]) -> dict[VisitKey, list[Row]]:
    """The visits checked in more than once (on several devices while they were apart)."""
    return {key: group for key, group in visits_by_key(rows).items() if len(group) > 1}


def shown_here(group: Sequence[Row], *, device_id: str) -> tuple[Row, list[Row]]:
    """Of one visit's check-ins (earliest first): the one a device shows (its own, else the
    earliest) and the others, made at other devices ("også tjekket ind ved …")."""
    shown = next((r for r in group if r.device_id == device_id), group[0])
    return shown, [r for r in group if r is not shown]


def visits_here(rows: Iterable[Row], *, device_id: str) -> dict[VisitKey, tuple[Row, list[Row]]]:
    """Every visit among ``rows``, as the device ``device_id`` shows it: ``shown_here``."""
    return {
        key: shown_here(group, device_id=device_id) for key, group in visits_by_key(rows).items()
    }


def also_checked_in(rows: Iterable[Row], key: VisitKey, *, device_id: str) -> list[Row]:
    """The standing check-ins of one visit made at devices other than ``device_id``."""
    return [r for r in visits_by_key(rows).get(key, []) if r.device_id != device_id]
