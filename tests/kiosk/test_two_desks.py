"""Two desks that were apart checked the same visits in: the kiosk counts each visit once
and the desk's lists say where else it was checked in (worked out in tests/kiosk/two_desks.py).
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy.engine import Engine
from textual.widgets import DataTable

from kiosk.i18n import set_language
from kiosk.screens.checkin import CheckInScreen, duplicate_text
from kiosk.screens.home import HomeScreen
from kiosk.screens.roster import RosterScreen
from kiosk.screens.roster_format import roster_cells
from kiosk.services.attendance import open_roster
from kiosk.services.checkin import AlsoAt, check_in
from kiosk.services.corrections import todays_check_ins
from kiosk.services.plan import load_today
from kiosk.services.site_report import site_report
from kiosk.services.site_report_csv import report_csv
from kiosk.services.site_report_xlsx import report_xlsx
from kiosk.services.today import TodayService
from models.db import read_session
from models.figures.report import Report
from tests.kiosk.attendance_world import LEADER
from tests.kiosk.frontdesk_app import MovableClock, build_kiosk_app, settle
from tests.kiosk.two_desks import TODAY, YESTERDAY, at, seed_two_desks

SIZE = (120, 36)


@pytest.fixture
def kiosk(fresh_db: Engine) -> Engine:
    seed_two_desks(fresh_db)
    return fresh_db


@pytest.fixture
def report(kiosk: Engine, frozen_now: datetime) -> Report:
    return site_report(kiosk, start=YESTERDAY, end=TODAY, staff=LEADER, now=frozen_now)


# -- counted once ---------------------------------------------------------------------------


def test_the_site_report_counts_each_visit_once(report: Report) -> None:
    offers = {r["offer"]: (r["check_ins"], r["citizens"]) for r in
              report.section("visits_offer").records()}  # fmt: skip
    assert offers == {
        "Åben rådgivning": (4, 3),  # Jens twice (two days), Aase, Bjørn (one desk undid its own)
        "Gruppeforløb": (1, 1),
        "Individuelt mestringsforløb": (1, 1),
        "I alt": (6, 5),
    }
    assert report.section("visits_day").rows == [
        (YESTERDAY, "Hornslet", "Åben rådgivning", 1),
        (TODAY, "Hornslet", "Gruppeforløb", 1),
        (TODAY, "Hornslet", "Individuelt mestringsforløb", 1),
        (TODAY, "Hornslet", "Åben rådgivning", 3),
    ]
    assert report.section("visits_week").rows == [
        ("2026-U48", "Hornslet", "Gruppeforløb", 1),
        ("2026-U48", "Hornslet", "Individuelt mestringsforløb", 1),
        ("2026-U48", "Hornslet", "Åben rådgivning", 4),
    ]
    assert report.section("unique").rows == [("Hornslet", 5, 6), ("I alt", 5, 6)]


def test_attendance_and_appointments_count_the_doubled_check_ins_once(report: Report) -> None:
    [group] = report.section("attendance").records()
    assert (group["participants"], group["attended"], group["unmarked"], group["rate"]) == (
        2, 1, 1, 50.0
    )  # fmt: skip
    [booked, total] = report.section("appointments").records()
    assert (booked["booked"], booked["arrived"], total["arrived"]) == (1, 1, 1)


def test_the_csv_and_xlsx_exports_count_each_visit_once(report: Report) -> None:
    rows = list(csv.reader(io.StringIO(report_csv(report)), delimiter=";"))
    assert ["Hornslet", "Åben rådgivning", "4", "3", "0"] in rows
    assert ["Hornslet", "Individuelt mestringsforløb", "1", "1", "0"] in rows
    assert ["", "I alt", "6", "5", "0"] in rows
    workbook = load_workbook(io.BytesIO(report_xlsx(report)))
    sheet = [list(r)[:5] for r in workbook["Besøg pr. tilbud"].iter_rows(values_only=True)]
    assert ["Hornslet", "Åben rådgivning", 4, 3, 0] in sheet
    assert [None, "I alt", 6, 5, 0] in sheet  # the total row (its site cell is empty)
    unique = [list(r)[:3] for r in workbook["Unikke borgere"].iter_rows(values_only=True)]
    assert ["Hornslet", 5, 6] in unique


def test_home_counts_the_session_once_and_names_the_other_desk(
    kiosk: Engine, frozen_now: datetime
) -> None:
    view = TodayService(kiosk).home(frozen_now)
    [session] = view.sessions
    assert (session.enrolled, session.arrived) == (2, 1)
    [appointment] = view.appointments
    assert appointment.arrived and appointment.also == (AlsoAt("Skranke 2", at(9, 5)),)


# -- the desk's lists -----------------------------------------------------------------------


def test_todays_check_ins_list_each_visit_once_with_the_other_desk(
    kiosk: Engine, frozen_now: datetime
) -> None:
    records = todays_check_ins(kiosk, now=frozen_now)
    shown = [(r.display_name, r.at, [(a.device_name, a.at) for a in r.also]) for r in records]
    assert shown == [  # newest first; this desk's own check-in where it made one
        ("Bjørn Aagaard", at(9, 16), []),  # Skranke 2 undid its own: no duplicate
        ("Aase Møller", at(9, 15), []),  # only Skranke 2 checked her in
        ("Jens Nielsen", at(9, 10), [("Skranke 2", at(9, 12))]),
        ("Mette Kristensen", at(9, 7), [("Skranke 2", at(9, 5))]),
        ("Søren Pedersen", at(9, 0), [("Skranke 2", at(9, 2))]),
    ]


def test_a_third_check_in_is_refused_and_names_the_other_desk(
    kiosk: Engine, frozen_now: datetime
) -> None:
    with read_session(kiosk) as session:
        plan = load_today(session, site_id="hornslet", day=TODAY, citizen_id="c-mette-k")
    [appointment] = [item for item in plan["c-mette-k"] if item.kind == "appointment"]
    outcome = check_in(kiosk, citizen_id="c-mette-k", staff=None, now=frozen_now,
                       target=appointment)  # fmt: skip
    assert outcome.status == "duplicate" and outcome.record is not None
    assert outcome.record.at == at(9, 7)  # this desk's own, though Skranke 2's came first
    assert outcome.record.also == (AlsoAt("Skranke 2", at(9, 5)),)
    assert duplicate_text(outcome.record).endswith(
        "(kl. 09:07). Også tjekket ind ved Skranke 2 kl. 09:05."
    )


def test_the_roster_names_the_other_desk_in_both_languages(
    kiosk: Engine, frozen_now: datetime
) -> None:
    roster = open_roster(kiosk, session_id="gs-today", staff=LEADER, now=frozen_now)
    entries = {e.citizen_id: e for e in roster.entries}
    soeren, mette = entries["c-soeren"], entries["c-mette-k"]
    assert soeren.checked_in and soeren.also == (AlsoAt("Skranke 2", at(9, 2)),)
    assert not mette.checked_in and mette.also == ()
    assert str(roster_cells(soeren)[3]) == "tjekket ind · også tjekket ind ved Skranke 2 kl. 09:02"
    assert roster_cells(mette)[3] == ""
    set_language("en")
    try:
        assert str(roster_cells(soeren)[3]) == "checked in · also checked in at Skranke 2 at 09:02"
    finally:
        set_language("da")


# -- on screen ------------------------------------------------------------------------------


def _app(kiosk: Engine, tmp_path, frozen_now: datetime, **options: object):
    return build_kiosk_app(kiosk, tmp_path, clock=MovableClock(frozen_now),
                           idle_lock_seconds=600, **options)  # fmt: skip


async def test_the_check_in_list_says_where_else_a_citizen_was_checked_in(
    kiosk: Engine, tmp_path, frozen_now: datetime
) -> None:
    from tests.kiosk.frontdesk_app import log_in

    app = _app(kiosk, tmp_path, frozen_now)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await log_in(app, pilot)
        assert isinstance(app.screen, CheckInScreen)
        await settle(app, pilot)
        await pilot.press(*"jens niel")
        await settle(app, pilot)
        rows = {r[:2]: r[2] for r in app.screen.query_one("#results").rows}
        assert rows[("Jens Nielsen", "1950")].startswith(
            "✓ inde 09:10 · også tjekket ind ved Skranke 2 kl. 09:12"
        )
        assert "inde" not in rows[("Jens Nielsen", "1982")]
        app.screen.query_one("#search").value = ""
        await pilot.press(*"aase")
        await settle(app, pilot)
        [aase] = app.screen.query_one("#results").rows
        assert aase[2].startswith("✓ inde 09:15") and "også" not in aase[2]


async def test_the_roster_screen_shows_the_other_desk_in_the_desk_column(
    kiosk: Engine, tmp_path, frozen_now: datetime
) -> None:
    app = _app(kiosk, tmp_path, frozen_now, staff=LEADER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("f7")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RosterScreen)
        table = app.screen.query_one(DataTable)
        desk = {str(row.key.value): str(table.get_row(row.key)[3]) for row in table.ordered_rows}
        assert desk == {
            "c-soeren": "tjekket ind · også tjekket ind ved Skranke 2 kl. 09:02",
            "c-mette-k": "",
        }


async def test_home_says_where_else_an_appointment_was_checked_in(
    kiosk: Engine, tmp_path, frozen_now: datetime
) -> None:
    app = _app(kiosk, tmp_path, frozen_now)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        table = app.screen.query_one("#appointments", DataTable)
        [row] = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert row[-1] == "mødt · også tjekket ind ved Skranke 2 kl. 09:05"
        sessions = app.screen.query_one("#sessions", DataTable)
        assert [str(c) for c in sessions.get_row_at(0)][3:5] == ["2", "1"]  # enrolled, arrived


def test_roster_with_a_citizen_checked_in_at_two_desks_snapshot(
    kiosk: Engine, tmp_path, frozen_now: datetime, snap_compare
) -> None:
    """The desk column reads "tjekket ind · også tjekket ind ved Skranke 2 kl. 09:02"."""
    app = _app(kiosk, tmp_path, frozen_now, staff=LEADER)

    async def open_it(pilot) -> None:
        await settle(app, pilot)
        await pilot.press("f7")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=open_it)
