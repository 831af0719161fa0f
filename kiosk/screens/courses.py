"""The counsellor's §82b courses (week, attendance, warnings) and today's appointments."""

from __future__ import annotations

import asyncio
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from kiosk.i18n import current_language, t
from kiosk.i18n.formats import clock as hhmm
from kiosk.i18n.formats import short_date
from kiosk.screens.base import KioskScreen
from kiosk.screens.roster_format import relabel
from kiosk.screens.staff_context import FeatureContext
from kiosk.services.attendance import AttendanceRefused
from kiosk.services.courses import (
    AppointmentArrival,
    CourseAlert,
    CourseProgress,
    my_courses,
    todays_appointments,
)
from kiosk.widgets.keybar import KeyBar

ALERT_STYLE = {CourseAlert.OVERDUE: "bold red", CourseAlert.NEARING_END: "yellow"}


class CoursesScreen(KioskScreen):
    """Courses on top, today's appointments below; Tab moves between them."""

    NEEDS_LOGIN = True  # names and rosters: the app asks for a staff login first
    CSS_PATH = "courses.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f5",
            "refresh",
            "courses.refresh",
            tooltip="courses.refresh.tooltip",
            id="courses.refresh",
        ),
        Binding(
            "tab", "switch", "courses.switch", tooltip="courses.switch.tooltip", id="courses.switch"
        ),
        Binding(
            "escape", "back", "courses.back", tooltip="courses.back.tooltip", id="courses.back"
        ),
    ]

    def __init__(self, context: FeatureContext | None = None) -> None:
        super().__init__()
        self._feature = context
        self.courses: list[CourseProgress] | None = None
        self.appointments: list[AppointmentArrival] | None = None

    @property
    def ctx(self) -> FeatureContext:
        return self._feature or FeatureContext.of(self.app)

    def compose(self) -> ComposeResult:
        yield Static(t("courses.title"), id="courses-title", classes="pane-title")
        yield DataTable(id="courses", cursor_type="row", zebra_stripes=True)
        yield Static(t("courses.appointments"), id="appointments-title", classes="pane-title")
        yield DataTable(id="appointments", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    async def on_mount(self) -> None:
        courses: DataTable[Any] = self.query_one("#courses", DataTable)
        for key in ("name", "born", "start", "week", "attended", "alert"):
            courses.add_column(t(f"courses.col.{key}"), key=key)
        appointments: DataTable[Any] = self.query_one("#appointments", DataTable)
        for key in ("time", "name", "born", "offer", "arrival"):
            appointments.add_column(t(f"courses.col.{key}"), key=key)
        self.watch(self.app, "language", self._language_changed, init=False)
        await self.action_refresh()
        courses.focus()

    async def action_refresh(self) -> None:
        """Read the courses and today's appointments again (both audited)."""
        staff, now = self.ctx.staff, self.ctx.clock()
        if staff is None:
            self.notify(t("attendance.refused.role_required"), severity="warning")
            return
        try:
            if staff.has("counsellor"):
                courses = await asyncio.to_thread(my_courses, self.ctx.engine, staff=staff, now=now)
                self.fill_courses(courses)
            appointments = await asyncio.to_thread(
                todays_appointments, self.ctx.engine, staff=staff, now=now
            )
        except AttendanceRefused as refused:
            self.notify(t(f"attendance.refused.{refused.reason}"), severity="warning")
            return
        self.fill_appointments(appointments)

    def _language_changed(self, _language: str) -> None:
        for table_id in ("courses", "appointments"):
            relabel(self.query_one(f"#{table_id}", DataTable), "courses.col")
        self.query_one("#courses-title", Static).update(t("courses.title"))
        self.query_one("#appointments-title", Static).update(t("courses.appointments"))
        if self.courses is not None:
            self.fill_courses(self.courses)
        if self.appointments is not None:
            self.fill_appointments(self.appointments)

    def fill_courses(self, courses: list[CourseProgress]) -> None:
        self.courses = courses
        table: DataTable[Any] = self.query_one("#courses", DataTable)
        table.clear()
        for c in courses:
            week = (
                t("courses.week", week=c.week, planned=c.planned_weeks)
                if c.week
                else t("courses.not_started")
            )
            alert = "" if c.alert is CourseAlert.NONE else t(f"courses.alert.{c.alert.value}")
            table.add_row(
                c.display_name,
                str(c.birth_year or ""),
                short_date(c.starts_on),
                week,
                t("courses.attended", attended=c.attended, booked=c.booked_so_far),
                Text(alert, style=ALERT_STYLE.get(c.alert, "")),
                key=c.course_id,
            )
        if not courses:
            table.add_row(t("courses.none"), "", "", "", "", "")

    def fill_appointments(self, appointments: list[AppointmentArrival]) -> None:
        self.appointments = appointments
        table: DataTable[Any] = self.query_one("#appointments", DataTable)
        table.clear()
        english = current_language() == "en"
        for a in appointments:
            when = hhmm(a.arrived_at) if a.arrived_at else ""
            table.add_row(
                f"{hhmm(a.starts_at)}–{hhmm(a.ends_at)}",
                a.display_name,
                str(a.birth_year or ""),
                a.offer_name_en if english else a.offer_name_da,
                t(f"courses.arrival.{a.arrival.value}", time=when),
                key=a.appointment_id,
            )
        if not appointments:
            table.add_row("", t("courses.no_appointments"), "", "", "")

    def action_switch(self) -> None:
        """Move between the courses and the appointments."""
        self.focus_next(DataTable)

    def action_back(self) -> None:
        """Back to the home screen."""
        self.dismiss(None)


SCREEN = CoursesScreen
