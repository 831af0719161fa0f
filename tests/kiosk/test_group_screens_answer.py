"""Issue 13: the roster, report and guest dialog answer every key, in the kiosk's language."""

from __future__ import annotations

import csv

import pytest
from textual.widgets import Input, Static

from kiosk.cli import main
from kiosk.i18n import current_language, t
from kiosk.screens.attendance_modals import GuestModal, ReasonModal
from kiosk.screens.checkin import CheckInScreen
from kiosk.screens.reports import ReportsScreen
from kiosk.screens.roster import RosterScreen
from kiosk.services.attendance_marks import mark_attendance
from kiosk.widgets.keybar import KeyBar
from models.figures.render import format_cell
from tests.kiosk.attendance_world import LEADER, seed_group, seed_reference
from tests.kiosk.frontdesk_app import MovableClock, log_in, settle
from tests.kiosk.frontdesk_data import seed_frontdesk
from tests.kiosk.test_roster_screen import open_roster_screen


@pytest.fixture
def world(fresh_db, frozen_now):
    seed_reference(fresh_db)
    return seed_group(fresh_db, frozen_now, participants=3, past_weeks=1)


def footer_keys(app) -> list[str]:
    return [item.label for item in app.screen.query_one(KeyBar)._items]


async def test_the_roster_footer_offers_held(fresh_db, kiosk_app, world):
    app = kiosk_app(fresh_db, staff=LEADER)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_roster_screen(pilot)
        assert "h" in footer_keys(app)


async def test_cancelling_a_session_with_attendance_is_refused_before_asking(
    fresh_db, kiosk_app, world, frozen_now
):
    mark_attendance(fresh_db, session_id=world.today_session, citizen_id=world.citizens[0],
                    mark="present", staff=LEADER, now=frozen_now)  # fmt: skip
    app = kiosk_app(fresh_db, staff=LEADER)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_roster_screen(pilot)
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, RosterScreen)
        assert not any(isinstance(s, ReasonModal) for s in app.screen_stack)
        status = app.screen.query_one("#status")
        assert str(status.render()) == t("attendance.refused.attended_marks_exist")
        assert status.has_class("-warning")


async def test_the_report_is_titled_by_site_name_and_its_csv_is_danish(
    fresh_db, kiosk_app, world, tmp_path
):
    app = kiosk_app(fresh_db, staff=LEADER)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("f6")
        await settle(app, pilot)
        assert isinstance(app.screen, ReportsScreen)
        title = str(app.screen.query_one("#report-title", Static).render())
        assert "Hornslet" in title and "hornslet" not in title
        await pilot.press("e")
        await settle(app, pilot)
        assert "Gemt" in str(app.screen.query_one("#status").render())
    [exported] = (tmp_path / "exports").glob("*.csv")
    cells = {c for row in csv.reader(exported.read_text("utf-8-sig").splitlines(), delimiter=";")
             for c in row}  # fmt: skip
    danish = {"afholdt", "aflyst", "uden registrering", "ikke holdt endnu"}
    assert cells & danish and not cells & {"planned", "held", "cancelled", "not held yet"}


def test_course_weeks_use_the_decimal_mark_of_the_language():
    assert format_cell(8.94, language="da") == "8,9"
    assert format_cell(8.94, language="en") == "8.9"
    assert format_cell(None, language="en", empty="–") == "–"


@pytest.fixture
def desk(fresh_db):
    seed_frontdesk(fresh_db)
    return fresh_db


async def open_guest_dialog(app, pilot) -> None:
    await pilot.press("f7")
    await log_in(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)
    await pilot.press("g")
    await settle(app, pilot)
    assert isinstance(app.screen, GuestModal)


async def test_a_guest_typed_in_one_burst_keeps_name_and_year_apart(desk, kiosk_app, frozen_now):
    app = kiosk_app(desk, clock=MovableClock(frozen_now))
    async with app.run_test(size=(120, 36)) as pilot:
        await open_guest_dialog(app, pilot)
        await pilot.press(*"Ib Aa", "tab", *"1970")
        assert app.screen.query_one("#guest-name", Input).value == "Ib Aa"
        assert app.screen.query_one("#guest-year", Input).value == "1970"
        await pilot.press("enter")
        await settle(app, pilot)
        guests = [e for e in app.screen.entries.values() if e.guest]
        assert [(g.display_name, g.birth_year) for g in guests] == [("Ib Aa", 1970)]


async def test_enter_in_the_name_field_adds_the_guest_and_f2_finds_them(
    desk, kiosk_app, frozen_now
):
    app = kiosk_app(desk, clock=MovableClock(frozen_now))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f2")  # the search index is built before the guest exists
        await log_in(app, pilot)
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("f7", "enter")
        await settle(app, pilot)
        await pilot.press("g")
        await settle(app, pilot)
        await pilot.press(*"Lone Gæst", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RosterScreen)
        await pilot.press("f2")
        await settle(app, pilot)
        await pilot.press(*"lone")
        await settle(app, pilot)
        assert isinstance(app.screen, CheckInScreen)
        assert [row[0] for row in app.screen.query_one("#results").rows] == ["Lone Gæst"]


@pytest.mark.parametrize("how", ["config", "environment"])
def test_an_unknown_language_is_one_clear_line_not_a_traceback(how, tmp_path, capsys, monkeypatch):
    args = ["kiosk", "--home", str(tmp_path)]
    if how == "config":
        config = tmp_path / "kiosk.toml"
        config.write_text('language = "xx"\n', encoding="utf-8")
        args += ["--config", str(config)]
    else:
        monkeypatch.setenv("MESTRING_LANGUAGE", "xx")
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "'xx'" in err and "da" in err and "Traceback" not in err


def test_the_app_itself_falls_back_to_danish_for_an_unknown_language(make_app):
    app = make_app(language="xx")
    assert app.language == "da" and current_language() == "da"
