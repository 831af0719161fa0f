"""`mestring central import`: validate a whole export first, then upsert it in one transaction."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.db import is_sqlite, write_session
from sync.admin.audit import central_audit
from sync.admin.csvfile import (
    CsvRows,
    FieldError,
    ImportRefused,
    LineError,
    cpr_like,
    decode,
    read_rows,
)
from sync.admin.kinds import KEY_PARSERS, KINDS, KindSpec
from sync.admin.lookups import Lookups

SQLITE_IMPORT_CACHE_KIB = 65_536


@dataclass(frozen=True, slots=True)
class Planned:
    """One validated line: its key (case-system reference or initials) and field values."""

    line: int
    key: str
    values: dict[str, Any]


@dataclass(frozen=True, slots=True)
class LineChange:
    """What importing one line does to the database."""

    line: int
    key: str
    action: Literal["new", "changed"]
    fields: tuple[str, ...] = ()


@dataclass
class ImportResult:
    """The outcome of an import (or of a dry run: what it would do)."""

    kind: str
    lines: int
    dry_run: bool
    changes: list[LineChange] = field(default_factory=list)

    @property
    def created(self) -> int:
        return sum(1 for c in self.changes if c.action == "new")

    @property
    def changed(self) -> int:
        return sum(1 for c in self.changes if c.action == "changed")

    @property
    def unchanged(self) -> int:
        return self.lines - len(self.changes)


@contextmanager
def _large_cache(session: Session, lines: int) -> Iterator[None]:
    """A bigger SQLite page cache while a large import runs (indexes stay in memory)."""
    big = lines > 10_000 and is_sqlite(session.get_bind().engine)
    if big:
        session.connection().exec_driver_sql(f"PRAGMA cache_size={-SQLITE_IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        if big:
            session.connection().exec_driver_sql("PRAGMA cache_size=-2000")  # SQLite's default


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The cyclic garbage collector off while a file is imported.

    An import builds a few objects per line (the parsed row, its plan, its insert tuple,
    its change) that all live until it ends, and no cycles; left on, the collector scans that
    growing heap again and again: about 40 % of a 100,000-line import (bench/README.md).
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


class _DryRun(Exception):
    """Raised inside the transaction so a dry run rolls everything back."""


def validate(
    session: Session, spec: KindSpec, rows: CsvRows, *, check_cpr: bool = True
) -> list[Planned]:
    """Check every line; raises ``ImportRefused`` naming every bad line.

    ``check_cpr=False`` skips the per-line CPR scan, for a file already scanned as a whole.
    """
    lookups = Lookups(session)
    parse_key = KEY_PARSERS[spec.key]
    errors: list[LineError] = []
    planned: list[Planned] = []
    seen: dict[str, int] = {}
    for line, row in rows.rows:
        try:
            # One scan of the whole line (fields joined by a non-digit) finds any CPR.
            suspects = row.items() if check_cpr and cpr_like("\x1f".join(row.values())) else ()
            for column, value in suspects:
                if cpr_like(value):
                    raise FieldError(
                        f"column {column} holds a CPR-like number (ddmmyy-xxxx); this system "
                        "must never hold a CPR: remove it from the export"
                    )
            key = parse_key(row[spec.key])
            values = spec.parse(lookups, row)
        except FieldError as err:
            errors.append(LineError(line, str(err)))
            continue
        if key in seen:
            errors.append(LineError(line, f"{spec.key} '{key}' is also on line {seen[key]}"))
            continue
        seen[key] = line
        planned.append(Planned(line, key, values))
    if errors:
        raise ImportRefused(errors)
    return planned


def import_csv(
    engine: Engine, kind: str, raw: bytes, *, now: datetime, dry_run: bool = False
) -> ImportResult:
    """Import ``raw`` (the file's bytes) as ``kind``; all or nothing.

    Raises ``ImportRefused`` listing every bad line; nothing is written then. With
    ``dry_run`` the import runs in a transaction that is rolled back, so the result says
    exactly what would change.
    """
    with _collector_paused():
        return _import(engine, kind, raw, now=now, dry_run=dry_run)


def _import(engine: Engine, kind: str, raw: bytes, *, now: datetime, dry_run: bool) -> ImportResult:
    from sync.admin.writers import WRITERS

    spec = KINDS[kind]
    text = decode(raw)
    rows = read_rows(text, spec.columns)
    # Separators and line ends are not digits, so a file with no CPR-like text as a whole
    # has none in any field; most files skip the per-line scan.
    suspicious = cpr_like(text)
    result = ImportResult(kind=kind, lines=len(rows.rows), dry_run=dry_run)
    try:
        with write_session(engine) as session, _large_cache(session, len(rows.rows)):
            planned = validate(session, spec, rows, check_cpr=suspicious)
            result.changes = WRITERS[kind](session, spec, planned, now)
            if dry_run:
                raise _DryRun
            if result.changes:
                central_audit(
                    session,
                    action="import",
                    now=now,
                    detail=f"{kind}: {result.created} new, {result.changed} changed",
                )
    except _DryRun:
        pass
    return result
