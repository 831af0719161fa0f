"""The roster of one group session: single-key marks, guests, held/cancel/close/reopen."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from kiosk.i18n import t
from kiosk.i18n.formats import clock as hhmm
from kiosk.screens.attendance_modals import GuestInput, GuestModal, ReasonModal
from kiosk.services.attendance import AttendanceRefused, Roster, RosterEntry, open_roster
from kiosk.services.attendance_marks import add_guest, mark_attendance, mark_unmarked_absent
from kiosk.services.session_state import (
    SessionState,
    cancel_session,
    close_session,
    mark_held,
    reopen_session,
)
from kiosk.services.staff import StaffMember

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

MARK_STYLES = {
    "present": "bold green",
    "late": "yellow",
    "left_early": "yellow",
    "excused": "cyan",
    "absent": "bold red",
}
COLUMNS = ("name", "born", "mark", "desk", "so_far")


def _binding(key: str, action: str, label: str, *, show: bool = True) -> Binding:
    return Binding(
        key, action, t(label), show=show, tooltip=t(f"{label}.tooltip"), id=f"roster.{action}"
    )


def status_text(status: str, reason: str, closed: bool) -> str:
    """The session's state in words: "afholdt · lukket", "aflyst: Leder syg"."""
    if status == "cancelled" and reason:
        words = t("attendance.status.cancelled_reason", reason=reason)
    else:
        words = t(f"attendance.status.{status}")
    return f"{words} · {t('attendance.status.closed')}" if closed else words


