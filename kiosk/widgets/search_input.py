"""A search field that reports each change at once, so the input and its results share a frame."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input


class SearchInput(Input):
    """``on_text(value)`` runs inside the key's own handling, not via a later message."""

    def __init__(self, on_text: Callable[[str], None], **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.on_text = on_text

    def watch_value(self, value: str) -> None:
        if self.is_mounted:
            self.on_text(value)
