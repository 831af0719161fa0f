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
from kiosk.i18n.formats import clock as hhmm
from kiosk.i18n.formats import short_date
from kiosk.screens.base import KioskScreen
from kiosk.screens.roster_format import status_text
from kiosk.services.attendance import AttendanceRefused
from kiosk.services.refusals import Refused
from kiosk.services.site_report import GroupRow, SessionRow, SiteReport
from kiosk.services.site_visits import Visits
from kiosk.widgets.keybar import KeyBar
from kiosk.widgets.line import Line
from kiosk.widgets.table import refill
from kiosk.widgets.words import Words
from models.timeutil import local_today

GROUP_COLUMNS = ("group", "sessions", "cancelled", "enrolled", "attended", "absent", "excused",
                 "guests", "rate")  # fmt: skip
VISIT_COLUMNS = ("offer", "check_ins", "citizens", "anonymous")
SESSION_COLUMNS = ("date", "group", "status", "enrolled", "attended", "absent", "excused",
                   "guests", "rate")  # fmt: skip


class ExportFailed(Refused):
    """The report could not be saved (a full disk, no permission); ``reason`` says why."""


def columns(keys: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(key, t(f"reports.col.{key}")) for key in keys]


def weeks_text(weeks: float | None, english: bool) -> str:
    """``8,9`` in Danish, ``8.9`` in English, a dash for none."""
    if weeks is None:
        return "–"
    text = f"{weeks:.1f}"
    return text if english else text.replace(".", ",")


def _pct(rate: float | None) -> str:
    return "" if rate is None else f"{rate * 100:.0f} %"


def _counts(row: GroupRow | SessionRow) -> list[str]:
    return [str(row.attended), str(row.absent), str(row.excused), str(row.guests)]


def visit_rows(visits: Visits, english: bool) -> list[tuple[str, list[str]]]:
    """One row per offer with visits, then the totals."""
    rows = [
        (o.offer_id, [o.name_en if english else o.name_da, str(o.check_ins), str(o.citizens),
                      str(o.anonymous)])
        for o in visits.offers
    ]  # fmt: skip
    total = [t("reports.total"), str(visits.check_ins), str(visits.citizens), str(visits.anonymous)]
    return [*rows, ("total", total)]


def topics_text(visits: Visits, english: bool) -> str:
    """ "Bolig 2 · Økonomi 1" (anonymous contacts per topic), or a dash."""
    parts = [f"{x.name_en if english else x.name_da} {x.contacts}" for x in visits.topics]
    return t("reports.topics", topics=" · ".join(parts) or "–")


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
        self.report: SiteReport | None = None
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
            self.draw(self.report)
            return
        refill(self.query_one("#report-visits", DataTable), columns(VISIT_COLUMNS), [])
        refill(self.query_one("#report-groups", DataTable), columns(GROUP_COLUMNS), [])
        refill(self.query_one("#report-sessions", DataTable), columns(SESSION_COLUMNS), [])

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

        def read_report() -> tuple[SiteReport, str]:
            report = groups.report(start, end, staff, now)
            return report, groups.site_name(report.site_id)

        def read(found: tuple[SiteReport, str]) -> None:
            (report, self.site_name), self.period = found, kind
            self.report = report
            self.set_status("")
            self.draw(report)

        self.read(read_report, read)

    def refusal_text(self, refusal: Refused) -> Words:
        if isinstance(refusal, ExportFailed):
            return tr("reports.export_failed", error=refusal.reason)
        if isinstance(refusal, AttendanceRefused):
            return tr(f"attendance.refused.{refusal.reason}")
        return super().refusal_text(refusal)

    def draw(self, report: SiteReport) -> None:
        title = t(
            "reports.title",
            site=self.site_name or report.site_id,
            start=short_date(report.start),
            end=short_date(report.end),
        )
        self.query_one("#report-title", Static).update(title)
        english = current_language() == "en"
        visits = visit_rows(report.visits, english)
        refill(self.query_one("#report-visits", DataTable), columns(VISIT_COLUMNS), visits)
        self.query_one("#report-topics", Static).update(topics_text(report.visits, english))
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
        median = weeks_text(c.median_weeks, english)
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
