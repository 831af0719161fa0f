"""The site report for group leaders and admins: visits per offer, anonymous contacts by topic,
attendance rates per group and session; CSV and XLSX export."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from kiosk.i18n import current_language, t, tr
from kiosk.i18n.formats import short_date
from kiosk.screens.base import KioskScreen
from kiosk.services.attendance import AttendanceRefused
from kiosk.services.refusals import Refused
from kiosk.widgets.keybar import KeyBar
from kiosk.widgets.line import Line
from kiosk.widgets.table import refill
from kiosk.widgets.words import Words
from models.figures.render import format_cell, section_cells
from models.figures.report import Report
from models.timeutil import local_today

#: Which report columns (by key) each table shows; labels come from the report model.
VISIT_KEYS = ("offer", "check_ins", "citizens", "anonymous")
GROUP_KEYS = ("title", "sessions", "cancelled", "participants", "attended", "no_show",
              "excused", "guests", "rate")  # fmt: skip
SESSION_KEYS = ("date", "time", "title", "status", "participants", "attended", "no_show",
                "excused", "unmarked", "rate")  # fmt: skip


def section_table(
    report: Report, key: str, keys: tuple[str, ...]
) -> tuple[list[tuple[str, str]], list[tuple[str, list[str]]]]:
    """The columns ``keys`` of section ``key`` as (key, label) columns and text rows."""
    section = report.section(key)
    at = [section.index(k) for k in keys]
    language = report.language
    columns = [(k, section.columns[i].label(language)) for k, i in zip(keys, at, strict=True)]
    cells = section_cells(section, report.language, empty="–")
    rows = [(str(n), [row[i] for i in at]) for n, row in enumerate(cells)]
    return columns, rows


def topics_text(report: Report) -> str:
    """ "Bolig 2 · Økonomi 1" (anonymous contacts per topic), or a dash."""
    section = report.section("topics")
    parts = [f"{r['topic']} {r['contacts']}" for r in section.records()]
    return t("reports.topics", topics=" · ".join(parts) or "–")


def summary_text(report: Report) -> str:
    """Appointments (the total row) and this site's §82b course lengths."""
    due = report.section("appointments").records()[-1]
    courses = report.section("courses").records()
    c = courses[0] if courses else {}
    median = c.get("median_weeks")
    return t(
        "reports.summary",
        appointments=due["booked"],
        no_shows=due["no_show"],
        running=c.get("running", 0),
        ended=c.get("ended", 0),
        median="–" if median is None else format_cell(median, language=report.language),
        over=c.get("over_planned", 0),
    )


class ExportFailed(Refused):
    """The report could not be saved (a full disk, no permission); ``reason`` says why."""


def period(kind: str, today: date) -> tuple[date, date]:
    """Today, this ISO week (Monday–Sunday) or this calendar month."""
    if kind == "week":
        monday = today - timedelta(days=today.weekday())
        return monday, monday + timedelta(days=6)
    if kind == "month":
        first = today.replace(day=1)
        next_month = (first + timedelta(days=32)).replace(day=1)
        return first, next_month - timedelta(days=1)
    return today, today


