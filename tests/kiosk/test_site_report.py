"""The site report: rates per group and session, no-shows, course lengths, audited CSV."""

import csv
from datetime import timedelta

import pytest
from sqlmodel import select

from kiosk.services.attendance import AttendanceRefused
from kiosk.services.attendance_marks import add_guest, mark_attendance
from kiosk.services.session_state import cancel_session
from kiosk.services.site_report import site_report
from kiosk.services.site_report_csv import export_report_csv
from models import AuditEntry
from models.db import read_session
from models.timeutil import local_today
from tests.kiosk.attendance_world import (
    DESK,
    LEADER,
    seed_appointment,
    seed_course,
    seed_group,
    seed_reference,
)


@pytest.fixture
def report(fresh_db, frozen_now):
    seed_reference(fresh_db)
    adhd = seed_group(fresh_db, frozen_now, participants=4, past_weeks=1, sensitive=True)
    open_group = seed_group(fresh_db, frozen_now, participants=2, past_weeks=0,
                            title="Strikkecafé", code="G-200")  # fmt: skip
    marks = ["present", "late", "absent", "excused"]
    for citizen, mark in zip(adhd.citizens, marks, strict=True):
        mark_attendance(
            fresh_db,
            session_id=adhd.today_session,
            citizen_id=citizen,
            mark=mark,
            staff=LEADER,
            now=frozen_now,
        )
    add_guest(
        fresh_db,
        session_id=adhd.today_session,
        display_name="Gæst",
        birth_year=None,
        staff=LEADER,
        now=frozen_now,
    )
    cancel_session(
        fresh_db, session_id=open_group.today_session, reason="Syg", staff=LEADER, now=frozen_now
    )
    today = local_today(frozen_now)
    _, citizen = seed_course(fresh_db, starts_on=today - timedelta(weeks=14))
    seed_appointment(fresh_db, citizen_id=citizen, at=frozen_now - timedelta(hours=1))
    seed_appointment(fresh_db, citizen_id=citizen, at=frozen_now + timedelta(hours=1))
    result = site_report(fresh_db, start=today - timedelta(days=6), end=today, staff=LEADER,
                         now=frozen_now)  # fmt: skip
    return adhd, result


def test_rates_per_session_and_group_count_enrolled_attendance_only(report):
    adhd, result = report
    session = next(s for s in result.sessions if s.session_id == adhd.today_session)
    assert (session.enrolled, session.attended, session.absent, session.excused) == (4, 2, 1, 1)
    assert session.guests == 1 and session.rate == 0.5
    group = next(g for g in result.groups if g.group_id == adhd.group_id)
    assert (group.sessions, group.enrolled_slots, group.attended) == (1, 4, 2)
    other = next(g for g in result.groups if g.group_id != adhd.group_id)
    assert (other.sessions, other.cancelled, other.rate) == (0, 1, None)


def test_no_shows_and_course_lengths(report):
    _, result = report
    assert (result.appointments, result.appointment_no_shows) == (1, 1)
    assert (result.courses.running, result.courses.over_planned) == (1, 1)
    assert result.courses.median_weeks == 14.0


def test_the_report_is_for_leaders_and_admins_and_is_audited(fresh_db, frozen_now, report):
    today = local_today(frozen_now)
    with pytest.raises(AttendanceRefused):
        site_report(fresh_db, start=today, end=today, staff=DESK, now=frozen_now)
    with read_session(fresh_db) as s:
        assert len(s.exec(select(AuditEntry).where(AuditEntry.action == "report_view")).all()) == 1


def test_csv_export_is_semicolon_utf8_hides_sensitive_titles_and_is_audited(
    fresh_db, frozen_now, report, tmp_path
):
    _, result = report
    path = export_report_csv(fresh_db, result, tmp_path / "ud" / "rapport.csv", staff=LEADER,
                             now=frozen_now)  # fmt: skip
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    assert "ADHD" not in text and "G-101" in text and "Strikkecafé" in text
    rows = list(csv.reader(text.splitlines(), delimiter=";"))
    session_rows = [r for r in rows if len(r) > 3 and r[2] == "G-101" and r[0][2:3] == "."]
    assert session_rows[-1][7:10] == ["2", "1", "1"] and session_rows[-1][-1] == "50,0"
    with read_session(fresh_db) as s:
        audit = s.exec(select(AuditEntry).where(AuditEntry.action == "report_export")).one()
    assert audit.staff_id == LEADER.id and "rapport.csv" in audit.detail
    assert [p.name for p in path.parent.iterdir()] == ["rapport.csv"]
    modes = (path.stat().st_mode & 0o777, path.parent.stat().st_mode & 0o777)
    assert modes == (0o600, 0o700)  # an export holds personal data: private file and folder


def test_front_desk_cannot_export(fresh_db, frozen_now, report, tmp_path):
    _, result = report
    with pytest.raises(AttendanceRefused):
        export_report_csv(fresh_db, result, tmp_path / "x.csv", staff=DESK, now=frozen_now)
    assert not (tmp_path / "x.csv").exists()
