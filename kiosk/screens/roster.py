"""The roster of one group session: single-key marks, guests, held/cancel/close/reopen.

Every call goes through the screen's ``request``/``read``: they run in worker threads one at
a time in the order the keys were pressed, so two quick marks can never be reordered, and a
reload (after a sync) never shows a mark older than one made here. The cursor moves on at
once, so the next key marks the next participant even before the first answer is back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Static

from kiosk.i18n import t, tr
from kiosk.i18n.formats import clock as hhmm
from kiosk.screens.attendance_modals import GuestInput, GuestModal, ReasonModal
from kiosk.screens.base import KioskScreen
from kiosk.screens.roster_fit import RosterFit
from kiosk.screens.roster_format import COLUMNS, roster_cells, roster_summary, status_text
from kiosk.services.attendance import (
    AttendanceRefused,
    Roster,
    RosterEntry,
    after_mark,
    session_counts,
)
from kiosk.services.refusals import Refused
from kiosk.services.session_state import SessionState
from kiosk.widgets.keybar import KeyBar
from kiosk.widgets.line import Line
from kiosk.widgets.table import refill
from kiosk.widgets.words import Words
from models.events import ATTENDED_MARKS

#: Marks that count as having attended: a session with any of them was held.
ATTENDED = frozenset(m.value for m in ATTENDED_MARKS)


def _binding(key: str, action: str, label: str, *, show: bool = True) -> Binding:
    return Binding(key, action, label, show=show, tooltip=f"{label}.tooltip", id=f"roster.{action}")


class RosterScreen(RosterFit, KioskScreen):
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
        _binding("h", "held", "attendance.held"),
        _binding("x", "cancel_session", "attendance.cancel"),
        _binding("l", "close_session", "attendance.close"),
        _binding("o", "reopen_session", "attendance.reopen"),
        _binding("v", "session_rating", "fit.roster.rate"),  # shown once it can be used
        _binding("u", "group_trend", "fit.trend.open", show=False),
        _binding("ctrl+f", "toggle_fit", "fit.toggle", show=False),
        _binding("escape", "back", "attendance.back"),
    ]

    def __init__(self, session_id: str) -> None:
        super().__init__()
        self.session_id = session_id
        self.roster: Roster | None = None
        #: Participants in the order of the table's rows (guests added here come last).
        self.entries: dict[str, RosterEntry] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="roster-header")
        yield Static(id="roster-state")
        yield DataTable(id="roster-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="roster-summary")
        yield Line("", id="status")
        yield KeyBar()

    def on_mount(self) -> None:
        self.draw_table()
        self.query_one(DataTable).focus()
        self.load()

    def load(self) -> None:
        """Read the roster (again: marks or a state change from another device, by sync)."""
        self.call_service(self.kiosk.services.groups.roster, self.show_roster, self.session_id,
                          read=True)  # fmt: skip

    def show_roster(self, roster: Roster) -> None:
        """Show the roster; rows keep their order and the cursor its participant."""
        self.roster = roster
        fresh = {e.citizen_id: e for e in roster.entries}
        order = [key for key in self.entries if key in fresh]
        order += [key for key in fresh if key not in self.entries]
        self.entries = {key: fresh[key] for key in order}
        self.draw_table()
        self.show_session()
        self.load_fit()

    def retranslate(self) -> None:
        self.draw_table()
        self.show_session()

    def draw_table(self) -> None:
        columns = [(key, t(f"attendance.roster.col.{key}")) for key in COLUMNS]
        rows = [(key, roster_cells(entry)) for key, entry in self.entries.items()]
        refill(self.query_one(DataTable), columns, rows)

    def call_service(
        self, service: Callable[..., Any], then: Callable[[Any], object], *args: Any,
        read: bool = False, **kwargs: Any,
    ) -> None:  # fmt: skip
        """Run ``service(*args, staff, now, **kwargs)`` as the member logged in now, in order
        with every other call of this screen; ``then(result)`` unless it was refused."""
        staff, now = self.staff, self.kiosk.clock()
        if staff is None:
            self.refused(AttendanceRefused("role_required"))
            return
        run = self.read if read else self.request
        run(lambda: service(*args, staff, now, **kwargs), then)

    def refusal_text(self, refusal: Refused) -> Words:
        return tr(f"attendance.refused.{refusal.reason}")

    def refused(self, refused: AttendanceRefused) -> None:
        self.set_status(self.refusal_text(refused), True)

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

    def mark(self, mark: str) -> None:
        entry = self.selected()
        if entry is None:
            return
        if self.roster is not None and not self.refuse_if_locked():
            return
        table = self.query_one(DataTable)
        table.move_cursor(row=min(table.cursor_row + 1, len(self.entries) - 1))

        def marked(fact: Any) -> None:
            self.apply_marks([(entry.citizen_id, fact.mark)])
            self.set_status(lambda: t("desk.roster.marked", name=entry.display_name,
                                      mark=t(f"attendance.mark.{mark}")))  # fmt: skip
            self.show_session()

        groups = self.kiosk.services.groups
        self.call_service(groups.mark, marked, self.session_id, entry.citizen_id, mark)

    def action_mark_present(self) -> None:
        """Mark the selected participant present and move on."""
        self.mark("present")

    def action_mark_absent(self) -> None:
        """Mark the selected participant absent and move on."""
        self.mark("absent")

    def action_mark_excused(self) -> None:
        """Mark the selected participant excused (afbud) and move on."""
        self.mark("excused")

    def action_mark_late(self) -> None:
        """Mark the selected participant late and move on."""
        self.mark("late")

    def action_mark_left_early(self) -> None:
        """Mark the selected participant as having left early and move on."""
        self.mark("left_early")

    def action_mark_rest_absent(self) -> None:
        """Mark everyone without a mark absent."""

        def made(result: Any) -> None:
            self.apply_marks([(fact.citizen_id, fact.mark) for fact in result.marked])
            self.show_session()
            done = t("attendance.mark_rest.done", count=len(result.marked))
            if result.skipped_arrived:
                skipped = len(result.skipped_arrived)
                done += " · " + t("attendance.mark_rest.skipped", count=skipped)
            self.set_status(done)

        self.call_service(self.kiosk.services.groups.mark_rest_absent, made, self.session_id)

    def action_add_guest(self) -> None:
        """Add a guest who is not enrolled (a provisional citizen)."""
        if self.roster is not None and not self.refuse_if_locked():
            return
        self.app.push_screen(GuestModal(self.kiosk.clock), self.guest_entered)

    def guest_entered(self, guest: GuestInput | None) -> None:
        if guest is None:
            return

        def added(guest_added: Any) -> None:
            entry = RosterEntry(
                guest_added.citizen_id, guest_added.display_name, guest_added.birth_year, True,
                True, guest_added.mark.mark, False, 0, 0, True,
            )  # fmt: skip
            self.entries[entry.citizen_id] = entry
            table: DataTable[Any] = self.query_one(DataTable)
            table.add_row(*roster_cells(entry), key=entry.citizen_id)
            table.move_cursor(row=table.get_row_index(entry.citizen_id))
            self.apply_marks([(entry.citizen_id, guest_added.mark.mark)])
            self.show_session()
            self.set_status(tr("attendance.guest.added", name=guest_added.display_name))

        groups = self.kiosk.services.groups
        self.call_service(groups.add_guest, added, self.session_id, guest.display_name,
                          guest.birth_year)  # fmt: skip

    def change_state(self, change: str, reason: str = "") -> None:
        def changed(state: SessionState) -> None:
            if self.roster is None:
                return
            session = replace(self.roster.session, status=state.status,
                              status_reason=state.status_reason, closed=state.closed)  # fmt: skip
            self.roster = replace(self.roster, session=session)
            counts = session_counts(state.status, state.closed, self.entries.values())
            for entry in list(self.entries.values()):
                if entry.counts_this_session != counts:
                    self.update_entry(replace(entry, counts_this_session=counts))
            self.show_session()
            self.set_status(lambda: t("attendance.state_changed", status=status_text(
                state.status, state.status_reason, state.closed)))  # fmt: skip
            if state.closed:
                self.fit_after_close()
            else:
                self.refresh_bindings()

        groups = self.kiosk.services.groups
        self.call_service(groups.change_state, changed, change, self.session_id, reason=reason)

    def action_held(self) -> None:
        """Record that the session took place."""
        self.change_state("held")

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
        """Cancel the session, giving a reason (refused before asking when it cannot be)."""
        problem = self.cancel_problem()
        if problem is not None:
            self.refused(AttendanceRefused(problem))
            return
        self.app.push_screen(ReasonModal("attendance.cancel.title"), self.cancel_reason)

    def cancel_problem(self) -> str | None:
        """Why the session cannot be cancelled now (a refusal reason), or None."""
        if self.roster is None:
            return None
        session = self.roster.session
        if session.closed:
            return "session_closed"
        if any(e.mark in ATTENDED for e in self.entries.values()):
            return "attended_marks_exist"
        return None

    def cancel_reason(self, reason: str | None) -> None:
        if reason is not None:
            self.change_state("cancel", reason)

    def action_close_session(self) -> None:
        """Close the session: its marks are locked until a group leader reopens it."""
        self.change_state("close")

    def action_reopen_session(self) -> None:
        """Reopen a closed session (group leader, with a reason)."""
        staff = self.staff
        if staff is None or not staff.has("group_leader"):
            self.refused(AttendanceRefused("role_required"))
            return
        if self.roster is not None and not self.roster.session.closed:
            self.refused(AttendanceRefused("not_closed"))
            return
        self.app.push_screen(ReasonModal("attendance.reopen.title"), self.reopen_reason)

    def reopen_reason(self, reason: str | None) -> None:
        if reason is not None:
            self.change_state("reopen", reason)

    def action_back(self) -> None:
        """Back to today's sessions."""
        self.dismiss(None)
