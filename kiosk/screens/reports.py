"""The site report for group leaders and admins: visits per offer, anonymous contacts by topic,
attendance rates per group and session; CSV and XLSX export."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, cast

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Static

from kiosk.i18n import current_language, t
from kiosk.i18n.formats import short_date
from kiosk.screens.base import KioskScreen
from kiosk.screens.staff_context import FeatureContext
from kiosk.services.attendance import AttendanceRefused
from kiosk.services.site_report import site_report
from kiosk.services.site_report_csv import export_report_csv
from kiosk.widgets.keybar import KeyBar
from kiosk.widgets.table import refill
from models.figures.render import format_cell, section_cells
from models.figures.report import Report
from models.timeutil import local_today

if TYPE_CHECKING:
    from kiosk.app import KioskApp


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

    @dataclass
    class Exported(Message):
        path: Path | None
        error: str = ""

    def __init__(self, context: FeatureContext | None = None, export_dir: Path | None = None):
        super().__init__()
        self._feature = context
        self._export_dir = export_dir
        self.report: Report | None = None
        self.period = "week"

    @property
    def ctx(self) -> FeatureContext:
        return self._feature or FeatureContext.of(self.app)

    @property
    def export_dir(self) -> Path:
        if self._export_dir is not None:
            return self._export_dir
        return cast("KioskApp", self.app).services.settings.home / "exports"

    def compose(self) -> ComposeResult:
        yield Static(id="report-title", classes="pane-title")
        yield DataTable(id="report-visits", cursor_type="row", zebra_stripes=True)
        yield Static(id="report-topics")
        yield DataTable(id="report-groups", cursor_type="row", zebra_stripes=True)
        yield DataTable(id="report-sessions", cursor_type="row", zebra_stripes=True)
        yield Static(id="report-summary")
        yield KeyBar()

    async def on_mount(self) -> None:
        self.retranslate()  # the column headers, before anything is read
        await self.action_period("week")

    def retranslate(self) -> None:
        if self.report is not None:
            self.load()  # the report's names and labels come in the chosen language
            return
        for table in ("#report-visits", "#report-groups", "#report-sessions"):
            refill(self.query_one(table, DataTable), [], [])

    def load(self) -> None:
        """Read the shown period again (a sync brought marks from other devices)."""
        self.run_worker(self.action_period(self.period), group="report-load", exclusive=True)

    async def action_period(self, kind: str) -> None:
        """Show the report for today, this week or this month."""
        staff, now = self.ctx.staff, self.ctx.clock()
        if staff is None:
            self.notify(t("attendance.refused.role_required"), severity="warning")
            return
        start, end = period(kind, local_today(now))
        try:
            report = await asyncio.to_thread(
                site_report, self.ctx.engine, start=start, end=end, staff=staff, now=now,
                language="en" if current_language() == "en" else "da",
            )  # fmt: skip
        except AttendanceRefused as refused:
            self.notify(t(f"attendance.refused.{refused.reason}"), severity="warning")
            return
        self.report, self.period = report, kind
        self.draw(report)

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
        if self.report is not None and self.ctx.staff is not None:
            self.export(self.report, kind)

    @work(thread=True, exclusive=True, group="report-export")
    def export(self, report: Report, kind: str) -> None:
        staff = self.ctx.staff
        assert staff is not None
        name = f"rapport-{report.site_id}-{report.start:%Y%m%d}-{report.end:%Y%m%d}.{kind}"
        if kind == "xlsx":
            from kiosk.services.site_report_xlsx import export_report_xlsx as write
        else:
            write = export_report_csv
        try:
            path = write(
                self.ctx.engine, report, self.export_dir / name, staff=staff, now=self.ctx.clock()
            )
        except (AttendanceRefused, OSError) as err:
            self.post_message(self.Exported(None, str(err)))
            return
        self.post_message(self.Exported(path))

    @on(Exported)
    def _exported(self, message: Exported) -> None:
        if message.path is None:
            self.notify(t("reports.export_failed", error=message.error), severity="error")
        else:
            self.notify(t("reports.exported", path=str(message.path)), timeout=8)

    def action_back(self) -> None:
        """Back to the home screen."""
        self.dismiss(None)


SCREEN = ReportsScreen
