"""How roster rows and session states read on screen."""

from __future__ import annotations

from rich.text import Text

from kiosk.i18n import t
from kiosk.screens.checkin_words import also_text
from kiosk.services.attendance import RosterEntry
from models.events import Mark
from models.schedule import SessionStatus

MARK_STYLES = {
    Mark.PRESENT: "bold green",
    Mark.LATE: "yellow",
    Mark.LEFT_EARLY: "yellow",
    Mark.EXCUSED: "cyan",
    Mark.ABSENT: "bold red",
}
COLUMNS = ("name", "born", "mark", "desk", "so_far")


def status_text(status: str, reason: str, closed: bool) -> str:
    """The session's state in words: "afholdt · lukket", "aflyst: Leder syg"."""
    if status == SessionStatus.CANCELLED and reason:
        words = t("attendance.status.cancelled_reason", reason=reason)
    else:
        words = t(f"attendance.status.{status}")
    return f"{words} · {t('attendance.status.closed')}" if closed else words


def roster_cells(entry: RosterEntry) -> list[str | Text]:
    """The cells of one participant's row, in ``COLUMNS`` order."""
    name = entry.display_name
    if entry.guest:
        name = f"{name} ({t('attendance.roster.guest')})"
    mark = (
        Text(t(f"attendance.mark.{entry.mark}"), style=MARK_STYLES[Mark(entry.mark)])
        if entry.mark
        else Text(t("attendance.roster.unmarked"), style="dim")
    )
    return [
        name,
        str(entry.birth_year or ""),
        mark,
        desk_text(entry),
        t("attendance.roster.so_far", attended=entry.attended, counted=entry.counted),
    ]


def desk_text(entry: RosterEntry) -> str | Text:
    """ "tjekket ind", and where else the citizen was checked in for the session ("også
    tjekket ind ved Skranke 2 kl. 09:32": two desks that were apart)."""
    if not entry.checked_in:
        return ""
    also = also_text(entry.also)
    here = t("attendance.roster.checked_in")
    return Text(f"{here} · {also}") if also else here


def roster_summary(entries: list[RosterEntry]) -> str:
    """ "5 af 8 registreret · 3 mødt", or a hint when the roster is empty."""
    if not entries:
        return t("attendance.roster.empty")
    return t(
        "attendance.roster.summary",
        marked=sum(1 for e in entries if e.mark),
        total=len(entries),
        attended=sum(1 for e in entries if e.mark is not None and Mark(e.mark).attended),
    )
