"""Pilot: the desk turns the screen to the citizen after a check-in; digits answer, Esc skips,
idle returns, a card scan ends it with nothing kept, and no staff key works meanwhile."""

from __future__ import annotations

import pytest
from sqlmodel import select

from kiosk.screens.checkin import CheckInScreen
from kiosk.screens.citizen_mode import CitizenModeScreen
from kiosk.widgets.keybar import KeyBar
from models import CheckIn, FitRating, QuestionnaireAnswer
from models.db import read_session
from tests.kiosk.frontdesk_app import MovableClock, log_in, make_app, settle
from tests.kiosk.frontdesk_data import seed_frontdesk
from tests.kiosk.questionnaire_data import seed_questionnaires, turn_on_fit


@pytest.fixture
def kiosk(fresh_db):
    seed_frontdesk(fresh_db)
    seed_questionnaires(fresh_db)
    return fresh_db


@pytest.fixture
def clock(frozen_now):
    return MovableClock(frozen_now)


async def after_a_while(app, pilot, clock, seconds: float = 2.0) -> None:
    """Let ``seconds`` pass on the kiosk's clock and the screen's once-a-second check run."""
    screen = app.screen
    clock.advance(seconds)
    if isinstance(screen, CitizenModeScreen):
        screen.check_quiet()
    await settle(app, pilot)


def rows(engine, model):
    with read_session(engine) as session:
        return list(session.exec(select(model)))


async def check_in_aase(app, pilot) -> None:
    """F2, log in, find Aase (nothing booked today) and check her in to open counselling."""
    await pilot.press("f2")
    await log_in(app, pilot)
    await pilot.press(*"aase")
    await settle(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)
    await pilot.press("1")  # the first walk-in offer: Åben rådgivning
    await settle(app, pilot)


def shown_text(screen) -> str:
    """Everything the screen shows: its widgets' text and its footer's keys."""
    parts = [str(widget.render()) for widget in screen.query("Static")]
    parts += [f"{item.label} {item.description}" for item in screen.query_one(KeyBar)._items]
    return "\n".join(parts)


async def test_three_questions_cost_the_citizen_three_keys_and_nothing_personal_shows(
    kiosk, tmp_path, clock
):
    app = make_app(kiosk, tmp_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await check_in_aase(app, pilot)
        assert [c.citizen_id for c in rows(kiosk, CheckIn)] == ["c-aase"]
        assert "F5 Spørgeskema" in shown_text(app.screen)
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, CitizenModeScreen)
        text = shown_text(app.screen)
        assert "Hvordan blev du taget imod?" in text and "Spørgsmål 1 af 3" in text
        for personal in ("Aase", "Møller", "Mette Holm", "MH", "F2", "F9", "F10", "Ctrl"):
            assert personal not in text
        await pilot.press("4", "5", "1")  # three keys: 4 of 5, 5 of 5, yes
        await settle(app, pilot)
        assert "Tak for dine svar" in shown_text(app.screen)
        await after_a_while(app, pilot, clock)
        assert isinstance(app.screen, CheckInScreen)  # back at the desk by itself
        [answer] = rows(kiosk, QuestionnaireAnswer)
        assert answer.answers == "besoeg.1:4,besoeg.2:5,besoeg.3:1"
        assert "gemt" in str(app.screen.query_one("#status").render())


async def test_the_desks_notices_are_gone_when_the_screen_turns_to_the_citizen(
    kiosk, tmp_path, clock
):
    """The staff member's welcome (a name) is still up right after login: not beside the
    citizen's questions."""
    app = make_app(kiosk, tmp_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await check_in_aase(app, pilot)
        assert any("Mette Holm" in n.message for n in app._notifications)
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, CitizenModeScreen)
        assert list(app._notifications) == []
        assert not app.screen.query("Toast")


