"""The outbox's write path at the driver level: a prepared INSERT per table and column set.

A check-in is a handful of single-row statements. Through SQLAlchemy's ORM unit of work,
or even its Core execution, each statement costs far more Python than SQLite needs to run
it (bench/README.md, store). Here the SQL text and each column's bind processor (the
dialect's own: a ``DateTime`` becomes the same text it always was) are made once, and the
statement goes straight to the DB-API cursor of the session's connection, so it runs in
the same transaction. A driver with another parameter style gets the Core statements.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Table, insert, select, update
from sqlalchemy.engine import Connection, Dialect

Processor = Callable[[Any], Any] | None
_prepared: dict[tuple[str, str, tuple[str, ...]], tuple[str, tuple[Processor, ...]]] = {}


def _prepare(
    dialect: Dialect, table: Table, keys: tuple[str, ...]
) -> tuple[str, tuple[Processor, ...]]:
    cache_key = (dialect.name, table.name, keys)
    found = _prepared.get(cache_key)
    if found is None:
        quote = dialect.identifier_preparer.quote
        sql = (
            f"INSERT INTO {quote(table.name)} ({', '.join(quote(k) for k in keys)}) "
            f"VALUES ({', '.join('?' * len(keys))})"
        )
        processors = tuple(
            table.c[k].type.dialect_impl(dialect).bind_processor(dialect) for k in keys
        )
        found = _prepared[cache_key] = (sql, processors)
    return found


class LocalWriter:
    """Statements of one ``record`` call, on the connection of the session's transaction."""

    def __init__(self, connection: Connection, state: Table) -> None:
        self.connection = connection
        self.state = state
        driver = connection.connection.driver_connection
        self.cursor: Any = None
        if driver is not None and connection.dialect.paramstyle == "qmark":  # SQLite
            self.cursor = driver.cursor()

    def read_state(self) -> tuple[str, str, int, str] | None:
        """(device_id, site_id, next_seq, hlc) of the sync-state row, or None."""
        if self.cursor is not None:
            self.cursor.execute(
                "SELECT device_id, site_id, next_seq, hlc FROM sync_state WHERE id = 1"
            )
            found = self.cursor.fetchone()
        else:
            c = self.state.c
            found = self.connection.execute(
                select(c.device_id, c.site_id, c.next_seq, c.hlc).where(c.id == 1)
            ).first()
        return None if found is None else (found[0], found[1], int(found[2]), found[3])

    def insert(self, table: Table, values: dict[str, Any]) -> None:
        if self.cursor is None:
            self.connection.execute(insert(table), values)
            return
        keys = tuple(values)
        sql, processors = _prepare(self.connection.dialect, table, keys)
        self.cursor.execute(
            sql,
            [
                value if process is None or value is None else process(value)
                for value, process in zip(values.values(), processors, strict=True)
            ],
        )

    def update_state(self, next_seq: int, hlc: str) -> None:
        if self.cursor is not None:
            self.cursor.execute(
                "UPDATE sync_state SET next_seq = ?, hlc = ? WHERE id = 1", (next_seq, hlc)
            )
            return
        self.connection.execute(
            update(self.state).where(self.state.c.id == 1).values(next_seq=next_seq, hlc=hlc)
        )

    def close(self) -> None:
        if self.cursor is not None:
            self.cursor.close()
