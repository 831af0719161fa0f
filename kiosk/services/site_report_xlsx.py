"""XLSX export of the site report: the CSV's blocks as typed cells (numbers, dates), audited.

Sensitive group titles are replaced by their neutral code, as in the CSV. openpyxl loads
only when a report is exported.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from kiosk.services.site_report import SiteReport
from kiosk.services.site_report_csv import export_file, report_rows
from kiosk.services.staff import StaffMember

_INT = re.compile(r"-?\d+")
_DECIMAL = re.compile(r"-?\d+,\d+")
_DATE = re.compile(r"(\d{2})\.(\d{2})\.(\d{4})")


def cell_value(text: str) -> str | int | float | date:
    """A CSV field as the value a spreadsheet should hold (Danish number and date forms)."""
    if _INT.fullmatch(text):
        return int(text)
    if _DECIMAL.fullmatch(text):
        return float(text.replace(",", "."))
    if found := _DATE.fullmatch(text):
        day, month, year = (int(part) for part in found.groups())
        return date(year, month, day)
    return text


def report_xlsx(report: SiteReport) -> bytes:
    """The report as an XLSX workbook (one sheet; each block's header row in bold)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has its first sheet
    sheet.title = "Rapport"
    bold = Font(bold=True)
    widths: dict[int, int] = {}
    previous: list[str] | None = None
    for row in report_rows(report):
        sheet.append([cell_value(text) for text in row])
        header = previous == [] or previous is None
        for column, text in enumerate(row, start=1):
            cell = sheet.cell(row=sheet.max_row, column=column)
            if isinstance(cell.value, date):
                cell.number_format = "dd.mm.yyyy"
            if header:
                cell.font = bold
            widths[column] = max(widths.get(column, 8), min(len(text) + 2, 60))
        previous = row
    for column, width in widths.items():
        sheet.column_dimensions[sheet.cell(row=1, column=column).column_letter].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_report_xlsx(
    engine: Engine, report: SiteReport, path: Path, *, staff: StaffMember, now: datetime
) -> Path:
    """Write the report to ``path`` as XLSX (atomically) and audit the export."""
    data = report_xlsx(report)
    return export_file(engine, report, path, data, staff=staff, now=now, kind="xlsx")
