"""Report periods: the default four weeks, and the committee's half years."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from models.timeutil import local_today


def default_period(now: datetime) -> tuple[date, date]:
    """The last four weeks up to and including today."""
    today = local_today(now)
    return today - timedelta(days=27), today


def half_year(label: str | None, now: datetime) -> tuple[date, date, str]:
    """``2026H2``-style half year (default: the last completed one) as (start, end, label)."""
    if label is None:
        today = local_today(now)
        year, half = (today.year - 1, 2) if today.month <= 6 else (today.year, 1)
    else:
        cleaned = label.strip().upper().replace("-", "")
        if len(cleaned) != 6 or not cleaned[:4].isdigit() or cleaned[4:] not in {"H1", "H2"}:
            raise ValueError(f"'{label}' is not a half year such as 2026H2")
        year, half = int(cleaned[:4]), int(cleaned[5])
    start = date(year, 1 if half == 1 else 7, 1)
    end = date(year, 6, 30) if half == 1 else date(year, 12, 31)
    return start, end, f"{year}H{half}"
