"""Pilot: FIT at the kiosk's screens. The leader turns it on at the roster (Ctrl+F) and the
counsellor on F8; u shows the group's trend without names; once a session with FIT is
closed, v hands the kiosk to a participant for the session rating (digits, Esc skips, idle
returns, a card scan keeps nothing); Ctrl+B starts a stand-alone questionnaire."""

from __future__ import annotations

import pytest
from sqlmodel import select
from textual.widgets import DataTable

from kiosk.app import KioskApp
from kiosk.screens.checkin import CheckInScreen
from kiosk.screens.citizen_mode import CitizenModeScreen
from kiosk.screens.courses import CoursesScreen
from kiosk.screens.group_trend import GroupTrendScreen
from kiosk.screens.roster import RosterScreen
from kiosk.widgets.keybar import KeyBar
from models import FitPlan, FitRating, QuestionnaireAnswer, QuestionnaireUse, StaffSiteRole
from models.db import read_session, write_session
from models.feedback import Moment
from tests.kiosk.attendance_world import COUNSELLOR, LEADER, seed_course, seed_group
from tests.kiosk.attendance_world import seed_reference as seed_attendance
from tests.kiosk.frontdesk_app import MovableClock, log_in, make_app, settle
from tests.kiosk.frontdesk_data import seed_frontdesk
from tests.kiosk.questionnaire_data import seed_questionnaires, turn_on_fit
from tests.kiosk.test_fit_at_kiosk import rate


def rows(engine, model):
    with read_session(engine) as session:
        return list(session.exec(select(model)))


def shown_text(screen) -> str:
    parts = [str(widget.render()) for widget in screen.query("Static")]
    parts += [f"{item.label} {item.description}" for item in screen.query_one(KeyBar)._items]
    return "\n".join(parts)


def status(app) -> str:
    return str(app.screen.query_one("#status").render())


async def after_a_while(app, pilot, clock, seconds: float = 2.0) -> None:
    screen = app.screen
    clock.advance(seconds)
    if isinstance(screen, CitizenModeScreen):
        screen.check_quiet()
    await settle(app, pilot)


# -- the group's leader at the roster (attendance world) ---------------------------------


@pytest.fixture
def leader_world(fresh_db, frozen_now):
    seed_attendance(fresh_db)
    seed_questionnaires_only(fresh_db)
    return seed_group(fresh_db, frozen_now, participants=3, past_weeks=1)


def seed_questionnaires_only(engine) -> None:
    from models.demo_questionnaires import questionnaires, questions

    with write_session(engine) as session:
        for row in (*questionnaires(), *questions()):
            session.add(row)
            session.flush()


async def open_roster(app, pilot) -> None:
    await settle(app, pilot)
    await pilot.press("f7")
    await settle(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, RosterScreen)


async def test_the_leader_turns_fit_on_and_off_at_the_roster(
    fresh_db, leader_world, kiosk_app, frozen_now
):
    app = kiosk_app(fresh_db, staff=LEADER, idle_lock_seconds=600)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_roster(app, pilot)
        await pilot.press("ctrl+f")
        await settle(app, pilot)
        assert [p.id for p in rows(fresh_db, FitPlan)] == [leader_world.group_id]
        assert "FIT er slået til" in status(app)
        await pilot.press("ctrl+f")
        await settle(app, pilot)
        assert rows(fresh_db, FitPlan) == [] and "slået fra" in status(app)


async def test_u_shows_the_groups_trend_as_averages_without_names(
    fresh_db, leader_world, kiosk_app, frozen_now
):
    [past] = leader_world.past_sessions
    a, b, _c = leader_world.citizens
    rate(fresh_db, frozen_now, past, a, "fit-outcome", 20)
    rate(fresh_db, frozen_now, past, b, "fit-outcome", 25)
    app = kiosk_app(fresh_db, staff=LEADER, idle_lock_seconds=600)
    async with app.run_test(size=(120, 36)) as pilot:
        await open_roster(app, pilot)
        await pilot.press("u")
        await settle(app, pilot)
        assert isinstance(app.screen, GroupTrendScreen)
        table = app.screen.query_one(DataTable)
        assert [str(c) for c in table.get_row_at(0)][1:3] == ["22,5", "2"]
        for name in leader_world.names.values():
            assert name.split(",")[0] not in shown_text(app.screen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, RosterScreen)


