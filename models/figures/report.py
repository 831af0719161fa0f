"""The report as plain data: sections of rows under keyed, typed, bilingual columns.

Built once (``models.figures.build``) and rendered by one writer per format
(``models.figures.render`` for table and CSV, ``models.figures.xlsx``) on kiosk and central.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from enum import StrEnum
from typing import Literal

Cell = str | int | float | date | None
Language = Literal["da", "en"]


class ColumnType(StrEnum):
    TEXT = "text"
    INT = "int"
    DECIMAL = "decimal"  # one decimal (weeks, minutes)
    PERCENT = "percent"  # 0–100, one decimal
    DATE = "date"

    @property
    def numeric(self) -> bool:
        return self in (ColumnType.INT, ColumnType.DECIMAL, ColumnType.PERCENT)


@dataclass(frozen=True, slots=True)
class Column:
    """A named column: its key (what code refers to), Danish and English label, and type."""

    key: str
    da: str
    en: str
    type: ColumnType = ColumnType.TEXT

    def label(self, language: Language = "da") -> str:
        return self.en if language == "en" else self.da


@dataclass(frozen=True, slots=True)
class Chart:
    """How a section is charted: ``value`` per ``category``, one series per ``series`` (keys)."""

    category: str
    value: str
    series: str | None = None
    kind: Literal["bar", "line"] = "bar"
    title_da: str = ""
    title_en: str = ""

    def title(self, language: Language = "da") -> str:
        return self.title_en if language == "en" else self.title_da


@dataclass(slots=True)
class Section:
    """One part of a report: a title, keyed columns and rows (one cell per column).

    ``public_rows``, when set, are the rows as they may leave the building (sensitive group
    titles replaced by their neutral code); ``Report.public()`` swaps them in.
    """

    key: str
    title_da: str
    title_en: str
    columns: tuple[Column, ...]
    rows: list[tuple[Cell, ...]] = field(default_factory=list)
    chart: Chart | None = None
    note_da: str = ""
    note_en: str = ""
    public_rows: list[tuple[Cell, ...]] | None = None
    totals: int = 0  # trailing total rows: not sorted, not charted

    @property
    def body(self) -> list[tuple[Cell, ...]]:
        """The rows without the trailing total rows."""
        return self.rows[: len(self.rows) - self.totals]

    def title(self, language: Language = "da") -> str:
        return self.title_en if language == "en" else self.title_da

    def note(self, language: Language = "da") -> str:
        return self.note_en if language == "en" else self.note_da

    def index(self, key: str) -> int:
        """The position of the column named ``key``; ``KeyError`` for an unknown key."""
        for i, column in enumerate(self.columns):
            if column.key == key:
                return i
        raise KeyError(f"section {self.key!r} has no column {key!r}")

    def column(self, key: str) -> Column:
        return self.columns[self.index(key)]

    def values(self, key: str) -> list[Cell]:
        i = self.index(key)
        return [row[i] for row in self.rows]

    def records(self) -> list[dict[str, Cell]]:
        """The rows as ``{column key: value}``."""
        keys = [c.key for c in self.columns]
        return [dict(zip(keys, row, strict=True)) for row in self.rows]

    def labels(self, language: Language = "da") -> list[str]:
        return [c.label(language) for c in self.columns]


@dataclass(slots=True)
class Report:
    """All sections for one period and one site (or all sites), in one language."""

    site_label: str
    start: date
    end: date
    generated_at: datetime
    language: Language = "da"
    sections: list[Section] = field(default_factory=list)
    site_id: str | None = None  # None: all sites

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def has(self, key: str) -> bool:
        return any(s.key == key for s in self.sections)

    def public(self) -> Report:
        """The report as it may be exported from a kiosk: neutral codes for sensitive titles."""
        sections = [
            s if s.public_rows is None else replace(s, rows=s.public_rows, public_rows=None)
            for s in self.sections
        ]
        return replace(self, sections=sections)


@dataclass(frozen=True, slots=True)
class ReportQuery:
    """What to report on: a site (``None`` = all sites) and a Danish date range, inclusive."""

    site: str | None
    start: date
    end: date
    committee: bool = False  # the committee gets aggregates only, no per-course list
    #: Show diagnosis-revealing group titles (an admin's audited choice); else the neutral code.
    titles: bool = False