class ReportsScreen(KioskScreen):
    """Choose a period (d/u/m), read the figures, export them (e)."""

    NEEDS_LOGIN = True  # names and rosters: the app asks for a staff login first
    CSS_PATH = "reports.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "d",
            "period('today')",
            "reports.today",
            tooltip="reports.today.tooltip",
            id="reports.today",
        ),
        Binding(
            "u", "period('week')", "reports.week", tooltip="reports.week.tooltip", id="reports.week"
        ),
        Binding(
            "m",
            "period('month')",
            "reports.month",
            tooltip="reports.month.tooltip",
            id="reports.month",
        ),
        Binding(
            "e", "export", "reports.export", tooltip="reports.export.tooltip", id="reports.export"
        ),
        Binding(
            "x",
            "export('xlsx')",
            "reports.export_xlsx",
            tooltip="reports.export_xlsx.tooltip",
            id="reports.export_xlsx",
        ),
        Binding(
            "escape", "back", "reports.back", tooltip="reports.back.tooltip", id="reports.back"
        ),
    ]

    def __init__(self, export_dir: Path | None = None):
        super().__init__()
        self._export_dir = export_dir
        self.report: Report | None = None
        self.site_name = ""
        self.period = "week"

    @property
    def export_dir(self) -> Path:
        if self._export_dir is not None:
            return self._export_dir
        return self.kiosk.services.settings.home / "exports"

    def compose(self) -> ComposeResult:
        yield Static(id="report-title", classes="pane-title")
        yield DataTable(id="report-visits", cursor_type="row", zebra_stripes=True)
        yield Static(id="report-topics")
        yield DataTable(id="report-groups", cursor_type="row", zebra_stripes=True)
        yield DataTable(id="report-sessions", cursor_type="row", zebra_stripes=True)
        yield Static(id="report-summary")
        yield Line("", id="status")
        yield KeyBar()

    def on_mount(self) -> None:
        self.retranslate()  # the column headers, before anything is read
        self.action_period("week")

    def retranslate(self) -> None:
        if self.report is not None:
            self.load()  # the report's names and labels come in the chosen language
            return
        for table in ("#report-visits", "#report-groups", "#report-sessions"):
            refill(self.query_one(table, DataTable), [], [])

    def load(self) -> None:
        """Read the shown period again (a sync brought marks from other devices)."""
        self.action_period(self.period)

    def action_period(self, kind: str) -> None:
        """Show the report for today, this week or this month."""
        staff, now = self.staff, self.kiosk.clock()
        if staff is None:
            self.set_status(tr("attendance.refused.role_required"), True)
            return
        start, end = period(kind, local_today(now))

        groups = self.kiosk.services.groups

        language = current_language()

        def read_report() -> Report:
            return groups.report(start, end, staff, now, language=language)

        def read(report: Report) -> None:
            self.report, self.period = report, kind
            self.set_status("")
            self.draw(report)

        self.read(read_report, read)

    def refusal_text(self, refusal: Refused) -> Words:
        if isinstance(refusal, ExportFailed):
            return tr("reports.export_failed", error=refusal.reason)
        if isinstance(refusal, AttendanceRefused):
            return tr(f"attendance.refused.{refusal.reason}")
        return super().refusal_text(refusal)

    def draw(self, report: Report) -> None:
        title = t(
            "reports.title",
            site=report.site_label,
            start=short_date(report.start),
            end=short_date(report.end),
        )
        self.query_one("#report-title", Static).update(title)
        # The screen is private (a staff member is logged in): groups by their titles.
        for table, key, keys in (
            ("#report-visits", "visits_offer", VISIT_KEYS),
            ("#report-groups", "attendance", GROUP_KEYS),
            ("#report-sessions", "attendance_sessions", SESSION_KEYS),
        ):
            refill(self.query_one(table, DataTable), *section_table(report, key, keys))
        self.query_one("#report-topics", Static).update(topics_text(report))
        self.query_one("#report-summary", Static).update(summary_text(report))

    def action_export(self, kind: str = "csv") -> None:
        """Save the shown report as CSV or XLSX (in a worker thread); the export is audited."""
        report, staff, now = self.report, self.staff, self.kiosk.clock()
        if report is None or staff is None:
            return
        name = f"rapport-{report.site_id}-{report.start:%Y%m%d}-{report.end:%Y%m%d}.{kind}"
        path, groups = self.export_dir / name, self.kiosk.services.groups

        def export() -> Path:
            try:
                return groups.export(report, kind, path, staff, now)
            except OSError as err:  # a full disk, no permission: said, not a traceback
                raise ExportFailed(f"{err.strerror or err}") from err

        self.request(export, lambda saved: self.set_status(tr("reports.exported", path=str(saved))))

    def action_back(self) -> None:
        """Back to the home screen."""
        self.kiosk.go_home()


SCREEN = ReportsScreen