async def test_the_counsellor_turns_fit_on_for_a_course_on_f8(
    fresh_db, leader_world, kiosk_app, frozen_now
):
    course_id, _citizen = seed_course(fresh_db, starts_on=frozen_now.date())
    app = kiosk_app(fresh_db, staff=COUNSELLOR, idle_lock_seconds=600)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("f8")
        await settle(app, pilot)
        assert isinstance(app.screen, CoursesScreen)
        await pilot.press("ctrl+f")
        await settle(app, pilot)
        assert [p.id for p in rows(fresh_db, FitPlan)] == [course_id]
        cells = [str(c) for c in app.screen.query_one("#courses", DataTable).get_row_at(0)]
        assert cells[-1] == "til (ingen vurderinger endnu)"


# -- the session-end rating (front-desk world: a card scanner, Søren's group) ------------


@pytest.fixture
def kiosk(fresh_db):
    seed_frontdesk(fresh_db)
    seed_questionnaires(fresh_db)
    turn_on_fit(fresh_db)  # g-adhd, Søren's and Mette's group
    with write_session(fresh_db) as session:  # Mette Holm leads groups here too
        session.add(StaffSiteRole(staff_id="s-mh", site_id="hornslet", role="group_leader"))
    return fresh_db


@pytest.fixture
def clock(frozen_now):
    return MovableClock(frozen_now)


async def close_with_soeren_present(app, pilot) -> None:
    """F7, log in, today's session: Søren present, the session closed (l)."""
    await pilot.press("f7")
    await log_in(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)
    await select_soeren(app, pilot)
    await pilot.press("m")
    await settle(app, pilot)
    assert "v Vurdering" not in shown_text(app.screen)  # not before the session is closed
    await pilot.press("l")
    await settle(app, pilot)
    await select_soeren(app, pilot)


async def select_soeren(app, pilot) -> None:
    table = app.screen.query_one(DataTable)
    table.move_cursor(row=table.get_row_index("c-soeren"))
    await settle(app, pilot)


