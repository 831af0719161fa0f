"""Group attendance, courses and the site report for the screens: one object on
``app.services``, so no screen holds an engine. Every call acts as the given staff member."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from kiosk.services import attendance, attendance_marks, courses, session_state
from kiosk.services.courses import AppointmentArrival, CourseProgress
from kiosk.services.mark_merge import MarkFact
from kiosk.services.staff import StaffMember

if TYPE_CHECKING:
    from kiosk.services.site_report import SiteReport
    from models.figures.report import Language


class GroupDesk:
    """Today's sessions, a roster and its marks, session state, courses, the site report."""

    def __init__(self, engine: Engine, *, guest_added: Callable[[], None] = lambda: None):
        self.engine = engine
        #: Called after a guest is added (the check-in search must find them).
        self.guest_added = guest_added

    # -- sessions and rosters ------------------------------------------------------------------

    def sessions(self, staff: StaffMember | None, now: datetime) -> list[attendance.SessionSummary]:
        return attendance.todays_sessions(self.engine, now=now, staff=staff)

    def roster(self, session_id: str, staff: StaffMember, now: datetime) -> attendance.Roster:
        return attendance.open_roster(self.engine, session_id=session_id, staff=staff, now=now)

    def mark(
        self, session_id: str, citizen_id: str, mark: str, staff: StaffMember, now: datetime
    ) -> MarkFact:
        return attendance_marks.mark_attendance(
            self.engine, session_id=session_id, citizen_id=citizen_id, mark=mark, staff=staff,
            now=now,
        )  # fmt: skip

    def mark_rest_absent(
        self, session_id: str, staff: StaffMember, now: datetime
    ) -> attendance_marks.RestMarked:
        return attendance_marks.mark_unmarked_absent(
            self.engine, session_id=session_id, staff=staff, now=now
        )

    def add_guest(
        self, session_id: str, name: str, birth_year: int | None, staff: StaffMember,
        now: datetime,
    ) -> attendance_marks.GuestAdded:  # fmt: skip
        added = attendance_marks.add_guest(
            self.engine, session_id=session_id, display_name=name, birth_year=birth_year,
            staff=staff, now=now,
        )  # fmt: skip
        self.guest_added()
        return added

    def change_state(
        self, change: str, session_id: str, staff: StaffMember, now: datetime, reason: str = ""
    ) -> session_state.SessionState:
        """``held``, ``cancel`` (with a reason), ``close`` or ``reopen`` (with a reason)."""
        engine = self.engine
        if change == "held":
            return session_state.mark_held(engine, session_id=session_id, staff=staff, now=now)
        if change == "close":
            return session_state.close_session(engine, session_id=session_id, staff=staff, now=now)
        if change == "cancel":
            return session_state.cancel_session(
                engine, session_id=session_id, reason=reason, staff=staff, now=now
            )
        if change == "reopen":
            return session_state.reopen_session(
                engine, session_id=session_id, reason=reason, staff=staff, now=now
            )
        raise ValueError(f"unknown session change {change!r}")

    # -- courses and the site report -----------------------------------------------------------

    def courses(self, staff: StaffMember, now: datetime) -> list[CourseProgress]:
        return courses.my_courses(self.engine, staff=staff, now=now)

    def appointments(self, staff: StaffMember, now: datetime) -> list[AppointmentArrival]:
        return courses.todays_appointments(self.engine, staff=staff, now=now)

    def report(
        self, start: date, end: date, staff: StaffMember, now: datetime, language: Language = "da"
    ) -> SiteReport:
        from kiosk.services.site_report import site_report

        return site_report(
            self.engine, start=start, end=end, staff=staff, now=now, language=language
        )

    def site_name(self, site_id: str) -> str:
        """The site's name (``Hornslet``) for titles; its id if the kiosk does not know it."""
        from models import Site
        from models.db import read_session

        with read_session(self.engine) as session:
            site = session.get(Site, site_id)
        return site.name if site is not None else site_id

    def export(
        self, report: SiteReport, kind: str, path: Path, staff: StaffMember, now: datetime
    ) -> Path:
        """Save ``report`` as ``csv`` or ``xlsx`` at ``path``; the export is audited."""
        if kind == "xlsx":
            from kiosk.services.site_report_xlsx import export_report_xlsx as write
        else:
            from kiosk.services.site_report_csv import export_report_csv as write
        return write(self.engine, report, path, staff=staff, now=now)
