"""Refill a DataTable in place: new column labels and rows, the cursor stays where it was."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich.text import Text
from textual.widgets import DataTable

Cell = str | Text


def _width(cell: object) -> int:
    if isinstance(cell, Text):
        return cell.cell_len
    return Text.from_markup(cell).cell_len if isinstance(cell, str) else len(str(cell))


def cursor_key(table: DataTable[Any]) -> str | None:
    """The key of the row under the cursor (None: no rows, or rows without keys)."""
    if not table.row_count or table.cursor_row < 0:
        return None
    row = table.ordered_rows[min(table.cursor_row, table.row_count - 1)]
    return row.key.value


def refill(
    table: DataTable[Any],
    columns: Sequence[tuple[str, str]],
    rows: Iterable[tuple[str | None, Sequence[Cell]]],
) -> None:
    """Replace the columns (``(key, label)``) and rows (``(key, cells)``) of ``table``.

    The cursor stays on the row with the same key, else at the same position; column widths
    are measured here, so the first frame after a refill is already laid out right (an
    auto-width column only widens later, when the table next idles)."""
    index, key = table.cursor_row, cursor_key(table)
    rows = list(rows)
    table.clear(columns=True)
    for column_key, label in columns:
        table.add_column(label, key=column_key)
    for row_key, cells in rows:
        table.add_row(*cells, key=row_key)
    for position, column in enumerate(table.ordered_columns):
        widths = [_width(cells[position]) for _, cells in rows if position < len(cells)]
        column.content_width = max([column.content_width, *widths])
    if not table.row_count:
        return
    keys = [row_key for row_key, _ in rows]
    if key is not None and key in keys:
        index = keys.index(key)
    table.move_cursor(row=max(0, min(index, table.row_count - 1)), animate=False)
