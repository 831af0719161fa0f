"""Home: site, Danish date and week, live clock, today's sessions and appointments, sync badge.

Nothing personal is shown here: no citizen names (they need a staff login) and sensitive
group titles only by their neutral code.
"""

from __future__ import annotations

import logging
import string
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from rich.markup import escape
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Static
from textual.worker import Worker

from kiosk.i18n import current_language, t
from kiosk.i18n.formats import clock, long_date
from kiosk.screens.base import KioskScreen
from kiosk.widgets.keybar import KeyBar
from models.timeutil import local_today

if TYPE_CHECKING:  # home is drawn before the services (and SQLAlchemy) are loaded
    from textual.widgets import DataTable

    from kiosk.services.today import AppointmentToday, HomeView, SessionToday, SyncBadge

log = logging.getLogger(__name__)

#: How often the programme is re-read (new check-ins, a sync that brought changes).
RELOAD_SECONDS = 30.0
#: Letters a card token may contain: typed on home, they are left to the card wedge.
CARD_LETTERS = frozenset(string.ascii_uppercase)


class HomeScreen(KioskScreen):
    """The screen a kiosk shows when nobody is doing anything in particular."""

    # Its styles (home.tcss) are loaded with the app's (KioskApp.CSS_PATH), before it is shown.
    #: Home's status line is the sync badge (a failed read is said there too).
    STATUS = "#sync"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "refresh", "home.refresh", tooltip="home.refresh.tooltip", id="home.refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view: HomeView | None = None
        self._tables_added = False  # mounted right after the first frame

    def compose(self) -> ComposeResult:
        with Horizontal(id="top"):
            yield Static(id="site")
            yield Static(id="date")
            yield Static(id="clock")
        yield Static(id="sync")
        with Vertical(id="today"):
            with Vertical(id="sessions-pane"):
                yield Static(id="sessions-title", classes="pane-title")
            with Vertical(id="appointments-pane"):
                yield Static(id="appointments-title", classes="pane-title")
        yield KeyBar()

    def on_mount(self) -> None:
        self.set_interval(1.0, self._tick)
        self.set_interval(RELOAD_SECONDS, self.load)
        self._draw()
        # Paint the screen first, then add the (still empty) tables and read the programme:
        # both would otherwise hold up the first frame.
        self.call_after_refresh(self._add_tables)

    async def _add_tables(self) -> None:
        from textual.widgets import DataTable

        sessions = DataTable[str](id="sessions", cursor_type="row", zebra_stripes=True)
        appointments = DataTable[str](id="appointments", cursor_type="row", zebra_stripes=True)
        await self.query_one("#sessions-pane").mount(sessions)
        await self.query_one("#appointments-pane").mount(appointments)
        self._tables_added = True
        if self.focused is None and self.is_current:
            sessions.focus()  # as the screen's first focusable widget would have been
        if self.view is not None:
            self._draw()
        self.load()

    def on_screen_resume(self) -> None:
        if self.view is not None:
            self.load()  # another screen may have checked someone in

    def action_refresh(self) -> None:
        """Read today's programme again."""
        self.load()

    def load(self) -> Worker[None] | None:
        """Read the programme off the UI thread; it is drawn when it arrives. Not before the
        services are open (the app has home load once they are)."""
        if not self.kiosk.services_ready:
            return None
        now = self.kiosk.clock()
        return self.read(lambda: self.kiosk.services.today.home(now), self._loaded)

    def _loaded(self, view: HomeView) -> None:
        self.view = view
        self._draw()

    def on_key(self, event: events.Key) -> None:
        """A letter starts a check-in search with it (upper-case A–Z and digits may be a
        card scan, which the app handles on every screen)."""
        letter = event.character
        if not (event.is_printable and letter and letter.isalpha()) or letter in CARD_LETTERS:
            return
        event.stop()
        if self.kiosk.guard.staff is None:  # the login comes first, then the search
            self.kiosk.open_screen("checkin", then=lambda screen: screen.type_text(letter))
            return
        self.kiosk.open_screen("checkin")
        typed_into = getattr(self.app.screen, "type_text", None)
        if callable(typed_into):
            typed_into(letter)

    def retranslate(self) -> None:
        self._draw()

    def _tick(self) -> None:
        now = self.kiosk.clock()
        self.query_one("#clock", Static).update(clock(now))
        if self.view is not None and local_today(now) != self.view.day:
            self.load()  # midnight: a new day's programme

    def _draw(self) -> None:
        now = self.kiosk.clock()
        self.query_one("#clock", Static).update(clock(now))
        self.query_one("#date", Static).update(long_date(local_today(now)))
        self.query_one("#sessions-title", Static).update(t("home.sessions"))
        self.query_one("#appointments-title", Static).update(t("home.appointments"))
        view = self.view
        if view is None:
            self.query_one("#site", Static).update(t("home.loading"))
            return
        place = f" ({view.site_place})" if view.site_place else ""
        self.query_one("#site", Static).update(t("home.heading", site=view.site_name + place))
        self._draw_sync(view.sync)
        if self._tables_added:
            self._fill_sessions(view.sessions)
            self._fill_appointments(view.appointments)

    def _draw_sync(self, badge: SyncBadge) -> None:
        from kiosk.screens.sync_words import badge_text  # loaded with the services

        text, warning = badge_text(badge)
        widget = self.query_one("#sync", Static)
        widget.update(text)
        widget.set_class(warning, "-warning")

    def _fill_sessions(self, sessions: list[SessionToday]) -> None:
        keys = ("time", "group", "place", "enrolled", "arrived", "status")
        rows = [
            (
                s.id,
                [
                    f"{clock(s.starts_at)}–{clock(s.ends_at)}",
                    s.public_title,
                    s.location,
                    str(s.enrolled),
                    str(s.arrived),
                    t("home.status.closed") if s.closed else t(f"home.status.{s.status}"),
                ],
            )
            for s in sessions
        ]
        from textual.widgets import DataTable

        fill_table(self.query_one("#sessions", DataTable), keys, rows, t("home.no_sessions"))

    def _fill_appointments(self, appointments: list[AppointmentToday]) -> None:
        keys = ("time", "offer", "staff", "arrived")
        english = current_language() == "en"
        rows = [
            (
                a.id,
                [
                    clock(a.starts_at),
                    a.offer_name_en if english else a.offer_name_da,
                    a.staff_initials,
                    arrived_text(a),
                ],
            )
            for a in appointments
        ]
        from textual.widgets import DataTable

        table = self.query_one("#appointments", DataTable)
        fill_table(table, keys, rows, t("home.no_appointments"))


