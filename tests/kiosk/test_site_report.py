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


def test_rates_per_session_and_group_count_every_participant_once_guests_included(report):
    adhd, result = report
    sessions = result.section("attendance_sessions").records()
    today = next(r for r in sessions if r["code"] == "G-101")
    assert (today["enrolled"], today["participants"], today["guests"]) == (4, 5, 1)
    # present, late and the guest attended; absent is a no-show; excused is afbud
    assert (today["attended"], today["no_show"], today["excused"], today["unmarked"]) == (
        3,
        1,
        1,
        0,
    )
    assert today["rate"] == 60.0
    groups = {r["code"]: r for r in result.section("attendance").records()}
    assert (groups["G-101"]["sessions"], groups["G-101"]["participants"]) == (1, 5)
    assert (groups["G-200"]["sessions"], groups["G-200"]["cancelled"]) == (0, 1)
    assert groups["G-200"]["rate"] is None


def test_appointments_count_no_shows_only_once_over_and_course_lengths(report):
    _, result = report
    total = result.section("appointments").records()[-1]
    # one appointment is over without a check-in, the other has not started yet
    assert (total["booked"], total["arrived"], total["no_show"], total["pending"]) == (2, 0, 1, 1)
    courses = result.section("courses").records()[0]
    assert (courses["running"], courses["over_planned"], courses["median_weeks"]) == (1, 1, 14.0)


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
    header = next(r for r in rows if r[:2] == ["Dato", "Kl."])
    session_row = next(r for r in rows if len(r) == len(header) and r[3] == "G-101")
    values = dict(zip(header, session_row, strict=True))
    assert values["Gruppe"] == "G-101"  # the sensitive title never leaves the kiosk
    assert (values["Fremmødt"], values["Udeblevet"], values["Afbud"]) == ("3", "1", "1")
    assert values["Fremmøde %"] == "60,0"
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
