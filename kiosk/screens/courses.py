"""The counsellor's §82b courses (week, attendance, warnings) and today's appointments."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable

from kiosk.i18n import current_language, t, tr
from kiosk.i18n.formats import clock as hhmm
from kiosk.i18n.formats import short_date
from kiosk.screens.base import KioskScreen
from kiosk.services.courses import AppointmentArrival, CourseAlert, CourseProgress
from kiosk.services.refusals import Refused
from kiosk.widgets.keybar import KeyBar
from kiosk.widgets.line import Line
from kiosk.widgets.table import cursor_key, refill
from kiosk.widgets.words import Phrase, Words
from models.feedback import FitTarget
from models.figures.fit import FitFlag, FitTrend

Trends = dict[str, FitTrend]
Found = tuple[list[CourseProgress] | None, list[AppointmentArrival], Trends, set[str]]

ALERT_STYLE = {CourseAlert.OVERDUE: "bold red", CourseAlert.NEARING_END: "yellow"}
COURSE_COLUMNS = ("name", "born", "start", "week", "attended", "alert")
APPOINTMENT_COLUMNS = ("time", "name", "born", "offer", "arrival")


def columns(keys: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(key, t(f"courses.col.{key}")) for key in keys]


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
        Binding(
            "ctrl+f",
            "toggle_fit",
            "fit.toggle",
            tooltip="fit.toggle.tooltip",
            id="courses.toggle_fit",
            show=False,
        ),  # fmt: skip
    ]

    def __init__(self) -> None:
        super().__init__()
        self.courses: list[CourseProgress] | None = None
        self.appointments: list[AppointmentArrival] | None = None
        #: FIT trends of the courses that have ratings, and the courses with FIT on (a
        #: column only when there are any).
        self.trends: Trends = {}
        self.fit_on: set[str] = set()

    def compose(self) -> ComposeResult:
        yield Phrase(tr("courses.title"), id="courses-title", classes="pane-title")
        yield DataTable(id="courses", cursor_type="row", zebra_stripes=True)
        yield Phrase(tr("courses.appointments"), id="appointments-title", classes="pane-title")
        yield DataTable(id="appointments", cursor_type="row", zebra_stripes=True)
        yield Line("", id="status")
        yield KeyBar()

    def on_mount(self) -> None:
        self.retranslate()  # the column headers, before anything is read
        self.query_one("#courses", DataTable).focus()
        self.load()

    def load(self) -> None:
        """Read the courses and today's appointments (again after a sync: arrivals); the
        cursors keep their rows. Both reads are audited."""
        staff, now = self.staff, self.kiosk.clock()
        if staff is None:
            self.set_status(tr("attendance.refused.role_required"), True)
            return
        groups = self.kiosk.services.groups

        feedback = self.kiosk.services.feedback

        def read() -> Found:
            mine = groups.courses(staff, now) if staff.has("counsellor") else None
            ids = [c.course_id for c in mine or []]
            trends = feedback.course_trends(staff, ids, now) if ids else {}
            fit_on = {course_id for course_id in ids if feedback.fit_is_on(course_id)}
            return mine, groups.appointments(staff, now), trends, fit_on

        self.read(read, self._read)

    def _read(self, found: Found) -> None:
        courses, appointments, self.trends, self.fit_on = found
        if courses is not None:
            self.fill_courses(courses)
        self.fill_appointments(appointments)

    def action_refresh(self) -> None:
        """Read the courses and today's appointments again (both audited)."""
        self.load()

    def refusal_text(self, refusal: Refused) -> Words:
        return tr(f"attendance.refused.{refusal.reason}")

    def retranslate(self) -> None:
        self.fill_courses(self.courses)
        self.fill_appointments(self.appointments)

    def fill_courses(self, courses: list[CourseProgress] | None) -> None:
        """Show ``courses`` (None: not read yet, or not a counsellor: headers only)."""
        self.courses = courses
        rows: list[tuple[str | None, list[str | Text]]] = []
        for c in courses or []:
            week = (
                t("courses.week", week=c.week, planned=c.planned_weeks)
                if c.week
                else t("courses.not_started")
            )
            alert = "" if c.alert is CourseAlert.NONE else t(f"courses.alert.{c.alert.value}")
            attended = t("courses.attended", attended=c.attended, booked=c.booked_so_far)
            alert_text = Text(alert, style=ALERT_STYLE.get(c.alert, ""))
            cells = [c.display_name, str(c.birth_year or ""), short_date(c.starts_on), week]
            fit_column = bool(self.trends or self.fit_on)
            on = c.course_id in self.fit_on
            fit = [fit_cell(self.trends.get(c.course_id), on=on)] if fit_column else []
            rows.append((c.course_id, [*cells, attended, alert_text, *fit]))
        keys = (*COURSE_COLUMNS, "fit") if self.trends or self.fit_on else COURSE_COLUMNS
        if courses == []:
            rows.append((None, [t("courses.none"), *[""] * (len(keys) - 1)]))
        refill(self.query_one("#courses", DataTable), columns(keys), rows)

    def fill_appointments(self, appointments: list[AppointmentArrival] | None) -> None:
        self.appointments = appointments
        english = current_language() == "en"
        rows: list[tuple[str | None, list[str | Text]]] = []
        for a in appointments or []:
            when = hhmm(a.arrived_at) if a.arrived_at else ""
            rows.append((a.appointment_id, [
                f"{hhmm(a.starts_at)}–{hhmm(a.ends_at)}",
                a.display_name,
                str(a.birth_year or ""),
                a.offer_name_en if english else a.offer_name_da,
                t(f"courses.arrival.{a.arrival.value}", time=when),
            ]))  # fmt: skip
        if appointments == []:
            rows.append((None, ["", t("courses.no_appointments"), "", "", ""]))
        refill(self.query_one("#appointments", DataTable), columns(APPOINTMENT_COLUMNS), rows)

    def action_toggle_fit(self) -> None:
        """Turn FIT ratings on or off for the selected course (its counsellor)."""
        staff, now = self.staff, self.kiosk.clock()
        table: DataTable[Any] = self.query_one("#courses", DataTable)
        course_id = cursor_key(table)
        if staff is None or not self.courses or course_id is None:
            self.set_status(tr("fit.no_course"), True)
            return
        feedback, on = self.kiosk.services.feedback, course_id not in self.fit_on

        def done(state: bool) -> None:
            self.fit_on = self.fit_on | {course_id} if state else self.fit_on - {course_id}
            self.fill_courses(self.courses)
            self.set_status(tr("fit.switched_on" if state else "fit.switched_off"))

        self.request(lambda: feedback.set_fit(FitTarget.COURSE, course_id, on, staff, now), done)

    def action_switch(self) -> None:
        """Move between the courses and the appointments."""
        self.focus_next(DataTable)

    def action_back(self) -> None:
        """Back to the home screen."""
        self.kiosk.go_home()


def fit_cell(trend: FitTrend | None, *, on: bool = True) -> Text:
    """``12 → 20 (+8)`` for the outcome ratings, the latest session rating, and a flag;
    "til" for a course with FIT on and no ratings yet."""
    if trend is None:
        return Text(t("fit.on_no_ratings") if on else "")
    parts = []
    if trend.first is not None:
        change = trend.change
        moved = f" ({change:+d})" if change is not None else ""
        parts.append(t("fit.outcome", first=trend.first, latest=trend.latest, change=moved))
    if trend.latest_session is not None:
        parts.append(t("fit.session", score=trend.latest_session))
    if trend.flag is not FitFlag.NONE:
        parts.append(t(f"fit.flag.{trend.flag.value}"))
    return Text(" · ".join(parts), style=FIT_STYLE.get(trend.flag, ""))


FIT_STYLE = {FitFlag.FALLING: "bold red", FitFlag.LOW_SESSION: "yellow"}

SCREEN = CoursesScreen
