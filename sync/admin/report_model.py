"""The report as plain data: titled sections of rows, rendered as a table, CSV or XLSX."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

Cell = str | int | float | date | None


@dataclass(frozen=True, slots=True)
class Chart:
    """How a section is charted: ``value`` per ``category``, one series per ``series``."""

    category: int
    value: int
    series: int | None = None
    kind: Literal["bar", "line"] = "bar"
    title: str = ""


@dataclass(slots=True)
class Section:
    """One part of a report: a Danish title, column labels and rows."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: list[tuple[Cell, ...]] = field(default_factory=list)
    chart: Chart | None = None
    note: str = ""


@dataclass(slots=True)
class Report:
    """All sections for one period and one site (or all sites)."""

    site_label: str
    start: date
    end: date
    generated_at: datetime
    sections: list[Section] = field(default_factory=list)

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)


@dataclass(frozen=True, slots=True)
class ReportQuery:
    """What to report on: a site (``None`` = all sites) and a Danish date range, inclusive."""

    site: str | None
    start: date
    end: date
    committee: bool = False  # the committee gets aggregates only, no per-course list
    #: Show diagnosis-revealing group titles (an admin's audited choice); else the neutral code.
    titles: bool = False
