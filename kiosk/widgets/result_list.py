"""A light result list: fixed columns, one highlighted row, drawn line by line (fast redraws)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.cells import set_cell_size
from rich.segment import Segment
from textual.strip import Strip
from textual.widget import Widget


class ResultList(Widget, can_focus=False):
    """Rows of ``(key, cells)``; ``cursor`` is the highlighted row.

    A DataTable re-measures and re-renders every cell on each change; search results change
    on every keystroke, so this widget only formats the visible lines (SPEC §8: ≤ 30 ms).
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "result-list--header",
        "result-list--cursor",
        "result-list--row",
    }
    DEFAULT_CSS = """
    ResultList { height: 1fr; }
    ResultList > .result-list--header { text-style: bold; background: $panel; }
    ResultList > .result-list--cursor { background: $accent; color: $text; text-style: bold; }
    ResultList > .result-list--row { }
    """

    def __init__(self, widths: tuple[int, ...], *, id: str | None = None) -> None:  # noqa: A002
        super().__init__(id=id)
        self.widths = widths
        self.headers: tuple[str, ...] = ()
        self.keys: list[str] = []
        self.rows: list[tuple[str, ...]] = []
        self.cursor = 0

    @property
    def row_count(self) -> int:
        return len(self.rows)

    @property
    def highlighted_key(self) -> str | None:
        return self.keys[self.cursor] if self.rows else None

    def set_headers(self, *headers: str) -> None:
        self.headers = headers
        self.refresh()

    def set_rows(
        self, rows: Sequence[tuple[str, tuple[str, ...]]], *, keep_highlight: bool = False
    ) -> None:
        """Replace the rows (``(key, cells)``) and highlight the first, or with
        ``keep_highlight`` the same key as before when it is still there."""
        new_keys = [key for key, _ in rows]
        new_rows = [cells for _, cells in rows]
        if new_keys == self.keys and new_rows == self.rows:
            return  # typing on in a unique name: nothing to redraw
        highlighted = self.highlighted_key
        cursor = 0
        if keep_highlight and highlighted in new_keys:
            cursor = new_keys.index(highlighted)
        self.keys, self.rows, self.cursor = new_keys, new_rows, cursor
        self.refresh()

    def move(self, step: int) -> None:
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + step))
            self.refresh()

    def _line(self, cells: tuple[str, ...], width: int) -> str:
        parts = [set_cell_size(cell, size) for cell, size in zip(cells, self.widths, strict=False)]
        return set_cell_size(" " + " ".join(parts), width)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if y == 0:
            style = self.get_component_rich_style("result-list--header")
            return Strip([Segment(self._line(self.headers, width), style)], width)
        index = y - 1
        if index >= len(self.rows):
            return Strip.blank(width, self.rich_style)
        name = "result-list--cursor" if index == self.cursor else "result-list--row"
        style = self.get_component_rich_style(name)
        return Strip([Segment(self._line(self.rows[index], width), style)], width)
