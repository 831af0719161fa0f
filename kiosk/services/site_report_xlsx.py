"""XLSX export of the site report, written from the report model by the shared writer
(``models.figures.xlsx``), audited. Sensitive group titles are replaced by their neutral code."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from kiosk.services.site_report_csv import export_file
from kiosk.services.staff import StaffMember
from models.figures.report import Report
from models.figures.xlsx import write_xlsx


def report_xlsx(report: Report) -> bytes:
    """The report as it may leave the kiosk, as an XLSX workbook."""
    buffer = io.BytesIO()
    write_xlsx(report.public(), buffer)
    return buffer.getvalue()


def export_report_xlsx(
    engine: Engine, report: Report, path: Path, *, staff: StaffMember, now: datetime
) -> Path:
    """Write the report to ``path`` as XLSX (atomically) and audit the export."""
    data = report_xlsx(report)
    return export_file(engine, report, path, data, staff=staff, now=now, kind="xlsx")