async def test_esc_skips_a_question_and_letters_or_off_scale_digits_are_no_answer(
    kiosk, tmp_path, clock
):
    app = make_app(kiosk, tmp_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await check_in_aase(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        await pilot.press("7", "0", "x", "escape")  # 7 and 0 are off the 1–5 scale: skipped
        await pilot.press("3", "escape")
        await after_a_while(app, pilot, clock)
        [answer] = rows(kiosk, QuestionnaireAnswer)
        assert answer.answers == "besoeg.2:3"


async def test_skipping_every_question_stores_nothing(kiosk, tmp_path, clock):
    app = make_app(kiosk, tmp_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await check_in_aase(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        await pilot.press("escape", "escape", "escape")
        await after_a_while(app, pilot, clock)
        assert isinstance(app.screen, CheckInScreen)
        assert rows(kiosk, QuestionnaireAnswer) == []


async def test_no_staff_key_works_while_the_screen_faces_the_citizen(kiosk, tmp_path, clock):
    app = make_app(kiosk, tmp_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await check_in_aase(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        for key in ("f2", "f3", "f8", "f9", "f10", "ctrl+p", "ctrl+q", "ctrl+z"):
            await pilot.press(key)
            await settle(app, pilot)
            assert isinstance(app.screen, CitizenModeScreen), key
        assert app.guard.staff is not None and len(rows(kiosk, CheckIn)) == 1


async def test_the_citizen_mode_returns_after_a_minute_without_a_key(kiosk, tmp_path, clock):
    app = make_app(kiosk, tmp_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await check_in_aase(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        await pilot.press("2")
        screen = app.screen
        clock.advance(59)
        screen.check_quiet()
        assert app.screen is screen
        clock.advance(2)
        screen.check_quiet()
        await settle(app, pilot)
        assert isinstance(app.screen, CheckInScreen)
        [answer] = rows(kiosk, QuestionnaireAnswer)  # the answer given before is kept
        assert answer.answers == "besoeg.1:2"


async def test_a_card_scan_during_the_questions_ends_them_and_keeps_nothing(kiosk, tmp_path, clock):
    app = make_app(kiosk, tmp_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await check_in_aase(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        await pilot.press("2")  # the citizen's own answer to question 1
        clock.advance(5)  # a person, then the scanner: a new run of keys for the wedge
        await pilot.press(*"SP1234AB", "enter")  # Søren's card: its 1, 2 would be answers
        await after_a_while(app, pilot, clock)
        assert not isinstance(app.screen, CitizenModeScreen)
        assert rows(kiosk, QuestionnaireAnswer) == []
        assert sorted(c.citizen_id for c in rows(kiosk, CheckIn)) == ["c-aase", "c-soeren"]


async def test_the_desks_key_is_not_needed_where_the_offer_asks_for_the_questionnaire(
    fresh_db, tmp_path, clock
):
    seed_frontdesk(fresh_db)
    seed_questionnaires(fresh_db, automatic=True)
    app = make_app(fresh_db, tmp_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await check_in_aase(app, pilot)
        assert isinstance(app.screen, CitizenModeScreen)


async def test_without_a_questionnaire_the_check_in_opens_nothing_and_shows_no_f5(
    fresh_db, tmp_path, clock
):
    seed_frontdesk(fresh_db)
    app = make_app(fresh_db, tmp_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await check_in_aase(app, pilot)
        assert "F5" not in shown_text(app.screen)
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, CheckInScreen)
        assert rows(fresh_db, QuestionnaireAnswer) == []


async def test_a_fit_rating_opens_by_itself_and_takes_two_digit_scores(kiosk, tmp_path, clock):
    turn_on_fit(kiosk)
    app = make_app(kiosk, tmp_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f2")
        await log_in(app, pilot)
        await pilot.press(*"søren")
        await settle(app, pilot)
        await pilot.press("enter")  # Søren has today's group session (FIT turned on)
        await settle(app, pilot)
        assert isinstance(app.screen, CitizenModeScreen)
        assert "Søren" not in shown_text(app.screen)
        await pilot.press("1", "0", "1", "enter", "7", "0")  # 10, 1, 7, 0: Enter only after 1
        await after_a_while(app, pilot, clock)
        [rating] = rows(kiosk, FitRating)
        assert rating.citizen_id == "c-soeren" and rating.session_id == "gs-today"
        assert rating.answers == "fit-outcome.1:10,fit-outcome.2:1,fit-outcome.3:7,fit-outcome.4:0"


async def test_a_citizen_back_after_the_meeting_gives_the_session_rating(kiosk, tmp_path, clock):
    turn_on_fit(kiosk)
    app = make_app(kiosk, tmp_path, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f2")
        await log_in(app, pilot)
        for _meeting in ("start", "end"):
            await pilot.press(*"søren")
            await settle(app, pilot)
            await pilot.press("enter")  # check-in, then the same again: "already checked in"
            await settle(app, pilot)
            assert isinstance(app.screen, CitizenModeScreen)
            await pilot.press("5", "5", "5", "5")
            await after_a_while(app, pilot, clock)
            app.screen.query_one("#search").value = ""
        purposes = sorted(r.questionnaire_id for r in rows(kiosk, FitRating))
        assert purposes == ["fit-outcome", "fit-session"]
        assert len(rows(kiosk, CheckIn)) == 1
