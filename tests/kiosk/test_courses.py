"""§82b course weeks and warnings, and today's appointments with arrival status."""

from datetime import date, timedelta

import pytest
from sqlmodel import select

from kiosk.services.attendance import AttendanceRefused
from kiosk.services.courses import (
    Arrival,
    CourseAlert,
    course_alert,
    course_week,
    my_courses,
    todays_appointments,
)
from models import AuditEntry, CheckIn
from models.db import read_session, write_session
from models.ids import new_id
from models.timeutil import local_today
from sync.outbox import record
from tests.kiosk.attendance_world import (
    COUNSELLOR,
    LEADER,
    seed_appointment,
    seed_course,
    seed_reference,
)

START = date(2026, 9, 1)


@pytest.mark.parametrize(
    ("days", "week", "alert"),
    [(0, 1, "none"), (6, 1, "none"), (7, 2, "none"), (62, 9, "none"), (63, 10, "nearing_end"),
     (83, 12, "nearing_end"), (84, 13, "overdue"), (200, 29, "overdue")],
)  # fmt: skip
def test_course_weeks_and_warnings_at_the_boundaries(days, week, alert):
    assert course_week(START, START + timedelta(days=days)) == week
    assert course_alert(week) == CourseAlert(alert)


def test_a_course_that_has_not_started_is_in_week_zero():
    assert course_week(START, START - timedelta(days=1)) == 0
    assert course_alert(0) is CourseAlert.NONE


def _check_in(engine, now, appointment_id, citizen_id, action="check_in", ref_id=None):
    event = CheckIn(id=new_id(), action=action, citizen_id=citizen_id, offer_id="forloeb-82b",
                    appointment_id=appointment_id, ref_id=ref_id)  # fmt: skip
    with write_session(engine) as s:
        record(s, [event], now=now)
    return event.id


def test_my_courses_show_week_attended_sessions_and_warnings(fresh_db, frozen_now):
    seed_reference(fresh_db)
    today = local_today(frozen_now)
    late_id, late_citizen = seed_course(fresh_db, starts_on=today - timedelta(days=84),
                                        name="Ulla Sen")  # fmt: skip
    new_id_, new_citizen = seed_course(fresh_db, starts_on=today - timedelta(days=14))
    seed_course(fresh_db, starts_on=today - timedelta(days=70), counsellor=LEADER.id)  # not mine
    for weeks_ago in (3, 2, 1):
        at = frozen_now - timedelta(weeks=weeks_ago)
        appointment = seed_appointment(fresh_db, citizen_id=late_citizen, at=at, course_id=late_id)
        if weeks_ago != 2:
            _check_in(fresh_db, at, appointment, late_citizen)
    seed_appointment(fresh_db, citizen_id=late_citizen, at=frozen_now + timedelta(days=7),
                     course_id=late_id)  # fmt: skip
    courses = my_courses(fresh_db, staff=COUNSELLOR, now=frozen_now)
    assert [c.course_id for c in courses] == [late_id, new_id_]
    late = courses[0]
    assert (late.week, late.weeks_elapsed, late.alert) == (13, 12, CourseAlert.OVERDUE)
    assert (late.attended, late.booked_so_far) == (2, 3)
    assert (courses[1].week, courses[1].alert, courses[1].attended) == (3, CourseAlert.NONE, 0)
    with read_session(fresh_db) as s:
        audited = s.exec(select(AuditEntry.citizen_id).where(AuditEntry.action == "course_view"))
        assert set(audited.all()) == {late_citizen, new_citizen}


def test_only_counsellors_see_course_lists(fresh_db, frozen_now):
    with pytest.raises(AttendanceRefused):
        my_courses(fresh_db, staff=LEADER, now=frozen_now)


def test_todays_appointments_show_arrival_retraction_and_check_out(fresh_db, frozen_now):
    seed_reference(fresh_db)
    _, citizen = seed_course(fresh_db, starts_on=date(2026, 11, 1))
    at = [frozen_now + timedelta(hours=h) for h in (-1, 0, 1, 2)]
    ids = [seed_appointment(fresh_db, citizen_id=citizen, at=t) for t in at]
    seed_appointment(fresh_db, citizen_id=citizen, at=frozen_now, cancelled=True)
    seed_appointment(fresh_db, citizen_id=citizen, at=frozen_now + timedelta(days=1))
    seed_appointment(fresh_db, citizen_id=citizen, at=frozen_now, staff_id=LEADER.id)
    first = _check_in(fresh_db, frozen_now - timedelta(minutes=65), ids[0], citizen)
    _check_in(fresh_db, frozen_now, ids[0], citizen, action="check_out", ref_id=first)
    _check_in(fresh_db, frozen_now - timedelta(minutes=2), ids[1], citizen)
    wrong = _check_in(fresh_db, frozen_now, ids[2], citizen)
    _check_in(fresh_db, frozen_now, None, citizen, action="retraction", ref_id=wrong)
    rows = todays_appointments(fresh_db, staff=COUNSELLOR, now=frozen_now)
    assert [r.appointment_id for r in rows] == ids
    assert [r.arrival for r in rows] == [Arrival.LEFT, Arrival.ARRIVED, Arrival.EXPECTED,
                                         Arrival.EXPECTED]  # fmt: skip
    assert rows[1].arrived_at == frozen_now - timedelta(minutes=2)
