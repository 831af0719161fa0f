"""Today's group sessions at this site, the logged-in leader's own first."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from kiosk.i18n import t
from kiosk.i18n.formats import clock as hhmm
from kiosk.i18n.formats import long_date
from kiosk.screens.roster import RosterScreen, status_text
from kiosk.services.attendance import SessionSummary, todays_sessions
from kiosk.services.staff import StaffMember
from models.timeutil import local_today

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine


class SessionsScreen(Screen[None]):
    """Pick a session (Enter) to take attendance."""

    CSS_PATH = "sessions.tcss"
    BINDINGS = [
        Binding(
            "enter",
            "open",
            t("attendance.open"),
            tooltip=t("attendance.open.tooltip"),
            id="sessions.open",
        ),
        Binding(
            "f5",
            "refresh",
            t("attendance.refresh"),
            tooltip=t("attendance.refresh.tooltip"),
            id="sessions.refresh",
        ),
        Binding(
            "escape",
            "back",
            t("attendance.back"),
            tooltip=t("attendance.back.tooltip"),
            id="sessions.back",
        ),
    ]

    def __init__(
        self, *, engine: Engine, staff: StaffMember, clock: Callable[[], datetime]
    ) -> None:
        super().__init__()
        self.engine, self.staff, self.clock = engine, staff, clock
        self.sessions: list[SessionSummary] = []

    def compose(self) -> ComposeResult:
        yield Static(id="sessions-title")
        yield DataTable(id="sessions-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="sessions-empty")
        yield Footer(compact=True)

    async def on_mount(self) -> None:
        table: DataTable[Any] = self.query_one(DataTable)
        for key in ("time", "group", "place", "status", "count"):
            table.add_column(t(f"attendance.sessions.col.{key}"), key=key)
        await self.action_refresh()

    async def on_screen_resume(self) -> None:
        if self.is_mounted and self.sessions:
            await self.action_refresh()

    async def action_refresh(self) -> None:
        now = self.clock()
        self.sessions = await asyncio.to_thread(
            todays_sessions, self.engine, now=now, staff=self.staff
        )
        title = f"{t('attendance.sessions.title')} · {long_date(local_today(now))}"
        self.query_one("#sessions-title", Static).update(title)
        table: DataTable[Any] = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        for s in self.sessions:
            table.add_row(*self.cells(s), key=s.id)
        if self.sessions:
            table.move_cursor(row=max(0, min(cursor, len(self.sessions) - 1)))
        empty = "" if self.sessions else t("attendance.sessions.empty")
        self.query_one("#sessions-empty", Static).update(empty)
        table.focus()

    @staticmethod
    def cells(s: SessionSummary) -> list[str]:
        title = s.shown_title(private=True)
        if s.own:
            title = f"{title} ({t('attendance.sessions.own')})"
        return [
            f"{hhmm(s.starts_at)}–{hhmm(s.ends_at)}",
            title,
            s.location,
            status_text(s.status, s.status_reason, s.closed),
            t("attendance.sessions.count", marked=s.marked, enrolled=s.enrolled),
        ]

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        table: DataTable[Any] = self.query_one(DataTable)
        if not self.sessions or table.cursor_row < 0:
            return
        session = self.sessions[table.cursor_row]
        self.app.push_screen(
            RosterScreen(
                engine=self.engine, session_id=session.id, staff=self.staff, clock=self.clock
            )
        )

    def action_back(self) -> None:
        self.dismiss(None)
