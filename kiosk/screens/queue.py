"""Walk-in queue: new ticket (name optional), call next, served, left; a public view."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Digits, Input

from kiosk.i18n import t, tr
from kiosk.screens.base import KioskModal, KioskScreen
from kiosk.services.queue import PublicQueue, Ticket, public_view
from kiosk.services.refusals import Refused
from kiosk.widgets.keybar import KeyBar
from kiosk.widgets.table import refill
from kiosk.widgets.words import Phrase, Words

RELOAD_SECONDS = 30.0
COLUMNS = ("number", "name", "status", "waited")
#: The queue service's refusals (operator English) -> what the desk reads.
REFUSALS = {
    "unknown ticket": "desk.queue.unknown",
    "ticket already finished": "desk.queue.finished_already",
    "call the ticket before serving it": "desk.queue.call_first",
}


def finish_problem(ticket: Ticket, action: str) -> Words | None:
    """Why ``ticket`` cannot be marked ``action`` (served / left) now, or None."""
    if ticket.status not in ("waiting", "called"):
        status = tr(f"queue.status.{ticket.status}")
        return lambda: t("desk.queue.done_already", number=ticket.number, status=status())
    if action == "served" and ticket.status != "called":
        return tr("desk.queue.call_first_number", number=ticket.number)
    return None


class NamePrompt(KioskModal[str | None]):
    """Asks for an optional name; Enter gives the ticket, Esc cancels."""

    DEFAULT_CSS = """
    NamePrompt { align: center middle; }
    NamePrompt > Vertical { width: 60; height: auto; border: round $primary; padding: 0 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "picker.cancel", id="queue.prompt.cancel")
    ]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Phrase(tr("queue.add.prompt"))
            yield Input(id="ticket-name", max_length=80)
        yield KeyBar()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


