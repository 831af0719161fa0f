"""Pilot flows on the courses and report screens."""

from __future__ import annotations

import csv
from datetime import date, timedelta

from sqlmodel import select

from kiosk.screens.courses import CoursesScreen
from kiosk.screens.reports import ReportsScreen, period
from kiosk.services.attendance_marks import mark_attendance
from models import AuditEntry, CheckIn
from models.db import read_session, write_session
from models.ids import new_id
from models.timeutil import local_today
from sync.outbox import record
from tests.kiosk.attendance_world import (
    COUNSELLOR,
    DESK,
    LEADER,
    seed_appointment,
    seed_course,
    seed_group,
    seed_reference,
)
from tests.kiosk.test_roster_screen import settle


def cell_texts(table) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def test_courses_screen_shows_weeks_warnings_and_arrivals(
    kiosk_app, fresh_db, frozen_now, tmp_path
):
    seed_reference(fresh_db)
    today = local_today(frozen_now)
    course_id, citizen = seed_course(fresh_db, starts_on=today - timedelta(days=66), name="Ulla")
    seed_course(fresh_db, starts_on=today - timedelta(days=15), name="Åge")
    appointment = seed_appointment(fresh_db, citizen_id=citizen, at=frozen_now, course_id=course_id)
    with write_session(fresh_db) as s:
        record(s, [CheckIn(id=new_id(), action="check_in", citizen_id=citizen,
                           offer_id="forloeb-82b", appointment_id=appointment)],
               now=frozen_now)  # fmt: skip
    app = kiosk_app(fresh_db, staff=COUNSELLOR, idle_lock_seconds=600)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, CoursesScreen)
        courses = cell_texts(app.screen.query_one("#courses"))
        assert courses == [
            ["Ulla", "1980", "19.09.2026", "uge 10 af 12", "1 af 1", "⚠ nærmer sig 12 uger"],
            ["Åge", "1980", "09.11.2026", "uge 3 af 12", "0 af 0", ""],
        ]  # fmt: skip
        appointments = cell_texts(app.screen.query_one("#appointments"))
        assert appointments[0][1] == "Ulla" and appointments[0][4] == "kommet 09:30"


def test_report_periods_are_today_the_iso_week_and_the_month():
    day = date(2026, 11, 24)
    assert period("today", day) == (day, day)
    assert period("week", day) == (date(2026, 11, 23), date(2026, 11, 29))
    assert period("month", day) == (date(2026, 11, 1), date(2026, 11, 30))
    assert period("month", date(2026, 12, 31)) == (date(2026, 12, 1), date(2026, 12, 31))


async def test_report_screen_shows_rates_and_exports_csv(kiosk_app, fresh_db, frozen_now, tmp_path):
    seed_reference(fresh_db)
    world = seed_group(fresh_db, frozen_now, participants=4, past_weeks=1, sensitive=True)
    for citizen, mark in zip(world.citizens, ["present", "present", "late", "absent"], strict=True):
        mark_attendance(fresh_db, session_id=world.today_session, citizen_id=citizen, mark=mark,
                        staff=LEADER, now=frozen_now)  # fmt: skip
    app = kiosk_app(fresh_db, staff=LEADER, idle_lock_seconds=600)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        groups = cell_texts(app.screen.query_one("#report-groups"))
        assert groups == [["Forstå din ADHD", "1", "0", "4", "3", "1", "0", "0", "75,0"]]
        await pilot.press("m")
        await settle(pilot)
        assert len(cell_texts(app.screen.query_one("#report-sessions"))) == 2
        visits = cell_texts(app.screen.query_one("#report-visits"))
        assert visits[-1][0] == "I alt"
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
    workbooks = list((tmp_path / "exports").glob("rapport-hornslet-20261101-20261130.xlsx"))
    assert len(workbooks) == 1 and workbooks[0].read_bytes().startswith(b"PK")
    exported = list((tmp_path / "exports").glob("rapport-hornslet-20261101-20261130.csv"))
    assert len(exported) == 1
    text = exported[0].read_text("utf-8-sig")
    rows = list(csv.reader(text.splitlines(), delimiter=";"))
    assert ["Hornslet", "G-101", "G-101"] in [r[:3] for r in rows]  # sensitive title replaced
    assert "ADHD" not in text
    with read_session(fresh_db) as s:
        actions = s.exec(select(AuditEntry.action).where(AuditEntry.staff_id == LEADER.id)).all()
    assert actions.count("report_view") == 2 and actions.count("report_export") == 2


async def test_front_desk_is_refused_the_report(kiosk_app, fresh_db, frozen_now, tmp_path):
    seed_reference(fresh_db)
    app = kiosk_app(fresh_db, staff=DESK, idle_lock_seconds=600)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert app.screen.report is None
        await pilot.press("e")
        await settle(pilot)
    assert not (tmp_path / "exports").exists()


async def test_nobody_logged_in_is_asked_to_log_in_before_courses(
    kiosk_app, fresh_db, frozen_now, tmp_path
):
    seed_reference(fresh_db)
    seed_course(fresh_db, starts_on=local_today(frozen_now))
    app = kiosk_app(fresh_db, staff=None, idle_lock_seconds=600)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot)
        assert type(app.screen).__name__ == "LoginScreen"
        assert not app.query(CoursesScreen)
