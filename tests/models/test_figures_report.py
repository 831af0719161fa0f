"""The one report model and its writers: keyed columns, both languages, typed XLSX cells,
formula-like text neutralised, sensitive titles replaced in what leaves a kiosk."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook

from models.figures.render import render_csv, render_table
from models.figures.report import Chart, Column, ColumnType, Report, Section
from models.figures.xlsx import write_xlsx

COLUMNS = (
    Column("title", "Gruppe", "Group"),
    Column("day", "Dato", "Date", ColumnType.DATE),
    Column("attended", "Fremmødt", "Attended", ColumnType.INT),
    Column("rate", "Fremmøde %", "Attendance %", ColumnType.PERCENT),
)


def _report(language="da") -> Report:
    section = Section(
        "attendance", "Fremmøde", "Attendance", COLUMNS,
        [("=HYPERLINK(\"x\")", date(2026, 11, 24), 3, 60.0), ("Forstå din ADHD", None, 1, None)],
        Chart("title", "attended"),
        public_rows=[("=HYPERLINK(\"x\")", date(2026, 11, 24), 3, 60.0), ("G-1", None, 1, None)],
    )  # fmt: skip
    return Report("Hornslet", date(2026, 11, 1), date(2026, 11, 30),
                  datetime(2026, 11, 24, 9, 0, tzinfo=UTC), language, [section])  # fmt: skip


def test_columns_are_found_by_key_not_by_position():
    section = _report().section("attendance")
    assert section.index("rate") == 3 and section.values("attended") == [3, 1]
    assert section.records()[0]["rate"] == 60.0
    with pytest.raises(KeyError):
        section.index("nope")


def test_csv_uses_the_languages_labels_and_neutralises_formulas():
    rows = list(csv.reader(io.StringIO(render_csv(_report())), delimiter=";"))
    assert ["Gruppe", "Dato", "Fremmødt", "Fremmøde %"] in rows
    assert ['\'=HYPERLINK("x")', "24.11.2026", "3", "60,0"] in rows
    english = list(csv.reader(io.StringIO(render_csv(_report("en"))), delimiter=";"))
    assert ["Group", "Date", "Attended", "Attendance %"] in english
    assert ['\'=HYPERLINK("x")', "24.11.2026", "3", "60.0"] in english


def test_the_table_aligns_numbers_and_shows_a_dash_for_no_value():
    text = render_table(_report())
    assert "Fremmøde" in text and "–" in text and "60,0" in text


def test_xlsx_is_written_from_typed_cells_with_formulas_neutralised(tmp_path):
    out = tmp_path / "r.xlsx"
    write_xlsx(_report(), out)
    sheet = load_workbook(out)["Fremmøde"]
    first = [c.value for c in sheet[2]][:4]
    assert first[0] == '\'=HYPERLINK("x")'  # text, never a formula
    assert isinstance(first[1], datetime) and first[2] == 3 and first[3] == 60.0
    assert sheet.cell(row=2, column=2).number_format == "dd.mm.yyyy"
    assert len(sheet._charts) == 1


def test_what_leaves_a_kiosk_has_neutral_codes_for_sensitive_titles():
    public = _report().public()
    assert public.section("attendance").values("title")[1] == "G-1"
    assert "ADHD" not in render_csv(public)
