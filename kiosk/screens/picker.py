"""A dialog to pick one of a few options: a number key, or arrows + Enter; Esc cancels."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from kiosk.i18n import tr
from kiosk.screens.base import KioskModal
from kiosk.widgets.keybar import KeyBar
from kiosk.widgets.words import Phrase, Words


class PickerScreen(KioskModal[Any]):
    """Shows ``labels`` numbered 1–9; dismisses with the matching value, or None.

    ``title`` may be ``tr(...)``: it then follows a language switch like the hint."""

    DEFAULT_CSS = """
    PickerScreen { align: center middle; }
    PickerScreen > Vertical { width: 70; height: auto; border: round $primary; padding: 0 1; }
    PickerScreen #picker-title { text-style: bold; }
    PickerScreen #picker-hint { color: $text-muted; }
    PickerScreen OptionList { height: auto; max-height: 12; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "picker.cancel", id="picker.cancel"),
        *(
            Binding(str(n), f"pick({n - 1})", "picker.choose", show=False, id=f"picker.{n}")
            for n in range(1, 10)
        ),
    ]

    def __init__(self, title: Words, labels: list[str], values: list[Any]) -> None:
        super().__init__()
        self.title_text = title
        self.labels = labels
        self.values = values

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Phrase(self.title_text, id="picker-title")
            yield OptionList(
                *(Option(f"{n}  {label}", id=str(n - 1)) for n, label in enumerate(self.labels, 1)),
                id="picker-options",
            )
            yield Phrase(tr("picker.hint"), id="picker-hint")
        yield KeyBar()

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    def action_pick(self, index: int) -> None:
        """Choose option ``index`` (0-based) when it exists."""
        if 0 <= index < len(self.values):
            self.dismiss(self.values[index])

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_pick(event.option_index)
