"""Report figures against a hand-computed fixture (tests/sync/admin/report_fixture.py)."""

from __future__ import annotations

from datetime import date

import pytest
from openpyxl import load_workbook
from sqlmodel import select

from kiosk.cli import main
from models import AuditEntry
from models.db import read_session
from sync.admin.report_model import ReportQuery
from sync.admin.report_period import half_year
from sync.admin.reports import export_report, make_report
from tests.sync.admin.conftest import db_url
from tests.sync.admin.report_fixture import seed_report_fixture

PERIOD = {"start": date(2026, 11, 16), "end": date(2026, 11, 24)}


@pytest.fixture
def reported(central, frozen_now):
    seed_report_fixture(central)
    return make_report(central, ReportQuery(site=None, **PERIOD), now=frozen_now)


def test_visits_per_week_count_danish_weeks_and_skip_retracted_check_ins(reported):
    assert reported.section("visits_week").rows == [
        ("2026-U47", "Hornslet", "Åben rådgivning", 3),
        ("2026-U48", "Ebeltoft", "Åben rådgivning", 1),
        ("2026-U48", "Hornslet", "Gruppeforløb", 1),
    ]


def test_visits_per_day_use_the_danish_calendar_day(reported):
    rows = reported.section("visits_day").rows
    assert (date(2026, 11, 23), "Ebeltoft", "Åben rådgivning", 1) in rows
    assert sum(r[3] for r in rows) == 5


def test_unique_citizens_count_each_person_once(reported):
    assert reported.section("unique").rows == [
        ("Ebeltoft", 1, 1),
        ("Hornslet", 2, 4),
        ("I alt", 3, 5),
    ]
    assert reported.section("visits_offer").rows == [
        ("Ebeltoft", "Åben rådgivning", 1, 1, 1),
        ("Hornslet", "Gruppeforløb", 1, 1, 0),
        ("Hornslet", "Åben rådgivning", 3, 2, 2),  # Danish order: Å after G
        ("", "I alt", 5, 3, 3),  # check-ins, unique citizens over all, anonymous contacts
    ]


def test_anonymous_contacts_are_counted_per_topic_and_age_band(reported):
    assert reported.section("anonymous").rows == [
        ("Ebeltoft", "(intet emne)", "30-49", 1),
        ("Hornslet", "bolig", "18-29", 1),
        ("Hornslet", "økonomi", "(ikke oplyst)", 1),
        ("Hornslet", "økonomi", "18-29", 1),
    ]
    assert reported.section("topics").rows == [
        ("Ebeltoft", "(intet emne)", 1),
        ("Hornslet", "bolig", 1),
        ("Hornslet", "økonomi", 2),
    ]


def test_group_attendance_uses_the_latest_mark_and_active_enrolments(reported):
    # s1 held: c1 present, c2 absent→late, c3 present (3 of 3); s2 marked: c1 excused,
    # The title reveals a diagnosis: its neutral code unless an admin asks (--titles).
    # c2 unmarked (open session), guest c9 present (3 participants, 1 attended);
    # s3 cancelled; s4 unrecorded; s5 later today (not yet held: not in the rate).
    section = reported.section("attendance")
    assert section.rows == [("Hornslet", "G-01", "G-01", 2, 1, 1, 6, 1, 4, 1, 0, 1, 66.7)]
    assert section.records()[0]["rate"] == 66.7 and section.column("rate").type == "percent"
    sessions = {r["date"].day: r for r in reported.section("attendance_sessions").records()}
    assert [sessions[d]["status"] for d in (17, 19, 21, 23, 24)] == [
        "afholdt", "afholdt", "aflyst", "uden registrering", "ikke holdt endnu",
    ]  # fmt: skip
    assert (sessions[19]["participants"], sessions[19]["guests"], sessions[19]["rate"]) == (
        3,
        1,
        33.3,
    )
    assert sessions[24]["rate"] is None and sessions[23]["rate"] is None


def test_sensitive_titles_appear_only_with_titles_and_that_choice_is_audited(
    central, frozen_now, capsys
):
    seed_report_fixture(central)
    argv = ["report", "--site", "all", "--format", "csv", "--from", "16.11.2026",
            "--to", "24.11.2026", "--db", db_url(central)]  # fmt: skip
    assert main(argv) == 0
    assert "ADHD" not in capsys.readouterr().out
    assert main([*argv, "--titles"]) == 0
    assert "Forstå din ADHD" in capsys.readouterr().out
    with read_session(central) as session:
        details = [e.detail for e in session.exec(select(AuditEntry)).all()]
    assert sorted("titles=shown" in d for d in details) == [False, True]


