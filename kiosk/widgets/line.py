"""A one-line text whose changes repaint only itself (a Static re-lays out the whole screen)."""

from __future__ import annotations

from textual.reactive import reactive
from textual.visual import VisualType
from textual.widget import Widget


class Line(Widget):
    """A fixed-height line of text; ``update(text)`` like a Static, without a relayout."""

    DEFAULT_CSS = "Line { height: 1; }"

    text: reactive[str] = reactive("", layout=False)

    def __init__(self, text: str = "", *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.set_reactive(Line.text, text)

    def update(self, text: str) -> None:
        self.text = text

    def render(self) -> VisualType:
        return self.text
