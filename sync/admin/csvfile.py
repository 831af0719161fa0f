"""Reading case-system CSV exports: `;`-separated UTF-8 (BOM allowed), one header row."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time

from models.sensitive import cpr_like as cpr_like  # the one detector (re-exported)
from models.sensitive import describe_char, unsafe_char

_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})$")
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")


@dataclass(frozen=True, slots=True)
class LineError:
    """One refused line: its number (the header is line 1) and why."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class ImportRefused(Exception):
    """A file that cannot be imported; nothing was written."""

    def __init__(self, errors: list[LineError]) -> None:
        self.errors = sorted(errors, key=lambda e: e.line)
        lines = sorted({e.line for e in self.errors})
        shown = ", ".join(str(n) for n in lines[:20]) + (" …" if len(lines) > 20 else "")
        noun = "line" if len(lines) == 1 else "lines"
        super().__init__(f"file refused, nothing imported: bad {noun} {shown}")


class FieldError(ValueError):
    """A single field failed validation; the importer adds the line number."""


@dataclass(slots=True)
class CsvRows:
    """The data rows of a file, each a dict keyed by the template's column names."""

    header: list[str]
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)


def decode(raw: bytes) -> str:
    """The text of an export; refuses anything that is not UTF-8."""
    if not raw.strip(b"\xef\xbb\xbf \t\r\n"):
        raise ImportRefused([LineError(1, "the file is empty (expected a header row)")])
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise ImportRefused(
            [LineError(line, "the file is not UTF-8 (save the export as UTF-8, ';' separated)")]
        ) from None


def read_rows(text: str, columns: tuple[str, ...]) -> CsvRows:
    """Split ``text`` into rows, checking the header and each row's field count."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"')
    errors: list[LineError] = []
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise ImportRefused([LineError(1, "the file is empty (expected a header row)")]) from None
    # Spreadsheet exports often end every line with a stray ';': ignore empty trailing columns.
    trailing = len(header) - len("\x00".join(header).rstrip("\x00").split("\x00"))
    if header and trailing:
        header = header[: len(header) - trailing]
    missing = [c for c in columns if c not in header]
    extra = [h for h in header if h not in columns]
    if missing or extra or len(header) != len(columns):
        parts = []
        if missing:
            parts.append("missing column(s) " + ", ".join(missing))
        if extra:
            parts.append("unexpected column(s) " + ", ".join(h or "(empty)" for h in extra))
        if not parts:
            parts.append("a column is repeated")
        parts.append("expected " + ";".join(columns))
        raise ImportRefused([LineError(1, "; ".join(parts))])
    result = CsvRows(header=header)
    for fields in reader:
        line = reader.line_num
        if not "".join(fields).strip():
            continue  # blank lines (often a trailing one) carry nothing
        if len(fields) > len(header) and not any(f.strip() for f in fields[len(header) :]):
            fields = fields[: len(header)]
        if len(fields) != len(header):
            errors.append(LineError(line, f"expected {len(header)} fields, found {len(fields)}"))
            continue
        # One scan of the whole line; the column is looked for only when it holds one.
        if unsafe_char("".join(fields)) is not None:
            column, bad = next(
                (h, bad) for h, f in zip(header, fields, strict=True) if (bad := unsafe_char(f))
            )
            reason = f"column {column} holds a control character ({describe_char(bad)})"
            errors.append(LineError(line, reason))
            continue
        result.rows.append((line, dict(zip(header, map(str.strip, fields), strict=True))))
    if errors:
        raise ImportRefused(errors)
    return result


def parse_date(value: str) -> date:
    """A Danish ``dd.mm.yyyy`` date."""
    match = _DATE.match(value)
    if not match:
        raise FieldError(f"'{value}' is not a date (dd.mm.yyyy)")
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise FieldError(f"'{value}' is not a real date") from None


def parse_optional_date(value: str) -> date | None:
    return parse_date(value) if value else None


def parse_time(value: str) -> time:
    """A 24-hour ``HH:MM`` time."""
    match = _TIME.match(value)
    if not match:
        raise FieldError(f"'{value}' is not a time (HH:MM)")
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        raise FieldError(f"'{value}' is not a real time")
    return time(hour, minute)


def parse_bool(value: str) -> bool:
    """ja/nej, yes/no, 1/0, true/false; empty is no."""
    folded = value.strip().lower()
    if folded in {"", "nej", "no", "0", "false", "n"}:
        return False
    if folded in {"ja", "yes", "1", "true", "j", "y"}:
        return True
    raise FieldError(f"'{value}' is not ja/nej")


def parse_int(value: str, *, name: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise FieldError(f"{name} '{value}' is not a whole number") from None
    if not low <= number <= high:
        raise FieldError(f"{name} {number} is outside {low}–{high}")
    return number


def require(value: str, *, name: str, max_length: int) -> str:
    """A required text field of bounded length."""
    if not value:
        raise FieldError(f"{name} is missing")
    if len(value) > max_length:
        raise FieldError(f"{name} is longer than {max_length} characters")
    return value


def local_instant(day: date, at: time) -> datetime:
    """Danish wall-clock ``day`` + ``at`` as an aware UTC instant."""
    from models.timeutil import local_datetime

    return local_datetime(day, at)
