"""After a sync the screens in view read their data again, keeping cursor rows and typed text."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.engine import Engine
from textual.widgets import DataTable, Input

from kiosk.screens.attendance_modals import GuestModal
from kiosk.screens.checkin import CheckInScreen
from kiosk.screens.courses import CoursesScreen
from kiosk.screens.reports import ReportsScreen
from kiosk.screens.roster import RosterScreen
from kiosk.screens.sessions import SessionsScreen
from kiosk.services.sync import SyncOutcome
from models import AttendanceMark, CheckIn, Citizen, Enrolment, GroupSession
from models.db import read_session
from models.ids import new_id
from sync.apply import apply_page, replica_session, upsert_rows
from sync.hlc import Stamp
from sync.protocol import Change, PullPage
from sync.rows import EVENTS, REFERENCE, encode
from tests.kiosk.attendance_world import (
    COUNSELLOR,
    LEADER,
    seed_appointment,
    seed_course,
    seed_group,
    seed_reference,
)
from tests.kiosk.frontdesk_app import MovableClock, log_in, make_app, settle
from tests.kiosk.frontdesk_data import seed_frontdesk

SIZE = (120, 36)
OTHER_DEVICE = "0193f3a0-0000-7000-8000-00000000b002"


@pytest.fixture
def world(fresh_db, frozen_now):
    seed_reference(fresh_db)
    return seed_group(fresh_db, frozen_now, participants=5, past_weeks=1)


def land_mark(engine: Engine, session_id: str, citizen_id: str, mark: str, now) -> None:
    """A mark made on another kiosk, written as a pull writes rows: in the replica
    transaction, straight into the table, without an outbox entry of this kiosk."""
    stamp = Stamp(int((now + timedelta(minutes=1)).timestamp() * 1000), 0, OTHER_DEVICE)
    row = AttendanceMark(id=new_id(), site_id="hornslet", device_id=OTHER_DEVICE,
                         hlc=stamp.pack(), created_at=now, session_id=session_id,
                         citizen_id=citizen_id, mark=mark, staff_id=LEADER.id)  # fmt: skip
    with replica_session(engine) as session:
        upsert_rows(session, EVENTS["attendance_mark"], [row.model_dump()])


def pull(engine: Engine, *rows: object) -> None:
    """Apply central's reference rows to the kiosk exactly as a pulled page is applied."""
    changes = []
    for seq, row in enumerate(rows, 1):
        table = REFERENCE[row.__tablename__]  # type: ignore[attr-defined]
        wire = encode(table, row.model_dump())  # type: ignore[attr-defined]
        changes.append(Change(seq=seq, table=table.name, op="upsert", row_id=row.id, row=wire))  # type: ignore[attr-defined]
    apply_page(engine, PullPage(changes=changes, cursor=len(rows), epoch="e1", more=False),
               now_ms=0)  # fmt: skip


def row_texts(table: DataTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def open_roster(app, pilot) -> RosterScreen:
    await settle(app, pilot)
    await pilot.press("f7")
    await settle(app, pilot)
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, RosterScreen)
    return app.screen


async def test_a_mark_from_another_kiosk_shows_on_the_open_roster_after_a_sync(
    kiosk_app, fresh_db, frozen_now, tmp_path, world
):
    app = kiosk_app(fresh_db, staff=LEADER, idle_lock_seconds=600)
    async with app.run_test(size=SIZE) as pilot:
        roster = await open_roster(app, pilot)
        table = roster.query_one(DataTable)
        await pilot.press("down", "down")
        first = str(table.ordered_rows[0].key.value)
        assert row_texts(table)[0][2] == "–"  # not marked yet
        land_mark(fresh_db, world.today_session, first, "present", frozen_now)
        app.reload_screens()  # what the app does after every sync
        await settle(app, pilot)
        assert row_texts(table)[0][2] == "Mødt"
        assert roster.entries[first].mark == "present"
        assert "1 af 5 registreret" in str(roster.query_one("#roster-summary").render())
        assert table.cursor_row == 2 and app.focused is table


async def test_a_new_participant_and_a_cancellation_pulled_from_central_reach_the_roster(
    kiosk_app, fresh_db, frozen_now, tmp_path, world
):
    app = kiosk_app(fresh_db, staff=LEADER, idle_lock_seconds=600)
    async with app.run_test(size=SIZE) as pilot:
        roster = await open_roster(app, pilot)
        table = roster.query_one(DataTable)
        await pilot.press("down")
        chosen = str(table.ordered_rows[1].key.value)
        with read_session(fresh_db) as s:
            session = s.get(GroupSession, world.today_session)
        session.status, session.status_reason = "cancelled", "Lederen er syg"
        newcomer = Citizen(id=new_id(), display_name="Aaberg, Nina", birth_year=1990)
        enrolment = Enrolment(id=new_id(), group_id=world.group_id, citizen_id=newcomer.id,
                              site_id="hornslet", starts_on=session.starts_at.date())  # fmt: skip
        pull(fresh_db, session, newcomer, enrolment)
        app.reload_screens()
        await settle(app, pilot)
        names = [cells[0] for cells in row_texts(table)]
        assert len(names) == 6 and names[-1] == "Aaberg, Nina"  # new rows come last
        assert "aflyst: Lederen er syg" in str(roster.query_one("#roster-state").render())
        assert str(table.ordered_rows[table.cursor_row].key.value) == chosen


