"""CSV export of the site report: `;`-separated UTF-8 for Danish Excel, audited.

The file leaves the kiosk, so sensitive group titles are replaced by their neutral code.
Four blocks (visits per offer and topic, groups, sessions, totals), each with its own header
row, separated by an empty line. Numbers use a decimal comma, dates ``dd.mm.yyyy``.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from datetime import date, datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from kiosk.services.attendance import AttendanceRefused
from kiosk.services.audit import audit
from kiosk.services.privacy import display_title
from kiosk.services.site_report import SiteReport
from kiosk.services.staff import StaffMember
from models.db import write_session
from models.filemodes import private_dir
from models.people import Role
from models.timeutil import LOCAL_TZ

GROUP_HEADER = [
    "gruppe", "kode", "gennemførte møder", "aflyste møder", "tilmeldte i alt",
    "fremmødt", "udeblevet", "afbud", "gæster", "fremmøde %",
]  # fmt: skip
OFFER_HEADER = ["tilbud", "tjek ind", "unikke borgere", "anonyme henvendelser"]
TOPIC_HEADER = ["emne (anonyme henvendelser)", "antal"]
SESSION_HEADER = [
    "dato", "kl.", "kode", "gruppe", "status", "lukket", "tilmeldte",
    "fremmødt", "udeblevet", "afbud", "ikke registreret", "gæster", "fremmøde %",
]  # fmt: skip


def _day(d: date) -> str:
    return d.strftime("%d.%m.%Y")


def _pct(rate: float | None) -> str:
    return "" if rate is None else f"{rate * 100:.1f}".replace(".", ",")


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}".replace(".", ",")


def report_rows(report: SiteReport) -> list[list[str]]:
    """The report as CSV rows (blocks separated by empty rows)."""
    groups = {g.group_id: g for g in report.groups}
    rows: list[list[str]] = [
        ["site", report.site_id, "fra", _day(report.start), "til", _day(report.end)],
        [],
        *visit_rows(report),
        [],
        GROUP_HEADER,
    ]
    for g in report.groups:
        rows.append([
            display_title(g, private=False), g.code, str(g.sessions), str(g.cancelled),
            str(g.enrolled_slots), str(g.attended), str(g.absent), str(g.excused),
            str(g.guests), _pct(g.rate),
        ])  # fmt: skip
    rows += [[], SESSION_HEADER]
    for s in report.sessions:
        g = groups[s.group_id]
        rows.append([
            _day(s.day), s.starts_at.astimezone(LOCAL_TZ).strftime("%H:%M"), g.code,
            display_title(g, private=False), s.status, "ja" if s.closed else "nej",
            str(s.enrolled), str(s.attended), str(s.absent), str(s.excused), str(s.unmarked),
            str(s.guests), _pct(s.rate),
        ])  # fmt: skip
    c = report.courses
    rows += [
        [],
        [
            "aftaler",
            str(report.appointments),
            "udeblevne aftaler",
            str(report.appointment_no_shows),
        ],
        ["§82b-forløb i gang", str(c.running), "afsluttet", str(c.ended)],
        ["median længde (uger)", _num(c.median_weeks), "længste (uger)", _num(c.longest_weeks)],
        ["over planlagt længde", str(c.over_planned)],
    ]
    return rows


def visit_rows(report: SiteReport) -> list[list[str]]:
    """Visits per offer (with a total line), then anonymous contacts per topic."""
    v = report.visits
    rows = [OFFER_HEADER]
    rows += [[o.name_da, str(o.check_ins), str(o.citizens), str(o.anonymous)] for o in v.offers]
    rows += [["i alt", str(v.check_ins), str(v.citizens), str(v.anonymous)], [], TOPIC_HEADER]
    rows += [[t.name_da, str(t.contacts)] for t in v.topics]
    return rows


def report_csv(report: SiteReport) -> str:
    """The report as `;`-separated CSV text."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerows(report_rows(report))
    return buffer.getvalue()


def export_report_csv(
    engine: Engine, report: SiteReport, path: Path, *, staff: StaffMember, now: datetime
) -> Path:
    """Write the report to ``path`` as CSV (atomically) and audit the export.

    UTF-8 with a byte-order mark so Excel shows æ, ø and å correctly.
    """
    data = report_csv(report).encode("utf-8-sig")
    return export_file(engine, report, path, data, staff=staff, now=now, kind="csv")


def export_file(
    engine: Engine,
    report: SiteReport,
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
            f"site_report.{kind} site={report.site_id} from={report.start} to={report.end} "
            f"file={path.name}"
        )
        with write_session(engine) as session:
            audit(session, action="report_export", staff_id=staff.id, detail=detail, now=now)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
