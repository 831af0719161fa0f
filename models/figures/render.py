"""Rendering a report as a terminal table or as `;`-separated CSV, from its typed columns."""

from __future__ import annotations

import csv
import io
from datetime import date

from models.figures.report import Cell, Column, ColumnType, Language, Report, Section
from models.sensitive import spreadsheet_safe
from models.timeutil import LOCAL_TZ

_WORDS = {
    "da": {"made": "dannet", "empty": "(ingen data i perioden)"},
    "en": {"made": "made", "empty": "(no data in the period)"},
}
CENTRE = "Mestringscenteret Syddjurs"


def format_cell(value: Cell, column: Column | None = None, *, language: Language = "da",
                empty: str = "") -> str:  # fmt: skip
    """Danish formats (dd.mm.yyyy, decimal comma) in Danish; a decimal point in English."""
    if value is None:
        return empty
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float) or (column is not None and column.type is ColumnType.DECIMAL):
        text = f"{float(value):.1f}" if isinstance(value, int | float) else str(value)
        return text.replace(".", ",") if language == "da" else text
    return str(value)


def heading(report: Report) -> str:
    words = _WORDS[report.language]
    generated = report.generated_at.astimezone(LOCAL_TZ).strftime("%d.%m.%Y %H:%M")
    return (
        f"{CENTRE} · {report.site_label} · "
        f"{format_cell(report.start)}–{format_cell(report.end)} · {words['made']} {generated}"
    )


def section_cells(section: Section, language: Language, empty: str = "") -> list[list[str]]:
    """Every row of ``section`` as display text."""
    return [
        [
            format_cell(v, c, language=language, empty=empty)
            for v, c in zip(row, section.columns, strict=True)
        ]
        for row in section.rows
    ]


def _table(section: Section, language: Language) -> list[str]:
    cells = section_cells(section, language, empty="–")
    labels = section.labels(language)
    widths = [len(label) for label in labels]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    numeric = [c.type.numeric for c in section.columns]

    def line(values: list[str]) -> str:
        parts = [
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    title = section.title(language)
    out = [title, "─" * len(title), line(labels), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in cells] or [_WORDS[language]["empty"]]
    if section.note(language):
        out.append(section.note(language))
    return out


def render_table(report: Report) -> str:
    """The whole report as aligned text tables, one per section."""
    lines = [heading(report), ""]
    for section in report.sections:
        lines += _table(section, report.language)
        lines.append("")
    return "\n".join(lines)


def render_csv(report: Report) -> str:
    """The report as CSV blocks (title, header, rows, blank line), `;`-separated.

    Text cells that a spreadsheet would run as a formula are neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([spreadsheet_safe(heading(report))])
    writer.writerow([])
    for section in report.sections:
        writer.writerow([spreadsheet_safe(section.title(report.language))])
        writer.writerow(section.labels(report.language))
        text = [c.type is ColumnType.TEXT for c in section.columns]
        for row in section_cells(section, report.language):
            writer.writerow(
                [spreadsheet_safe(v) if t else v for v, t in zip(row, text, strict=True)]
            )
        writer.writerow([])
    return buffer.getvalue()
