"""Rendering a report as a terminal table or as `;`-separated CSV (Danish number format)."""

from __future__ import annotations

import csv
import io
from datetime import date

from models.timeutil import LOCAL_TZ
from sync.admin.report_model import Cell, Report, Section


def format_cell(value: Cell, *, empty: str = "") -> str:
    """Danish formats: dd.mm.yyyy dates, decimal comma."""
    if value is None:
        return empty
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return str(value)


def heading(report: Report) -> str:
    generated = report.generated_at.astimezone(LOCAL_TZ).strftime("%d.%m.%Y %H:%M")
    return (
        f"Mestringscenteret Syddjurs · {report.site_label} · "
        f"{format_cell(report.start)}–{format_cell(report.end)} · dannet {generated}"
    )


def _table(section: Section) -> list[str]:
    cells = [[format_cell(v, empty="–") for v in row] for row in section.rows]
    widths = [len(c) for c in section.columns]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    numeric = [
        all(isinstance(r[i], int | float) or r[i] is None for r in section.rows) and section.rows
        for i in range(len(section.columns))
    ]

    def line(values: list[str]) -> str:
        parts = [
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    out = [section.title, "─" * len(section.title), line(list(section.columns))]
    out.append("  ".join("-" * w for w in widths))
    out += [line(row) for row in cells] or ["(ingen data i perioden)"]
    if section.note:
        out.append(section.note)
    return out


def render_table(report: Report) -> str:
    """The whole report as aligned text tables, one per section."""
    lines = [heading(report), ""]
    for section in report.sections:
        lines += _table(section)
        lines.append("")
    return "\n".join(lines)


def render_csv(report: Report) -> str:
    """The report as CSV blocks (title, header, rows, blank line), `;`-separated."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([heading(report)])
    writer.writerow([])
    for section in report.sections:
        writer.writerow([section.title])
        writer.writerow(section.columns)
        writer.writerows([format_cell(v) for v in row] for row in section.rows)
        writer.writerow([])
    return buffer.getvalue()
