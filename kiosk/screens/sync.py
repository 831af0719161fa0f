"""Sync status: last good sync, items waiting, last error, rejected items; "sync now"."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from kiosk.i18n import t
from kiosk.i18n.formats import date_time
from kiosk.screens.base import KioskScreen
from kiosk.screens.sync_words import failure_text, stale_text
from kiosk.services.sync import SyncStatusView
from kiosk.widgets.keybar import KeyBar
from kiosk.widgets.line import Line


class SyncScreen(KioskScreen):
    """What the kiosk knows about its last syncs; nothing personal is shown."""

    CSS_PATH = "sync.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "sync.back", tooltip="sync.back.tooltip", id="sync.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view: SyncStatusView | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="sync-status"):
            yield Static(id="sync-title", classes="pane-title")
            yield Static(id="sync-server")
            yield Static(id="sync-last-ok")
            yield Static(id="sync-stale")
            yield Static(id="sync-waiting")
            yield Static(id="sync-error")
            yield Static(id="sync-rejected-title", classes="pane-title")
        yield DataTable(id="sync-rejected", cursor_type="row", zebra_stripes=True)
        yield Line("", id="status")
        yield KeyBar()

    def on_mount(self) -> None:
        self.set_interval(5.0, self.load)
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    def retranslate(self) -> None:
        self._draw()

    def load(self) -> None:
        """Read the status off the UI thread (every few seconds while shown)."""
        self.read(self.kiosk.services.sync.status, self._status_read)

    def _status_read(self, view: SyncStatusView) -> None:
        self.view = view
        self._draw()

    def _draw(self) -> None:
        view = self.view
        self.query_one("#sync-title", Static).update(t("sync.title"))
        if view is None:
            return
        server = t("sync.server", url=view.server_url) if view.enrolled else t("sync.not_enrolled")
        self.query_one("#sync-server", Static).update(server)
        last = view.last_sync_ok_at
        last_text = t("sync.last_ok", when=date_time(last)) if last else t("sync.last_ok.never")
        self.query_one("#sync-last-ok", Static).update(last_text)
        self.query_one("#sync-stale", Static).update(stale_text(last, view.stale))
        self.query_one("#sync-waiting", Static).update(t("sync.waiting", count=view.waiting))
        error = self.query_one("#sync-error", Static)
        problems = (
            [t("sync.last_error", error=failure_text(view.last_error))] if view.last_error else []
        )
        if view.rejected:
            problems.append(t("sync.rejected_warning", count=len(view.rejected)))
        error.update("\n".join(problems) or t("sync.no_error"))
        error.set_class(bool(problems), "-warning")
        self.query_one("#sync-rejected-title", Static).update(
            t("sync.rejected", count=len(view.rejected))
        )
        self._fill_rejected(view)

    def _fill_rejected(self, view: SyncStatusView) -> None:
        table = self.query_one("#sync-rejected", DataTable)
        table.clear(columns=True)
        # Fixed widths: the table does not re-measure (and jump) when rows arrive.
        for key, width in (("seq", 8), ("kind", 22), ("reason", 56), ("when", 18)):
            table.add_column(t(f"sync.col.{key}"), key=key, width=width)
        for item in view.rejected:
            table.add_row(str(item.seq), item.kind, item.reason, date_time(item.rejected_at))
        if not view.rejected:
            table.add_row("", "", t("sync.none_rejected"), "")

    def action_back(self) -> None:
        """Back to the home screen."""
        self.kiosk.go_home()


SCREEN = SyncScreen
