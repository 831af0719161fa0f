"""The roster of one group session: single-key marks, guests, held/cancel/close/reopen.

Writes run in ``asyncio.to_thread`` awaited by the action: the event loop stays free while
the screen handles keys strictly in order, so two quick marks can never be reordered. A reload
(after a sync) reads under the same lock as the writes, so it never shows a mark older than one
made here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Static

from kiosk.i18n import t
from kiosk.i18n.formats import clock as hhmm
from kiosk.screens.attendance_modals import GuestInput, GuestModal, ReasonModal
from kiosk.screens.base import KioskScreen
from kiosk.screens.roster_format import COLUMNS, roster_cells, roster_summary, status_text
from kiosk.screens.staff_context import FeatureContext
from kiosk.services.attendance import (
    AttendanceRefused,
    Roster,
    RosterEntry,
    after_mark,
    open_roster,
    session_counts,
)
from kiosk.services.attendance_marks import add_guest, mark_attendance, mark_unmarked_absent
from kiosk.services.session_state import (
    SessionState,
    cancel_session,
    close_session,
    mark_held,
    reopen_session,
)
from kiosk.widgets.keybar import KeyBar
from kiosk.widgets.table import refill


def _binding(key: str, action: str, label: str, *, show: bool = True) -> Binding:
    return Binding(key, action, label, show=show, tooltip=f"{label}.tooltip", id=f"roster.{action}")


class RosterScreen(KioskScreen):
    """Take attendance for one session, one key per participant; the cursor moves on."""

    NEEDS_LOGIN = True  # names and rosters: the app asks for a staff login first
    CSS_PATH = "roster.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        _binding("m", "mark_present", "attendance.mark.present"),
        _binding("f", "mark_absent", "attendance.mark.absent"),
        _binding("a", "mark_excused", "attendance.mark.excused"),
        _binding("s", "mark_late", "attendance.mark.late"),
        _binding("t", "mark_left_early", "attendance.mark.left_early"),
        _binding("r", "mark_rest_absent", "attendance.mark_rest"),
        _binding("g", "add_guest", "attendance.guest"),
        _binding("h", "held", "attendance.held", show=False),  # closing records "held" too
        _binding("x", "cancel_session", "attendance.cancel"),
        _binding("l", "close_session", "attendance.close"),
        _binding("o", "reopen_session", "attendance.reopen"),
        _binding("escape", "back", "attendance.back"),
    ]

    def __init__(self, session_id: str, context: FeatureContext | None = None) -> None:
        super().__init__()
        self.session_id = session_id
        self._feature = context
        self.roster: Roster | None = None
        #: Participants in the order of the table's rows (guests added here come last).
        self.entries: dict[str, RosterEntry] = {}
        self._busy = asyncio.Lock()  # one service call at a time: reads never pass writes

    @property
    def ctx(self) -> FeatureContext:
        # Read from the app each time: whoever is logged in *now* is the one acting.
        return self._feature or FeatureContext.of(self.app)

    def compose(self) -> ComposeResult:
        yield Static(id="roster-header")
        yield Static(id="roster-state")
        yield DataTable(id="roster-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="roster-summary")
        yield KeyBar()

    async def on_mount(self) -> None:
        self.draw_table()
        self.query_one(DataTable).focus()
        await self.read_roster()

    def load(self) -> None:
        """Read the roster again: marks or a state change from another device (by sync)."""
        self.run_worker(self.read_roster(), group="roster-load", exclusive=True)

    async def read_roster(self) -> None:
        """Read the roster and show it; rows keep their order and the cursor its participant."""
        roster = await self.call_service(open_roster, session_id=self.session_id)
        if roster is None:
            return
        self.roster = roster
        fresh = {e.citizen_id: e for e in roster.entries}
        order = [key for key in self.entries if key in fresh]
        order += [key for key in fresh if key not in self.entries]
        self.entries = {key: fresh[key] for key in order}
        self.draw_table()
        self.show_session()

    def retranslate(self) -> None:
        self.draw_table()
        self.show_session()

    def draw_table(self) -> None:
        columns = [(key, t(f"attendance.roster.col.{key}")) for key in COLUMNS]
        rows = [(key, roster_cells(entry)) for key, entry in self.entries.items()]
        refill(self.query_one(DataTable), columns, rows)

    async def call_service(self, service: Callable[..., Any], **kwargs: Any) -> Any:
        """Run a service as the logged-in member, off the event loop; a refusal is shown and
        gives None."""
        staff = self.ctx.staff
        if staff is None:
            self.refused(AttendanceRefused("role_required"))
            return None
        now = self.ctx.clock()
        try:
            async with self._busy:
                engine = self.ctx.engine
                return await asyncio.to_thread(service, engine, staff=staff, now=now, **kwargs)
        except AttendanceRefused as refused:
            self.refused(refused)
            return None

    def refused(self, refused: AttendanceRefused) -> None:
        self.notify(t(f"attendance.refused.{refused.reason}"), severity="warning", timeout=6)

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
        summary = roster_summary(list(self.entries.values()))
        self.query_one("#roster-summary", Static).update(summary)

    def apply_marks(self, marks: list[tuple[str, str]]) -> None:
        """Show the leader's new marks; every row whose figures change is redrawn."""
        fresh = self.entries
        for citizen_id, mark in marks:
            fresh = after_mark(fresh, citizen_id, mark)
        for key, entry in fresh.items():
            if entry != self.entries.get(key):
                self.update_entry(entry)

    def update_entry(self, entry: RosterEntry) -> None:
        self.entries[entry.citizen_id] = entry
        table: DataTable[Any] = self.query_one(DataTable)
        for key, value in zip(COLUMNS, roster_cells(entry), strict=True):
            table.update_cell(entry.citizen_id, key, value, update_width=True)

    def selected(self) -> RosterEntry | None:
        table: DataTable[Any] = self.query_one(DataTable)
        if not self.entries or table.cursor_row < 0:
            return None
        row_key, _ = table.coordinate_to_cell_key(Coordinate(table.cursor_row, 0))
        return self.entries.get(str(row_key.value))

    async def mark(self, mark: str) -> None:
        entry = self.selected()
        if entry is None:
            return
        row = self.query_one(DataTable).cursor_row
        fact = await self.call_service(
            mark_attendance, session_id=self.session_id, citizen_id=entry.citizen_id, mark=mark
        )
        if fact is None:
            return
        self.apply_marks([(entry.citizen_id, fact.mark)])
        self.query_one(DataTable).move_cursor(row=min(row + 1, len(self.entries) - 1))
        self.show_session()

    async def action_mark_present(self) -> None:
        """Mark the selected participant present and move on."""
        await self.mark("present")

    async def action_mark_absent(self) -> None:
        """Mark the selected participant absent and move on."""
        await self.mark("absent")

    async def action_mark_excused(self) -> None:
        """Mark the selected participant excused (afbud) and move on."""
        await self.mark("excused")

    async def action_mark_late(self) -> None:
        """Mark the selected participant late and move on."""
        await self.mark("late")

    async def action_mark_left_early(self) -> None:
        """Mark the selected participant as having left early and move on."""
        await self.mark("left_early")

    async def action_mark_rest_absent(self) -> None:
        """Mark everyone without a mark absent."""
        made = await self.call_service(mark_unmarked_absent, session_id=self.session_id)
        if made is None:
            return
        self.apply_marks([(fact.citizen_id, fact.mark) for fact in made.marked])
        self.show_session()
        done = t("attendance.mark_rest.done", count=len(made.marked))
        if made.skipped_arrived:
            done += " · " + t("attendance.mark_rest.skipped", count=len(made.skipped_arrived))
        self.notify(done)

    def action_add_guest(self) -> None:
        """Add a guest who is not enrolled (a provisional citizen)."""
        if self.roster is not None and not self.refuse_if_locked():
            return
        self.app.push_screen(GuestModal(self.ctx.clock), self.guest_entered)

    async def guest_entered(self, guest: GuestInput | None) -> None:
        if guest is None:
            return
        added = await self.call_service(
            add_guest,
            session_id=self.session_id,
            display_name=guest.display_name,
            birth_year=guest.birth_year,
        )
        if added is None:
            return
        entry = RosterEntry(
            added.citizen_id, added.display_name, added.birth_year, True, True,
            added.mark.mark, False, 0, 0, True,
        )  # fmt: skip
        self.entries[entry.citizen_id] = entry
        table: DataTable[Any] = self.query_one(DataTable)
        table.add_row(*roster_cells(entry), key=entry.citizen_id)
        table.move_cursor(row=table.get_row_index(entry.citizen_id))
        self.apply_marks([(entry.citizen_id, added.mark.mark)])
        self.show_session()
        self.notify(t("attendance.guest.added", name=added.display_name))

    async def change_state(self, change: Callable[..., SessionState], **kwargs: object) -> None:
        state = await self.call_service(change, session_id=self.session_id, **kwargs)
        if state is None or self.roster is None:
            return
        session = replace(
            self.roster.session,
            status=state.status,
            status_reason=state.status_reason,
            closed=state.closed,
        )
        self.roster = replace(self.roster, session=session)
        counts = session_counts(state.status, state.closed, self.entries.values())
        for entry in list(self.entries.values()):
            if entry.counts_this_session != counts:
                self.update_entry(replace(entry, counts_this_session=counts))
        self.show_session()
        words = status_text(state.status, state.status_reason, state.closed)
        self.notify(t("attendance.state_changed", status=words))

    async def action_held(self) -> None:
        """Record that the session took place."""
        await self.change_state(mark_held)

    def refuse_if_locked(self) -> bool:
        """False (after saying why) when the session is closed or cancelled."""
        assert self.roster is not None
        session = self.roster.session
        if session.closed or session.status == "cancelled":
            reason = "session_closed" if session.closed else "session_cancelled"
            self.refused(AttendanceRefused(reason))
            return False
        return True

    def action_cancel_session(self) -> None:
        """Cancel the session, giving a reason."""
        if self.roster is not None and self.roster.session.closed:
            self.refused(AttendanceRefused("session_closed"))
            return
        self.app.push_screen(ReasonModal("attendance.cancel.title"), self.cancel_reason)

    async def cancel_reason(self, reason: str | None) -> None:
        if reason is not None:
            await self.change_state(cancel_session, reason=reason)

    async def action_close_session(self) -> None:
        """Close the session: its marks are locked until a group leader reopens it."""
        await self.change_state(close_session)

    def action_reopen_session(self) -> None:
        """Reopen a closed session (group leader, with a reason)."""
        staff = self.ctx.staff
        if staff is None or not staff.has("group_leader"):
            self.refused(AttendanceRefused("role_required"))
            return
        if self.roster is not None and not self.roster.session.closed:
            self.refused(AttendanceRefused("not_closed"))
            return
        self.app.push_screen(ReasonModal("attendance.reopen.title"), self.reopen_reason)

    async def reopen_reason(self, reason: str | None) -> None:
        if reason is not None:
            await self.change_state(reopen_session, reason=reason)

    def action_back(self) -> None:
        """Back to today's sessions."""
        self.dismiss(None)