def test_course_lengths_flag_courses_past_their_planned_weeks(reported):
    assert reported.section("courses").rows == [
        ("Ebeltoft", 1, 1, 0, 15.9, 15.9, 15.9, 1),
        ("Hornslet", 2, 0, 2, 16.4, 16.4, 25.1, 1),
    ]
    listed = {r[2]: (r[4], r[5], r[7]) for r in reported.section("course_list").rows}
    assert listed == {
        "K1": (None, 176, "ja"),
        "K2": (None, 54, ""),
        "K4": (date(2026, 11, 20), 111, "ja"),
    }


def test_queue_waiting_times_run_from_ticket_to_first_call(reported):
    assert reported.section("queue").rows == [
        ("Hornslet", "Åben rådgivning", 4, 2, 2, 0, 12.0, 30.0, 30.0)
    ]


def test_a_site_report_holds_only_that_site(central, frozen_now):
    seed_report_fixture(central)
    report = make_report(central, ReportQuery(site="ebeltoft", **PERIOD), now=frozen_now)
    assert report.section("unique").rows == [("Ebeltoft", 1, 1), ("I alt", 1, 1)]
    assert report.section("attendance").rows == []


def test_the_committee_report_leaves_out_the_per_course_list(central, frozen_now):
    seed_report_fixture(central)
    query = ReportQuery(site=None, committee=True, **PERIOD)
    keys = [s.key for s in make_report(central, query, now=frozen_now).sections]
    assert "course_list" not in keys and "courses" in keys and "visits_day" not in keys


def test_half_years_default_to_the_last_completed_one(frozen_now):
    assert half_year(None, frozen_now) == (date(2026, 1, 1), date(2026, 6, 30), "2026H1")
    assert half_year("2026H2", frozen_now)[:2] == (date(2026, 7, 1), date(2026, 12, 31))
    with pytest.raises(ValueError):
        half_year("2026Q3", frozen_now)


def test_an_export_is_audited(central, frozen_now, tmp_path):
    seed_report_fixture(central)
    out = tmp_path / "r.csv"
    export_report(central, ReportQuery(site=None, **PERIOD), now=frozen_now, fmt="csv", out=out)
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # Excel recognises UTF-8 by its BOM
    text = raw.decode("utf-8-sig")
    assert "Besøg pr. uge\r\nUge;Sted;Tilbud;Besøg\r\n2026-U47;Hornslet;Åben rådgivning;3" in text
    with read_session(central) as session:
        entry = session.exec(select(AuditEntry)).one()
    assert entry.action == "report_export" and "format=csv" in entry.detail


def test_the_cli_writes_an_xlsx_workbook_with_a_chart_per_section(central, tmp_path, capsys):
    seed_report_fixture(central)
    out = tmp_path / "r.xlsx"
    argv = ["report", "--site", "all", "--format", "xlsx", "--out", str(out),
            "--from", "16.11.2026", "--to", "24.11.2026", "--db", db_url(central)]  # fmt: skip
    assert main(argv) == 0
    workbook = load_workbook(out)
    assert workbook.sheetnames == [
        "Rapport", "Besøg pr. uge", "Besøg pr. dag", "Besøg pr. tilbud", "Unikke borgere",
        "Anonyme henvendelser", "Anonyme henvendelser pr. emne", "Fremmøde på hold",
        "Fremmøde pr. møde", "Aftaler", "Forløbslængder (§82b)", "Forløb", "Ventetid i køen",
    ]  # fmt: skip
    assert len(workbook["Besøg pr. uge"]._charts) == 1
    assert workbook["Unikke borgere"]["A4"].value == "I alt"


def test_the_cli_table_shows_a_sites_visits(central, capsys):
    seed_report_fixture(central)
    argv = ["report", "--site", "hornslet", "--from", "2026-11-16", "--to", "2026-11-24",
            "--db", db_url(central)]  # fmt: skip
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "Besøg pr. dag" in out and "Hornslet" in out and "Ebeltoft" not in out
    assert "17.11.2026" in out


def test_the_cli_refuses_an_unknown_site(central, capsys):
    assert main(["report", "--site", "aarhus", "--db", db_url(central)]) == 2
    assert "unknown site 'aarhus'" in capsys.readouterr().err


def test_the_committee_workbook_has_a_chart_on_every_section_sheet(central, tmp_path):
    seed_report_fixture(central)
    out = tmp_path / "udvalg.xlsx"
    assert main(["report", "--halfyear", "2026H2", "--out", str(out), "--db", db_url(central)]) == 0
    workbook = load_workbook(out)
    sections = workbook.sheetnames[1:]
    assert "Forløb" not in sections and "Besøg pr. dag" not in sections
    charts = {name: len(workbook[name]._charts) for name in sections}
    assert charts.pop("Aftaler") == 0  # no appointments in the fixture: only the total row
    assert set(charts.values()) == {1}
    assert "01.07.2026–31.12.2026" in workbook["Rapport"]["A1"].value
