"""Dates and times as people in Denmark read them: "tirsdag 24.11.2026 · uge 48", "09:30"."""

from __future__ import annotations

from datetime import date, datetime

from kiosk.i18n import current_language
from models.timeutil import LOCAL_TZ

WEEKDAYS = {
    "da": ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
WEEK_WORD = {"da": "uge", "en": "week"}


def long_date(day: date, language: str | None = None) -> str:
    """Weekday, date and ISO week: ``tirsdag 24.11.2026 · uge 48``."""
    lang = language or current_language()
    weekday = WEEKDAYS[lang][day.weekday()]
    week = day.isocalendar().week
    return f"{weekday} {day:%d.%m.%Y} · {WEEK_WORD[lang]} {week}"


def short_date(day: date) -> str:
    """``24.11.2026`` (the same in both languages)."""
    return f"{day:%d.%m.%Y}"


def clock(moment: datetime) -> str:
    """24-hour wall-clock time in Denmark, ``09:30``."""
    return f"{moment.astimezone(LOCAL_TZ):%H:%M}"


def clock_seconds(moment: datetime) -> str:
    """24-hour wall-clock time with seconds, ``09:30:05``."""
    return f"{moment.astimezone(LOCAL_TZ):%H:%M:%S}"


def date_time(moment: datetime) -> str:
    """``24.11.2026 09:30`` in Danish time."""
    local = moment.astimezone(LOCAL_TZ)
    return f"{local:%d.%m.%Y %H:%M}"
