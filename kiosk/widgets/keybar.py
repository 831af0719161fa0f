"""The footer: every key the current screen answers to, as text in one widget.

Textual's ``Footer`` builds a widget with its own styles for every key and rebuilds them all
whenever the bindings change (each screen change, each F12); that was about 0.1 s of a
kiosk's start-up. This bar draws the same keys as styled text, wraps onto a second line
rather than cutting keys off on a narrow terminal, and runs a key when it is clicked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget

#: How keys are printed on a Danish keyboard (Textual's defaults are "f2", "^s").
_NAMED_KEYS = {
    "escape": "Esc",
    "enter": "Enter",
    "tab": "Tab",
    "backspace": "Backspace",
    "delete": "Delete",
    "space": "Mellemrum",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
}
_FUNCTION_KEY = re.compile(r"f\d{1,2}")


def key_label(binding: Binding) -> str:
    """The key as printed on the keyboard: ``F2``, ``Ctrl+S``, ``Esc``, ``m``."""
    if binding.key_display:
        return binding.key_display
    key = binding.key.split(",")[0].strip()
    *modifiers, base = key.split("+")
    if _FUNCTION_KEY.fullmatch(base):
        base = base.upper()
    elif base in _NAMED_KEYS:
        base = _NAMED_KEYS[base]
    elif modifiers:
        base = base.upper()
    return "+".join([*(m.capitalize() for m in modifiers), base])


@dataclass(frozen=True, slots=True)
class _Item:
    key: str  # the key to simulate on a click
    label: str  # as printed on the keyboard
    description: str
    enabled: bool

    @property
    def width(self) -> int:
        return cell_len(self.label) + cell_len(self.description) + 3  # " F2 " + text + " "


class KeyBar(Widget):
    """The current screen's shown bindings (descriptions already translated by the screen)."""

    COMPONENT_CLASSES = {"keybar--key", "keybar--description", "keybar--disabled"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: auto;
        background: $footer-background;
        color: $footer-foreground;
        .keybar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .keybar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .keybar--disabled {
            color: $text-disabled;
        }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self._items: list[_Item] = []
        #: Where each key was drawn: (line, first cell, past the last cell, key).
        self._spans: list[tuple[int, int, int, str]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def retranslate(self) -> None:
        """The descriptions in the new language, on a covered screen too (F12)."""
        self._bindings_changed(self.screen)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if not self.is_attached or screen is not self.screen:
            return
        items, seen = [], set()
        for active in screen.active_bindings.values():
            binding = active.binding
            # The command palette's key is always shown: it lists everything else.
            palette = binding.action == "command_palette"
            if (not binding.show and not palette) or binding.action in seen:
                continue
            seen.add(binding.action)
            key = binding.key.split(",")[0].strip()
            items.append(_Item(key, key_label(binding), binding.description, active.enabled))
        if items != self._items:
            self._items = items
            self.refresh(layout=True)

    def _lines(self, width: int) -> list[list[_Item]]:
        lines: list[list[_Item]] = [[]]
        used = 0
        for item in self._items:
            if lines[-1] and used + item.width > width:
                lines.append([])
                used = 0
            lines[-1].append(item)
            used += item.width
        return lines

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        del container, viewport
        return len(self._lines(max(width, 1)))

    def render(self) -> Text:
        key_style = self.get_component_rich_style("keybar--key")
        description_style = self.get_component_rich_style("keybar--description")
        disabled = self.get_component_rich_style("keybar--disabled")
        text = Text(no_wrap=True, overflow="crop", end="")
        self._spans = []
        for number, line in enumerate(self._lines(max(self.size.width, 1))):
            if number:
                text.append("\n")
            x = 0
            for item in line:
                dim = Style() if item.enabled else disabled
                label = f" {item.label} "
                text.append(label, key_style + dim)
                text.append(f"{item.description} ", description_style + dim)
                self._spans.append((number, x, x + item.width, item.key))
                x += item.width
        return text

    def on_click(self, event: events.Click) -> None:
        for line, start, end, key in self._spans:
            if event.y == line and start <= event.x < end:
                event.stop()
                self.app.simulate_key(key)
                return
