"""Pilot flows on the sessions and roster screens: keys, modals, refusals, database effects."""

from __future__ import annotations

import pytest
from sqlmodel import select
from textual.widgets import DataTable, Input

from kiosk.screens.roster import RosterScreen
from kiosk.screens.sessions import SessionsScreen
from models import AttendanceMark, Citizen, GroupSession, SessionStateChange
from models.db import read_session
from tests.kiosk.attendance_world import (
    COUNSELLOR,
    DESK,
    LEADER,
    seed_group,
    seed_login,
    seed_reference,
)


async def open_roster_screen(pilot) -> None:
    """From home: F7 (today's sessions), Enter on the first one."""
    await settle(pilot)
    await pilot.press("f7")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, RosterScreen)


@pytest.fixture
def world(fresh_db, frozen_now):
    seed_reference(fresh_db)
    return seed_group(fresh_db, frozen_now, participants=8, past_weeks=2)


@pytest.fixture
def make_app(fresh_db, kiosk_app):
    return lambda staff=LEADER: kiosk_app(fresh_db, staff=staff, idle_lock_seconds=600)


async def settle(pilot):
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def current_marks(engine, session_id):
    with read_session(engine) as s:
        rows = s.exec(select(AttendanceMark).where(AttendanceMark.session_id == session_id)).all()
    latest = {}
    for row in sorted(rows, key=lambda r: r.hlc):
        latest[row.citizen_id] = row.mark
    return latest


def roster_order(app) -> list[str]:
    screen = app.screen
    table = screen.query_one(DataTable)
    return [str(row.key.value) for row in table.ordered_rows]


async def test_single_keys_mark_and_move_down_the_roster(fresh_db, make_app, world):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_roster_screen(pilot)
        order = roster_order(app)
        for key in ["m", "f", "a", "s", "t", "m", "m", "m"]:
            await pilot.press(key)
        await settle(pilot)
        marks = current_marks(fresh_db, world.today_session)
        assert [marks[c] for c in order] == [
            "present",
            "absent",
            "excused",
            "late",
            "left_early",
            "present",
            "present",
            "present",
        ]
        first = app.screen.entries[order[0]]
        # The two earlier sessions have nothing recorded: not in the figures (docs/figures.md).
        assert (first.attended, first.counted) == (1, 1)
        await pilot.press("up", "up", "f")
        await settle(pilot)
        assert current_marks(fresh_db, world.today_session)[order[5]] == "absent"


async def test_rest_absent_marks_only_the_unmarked(fresh_db, make_app, world):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_roster_screen(pilot)
        order = roster_order(app)
        await pilot.press("m", "a", "r")
        await settle(pilot)
        marks = current_marks(fresh_db, world.today_session)
        assert [marks[c] for c in order] == ["present", "excused"] + ["absent"] * 6
        assert all(e.mark for e in app.screen.entries.values())


async def test_adding_a_guest_with_the_keyboard(fresh_db, make_app, world):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_roster_screen(pilot)
        await pilot.press("g")
        await pilot.pause()
        await pilot.press("enter", "enter")  # no name: refused, the dialog stays
        await pilot.pause()
        assert "navn" in str(app.screen.query_one("#dialog-error").render()).lower()
        app.screen.query_one("#guest-name", Input).focus()
        await pilot.press(*"Lone Gæst", "tab", *"1975", "enter")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
        guests = [e for e in app.screen.entries.values() if e.guest]
        assert [(g.display_name, g.birth_year, g.mark) for g in guests] == [
            ("Lone Gæst", 1975, "present")
        ]
        with read_session(fresh_db) as s:
            citizen = s.get(Citizen, guests[0].citizen_id)
        assert citizen.provisional and citizen.created_site_id == "hornslet"


async def test_cancel_with_a_reason_then_marks_are_refused(fresh_db, make_app, world):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_roster_screen(pilot)
        await pilot.press("x")
        await pilot.pause()
        await pilot.press(*"Leder syg", "enter")
        await settle(pilot)
        with read_session(fresh_db) as s:
            gs = s.get(GroupSession, world.today_session)
        assert (gs.status, gs.status_reason) == ("cancelled", "Leder syg")
        await pilot.press("m")
        await settle(pilot)
        assert current_marks(fresh_db, world.today_session) == {}
        assert app.screen.has_class("locked")


