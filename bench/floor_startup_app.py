"""The startup floor: a one-widget Textual app, started and read the way the kiosk is.

It shows the kiosk's date line (the marker ``bench_startup`` waits for) and swaps it for
the English one on F12, so the measurement is the same to the byte; it imports nothing of
the project. Run as a script: ``python bench/floor_startup_app.py``.
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Static

DANISH = "onsdag 2. december 2026 · uge 49"
ENGLISH = "Wednesday 2 December 2026 · week 49"


class FloorApp(App[None]):
    BINDINGS = [
        Binding("f12", "language", "Language"),
        Binding("ctrl+q", "quit", "Quit", priority=True),
    ]

    def compose(self) -> ComposeResult:
        yield Static(DANISH)

    def action_language(self) -> None:
        self.query_one(Static).update(ENGLISH)


if __name__ == "__main__":
    FloorApp().run()