class RosterScreen(Screen[None]):
    """Take attendance for one session, one key per participant; the cursor moves on."""

    CSS_PATH = "roster.tcss"
    BINDINGS = [
        _binding("m", "mark_present", "attendance.mark.present"),
        _binding("f", "mark_absent", "attendance.mark.absent"),
        _binding("a", "mark_excused", "attendance.mark.excused"),
        _binding("s", "mark_late", "attendance.mark.late"),
        _binding("t", "mark_left_early", "attendance.mark.left_early"),
        _binding("r", "mark_rest_absent", "attendance.mark_rest"),
        _binding("g", "add_guest", "attendance.guest"),
        _binding("h", "held", "attendance.held", show=False),  # closing records it held too
        _binding("x", "cancel_session", "attendance.cancel"),
        _binding("l", "close_session", "attendance.close"),
        _binding("o", "reopen_session", "attendance.reopen"),
        _binding("escape", "back", "attendance.back"),
    ]

    def __init__(
        self,
        *,
        engine: Engine,
        session_id: str,
        staff: StaffMember,
        clock: Callable[[], datetime],
    ) -> None:
        super().__init__()
        self.engine, self.session_id, self.staff, self.clock = engine, session_id, staff, clock
        self.roster: Roster | None = None
        self.entries: dict[str, RosterEntry] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="roster-header")
        yield Static(id="roster-state")
        table: DataTable[Any] = DataTable(id="roster-table", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static(id="roster-summary")
        yield Footer(compact=True)

    async def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key in COLUMNS:
            table.add_column(t(f"attendance.roster.col.{key}"), key=key)
        await self.load()

    async def load(self) -> None:
        try:
            roster = await asyncio.to_thread(
                open_roster,
                self.engine,
                session_id=self.session_id,
                staff=self.staff,
                now=self.clock(),
            )
        except AttendanceRefused as refused:
            self.refused(refused)
            return
        self.roster = roster
        self.entries = {e.citizen_id: e for e in roster.entries}
        table = self.query_one(DataTable)
        table.clear()
        for entry in roster.entries:
            table.add_row(*self.cells(entry), key=entry.citizen_id)
        self.show_session()
        table.focus()

    def cells(self, entry: RosterEntry) -> list[str | Text]:
        name = entry.display_name
        if entry.guest:
            name = f"{name} ({t('attendance.roster.guest')})"
        mark = (
            Text(t(f"attendance.mark.{entry.mark}"), style=MARK_STYLES[entry.mark])
            if entry.mark
            else Text(t("attendance.roster.unmarked"), style="dim")
        )
        return [
            name,
            str(entry.birth_year or ""),
            mark,
            t("attendance.roster.checked_in") if entry.checked_in else "",
            t("attendance.roster.so_far", attended=entry.attended, counted=entry.counted),
        ]

    def show_session(self) -> None:
        if self.roster is None:
            return
        s = self.roster.session
        header = t(
            "attendance.roster.header",
            title=s.shown_title(private=True),
            start=hhmm(s.starts_at),
            end=hhmm(s.ends_at),
        )
        if s.location:
            header = f"{header} · {s.location}"
        self.query_one("#roster-header", Static).update(header)
        state = status_text(s.status, s.status_reason, s.closed)
        self.query_one("#roster-state", Static).update(t("attendance.roster.state", status=state))
        self.set_class(s.closed or s.status == "cancelled", "locked")
        entries = self.entries.values()
        summary = t(
            "attendance.roster.summary",
            marked=sum(1 for e in entries if e.mark),
            total=len(self.entries),
            attended=sum(1 for e in entries if e.mark in ("present", "late", "left_early")),
        )
        if not self.entries:
            summary = t("attendance.roster.empty")
        self.query_one("#roster-summary", Static).update(summary)

    def refused(self, refused: AttendanceRefused) -> None:
        self.notify(t(f"attendance.refused.{refused.reason}"), severity="warning", timeout=6)

    def update_entry(self, entry: RosterEntry) -> None:
        self.entries[entry.citizen_id] = entry
        table = self.query_one(DataTable)
        for key, value in zip(COLUMNS, self.cells(entry), strict=True):
            table.update_cell(entry.citizen_id, key, value)

    def selected(self) -> RosterEntry | None:
        table = self.query_one(DataTable)
        if not self.entries or table.cursor_row < 0:
            return None
        row_key, _ = table.coordinate_to_cell_key((table.cursor_row, 0))
        return self.entries.get(str(row_key.value))

    async def mark(self, mark: str) -> None:
        entry = self.selected()
        if entry is None:
            return
        row = self.query_one(DataTable).cursor_row
        try:
            fact = await asyncio.to_thread(
                mark_attendance,
                self.engine,
                session_id=self.session_id,
                citizen_id=entry.citizen_id,
                mark=mark,
                staff=self.staff,
                now=self.clock(),
            )
        except AttendanceRefused as refused:
            self.refused(refused)
            return
        self.update_entry(replace(self.entries[entry.citizen_id], mark=fact.mark))
        self.query_one(DataTable).move_cursor(row=min(row + 1, len(self.entries) - 1))
        self.show_session()

    async def action_mark_present(self) -> None:
        await self.mark("present")

    async def action_mark_absent(self) -> None:
        await self.mark("absent")

    async def action_mark_excused(self) -> None:
        await self.mark("excused")

    async def action_mark_late(self) -> None:
        await self.mark("late")

    async def action_mark_left_early(self) -> None:
        await self.mark("left_early")

    async def action_mark_rest_absent(self) -> None:
        try:
            made = await asyncio.to_thread(
                mark_unmarked_absent,
                self.engine,
                session_id=self.session_id,
                staff=self.staff,
                now=self.clock(),
            )
        except AttendanceRefused as refused:
            self.refused(refused)
            return
        for fact in made:
            self.update_entry(replace(self.entries[fact.citizen_id], mark=fact.mark))
        self.show_session()
        self.notify(t("attendance.mark_rest.done", count=len(made)))

    def action_add_guest(self) -> None:
        self.app.push_screen(GuestModal(self.clock), self.guest_entered)

    async def guest_entered(self, guest: GuestInput | None) -> None:
        if guest is None:
            return
        try:
            added = await asyncio.to_thread(
                add_guest,
                self.engine,
                session_id=self.session_id,
                display_name=guest.display_name,
                birth_year=guest.birth_year,
                staff=self.staff,
                now=self.clock(),
            )
        except AttendanceRefused as refused:
            self.refused(refused)
            return
        entry = RosterEntry(
            added.citizen_id,
            added.display_name,
            added.birth_year,
            True,
            True,
            added.mark.mark,
            False,
            0,
            0,
            True,
        )
        self.entries[entry.citizen_id] = entry
        table = self.query_one(DataTable)
        table.add_row(*self.cells(entry), key=entry.citizen_id)
        table.move_cursor(row=table.get_row_index(entry.citizen_id))
        self.show_session()
        self.notify(t("attendance.guest.added", name=added.display_name))

    async def change_state(self, change: Callable[..., SessionState], **kwargs: object) -> None:
        try:
            state = await asyncio.to_thread(
                change,
                self.engine,
                session_id=self.session_id,
                staff=self.staff,
                now=self.clock(),
                **kwargs,
            )
        except AttendanceRefused as refused:
            self.refused(refused)
            return
        if self.roster is not None:
            session = replace(
                self.roster.session,
                status=state.status,
                status_reason=state.status_reason,
                closed=state.closed,
            )
            self.roster = replace(self.roster, session=session)
            counts = state.status != "cancelled"
            for entry in list(self.entries.values()):
                if entry.counts_this_session != counts:
                    self.update_entry(replace(entry, counts_this_session=counts))
        self.show_session()
        words = status_text(state.status, state.status_reason, state.closed)
        self.notify(t("attendance.state_changed", status=words))

    async def action_held(self) -> None:
        await self.change_state(mark_held)

    def action_cancel_session(self) -> None:
        if self.roster is not None and self.roster.session.closed:
            self.refused(AttendanceRefused("session_closed"))
            return
        self.app.push_screen(ReasonModal(t("attendance.cancel.title")), self.cancel_reason)

    async def cancel_reason(self, reason: str | None) -> None:
        if reason is not None:
            await self.change_state(cancel_session, reason=reason)

    async def action_close_session(self) -> None:
        await self.change_state(close_session)

    def action_reopen_session(self) -> None:
        if not self.staff.has("group_leader"):
            self.refused(AttendanceRefused("role_required"))
            return
        if self.roster is not None and not self.roster.session.closed:
            self.refused(AttendanceRefused("not_closed"))
            return
        self.app.push_screen(ReasonModal(t("attendance.reopen.title")), self.reopen_reason)

    async def reopen_reason(self, reason: str | None) -> None:
        if reason is not None:
            await self.change_state(reopen_session, reason=reason)

    def action_back(self) -> None:
        self.dismiss(None)
