"""What may never enter the system, in one place: CPR-like numbers and unsafe text.

Every path in uses these detectors — the CSV importer, the central push validation and the
kiosk's own text fields — so that "no CPR anywhere" (SPEC §6) is one rule, not several
drifting copies.
"""

from __future__ import annotations

import re

#: ddmmyy-xxxx anywhere (dash, space, dot or nothing between), or ten digits on their own.
_CPR = re.compile(r"(?<!\d)(\d{2})(\d{2})\d{2}[-\s./]?\d{4}(?!\d)")
#: The same with separators inside the date too (dd.mm.yy-xxxx, dd mm yy xxxx), as a CPR
#: number is often typed by hand; see ``cpr_like(..., separated_date=True)``.
_CPR_SEPARATED_DATE = re.compile(r"(?<!\d)(\d{2})[.\s/-](\d{2})[.\s/-]\d{2}[-\s./]?\d{4}(?!\d)")
#: Format characters that reorder or hide text on a terminal or in a spreadsheet.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Every character ``unsafe_char`` refuses, as one character class: the Unicode categories
#: Cc (C0, DEL, C1) and Cs (surrogates) are fixed ranges, so this is the same test as
#: ``unicodedata.category`` per character, run by the regex engine (an import of 100,000
#: citizens checks four million characters).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff" + "".join(sorted(_BIDI)) + "]")
#: A spreadsheet runs a cell that starts with one of these as a formula (or DDE command).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def cpr_like(value: str, *, separated_date: bool = False) -> bool:
    """True when ``value`` holds something shaped like a CPR number (ddmmyy-xxxx).

    A ten-digit run, or six digits and four digits with one separator, whose first two pairs
    can be a day (01–31) and a month (01–12). No check digit is required: CPR numbers issued
    since 2007 need not satisfy the modulus-11 rule.

    ``separated_date``: also the form with separators inside the date (``31.12.99-1234``,
    ``01 01 90 1111``). The kiosk's text fields and search refuse it too; the central checks
    (imports, pushed rows, names) use the six-digits-in-a-row rule alone.
    """
    patterns = (_CPR, _CPR_SEPARATED_DATE) if separated_date else (_CPR,)
    for pattern in patterns:
        for match in pattern.finditer(value):
            day, month = int(match.group(1)), int(match.group(2))
            if 1 <= day <= 31 and 1 <= month <= 12:
                return True
    return False


def unsafe_char(value: str) -> str | None:
    """The first character of ``value`` that no stored text may hold, or ``None``.

    Refused: NUL and every other control character (C0, DEL, C1 — ESC sequences would be
    written raw to a terminal later), lone surrogates (not encodable as UTF-8), and the
    bidirectional overrides that make text read differently from what is stored.
    """
    found = _UNSAFE.search(value)
    return found.group() if found else None


def describe_char(char: str) -> str:
    """A printable description of a refused character: ``U+001B``."""
    return f"U+{ord(char):04X}"


def text_problem(value: str, *, max_length: int) -> str:
    """Why ``value`` cannot be stored as free text ('' when it can).

    The reason never repeats the value itself (it may be a CPR number).
    """
    if len(value) > max_length:
        return f"longer than {max_length} characters"
    bad = unsafe_char(value)
    if bad is not None:
        return f"holds a control character ({describe_char(bad)})"
    if cpr_like(value):
        return "holds a CPR-like number (ddmmyy-xxxx); this system never stores a CPR"
    return ""


def spreadsheet_safe(value: object) -> object:
    """``value`` as a CSV/XLSX cell that a spreadsheet shows as text, never runs as a formula.

    Text starting with ``=``, ``+``, ``-``, ``@`` (or a tab/CR) gets a leading apostrophe,
    the OWASP advice for CSV injection; numbers and dates pass through unchanged.
    """
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value