async def test_closing_a_fit_session_lets_each_participant_give_the_session_rating(
    kiosk, tmp_path, clock
):
    app = make_app(kiosk, tmp_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await close_with_soeren_present(app, pilot)
        assert "tryk v" in status(app) and "v Vurdering" in shown_text(app.screen)
        await pilot.press("v")
        await settle(app, pilot)
        assert isinstance(app.screen, CitizenModeScreen)
        text = shown_text(app.screen)
        assert "Hvordan var mødet i dag?" in text
        for personal in ("Søren", "Pedersen", "Mette", "ADHD", "Mette Holm"):
            assert personal not in text
        await pilot.press("8", "9", "7", "6")  # four scales, four keys
        await after_a_while(app, pilot, clock)
        assert isinstance(app.screen, RosterScreen)
        [rating] = rows(kiosk, FitRating)
        assert (rating.citizen_id, rating.session_id, rating.questionnaire_id) == (
            "c-soeren", "gs-today", "fit-session")  # fmt: skip
        assert rating.answers.endswith("fit-session.4:6") and rating.staff_id == "s-mh"
        await pilot.press("v")  # once per participant and session
        await settle(app, pilot)
        assert not isinstance(app.screen, CitizenModeScreen)
        assert "allerede vurderet" in status(app)


async def test_a_participant_who_did_not_attend_is_not_asked(kiosk, tmp_path, clock):
    app = make_app(kiosk, tmp_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await close_with_soeren_present(app, pilot)
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=table.get_row_index("c-mette-k"))
        await settle(app, pilot)
        await pilot.press("v")
        await settle(app, pilot)
        assert isinstance(app.screen, RosterScreen) and "ikke registreret som mødt" in status(app)


async def test_a_card_scan_during_the_session_rating_keeps_nothing(kiosk, tmp_path, clock):
    app = make_app(kiosk, tmp_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await close_with_soeren_present(app, pilot)
        await pilot.press("v")
        await settle(app, pilot)
        await pilot.press("7")
        clock.advance(5)
        await pilot.press(*"MK7777CD", "enter")  # Mette's card: its 7s would be answers
        await after_a_while(app, pilot, clock)
        assert not isinstance(app.screen, CitizenModeScreen)
        assert rows(kiosk, FitRating) == []


async def test_esc_skips_and_a_minute_without_a_key_returns_to_the_roster(kiosk, tmp_path, clock):
    app = make_app(kiosk, tmp_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await close_with_soeren_present(app, pilot)
        await pilot.press("v")
        await settle(app, pilot)
        await pilot.press("escape", "9")  # scale 1 skipped, scale 2 answered
        clock.advance(59)
        app.screen.check_quiet()
        assert isinstance(app.screen, CitizenModeScreen)
        await after_a_while(app, pilot, clock, 2)
        assert isinstance(app.screen, RosterScreen)
        [rating] = rows(kiosk, FitRating)
        assert rating.answers == "fit-session.2:9"  # what was given before is kept


# -- stand-alone and the desk's check-in ---------------------------------------------------


def no_standalone(engine) -> None:
    """Take away the default catalogue's stand-alone questionnaire."""
    with write_session(engine) as session:
        for other in session.exec(
            select(QuestionnaireUse).where(QuestionnaireUse.moment == Moment.STANDALONE)
        ).all():
            session.delete(other)


def use_standalone(engine) -> None:
    """The visit questionnaire as the site's only stand-alone one (so Ctrl+B needs no
    picker)."""
    no_standalone(engine)
    with write_session(engine) as session:
        use = QuestionnaireUse(questionnaire_id="besoeg", site_id="hornslet",
                               offer_id="beskaeftigelse", moment=Moment.STANDALONE)  # fmt: skip
        session.add(use)


async def test_ctrl_b_starts_a_standalone_questionnaire_without_a_check_in(kiosk, tmp_path, clock):
    use_standalone(kiosk)
    app = make_app(kiosk, tmp_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+b")
        await settle(app, pilot)
        assert isinstance(app.screen, CitizenModeScreen)
        await pilot.press("4", "5", "1")  # three questions: three keys
        await after_a_while(app, pilot, clock)
        assert not isinstance(app.screen, CitizenModeScreen)
        [answer] = rows(kiosk, QuestionnaireAnswer)
        assert (answer.offer_id, answer.answers) == (
            "beskaeftigelse", "besoeg.1:4,besoeg.2:5,besoeg.3:1")  # fmt: skip
        assert "citizen.standalone" in {b.id for b in KioskApp.BINDINGS}  # in the palette


async def test_ctrl_b_says_so_where_nothing_is_used_standalone_and_not_under_the_lock(
    kiosk, tmp_path, clock
):
    no_standalone(kiosk)
    app = make_app(kiosk, tmp_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+b")
        await settle(app, pilot)
        assert not isinstance(app.screen, CitizenModeScreen)
        use_standalone(kiosk)
        await pilot.press("f9")  # lock
        await settle(app, pilot)
        await pilot.press("ctrl+b")
        await settle(app, pilot)
        assert not isinstance(app.screen, CitizenModeScreen)


@pytest.mark.parametrize("with_questionnaire", [False, True])
async def test_the_desks_check_in_costs_no_extra_key_when_the_offer_does_not_ask(
    fresh_db, tmp_path, clock, with_questionnaire
):
    """The same keys check Aase in with or without a (desk's-key) questionnaire for the
    offer, and the desk is ready for the next citizen: nothing opens, nothing to close."""
    seed_frontdesk(fresh_db)
    if with_questionnaire:
        seed_questionnaires(fresh_db, automatic=False)
    app = make_app(fresh_db, tmp_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f2")
        await log_in(app, pilot)
        await pilot.press(*"aase")
        await settle(app, pilot)
        await pilot.press("enter")  # Aase has nothing booked: which offer?
        await settle(app, pilot)
        await pilot.press("1")  # the same keys with or without the questionnaire
        await settle(app, pilot)
        assert isinstance(app.screen, CheckInScreen)
        assert app.focused is app.screen.query_one("#search")
        assert ("F5 Spørgeskema" in shown_text(app.screen)) is with_questionnaire
