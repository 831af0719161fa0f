"""`mestring report`: build a report on central, render it, and audit the export."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal

from sqlalchemy.engine import Engine

from models.db import read_session, write_session
from models.figures.build import build_report
from models.figures.render import render_csv, render_table
from models.figures.report import Language, Report, ReportQuery
from models.figures.xlsx import write_xlsx
from models.filemodes import write_private
from sync.admin.audit import central_audit

Format = Literal["table", "csv", "xlsx"]


def make_report(
    engine: Engine, query: ReportQuery, *, now: datetime, language: Language = "da"
) -> Report:
    """Compute the report (read-only; no lock held against kiosks syncing meanwhile)."""
    with read_session(engine) as session:
        report = build_report(session, query, now=now, language=language)
    # Diagnosis-revealing titles only when an administrator asked (audited on export).
    return report if query.titles else report.public()


def export_report(
    engine: Engine,
    query: ReportQuery,
    *,
    now: datetime,
    fmt: Format,
    out: Path | None,
    language: Language = "da",
) -> str | None:
    """Build and write the report; returns the text when it is not written to a file.

    The export is recorded in the audit log once it has been produced.
    """
    report = make_report(engine, query, now=now, language=language)
    text: str | None = None
    if fmt == "xlsx":
        if out is None:
            raise ValueError("an XLSX report needs an output file")
        write_xlsx(report, out)
    else:
        text = render_table(report) if fmt == "table" else render_csv(report)
        if out is not None:
            write_private(out, text.encode("utf-8-sig" if fmt == "csv" else "utf-8"))
            text = None
    with write_session(engine) as session:
        central_audit(
            session,
            action="report_export",
            now=now,
            detail=(
                f"site={query.site or 'all'} from={query.start.isoformat()} "
                f"to={query.end.isoformat()} format={fmt}"
                f"{' committee' if query.committee else ''}"
                f"{' titles=shown' if query.titles else ''}{f' file={out.name}' if out else ''}"
            ),
        )
    return text
