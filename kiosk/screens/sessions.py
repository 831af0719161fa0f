"""Today's group sessions at this site, the logged-in leader's own first."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from kiosk.i18n import t, tr
from kiosk.i18n.formats import clock as hhmm
from kiosk.i18n.formats import long_date
from kiosk.screens.base import KioskScreen
from kiosk.screens.group_trend import open_group_trend
from kiosk.screens.roster import RosterScreen
from kiosk.screens.roster_format import status_text
from kiosk.services.attendance import SessionSummary
from kiosk.services.refusals import Refused
from kiosk.widgets.keybar import KeyBar
from kiosk.widgets.line import Line
from kiosk.widgets.table import refill
from kiosk.widgets.words import Words
from models.timeutil import local_today

COLUMNS = ("time", "group", "place", "status", "count")


class SessionsScreen(KioskScreen):
    """Pick a session (Enter) to take attendance."""

    NEEDS_LOGIN = True  # names and rosters: the app asks for a staff login first
    CSS_PATH = "sessions.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "open_roster",
            "attendance.open",
            tooltip="attendance.open.tooltip",
            id="sessions.open",
        ),
        Binding(
            "f5",
            "refresh",
            "attendance.refresh",
            tooltip="attendance.refresh.tooltip",
            id="sessions.refresh",
        ),
        Binding(
            "u",
            "group_trend",
            "fit.trend.open",
            tooltip="fit.trend.open.tooltip",
            id="sessions.group_trend",
            show=False,
        ),  # fmt: skip
        Binding(
            "escape",
            "back",
            "attendance.back",
            tooltip="attendance.back.tooltip",
            id="sessions.back",
        ),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sessions: list[SessionSummary] = []

    def compose(self) -> ComposeResult:
        yield Static(id="sessions-title")
        yield DataTable(id="sessions-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="sessions-empty")
        yield Line("", id="status")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.load()

    def on_screen_resume(self) -> None:
        if self.sessions:
            self.load()  # the roster may have marked or closed a session

    def action_refresh(self) -> None:
        """Read today's sessions again."""
        self.load()

    def load(self) -> None:
        """Read today's sessions (again: a sync brought marks or a cancellation)."""
        staff, now = self.staff, self.kiosk.clock()
        self.read(lambda: self.kiosk.services.groups.sessions(staff, now), self._read)

    def _read(self, sessions: list[SessionSummary]) -> None:
        self.sessions = sessions
        self.draw()

    def refusal_text(self, refusal: Refused) -> Words:
        return tr(f"attendance.refused.{refusal.reason}")

    def retranslate(self) -> None:
        self.draw()

    def draw(self) -> None:
        """Title, table and hint in the current language; the cursor stays on its session."""
        now = self.kiosk.clock()
        title = f"{t('attendance.sessions.title')} · {long_date(local_today(now))}"
        self.query_one("#sessions-title", Static).update(title)
        columns = [(key, t(f"attendance.sessions.col.{key}")) for key in COLUMNS]
        rows = [(s.id, self.cells(s)) for s in self.sessions]
        refill(self.query_one(DataTable), columns, rows)
        empty = "" if self.sessions else t("attendance.sessions.empty")
        self.query_one("#sessions-empty", Static).update(empty)

    def cells(self, s: SessionSummary) -> list[str]:
        # Titles of sensitive groups only while someone is logged in (SPEC §6).
        title = s.shown_title(private=self.staff is not None)
        if s.own:
            title = f"{title} ({t('attendance.sessions.own')})"
        return [
            f"{hhmm(s.starts_at)}–{hhmm(s.ends_at)}",
            title,
            s.location,
            status_text(s.status, s.status_reason, s.closed),
            t("attendance.sessions.count", attended=s.attended, participants=s.participants),
        ]

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_roster()

    def action_open_roster(self) -> None:
        """Open the roster of the selected session."""
        table: DataTable[Any] = self.query_one(DataTable)
        if not self.sessions or table.cursor_row < 0:
            return
        session = self.sessions[table.cursor_row]
        self.app.push_screen(RosterScreen(session.id))

    def action_group_trend(self) -> None:
        """The FIT ratings of the selected session's group, per session (its leader only)."""
        table: DataTable[Any] = self.query_one(DataTable)
        if self.sessions and table.cursor_row >= 0:
            open_group_trend(self, self.sessions[table.cursor_row].group_id)

    def action_back(self) -> None:
        """Back to the home screen."""
        self.kiosk.go_home()


SCREEN = SessionsScreen