async def test_a_half_typed_guest_stays_while_the_roster_under_it_reloads(
    kiosk_app, fresh_db, frozen_now, tmp_path, world
):
    app = kiosk_app(fresh_db, staff=LEADER, idle_lock_seconds=600)
    async with app.run_test(size=SIZE) as pilot:
        roster = await open_roster(app, pilot)
        await pilot.press("g", *"Lone")
        await pilot.pause()
        assert isinstance(app.screen, GuestModal)
        first = str(roster.query_one(DataTable).ordered_rows[0].key.value)
        land_mark(fresh_db, world.today_session, first, "excused", frozen_now)
        app.reload_screens()
        await settle(app, pilot)
        assert roster.entries[first].mark == "excused"
        assert app.screen.query_one("#guest-name", Input).value == "Lone"


async def test_the_sessions_screen_counts_marks_that_arrived_by_sync(
    kiosk_app, fresh_db, frozen_now, tmp_path, world
):
    app = kiosk_app(fresh_db, staff=LEADER, idle_lock_seconds=600)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("f7")
        await settle(app, pilot)
        assert isinstance(app.screen, SessionsScreen)
        table = app.screen.query_one(DataTable)
        assert row_texts(table)[0][4] == "0 af 5"
        land_mark(fresh_db, world.today_session, world.citizens[0], "late", frozen_now)
        app.reload_screens()
        await settle(app, pilot)
        assert row_texts(table)[0][4] == "1 af 5"


async def test_a_sync_that_pulls_a_new_citizen_finds_them_in_the_typed_search(
    fresh_db, frozen_now, tmp_path
):
    seed_frontdesk(fresh_db)
    app = make_app(fresh_db, tmp_path, MovableClock(frozen_now))

    async def pulled_one(*, background: bool) -> SyncOutcome:
        del background
        pull(fresh_db, Citizen(id=new_id(), display_name="Jens Juhl", birth_year=1977))
        return SyncOutcome(True, "", pushed=0, pulled=1)

    app.services.sync.sync_now = pulled_one  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")
        await log_in(app, pilot)
        assert isinstance(app.screen, CheckInScreen)
        await pilot.press(*"jens", "down")
        await settle(app, pilot)
        results = app.screen.query_one("#results")
        highlighted = results.highlighted_key
        assert len(results.rows) == 2
        app.run_sync(background=True)  # the app's own sync path, as the timer runs it
        await settle(app, pilot)
        assert app.screen.query_one("#search", Input).value == "jens"
        assert sorted(row[0] for row in results.rows) == [
            "Jens Juhl",
            "Jens Nielsen",
            "Jens Nielsen",
        ]
        assert results.highlighted_key == highlighted  # the highlight stays on its citizen


async def test_the_report_reads_the_same_period_again_after_a_sync(
    kiosk_app, fresh_db, frozen_now, tmp_path, world
):
    app = kiosk_app(fresh_db, staff=LEADER, idle_lock_seconds=600)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("f6", "m")  # this month: the past session and today's
        await settle(app, pilot)
        assert isinstance(app.screen, ReportsScreen)
        sessions = app.screen.query_one("#report-sessions", DataTable)
        sessions.focus()
        await pilot.press("down")
        assert row_texts(sessions)[1][5] == "0"  # attended today
        land_mark(fresh_db, world.today_session, world.citizens[0], "present", frozen_now)
        app.reload_screens()
        await settle(app, pilot)
        assert app.screen.period == "month" and len(row_texts(sessions)) == 2
        assert row_texts(sessions)[1][5] == "1"
        assert sessions.cursor_row == 1


async def test_the_courses_screen_shows_an_arrival_that_came_by_sync(
    kiosk_app, fresh_db, frozen_now, tmp_path
):
    seed_reference(fresh_db)
    course, citizen = seed_course(fresh_db, starts_on=frozen_now.date(), name="Ulla")
    appointment = seed_appointment(fresh_db, citizen_id=citizen, at=frozen_now, course_id=course)
    app = kiosk_app(fresh_db, staff=COUNSELLOR, idle_lock_seconds=600)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("f8")
        await settle(app, pilot)
        assert isinstance(app.screen, CoursesScreen)
        appointments = app.screen.query_one("#appointments", DataTable)
        assert row_texts(appointments)[0][4] == "ikke kommet"
        arrival = CheckIn(id=new_id(), site_id="hornslet", device_id=OTHER_DEVICE,
                          hlc=Stamp(0, 0, OTHER_DEVICE).pack(), created_at=frozen_now,
                          action="check_in", citizen_id=citizen, offer_id="forloeb-82b",
                          appointment_id=appointment)  # fmt: skip
        with replica_session(fresh_db) as session:
            upsert_rows(session, EVENTS["check_in"], [arrival.model_dump()])
        app.reload_screens()
        await settle(app, pilot)
        assert row_texts(appointments)[0][4] == "kommet 09:30"
