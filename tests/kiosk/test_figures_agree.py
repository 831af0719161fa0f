"""Desk check-ins and roster marks agree, and home, the session list and the roster show the
same "Mødt" (issue 14; rules in docs/figures.md)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from kiosk.services.attendance import after_mark, open_roster, todays_sessions
from kiosk.services.attendance_marks import add_guest, mark_attendance, mark_unmarked_absent
from kiosk.services.checkin import check_in
from kiosk.services.today import TodayService
from models import AttendanceMark, AuditEntry
from models.db import read_session
from tests.kiosk.attendance_world import DESK, LEADER, seed_group, seed_reference


@pytest.fixture
def world(fresh_db, frozen_now):
    seed_reference(fresh_db)
    return seed_group(fresh_db, frozen_now, participants=5, past_weeks=0)


def _desk(fresh_db, frozen_now, citizen):
    outcome = check_in(fresh_db, citizen_id=citizen, staff=DESK, now=frozen_now)
    assert outcome.status == "checked_in"


def _roster(fresh_db, world, frozen_now):
    return open_roster(fresh_db, session_id=world.today_session, staff=LEADER, now=frozen_now)


def test_a_desk_check_in_shows_on_the_roster_as_arrived(fresh_db, frozen_now, world):
    _desk(fresh_db, frozen_now, world.citizens[0])
    entry = next(e for e in _roster(fresh_db, world, frozen_now).entries
                 if e.citizen_id == world.citizens[0])  # fmt: skip
    assert (entry.mark, entry.checked_in, entry.explicit) == ("present", True, False)
    assert (entry.attended, entry.counted) == (1, 1)  # the session counts: someone arrived


def test_rest_absent_skips_arrivals_and_says_how_many(fresh_db, frozen_now, world):
    first, second, *rest = world.citizens
    _desk(fresh_db, frozen_now, first)
    _desk(fresh_db, frozen_now, second)
    made = mark_unmarked_absent(fresh_db, session_id=world.today_session, staff=LEADER,
                                now=frozen_now)  # fmt: skip
    assert sorted(made.skipped_arrived) == sorted([first, second])
    assert sorted(f.citizen_id for f in made.marked) == sorted(rest)
    marks = {e.citizen_id: e.mark for e in _roster(fresh_db, world, frozen_now).entries}
    assert marks[first] == marks[second] == "present"
    assert [marks[c] for c in rest] == ["absent"] * len(rest)
    with read_session(fresh_db) as s:  # nothing was written for the arrivals
        written = s.exec(select(AttendanceMark.citizen_id)).all()
    assert first not in written and second not in written


def test_the_leaders_explicit_mark_wins_over_the_desk_and_is_audited(fresh_db, frozen_now, world):
    citizen = world.citizens[0]
    _desk(fresh_db, frozen_now, citizen)
    mark_attendance(fresh_db, session_id=world.today_session, citizen_id=citizen, mark="left_early",
                    staff=LEADER, now=frozen_now)  # fmt: skip
    entry = next(e for e in _roster(fresh_db, world, frozen_now).entries
                 if e.citizen_id == citizen)  # fmt: skip
    assert (entry.mark, entry.checked_in, entry.explicit) == ("left_early", True, True)
    mark_attendance(fresh_db, session_id=world.today_session, citizen_id=citizen, mark="absent",
                    staff=LEADER, now=frozen_now)  # fmt: skip
    again = mark_unmarked_absent(fresh_db, session_id=world.today_session, staff=LEADER,
                                 now=frozen_now)  # fmt: skip
    assert citizen not in again.skipped_arrived  # marked by the leader: no longer "arrived"
    with read_session(fresh_db) as s:
        wanted = (AuditEntry.action == "attendance_mark", AuditEntry.citizen_id == citizen)
        details = s.exec(select(AuditEntry.detail).where(*wanted)).all()
    assert sum("over=desk_check_in" in d for d in details) == 1  # the first override only
    assert _roster(fresh_db, world, frozen_now).session.attended == 0


def test_home_the_session_list_and_the_roster_show_the_same_attended(fresh_db, frozen_now, world):
    a, b, c, d, _ = world.citizens
    _desk(fresh_db, frozen_now, a)
    _desk(fresh_db, frozen_now, b)
    mark_attendance(fresh_db, session_id=world.today_session, citizen_id=b, mark="absent",
                    staff=LEADER, now=frozen_now)  # fmt: skip
    mark_attendance(fresh_db, session_id=world.today_session, citizen_id=c, mark="late",
                    staff=LEADER, now=frozen_now)  # fmt: skip
    mark_attendance(fresh_db, session_id=world.today_session, citizen_id=d, mark="excused",
                    staff=LEADER, now=frozen_now)  # fmt: skip
    for name in ("Gæst Et", "Gæst To"):
        add_guest(fresh_db, session_id=world.today_session, display_name=name, birth_year=None,
                  staff=LEADER, now=frozen_now)  # fmt: skip
    home = TodayService(fresh_db).home(frozen_now).sessions[0]
    listed = todays_sessions(fresh_db, now=frozen_now, staff=LEADER)[0]
    roster = _roster(fresh_db, world, frozen_now)
    on_roster = sum(1 for e in roster.entries if e.mark in ("present", "late", "left_early"))
    # a (desk), c (late) and two guests attended; b's leader mark beats the desk
    assert home.arrived == listed.attended == roster.session.attended == on_roster == 4
    assert home.participants == listed.participants == len(roster.entries) == 7
    assert listed.attended <= listed.participants  # never "13 af 10"


def test_after_a_mark_every_row_of_an_uncounted_session_starts_counting(
    fresh_db, frozen_now, world
):
    roster = _roster(fresh_db, world, frozen_now)
    entries = {e.citizen_id: e for e in roster.entries}
    assert all(not e.counts_this_session and e.counted == 0 for e in entries.values())
    updated = after_mark(entries, world.citizens[0], "present")
    assert all(e.counted == 1 for e in updated.values())
    assert updated[world.citizens[0]].attended == 1
    assert sum(e.attended for e in updated.values()) == 1
