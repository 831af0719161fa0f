"""Rows on the wire: table registry, JSON-safe encoding, primary keys and integrity hashes.

Both sides encode a row from its SQL columns the same way (dates and aware UTC datetimes as
ISO text), so a row's hash on the kiosk equals its hash on central.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from enum import Enum
from typing import Any

import orjson
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


@functools.cache
def _pk_columns(table: Table) -> tuple[Column[Any], ...]:
    return tuple(table.primary_key.columns)


def pk_columns(table: Table) -> list[Column[Any]]:
    return list(_pk_columns(table))


@functools.cache
def _pk_names(table: Table) -> tuple[str, ...]:
    return tuple(c.name for c in _pk_columns(table))


def key_of(table: Table, row: Mapping[Any, Any]) -> str:
    """The change feed's id for ``row``: its primary key, composite keys joined with '|'."""
    names = _pk_names(table)
    if len(names) == 1:
        return str(row[names[0]])
    return KEY_SEPARATOR.join(str(row[name]) for name in names)


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
    if isinstance(value, Enum):
        return value.value
    return value


@functools.cache
def _column_names(table: Table) -> tuple[str, ...]:
    return tuple(column.name for column in table.columns)


_PLAIN = (str, int, float, bool, type(None))


def encode(table: Table, row: Mapping[Any, Any]) -> WireRow:
    """A row read from ``table`` as a JSON-safe dict of its columns (an enum member, as
    a model built in memory holds it, as its value)."""
    out = {name: row[name] for name in _column_names(table)}
    for name, value in out.items():
        if type(value) not in _PLAIN:
            out[name] = _encode_value(value)
    return out


def wire_json(data: Any) -> bytes:
    """``data`` as compact UTF-8 JSON, dates and datetimes as ISO text exactly as ``encode``
    writes them, serialised in C (orjson: a pull page is thousands of rows). A value orjson
    refuses (a lone surrogate) falls back to the standard library's escaped form."""
    try:
        return orjson.dumps(data, default=_encode_value)
    except (orjson.JSONEncodeError, TypeError):
        text = json.dumps(data, separators=(",", ":"), default=_encode_value)
        return text.encode("ascii")


def row_of(table: Table, values: Iterable[Any]) -> dict[str, Any]:
    """A row read as a tuple of ``select(table)``'s columns, as a dict of its Python values
    (for a serialiser that writes dates and datetimes as ISO text itself, as ``encode`` does)."""
    return dict(zip(_column_names(table), values, strict=True))


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


@functools.cache
def decoder(table: Table) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
    """A function turning a wire row into SQL parameters for ``table`` (raises on bad rows);
    made once per table."""
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
    """A 64-bit digest of one encoded row (its values in column order: both sides encode
    rows from the same models, so the order and the value types agree)."""
    text = repr(tuple(row.values()))
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "big")


def table_digest(rows: Iterable[WireRow]) -> tuple[int, str]:
    """Count and order-independent hash (sum of row digests mod 2**64) of a table's rows."""
    count, total = 0, 0
    for row in rows:
        count += 1
        total = (total + row_digest(row)) % (1 << 64)
    return count, f"{total:016x}"
