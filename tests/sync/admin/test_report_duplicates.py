"""Central's report counts a visit two desks checked in while apart once, on SQLite and
PostgreSQL, in the table, the CSV and the XLSX (rows worked out in tests/kiosk/two_desks.py)."""

from __future__ import annotations

from datetime import datetime

from openpyxl import load_workbook
from sqlalchemy.engine import Engine

from sync.admin.report_model import ReportQuery
from sync.admin.reports import export_report, make_report
from tests.kiosk.two_desks import TODAY, YESTERDAY, add, central_rows


def _seeded(central: Engine) -> Engine:
    add(central, central_rows())
    return central


def test_each_visit_counts_once_in_every_visit_section(central: Engine, frozen_now: datetime):
    report = make_report(_seeded(central), ReportQuery(site=None, start=YESTERDAY, end=TODAY),
                         now=frozen_now)  # fmt: skip
    assert report.section("visits_offer").rows == [
        ("Hornslet", "Gruppeforløb", 1, 1, 0),
        ("Hornslet", "Individuelt mestringsforløb", 1, 1, 0),
        ("Hornslet", "Åben rådgivning", 4, 3, 0),  # Jens on two days, Aase, Bjørn
        ("", "I alt", 6, 5, 0),
    ]
    assert report.section("visits_day").rows == [
        (YESTERDAY, "Hornslet", "Åben rådgivning", 1),
        (TODAY, "Hornslet", "Gruppeforløb", 1),
        (TODAY, "Hornslet", "Individuelt mestringsforløb", 1),
        (TODAY, "Hornslet", "Åben rådgivning", 3),
    ]
    assert sum(r[3] for r in report.section("visits_week").rows) == 6
    assert report.section("unique").rows == [("Hornslet", 5, 6), ("I alt", 5, 6)]
    [group] = report.section("attendance").records()
    assert (group["participants"], group["attended"], group["rate"]) == (2, 1, 50.0)
    appointments = report.section("appointments").records()[0]
    assert (appointments["booked"], appointments["arrived"]) == (1, 1)


def test_the_csv_and_the_committee_workbook_count_each_visit_once(
    central: Engine, frozen_now: datetime, tmp_path
):
    query = ReportQuery(site="hornslet", start=YESTERDAY, end=TODAY)
    out = tmp_path / "r.csv"
    export_report(_seeded(central), query, now=frozen_now, fmt="csv", out=out)
    text = out.read_bytes().decode("utf-8-sig")
    assert "Hornslet;Åben rådgivning;4;3;0\r\n" in text and ";I alt;6;5;0\r\n" in text
    workbook_path = tmp_path / "udvalg.xlsx"
    committee = ReportQuery(site=None, start=YESTERDAY, end=TODAY, committee=True)
    export_report(central, committee, now=frozen_now, fmt="xlsx", out=workbook_path)
    workbook = load_workbook(workbook_path)
    offers = [list(r)[:5] for r in workbook["Besøg pr. tilbud"].iter_rows(values_only=True)]
    assert ["Hornslet", "Åben rådgivning", 4, 3, 0] in offers and [None, "I alt", 6, 5, 0] in offers
    unique = [list(r)[:3] for r in workbook["Unikke borgere"].iter_rows(values_only=True)]
    assert ["Hornslet", 5, 6] in unique


def test_the_earliest_check_in_of_a_visit_decides_where_it_counts(
    central: Engine, frozen_now: datetime
):
    """Two rows of one session visit that disagree on the offer (a desk with an outdated
    catalogue): the visit counts once, under the earliest row's, whatever order they arrive."""
    rows = central_rows()
    late = next(r for r in rows if r.id == "t-soeren")
    late.offer_id = "beskaeftigelse"
    add(central, [r for r in rows if r.id != "h-soeren"] + [r for r in rows if r.id == "h-soeren"])
    report = make_report(central, ReportQuery(site="hornslet", start=TODAY, end=TODAY),
                         now=frozen_now)  # fmt: skip
    offers = {r["offer"]: r["check_ins"] for r in report.section("visits_offer").records()}
    assert offers["Gruppeforløb"] == 1 and "Beskæftigelse" not in offers
