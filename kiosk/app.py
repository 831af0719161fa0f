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
