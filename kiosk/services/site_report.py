"""This site's report (F6): the same report, built by the same code, as central's
``mestring report`` for this site and period (``models.figures.build``), audited."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.engine import Engine

from kiosk.services.attendance import AttendanceRefused, site_of_kiosk
from kiosk.services.audit import audit
from kiosk.services.staff import StaffMember
from models.db import write_session
from models.figures.build import build_report
from models.figures.report import Language, Report, ReportQuery
from models.people import Role

#: The kiosk's report is the shared report model.
SiteReport = Report


def site_report(
    engine: Engine,
    *,
    start: date,
    end: date,
    staff: StaffMember,
    now: datetime,
    language: Language = "da",
) -> Report:
    """The report for this kiosk's site over the Danish days ``start``..``end``; audited."""
    if not staff.has(Role.GROUP_LEADER):  # admins hold every role
        raise AttendanceRefused("role_required")
    if end < start:
        start, end = end, start
    with write_session(engine) as session:
        site_id = site_of_kiosk(session)
        query = ReportQuery(site=site_id, start=start, end=end)
        report = build_report(session, query, now=now, language=language)
        audit(
            session,
            action="report_view",
            staff_id=staff.id,
            detail=f"site={site_id} from={start.isoformat()} to={end.isoformat()}",
            now=now,
        )
    return report
