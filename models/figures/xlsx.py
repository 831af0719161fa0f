"""The report as an XLSX workbook, written from the typed model: a front sheet, then one sheet
(and one chart, where the section has one) per section. openpyxl loads only when called."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import IO, Any

from models.figures.render import heading
from models.figures.report import Cell, Chart, ColumnType, Language, Report, Section
from models.filemodes import write_private
from models.sensitive import spreadsheet_safe

_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")
_FORMATS = {ColumnType.DATE: "dd.mm.yyyy", ColumnType.DECIMAL: "0.0", ColumnType.PERCENT: "0.0"}
_FRONT = {"da": ("Afsnit", "Ark", "Rækker", "Note"), "en": ("Section", "Sheet", "Rows", "Note")}


def sheet_title(title: str) -> str:
    """Excel allows 31 characters and none of []:*?/\\ in a sheet name."""
    return _BAD_TITLE.sub(" ", title)[:31]


def cell_value(value: Cell, kind: ColumnType) -> Cell:
    """A model value as the cell a spreadsheet should hold; text never runs as a formula."""
    if kind is ColumnType.TEXT and isinstance(value, str):
        safe = spreadsheet_safe(value)
        return safe if isinstance(safe, str) else value
    return value


def _write_rows(ws: Any, section: Section, language: Language, bold: Any, italic: Any) -> None:
    from openpyxl.utils import get_column_letter

    ws.append(section.labels(language))
    for cell in ws[1]:
        cell.font = bold
    kinds = [c.type for c in section.columns]
    for row in section.rows:
        ws.append([cell_value(v, k) for v, k in zip(row, kinds, strict=True)])
    for index, column in enumerate(section.columns, start=1):
        cells = [str(r[index - 1] if r[index - 1] is not None else "") for r in section.rows[:500]]
        width = max([len(column.label())] + [len(c) for c in cells])
        ws.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 8), 50)
        number_format = _FORMATS.get(column.type)
        if number_format is not None and section.rows:
            for (cell,) in ws.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = number_format
    ws.freeze_panes = "A2"
    note = section.note(language)
    if note:
        ws.cell(row=ws.max_row + 2, column=1, value=note).font = italic


def _pivot(section: Section, chart: Chart) -> tuple[list[Cell], list[Cell], list[list[float]]]:
    """Categories, series names and a category × series matrix of summed values."""
    category_at, value_at = section.index(chart.category), section.index(chart.value)
    series_at = section.index(chart.series) if chart.series is not None else None
    categories: list[Cell] = []
    series: list[Cell] = []
    sums: dict[tuple[Cell, Cell], float] = {}
    for row in section.body:
        category = row[category_at]
        name = row[series_at] if series_at is not None else section.columns[value_at].label()
        value = row[value_at]
        if category not in categories:
            categories.append(category)
        if name not in series:
            series.append(name)
        if isinstance(value, int | float):
            sums[(category, name)] = sums.get((category, name), 0.0) + value
    return categories, series, [[sums.get((c, s), 0) for s in series] for c in categories]


def _add_chart(ws: Any, section: Section, chart: Chart, lang: Language, bold: Any) -> None:
    from openpyxl.chart import BarChart, LineChart, Reference
    from openpyxl.utils import get_column_letter

    categories, series, matrix = _pivot(section, chart)
    if not categories:
        return
    left = len(section.columns) + 2  # the chart's data sits right of the table
    ws.cell(row=1, column=left, value=section.column(chart.category).label()).font = bold
    for j, name in enumerate(series, start=1):
        ws.cell(row=1, column=left + j, value=cell_value(str(name), ColumnType.TEXT)).font = bold
    for i, (category, values) in enumerate(zip(categories, matrix, strict=True), start=2):
        ws.cell(row=i, column=left, value=cell_value(category, ColumnType.TEXT))
        for j, value in enumerate(values, start=1):
            ws.cell(row=i, column=left + j, value=value)
    plot = LineChart() if chart.kind == "line" else BarChart()
    plot.title = chart.title(lang) or section.title(lang)
    plot.height, plot.width = 9, 18
    last_row = len(categories) + 1
    data = Reference(ws, min_col=left + 1, max_col=left + len(series), min_row=1, max_row=last_row)
    plot.add_data(data, titles_from_data=True)
    plot.set_categories(Reference(ws, min_col=left, min_row=2, max_row=last_row))
    ws.add_chart(plot, f"{get_column_letter(left + len(series) + 2)}2")


def write_xlsx(report: Report, target: Path | IO[bytes]) -> None:
    """Save ``report`` as a workbook at ``target`` (a path or a binary file object)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold, italic = Font(bold=True), Font(italic=True)
    lang = report.language
    workbook = Workbook()
    front = workbook.active
    assert front is not None
    front.title = "Rapport" if lang == "da" else "Report"
    front.append([cell_value(heading(report), ColumnType.TEXT)])
    front["A1"].font = Font(bold=True, size=13)
    front.append([])
    front.append(list(_FRONT[lang]))
    for cell in front[3]:
        cell.font = bold
    for section in report.sections:
        ws = workbook.create_sheet(sheet_title(section.title(lang)))
        _write_rows(ws, section, lang, bold, italic)
        if section.chart is not None:
            _add_chart(ws, section, section.chart, lang, bold)
        front.append([section.title(lang), ws.title, len(section.rows), section.note(lang)])
    front.column_dimensions["A"].width = 30
    front.column_dimensions["B"].width = 30
    if isinstance(target, Path):
        # A report holds personal data: written private (0600) and whole, never half.
        buffer = io.BytesIO()
        workbook.save(buffer)
        write_private(target, buffer.getvalue())
    else:
        workbook.save(target)
