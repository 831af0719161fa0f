"""The kiosk app: settings, services, clock and language are injected; no module singletons.

Adding a feature: write ``kiosk/screens/<name>.py`` with a screen class named ``SCREEN``
(derived from ``KioskScreen``), add its service to ``KioskServices``, and bind a key on the
app, e.g. ``Binding("f2", "open('checkin')", "checkin.open", tooltip=..., id="checkin.open")``.
The footer and the command palette list it automatically; the module is imported only when
first opened, which keeps start-up fast.
"""

from __future__ import annotations

import importlib
from typing import ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.reactive import reactive

from kiosk.commands import BindingCommands
from kiosk.i18n import LANGUAGES, set_language, t
from kiosk.screens.home import HomeScreen
from kiosk.services.container import KioskServices
from models.timeutil import Clock, utcnow


class KioskApp(App[None]):
    """The front-desk kiosk of one site."""

    CSS_PATH = "app.tcss"
    #: Only our own, translated commands (Textual's system commands are English-only).
    COMMANDS = {BindingCommands}
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "f12",
            "toggle_language",
            "app.language",
            tooltip="app.language.tooltip",
            id="app.language",
        ),
        Binding(
            "ctrl+q",
            "quit",
            "app.quit",
            tooltip="app.quit.tooltip",
            id="app.quit",
            priority=True,
        ),
        Binding(
            "ctrl+p",
            "command_palette",
            "app.palette",
            tooltip="app.palette.tooltip",
            id="app.palette",
            show=False,
            priority=True,
        ),
        Binding("f9", "open('sync')", "sync.open", tooltip="sync.open.tooltip", id="sync.open"),
        Binding("f10", "sync_now", "sync.now", tooltip="sync.now.tooltip", id="sync.now"),
        # Features add their "open('<screen>')" bindings here.
    ]

    #: The UI language; screens watch it to redraw their texts.
    language: reactive[str] = reactive("da", init=False)

    def __init__(
        self, services: KioskServices, *, clock: Clock = utcnow, language: str = "da"
    ) -> None:
        super().__init__()
        self.services = services
        self.clock = clock
        set_language(language)
        self.set_reactive(KioskApp.language, language)

    def on_mount(self) -> None:
        self.title = t("app.title")
        self.push_screen(HomeScreen())
        interval = self.services.settings.sync_interval_seconds
        if interval > 0 and self.services.sync.credential() is not None:
            self.set_interval(interval, self._background_sync)

    def action_sync_now(self) -> None:
        """Sync with central now (also runs on its own every few minutes)."""
        if self._syncing():
            self.notify(t("sync.running"))
            return
        self.notify(t("sync.running"))
        self.run_sync(background=False)

    def _background_sync(self) -> None:
        if not self._syncing():
            self.run_sync(background=True)

    def _syncing(self) -> bool:
        return any(w.group == "sync" and not w.is_finished for w in self.workers)

    @work(group="sync")
    async def run_sync(self, *, background: bool) -> None:
        """One sync session; its database work runs in threads, so the UI stays live.

        Never started twice at once (a session is not cancelled half-way by another)."""
        outcome = await self.services.sync.sync_now(background=background)
        if outcome.ok:
            if not background or outcome.pulled or outcome.pushed:
                self.notify(t("sync.done", pushed=outcome.pushed, pulled=outcome.pulled))
        elif not background:
            self.notify(t("sync.failed", error=outcome.message), severity="error")
        reload = getattr(self.screen, "load", None)
        if callable(reload):
            reload()  # the home badge or sync screen shows the new state

    def watch_language(self, language: str) -> None:
        set_language(language)
        self.refresh_bindings()

    def action_toggle_language(self) -> None:
        """Switch between Danish and English."""
        index = LANGUAGES.index(self.language)  # type: ignore[arg-type]
        self.language = LANGUAGES[(index + 1) % len(LANGUAGES)]

    def action_command_palette(self) -> None:
        """Search every command (the footer's and the current screen's)."""
        if self.use_command_palette and not CommandPalette.is_open(self):
            placeholder = t("app.palette.placeholder")
            self.push_screen(CommandPalette(placeholder=placeholder, id="--command-palette"))

    def action_open(self, name: str) -> None:
        """Open the feature screen ``kiosk/screens/<name>.py`` (its class ``SCREEN``)."""
        module = importlib.import_module(f"kiosk.screens.{name}")
        self.push_screen(module.SCREEN())