def arrived_text(appointment: AppointmentToday) -> str:
    """ "ja", and where else the appointment was checked in ("også tjekket ind ved Skranke 2
    kl. 09:32": two desks that were apart); no name, so a locked screen may show it."""
    if not appointment.arrived:
        return t("home.arrived.no")
    from kiosk.screens.checkin_words import also_text  # loaded with the services

    also = also_text(appointment.also)
    return f"{t('home.arrived.yes')} · {escape(also)}" if also else t("home.arrived.yes")


def fill_table(
    table: DataTable[str], keys: tuple[str, ...], rows: list[tuple[str, list[str]]], empty: str
) -> None:
    """Replace a table's columns and rows; widths are set from the content up front, since
    auto-width columns can miss rows added in the same frame as a rebuild."""
    labels = [t(f"home.col.{key}") for key in keys]
    cursor_row = table.cursor_row  # a reload must not move the staff member's place
    cells = [cells for _, cells in rows] or [[empty] + [""] * (len(keys) - 1)]
    widths = [max(cell_len(c) for c in column) for column in zip(labels, *cells, strict=True)]
    table.clear(columns=True)
    for label, width in zip(labels, widths, strict=True):
        table.add_column(label, width=width)
    if rows:
        for key, row in rows:
            table.add_row(*row, key=key)
    else:
        table.add_row(*cells[0])
    table.move_cursor(row=min(cursor_row, table.row_count - 1), animate=False)
