"""The report on a page: sensitive group titles hidden from non-admins, and SVG bar charts."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.engine import Engine
from sqlmodel import select

from models import Group
from models.db import read_session
from models.figures.render import section_cells
from models.figures.report import Language
from sync.admin.report_model import Cell, Report, Section
from sync.admin.report_render import format_cell

MAX_BARS = 40
BAR_HEIGHT = 18
LABEL_WIDTH = 220
BAR_SPACE = 360


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: float
    y: int
    width: int
    text: str = ""  # the value as shown: whole numbers plain, else one decimal (comma in Danish)


@dataclass(frozen=True, slots=True)
class ChartView:
    title: str
    bars: list[Bar]
    height: int
    label_width: int = LABEL_WIDTH


def sensitive_titles(engine: Engine) -> dict[str, str]:
    """Title → neutral code of every group whose title reveals a diagnosis."""
    with read_session(engine) as session:
        rows = session.exec(select(Group.title, Group.code).where(Group.sensitive)).all()
    return {str(title): str(code) for title, code in rows}


def redact(report: Report, titles: dict[str, str]) -> Report:
    """The report with every sensitive group title replaced by the group's neutral code."""
    for section in report.sections:
        section.rows = [tuple(_neutral(c, titles) for c in row) for row in section.rows]
    return report


def _neutral(cell: Cell, titles: dict[str, str]) -> Cell:
    return titles.get(cell, cell) if isinstance(cell, str) else cell


def _bar_text(value: float, language: Language) -> str:
    if float(value).is_integer():
        return str(int(value))
    return format_cell(round(value, 1), language=language)


def _number(cell: Cell) -> float:
    return float(cell) if isinstance(cell, int | float) else 0.0


@dataclass(frozen=True, slots=True)
class SectionView:
    """One report section as the page shows it: texts in the page's language, every cell
    as display text (Danish dates and decimal comma), and its chart."""

    key: str
    title: str
    note: str
    labels: list[str]
    cells: list[list[str]]
    chart: ChartView | None


def section_views(report: Report, language: Language) -> list[SectionView]:
    return [
        SectionView(
            key=s.key,
            title=s.title(language),
            note=s.note(language),
            labels=s.labels(language),
            cells=section_cells(s, language),
            chart=chart_view(s, language),
        )
        for s in report.sections
    ]


def chart_view(section: Section, language: Language = "da") -> ChartView | None:
    """Horizontal bars of the section's charted value per category (and series); trailing
    total rows are not charted."""
    chart = section.chart
    if chart is None or not section.body:
        return None
    totals: dict[str, float] = defaultdict(float)
    category, value = section.index(chart.category), section.index(chart.value)
    series = section.index(chart.series) if chart.series is not None else None
    for row in section.body:
        label = format_cell(row[category], language=language)
        if series is not None:
            label = f"{label} · {format_cell(row[series], language=language)}"
        totals[label] += _number(row[value])
    shown = list(totals.items())[:MAX_BARS]
    top = max((v for _, v in shown), default=0.0) or 1.0
    bars = [
        Bar(
            label[:40],
            round(value, 1),
            i * BAR_HEIGHT,
            int(BAR_SPACE * value / top),
            _bar_text(value, language),
        )
        for i, (label, value) in enumerate(shown)
    ]
    title = chart.title(language) or section.title(language)
    return ChartView(title, bars, len(bars) * BAR_HEIGHT + 4)
