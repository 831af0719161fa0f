"""Kiosk retention keeps what the figures need: running groups' and courses' events, this month."""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import select

from models import Appointment, AttendanceMark, CheckIn, Citizen, Course, Group, GroupSession
from models.db import read_session, write_session
from models.ids import new_id
from sync.retention import purge_kiosk
from tests.kiosk.attendance_world import seed_reference
from tests.sync.test_retention import SETTINGS, _synced, _write


def _reference(engine, now, *, course_ends: date | None, group_ends: date | None):
    seed_reference(engine)
    with write_session(engine) as s:
        s.add(Citizen(id="c1", display_name="Bo"))
        s.flush()
        s.add(Group(id="g", site_id="hornslet", offer_id="gruppeforloeb", title="G", code="G-1",
                    starts_on=date(2026, 1, 1), ends_on=group_ends))  # fmt: skip
        s.flush()
        s.add(GroupSession(id="gs", group_id="g", site_id="hornslet",
                           starts_at=now - timedelta(days=200),
                           ends_at=now - timedelta(days=200)))  # fmt: skip
        s.add(Course(id="k", citizen_id="c1", site_id="hornslet", offer_id="forloeb-82b",
                     starts_on=date(2026, 1, 1), ends_on=course_ends))  # fmt: skip
        s.flush()  # rows refer to each other without relationships: one at a time
        s.add(Appointment(id="ap", citizen_id="c1", site_id="hornslet", offer_id="forloeb-82b",
                          course_id="k", starts_at=now - timedelta(days=60),
                          ends_at=now - timedelta(days=60)))  # fmt: skip


def _old_events(engine, now):
    old = now - timedelta(days=200)
    rows = [
        CheckIn(id=new_id(), action="check_in", citizen_id="c1", offer_id="forloeb-82b",
                appointment_id="ap"),
        CheckIn(id=new_id(), action="check_in", citizen_id="c1", offer_id="gruppeforloeb",
                session_id="gs"),
        CheckIn(id=new_id(), action="check_in", citizen_id="c1", offer_id="aaben"),
        AttendanceMark(id=new_id(), session_id="gs", citizen_id="c1", mark="present"),
    ]  # fmt: skip
    _write(engine, rows, old, acknowledged=True)


def _left(engine):
    with read_session(engine) as s:
        offers = sorted(s.exec(select(CheckIn.offer_id)).all())
        return offers, len(s.exec(select(AttendanceMark)).all())


def test_events_of_running_courses_and_groups_outlive_the_window(fresh_db, frozen_now):
    _reference(fresh_db, frozen_now, course_ends=None, group_ends=None)
    _old_events(fresh_db, frozen_now)
    _synced(fresh_db, frozen_now)
    purge_kiosk(fresh_db, SETTINGS, frozen_now)
    assert _left(fresh_db) == (["forloeb-82b", "gruppeforloeb"], 1)  # the drop-in visit is purged


def test_events_of_ended_courses_and_groups_follow_the_window(fresh_db, frozen_now):
    ended = frozen_now.date() - timedelta(days=10)
    _reference(fresh_db, frozen_now, course_ends=ended, group_ends=ended)
    _old_events(fresh_db, frozen_now)
    _synced(fresh_db, frozen_now)
    purge_kiosk(fresh_db, SETTINGS, frozen_now)
    assert _left(fresh_db) == ([], 0)


def test_this_months_events_are_kept_for_the_month_report(fresh_db, frozen_now):
    month_start = frozen_now.replace(day=1, hour=12)
    _write(fresh_db, [CheckIn(id=new_id(), action="check_in", citizen_id="c1",
                              offer_id="aaben")], month_start, acknowledged=True)  # fmt: skip
    _synced(fresh_db, frozen_now)
    settings = SETTINGS.model_copy(update={"event_retention_days": 1})
    assert purge_kiosk(fresh_db, settings, frozen_now).deleted["check_in"] == 0
