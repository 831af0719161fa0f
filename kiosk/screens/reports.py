"""The site report for group leaders and admins: rates per group and session, CSV export."""

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

from kiosk.i18n import t
from kiosk.i18n.formats import clock as hhmm
from kiosk.i18n.formats import short_date
from kiosk.screens.base import KioskScreen
from kiosk.screens.roster_format import status_text
from kiosk.screens.staff_context import FeatureContext
from kiosk.services.attendance import AttendanceRefused
from kiosk.services.site_report import GroupRow, SessionRow, SiteReport, site_report
from kiosk.services.site_report_csv import export_report_csv
from kiosk.widgets.keybar import KeyBar
from kiosk.widgets.table import refill
from models.timeutil import local_today

if TYPE_CHECKING:
    from kiosk.app import KioskApp


GROUP_COLUMNS = ("group", "sessions", "cancelled", "enrolled", "attended", "absent", "excused",
                 "guests", "rate")  # fmt: skip
SESSION_COLUMNS = ("date", "group", "status", "enrolled", "attended", "absent", "excused",
                   "guests", "rate")  # fmt: skip


def columns(keys: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(key, t(f"reports.col.{key}")) for key in keys]


def _pct(rate: float | None) -> str:
    return "" if rate is None else f"{rate * 100:.0f} %"


def _counts(row: GroupRow | SessionRow) -> list[str]:
    return [str(row.attended), str(row.absent), str(row.excused), str(row.guests)]


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
        self.report: SiteReport | None = None
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
        yield DataTable(id="report-groups", cursor_type="row", zebra_stripes=True)
        yield DataTable(id="report-sessions", cursor_type="row", zebra_stripes=True)
        yield Static(id="report-summary")
        yield KeyBar()

    async def on_mount(self) -> None:
        self.retranslate()  # the column headers, before anything is read
        await self.action_period("week")

    def retranslate(self) -> None:
        if self.report is not None:
            self.draw(self.report)
            return
        refill(self.query_one("#report-groups", DataTable), columns(GROUP_COLUMNS), [])
        refill(self.query_one("#report-sessions", DataTable), columns(SESSION_COLUMNS), [])

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
                site_report, self.ctx.engine, start=start, end=end, staff=staff, now=now
            )
        except AttendanceRefused as refused:
            self.notify(t(f"attendance.refused.{refused.reason}"), severity="warning")
            return
        self.report, self.period = report, kind
        self.draw(report)

    def draw(self, report: SiteReport) -> None:
        title = t(
            "reports.title",
            site=report.site_id,
            start=short_date(report.start),
            end=short_date(report.end),
        )
        self.query_one("#report-title", Static).update(title)
        # The screen is private (a staff member is logged in): groups by their titles.
        names = {g.group_id: g.title for g in report.groups}
        groups = [
            (g.group_id, [g.title, str(g.sessions), str(g.cancelled), str(g.enrolled_slots),
                          *_counts(g), _pct(g.rate)])
            for g in report.groups
        ]  # fmt: skip
        refill(self.query_one("#report-groups", DataTable), columns(GROUP_COLUMNS), groups)
        sessions = [
            (s.session_id, [f"{short_date(s.day)} {hhmm(s.starts_at)}", names[s.group_id],
                            status_text(s.status, "", s.closed), str(s.enrolled), *_counts(s),
                            _pct(s.rate)])
            for s in report.sessions
        ]  # fmt: skip
        refill(self.query_one("#report-sessions", DataTable), columns(SESSION_COLUMNS), sessions)
        c = report.courses
        median = "–" if c.median_weeks is None else f"{c.median_weeks:.1f}".replace(".", ",")
        summary = t(
            "reports.summary",
            appointments=report.appointments,
            no_shows=report.appointment_no_shows,
            running=c.running,
            ended=c.ended,
            median=median,
            over=c.over_planned,
        )
        self.query_one("#report-summary", Static).update(summary)

    def action_export(self) -> None:
        """Save the shown report as CSV (in a worker thread); the export is audited."""
        if self.report is not None and self.ctx.staff is not None:
            self.export(self.report)

    @work(thread=True, exclusive=True, group="report-export")
    def export(self, report: SiteReport) -> None:
        staff = self.ctx.staff
        assert staff is not None
        name = f"fremmoede-{report.site_id}-{report.start:%Y%m%d}-{report.end:%Y%m%d}.csv"
        try:
            path = export_report_csv(
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
