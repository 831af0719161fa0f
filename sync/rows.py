"""Rows on the wire: table registry, JSON-safe encoding, primary keys and integrity hashes.

Both sides encode a row from its SQL columns the same way (dates and aware UTC datetimes as
ISO text), so a row's hash on the kiosk equals its hash on central.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Table
from sqlalchemy.types import TypeDecorator

from models import EVENT_TABLES, REFERENCE_TABLES

WireRow = dict[str, Any]

#: Reference tables (central → kiosk) by SQL name, in foreign-key order.
REFERENCE: dict[str, Table] = {
    str(m.__tablename__): m.__table__  # type: ignore[attr-defined]
    for m in REFERENCE_TABLES
}
#: Event tables (kiosk → central) by SQL name.
EVENTS: dict[str, Table] = {
    str(m.__tablename__): m.__table__  # type: ignore[attr-defined]
    for m in EVENT_TABLES
}
KEY_SEPARATOR = "|"


def table_name(model: type) -> str:
    """The SQL table name of a SQLModel table class."""
    return str(model.__tablename__)  # type: ignore[attr-defined]


def pk_columns(table: Table) -> list[Column[Any]]:
    return list(table.primary_key.columns)


def key_of(table: Table, row: Mapping[Any, Any]) -> str:
    """The change feed's id for ``row``: its primary key, composite keys joined with '|'."""
    return KEY_SEPARATOR.join(str(row[c.name]) for c in pk_columns(table))


def key_values(table: Table, key: str) -> dict[str, Any]:
    """Split a feed row id back into primary-key column values."""
    columns = pk_columns(table)
    parts = key.split(KEY_SEPARATOR, len(columns) - 1)
    if len(parts) != len(columns):
        raise ValueError(f"bad key {key!r} for {table.name}")
    return {c.name: _decode_scalar(c, p) for c, p in zip(columns, parts, strict=True)}


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def encode(table: Table, row: Mapping[Any, Any]) -> WireRow:
    """A row read from ``table`` as a JSON-safe dict of its columns."""
    return {c.name: _encode_value(row[c.name]) for c in table.columns}


def _python_type(column: Column[Any]) -> type | None:
    kind = column.type
    if isinstance(kind, TypeDecorator):
        kind = kind.impl_instance
    try:
        return kind.python_type
    except NotImplementedError:
        return None


def _decode_scalar(column: Column[Any], value: Any) -> Any:
    if value is None:
        return None
    kind = _python_type(column)
    if kind is datetime and isinstance(value, str):
        return datetime.fromisoformat(value)
    if kind is date and isinstance(value, str):
        return date.fromisoformat(value)
    if kind is int and isinstance(value, str):
        return int(value)
    return value


def decoder(table: Table) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
    """A function turning a wire row into SQL parameters for ``table`` (raises on bad rows)."""
    columns = list(table.columns)
    converters: list[tuple[str, Callable[[Any], Any] | None, bool]] = []
    for column in columns:
        kind = _python_type(column)
        conv: Callable[[Any], Any] | None = None
        if kind is datetime:
            conv = datetime.fromisoformat
        elif kind is date:
            conv = date.fromisoformat
        converters.append((column.name, conv, bool(column.nullable)))

    def decode(row: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, conv, nullable in converters:
            value = row.get(name)
            if value is None:
                if not nullable and name not in row:
                    raise ValueError(f"{table.name}.{name} is missing")
                out[name] = None
            elif conv is not None:
                out[name] = conv(value) if isinstance(value, str) else value
            else:
                out[name] = value
        return out

    return decode


def row_digest(row: WireRow) -> int:
    """A 64-bit digest of one encoded row."""
    text = json.dumps(row, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def table_digest(rows: Iterable[WireRow]) -> tuple[int, str]:
    """Count and order-independent hash (sum of row digests mod 2**64) of a table's rows."""
    count, total = 0, 0
    for row in rows:
        count += 1
        total = (total + row_digest(row)) % (1 << 64)
    return count, f"{total:016x}"