async def test_close_then_refused_reopen_without_role_then_reopen_as_leader(
    fresh_db, make_app, world
):
    desk_app = make_app(COUNSELLOR)
    async with desk_app.run_test(size=(120, 36)) as pilot:
        await open_roster_screen(pilot)
        await pilot.press("m", "l")
        await settle(pilot)
        await pilot.press("o")  # a counsellor may close but not reopen
        await pilot.pause()
        assert isinstance(desk_app.screen, RosterScreen)
        await pilot.press("g")  # no guest dialog on a closed session
        await pilot.pause()
        assert isinstance(desk_app.screen, RosterScreen)
        await pilot.press("m")
        await settle(pilot)
    assert len(current_marks(fresh_db, world.today_session)) == 1
    with read_session(fresh_db) as s:
        assert s.get(GroupSession, world.today_session).closed
    leader_app = make_app()
    async with leader_app.run_test(size=(120, 36)) as pilot:
        await open_roster_screen(pilot)
        await pilot.press("o")
        await pilot.pause()
        await pilot.press(*"Glemte Ida", "enter")
        await settle(pilot)
        await pilot.press("down", "f")
        await settle(pilot)
    with read_session(fresh_db) as s:
        assert not s.get(GroupSession, world.today_session).closed
        states = [r.state for r in s.exec(select(SessionStateChange)).all()]
    assert sorted(states) == ["closed", "held", "reopened"]
    assert len(current_marks(fresh_db, world.today_session)) == 2


async def test_sessions_screen_opens_the_roster_with_enter(fresh_db, make_app, world):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, SessionsScreen)
        assert [s.id for s in app.screen.sessions] == [world.today_session]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RosterScreen)
        await pilot.press("m", "escape")
        await settle(pilot)
        assert isinstance(app.screen, SessionsScreen)
        assert app.screen.sessions[0].marked == 1


async def test_the_roster_follows_a_language_switch(fresh_db, make_app, world):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await open_roster_screen(pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("f12")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        labels = [str(c.label) for c in table.columns.values()]
        assert labels == ["Name", "Born", "Attendance", "Desk", "So far"]
        assert str(table.get_row_at(0)[2]) == "Present"
        assert "marked" in str(app.screen.query_one("#roster-summary").render())


async def test_a_leader_logs_in_marks_adds_a_guest_and_closes_by_keyboard(
    fresh_db, kiosk_app, world
):
    seed_login(fresh_db, LEADER, "4321")
    app = kiosk_app(fresh_db, idle_lock_seconds=600)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f7")  # nobody logged in: the login dialog comes first
        await settle(pilot)
        await pilot.press("g", "l", "enter", "4", "3", "2", "1", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SessionsScreen)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press(*"mmfamsmt")
        await settle(pilot)
        await pilot.press("g")
        await pilot.pause()
        await pilot.press(*"Lone Gæst", "enter", "enter", "l")
        await settle(pilot)
    marks = current_marks(fresh_db, world.today_session)
    assert len(marks) == 9 and sorted(marks.values()).count("present") == 5
    with read_session(fresh_db) as s:
        gs = s.get(GroupSession, world.today_session)
    assert (gs.status, gs.closed) == ("held", True)


async def test_front_desk_is_refused_the_roster_with_a_message_and_sees_no_names(
    fresh_db, make_app, world
):
    app = make_app(DESK)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.pause()
        shown = " ".join(str(n.message) for n in app._notifications)
        if isinstance(app.screen, RosterScreen):  # refusals are said on the screen's status line
            shown += str(app.screen.query_one("#status").render())
        assert "vises kun for holdets ledere" in shown
        if isinstance(app.screen, RosterScreen):
            assert app.screen.query_one(DataTable).row_count == 0
        with read_session(fresh_db) as s:
            names = [c.display_name for c in s.exec(select(Citizen)).all()]
        text = " ".join(str(w.render()) for w in app.screen.query("*") if hasattr(w, "render"))
        assert not any(name in text for name in names)
