"""CSV export of the site report: `;`-separated UTF-8 for Danish Excel, audited.

Written by the same writer as central's reports (``models.figures.render``). The file leaves
the kiosk, so sensitive group titles are replaced by their neutral code.
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from kiosk.services.attendance import AttendanceRefused
from kiosk.services.audit import audit
from kiosk.services.staff import StaffMember
from models.db import write_session
from models.figures.render import render_csv
from models.figures.report import Report
from models.filemodes import private_dir
from models.people import Role


def report_csv(report: Report) -> str:
    """The report as it may leave the kiosk, as `;`-separated CSV text (the shared writer)."""
    return render_csv(report.public())


def export_report_csv(
    engine: Engine, report: Report, path: Path, *, staff: StaffMember, now: datetime
) -> Path:
    """Write the report to ``path`` as CSV (atomically) and audit the export.

    UTF-8 with a byte-order mark so Excel shows æ, ø and å correctly.
    """
    data = report_csv(report).encode("utf-8-sig")
    return export_file(engine, report, path, data, staff=staff, now=now, kind="csv")


def export_file(
    engine: Engine,
    report: Report,
    path: Path,
    data: bytes,
    *,
    staff: StaffMember,
    now: datetime,
    kind: str,
) -> Path:
    """Write ``data`` to ``path`` atomically (no half-written file, ever) and audit it."""
    if not staff.has(Role.GROUP_LEADER):
        raise AttendanceRefused("role_required")
    path = path.expanduser()
    private_dir(path.parent)  # exports hold personal data: 0700, files 0600 (mkstemp)
    fd, tmp = tempfile.mkstemp(prefix=".report-", suffix=path.suffix, dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        detail = (
            f"site_report.{kind} site={report.site_id or 'all'} from={report.start} "
            f"to={report.end} "
            f"file={path.name}"
        )
        with write_session(engine) as session:
            audit(session, action="report_export", staff_id=staff.id, detail=detail, now=now)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
