"""The report as an XLSX workbook: a front sheet, then one sheet and one chart per section."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from models.filemodes import write_private
from sync.admin.report_model import Cell, Chart, Report, Section
from sync.admin.report_render import heading

_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")
BOLD = Font(bold=True)


def sheet_title(title: str) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet name."""
    return _BAD_TITLE.sub(" ", title)[:31]


def _write_rows(ws: Worksheet, section: Section) -> None:
    ws.append(list(section.columns))
    for cell in ws[1]:
        cell.font = BOLD
    for row in section.rows:
        ws.append(list(row))
    for index, name in enumerate(section.columns, start=1):
        width = max([len(name)] + [len(str(r[index - 1] or "")) for r in section.rows[:500]])
        ws.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 50)
        if any(isinstance(r[index - 1], date) for r in section.rows[:1]):
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "dd.mm.yyyy"
    ws.freeze_panes = "A2"
    if section.note:
        ws.cell(row=ws.max_row + 2, column=1, value=section.note).font = Font(italic=True)


def _pivot(section: Section, chart: Chart) -> tuple[list[Cell], list[Cell], list[list[float]]]:
    """Categories, series names and a category × series matrix of summed values."""
    categories: list[Cell] = []
    series: list[Cell] = []
    sums: dict[tuple[Cell, Cell], float] = {}
    for row in section.rows:
        category = row[chart.category]
        name = row[chart.series] if chart.series is not None else section.columns[chart.value]
        value = row[chart.value]
        if category not in categories:
            categories.append(category)
        if name not in series:
            series.append(name)
        if isinstance(value, int | float):
            sums[(category, name)] = sums.get((category, name), 0.0) + value
    return categories, series, [[sums.get((c, s), 0) for s in series] for c in categories]


def _add_chart(ws: Worksheet, section: Section, chart: Chart) -> None:
    categories, series, matrix = _pivot(section, chart)
    if not categories:
        return
    left = len(section.columns) + 2  # the chart's data sits right of the table
    ws.cell(row=1, column=left, value=section.columns[chart.category]).font = BOLD
    for j, name in enumerate(series, start=1):
        ws.cell(row=1, column=left + j, value=str(name)).font = BOLD
    for i, (category, values) in enumerate(zip(categories, matrix, strict=True), start=2):
        ws.cell(row=i, column=left, value=category)
        for j, value in enumerate(values, start=1):
            ws.cell(row=i, column=left + j, value=value)
    plot = LineChart() if chart.kind == "line" else BarChart()
    plot.title = chart.title or section.title
    plot.height, plot.width = 9, 18
    last_row = len(categories) + 1
    data = Reference(ws, min_col=left + 1, max_col=left + len(series), min_row=1, max_row=last_row)
    plot.add_data(data, titles_from_data=True)
    plot.set_categories(Reference(ws, min_col=left, min_row=2, max_row=last_row))
    ws.add_chart(plot, f"{get_column_letter(left + len(series) + 2)}2")


def write_xlsx(report: Report, path: Path) -> None:
    """Save ``report`` as a workbook at ``path`` (mode 0600: reports hold personal data)."""
    workbook = Workbook()
    front = workbook.active
    assert front is not None
    front.title = "Rapport"
    front.append([heading(report)])
    front["A1"].font = Font(bold=True, size=13)
    front.append([])
    front.append(["Afsnit", "Ark", "Rækker", "Note"])
    for cell in front[3]:
        cell.font = BOLD
    for section in report.sections:
        ws = workbook.create_sheet(sheet_title(section.title))
        _write_rows(ws, section)
        if section.chart is not None:
            _add_chart(ws, section, section.chart)
        front.append([section.title, ws.title, len(section.rows), section.note])
    front.column_dimensions["A"].width = 30
    front.column_dimensions["B"].width = 30
    buffer = io.BytesIO()
    workbook.save(buffer)
    write_private(path, buffer.getvalue())
