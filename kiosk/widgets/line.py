"""A one-line text whose changes repaint only itself (a Static re-lays out the whole screen)."""

from __future__ import annotations

from textual.reactive import reactive
from textual.visual import VisualType
from textual.widget import Widget

from kiosk.widgets.words import Words, spoken


class Line(Widget):
    """A fixed-height line of text; ``update(words)`` like a Static, without a relayout.

    Given a function (``i18n.tr``) rather than a string, the line says it again in the new
    language after a switch."""

    DEFAULT_CSS = "Line { height: 1; }"

    text: reactive[str] = reactive("", layout=False)

    def __init__(self, text: Words = "", *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._words = text
        self.set_reactive(Line.text, spoken(text))

    def update(self, text: Words) -> None:
        self._words = text
        self.text = spoken(text)

    def retranslate(self) -> None:
        if callable(self._words):
            self.text = self._words()

    def render(self) -> VisualType:
        return self.text