class QueueScreen(KioskScreen):
    """Today's tickets with waiting times; the public view shows numbers only."""

    NEEDS_LOGIN = True
    CSS_PATH = "queue.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+n", "add", "queue.add", tooltip="queue.add.tooltip", id="queue.add"),
        Binding("ctrl+k", "call_next", "queue.call", tooltip="queue.call.tooltip",
                id="queue.call"),
        Binding("ctrl+e", "finish('served')", "queue.served", tooltip="queue.served.tooltip",
                id="queue.served"),
        Binding("ctrl+x", "finish('left')", "queue.left", tooltip="queue.left.tooltip",
                id="queue.left"),
        Binding("ctrl+t", "toggle_public", "queue.public", tooltip="queue.public.tooltip",
                id="queue.public"),
        Binding("escape", "back", "queue.back", id="queue.back"),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.tickets: list[Ticket] = []
        self.public = False
        #: The ticket just called: the cursor goes to it once the list is read again.
        self.current: str | None = None

    def compose(self) -> ComposeResult:
        yield Phrase(tr("queue.title"), id="queue-title")
        yield DataTable(id="tickets", cursor_type="row", zebra_stripes=True)
        with Vertical(id="public-view"):
            yield Phrase(tr("queue.public.now"), classes="public-label")
            yield Digits("", id="public-now")
            yield Phrase(tr("queue.public.waiting"), classes="public-label")
            yield Digits("", id="public-waiting")
        yield Phrase("", id="queue-summary")
        yield Phrase("", id="status")
        yield KeyBar()

    def on_mount(self) -> None:
        table = self.query_one("#tickets", DataTable)
        for key in COLUMNS:
            table.add_column(t(f"queue.col.{key}"), key=key)
        table.focus()
        self.query_one("#public-view").display = False
        self.load()
        self.set_interval(RELOAD_SECONDS, self.load)

    def refusal_text(self, refusal: Refused) -> Words:
        """The service's reasons (operator English) in the current language."""
        key = REFUSALS.get(refusal.reason)
        return tr(key) if key else tr("queue.refused", reason=refusal.reason)

    def load(self) -> None:
        """Read today's tickets again (waiting times move on)."""
        now = self.kiosk.clock()
        self.read(lambda: self.kiosk.services.frontdesk.queue_today(now), self.draw)

    def retranslate(self) -> None:
        self.draw(self.tickets)  # column labels, statuses, minutes; the texts redraw themselves

    def draw(self, tickets: list[Ticket]) -> None:
        """Show ``tickets``; the cursor stays on the row it was on."""
        self.tickets = tickets
        now = self.kiosk.clock()
        columns = [(key, t(f"queue.col.{key}")) for key in COLUMNS]
        rows = [
            (x.id, [x.label, x.name or "", t(f"queue.status.{x.status}"),
                    t("queue.minutes", minutes=x.waited_minutes(now))])
            for x in tickets
        ]  # fmt: skip
        table = self.query_one("#tickets", DataTable)
        refill(table, columns, rows)
        if self.current is not None and self.current in [x.id for x in tickets]:
            table.move_cursor(row=[x.id for x in tickets].index(self.current), animate=False)
            self.current = None  # the cursor is on the ticket just called; staff may move it
        waiting = [x.waited_minutes(now) for x in tickets if x.status == "waiting"]
        called = [x.waited_minutes(now) for x in tickets if x.called_at is not None]
        average = round(sum(called) / len(called)) if called else 0
        self.query_one("#queue-summary", Phrase).say(
            tr("queue.summary", waiting=len(waiting), longest=max(waiting, default=0),
               average=average)
        )  # fmt: skip
        self.draw_public(public_view(tickets))

    def draw_public(self, view: PublicQueue) -> None:
        self.query_one("#public-now", Digits).update(" ".join(map(str, view.called)) or "-")
        waiting = " ".join(str(n) for n in view.waiting[:8]) or "-"
        self.query_one("#public-waiting", Digits).update(waiting)

    def action_add(self) -> None:
        """Give the next ticket number (asking for an optional name)."""
        staff = self.kiosk.guard.staff

        def named(name: str | None) -> None:
            if name is None or staff is None:
                return
            now = self.kiosk.clock()

            def added(ticket: Ticket) -> None:
                self.set_status(tr("queue.added", number=ticket.label))
                self.load()

            self.request(
                lambda: self.kiosk.services.frontdesk.add_ticket(staff, name or None, now), added
            )

        self.app.push_screen(NamePrompt(), named)

    def action_call_next(self) -> None:
        """Call whoever has waited longest."""
        staff, now = self.kiosk.guard.staff, self.kiosk.clock()
        if staff is None:
            return

        def called(ticket: Ticket | None) -> None:
            text = tr("queue.called", number=ticket.label) if ticket else tr("queue.empty")
            self.set_status(text, ticket is None)
            self.current = ticket.id if ticket else None  # Ctrl+E / Ctrl+X act on it next
            self.load()

        self.request(lambda: self.kiosk.services.frontdesk.call_next(staff, now), called)

    def highlighted(self) -> Ticket | None:
        table = self.query_one("#tickets", DataTable)
        if not table.row_count or table.cursor_row < 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((x for x in self.tickets if x.id == key), None)

    def action_finish(self, action: str) -> None:
        """Mark the highlighted ticket (after Ctrl+K: the one just called) served, or left
        without being served; a ticket that cannot be is named with the reason."""
        ticket, staff, now = self.highlighted(), self.kiosk.guard.staff, self.kiosk.clock()
        if ticket is None or staff is None:
            self.set_status(tr("queue.empty"), True)
            return
        problem = finish_problem(ticket, action)
        if problem is not None:
            self.set_status(problem, True)
            return

        def finished(_none: None) -> None:
            self.set_status(tr(f"desk.queue.{action}", number=ticket.number))
            self.load()

        frontdesk = self.kiosk.services.frontdesk
        self.request(lambda: frontdesk.finish_ticket(ticket.id, action, staff, now), finished)

    def action_toggle_public(self) -> None:
        """Switch between the staff list and the public view (ticket numbers only)."""
        self.public = not self.public
        for widget_id in ("#tickets", "#queue-summary", "#status", "KeyBar"):
            self.query_one(widget_id).display = not self.public
        self.query_one("#public-view").display = self.public
        if not self.public and self.kiosk.guard.locked:
            self.kiosk.guard.lock("idle")  # it locked while the public watched: lock now

    @property
    def keeps_public_view(self) -> bool:
        """An idle lock ends the staff session but leaves the public view (nothing personal)
        in front; leaving it shows the lock screen."""
        return self.public

    def action_back(self) -> None:
        """Back to home (leaving the public view first)."""
        if self.public:
            self.action_toggle_public()
        else:
            self.kiosk.go_home()


SCREEN: Any = QueueScreen
