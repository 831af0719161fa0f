"""Today's sessions, rosters, marks, mark-all-absent and guests at the service level."""

from datetime import timedelta

import pytest
from sqlmodel import col, select

from kiosk.services.attendance import AttendanceRefused, open_roster, todays_sessions
from kiosk.services.attendance_marks import add_guest, mark_attendance, mark_unmarked_absent
from models import AttendanceMark, AuditEntry, Citizen, GroupSession, Outbox
from models.db import read_session, write_session
from models.ids import new_id
from sync.hlc import Stamp
from sync.outbox import record
from tests.kiosk.attendance_world import DESK, LEADER, seed_group, seed_reference


@pytest.fixture
def world(fresh_db, frozen_now):
    seed_reference(fresh_db)
    return seed_group(fresh_db, frozen_now, participants=5, past_weeks=3)


def _roster(engine, world, now, staff=LEADER):
    return open_roster(engine, session_id=world.today_session, staff=staff, now=now)


def test_todays_sessions_list_the_leaders_own_group_first(fresh_db, frozen_now, world):
    other = seed_group(fresh_db, frozen_now, leader=None, title="Åben kreagruppe", code="G-7")
    with write_session(fresh_db) as s:  # the other group meets earlier in the day
        gs = s.get(GroupSession, other.today_session)
        gs.starts_at -= timedelta(hours=2)
    sessions = todays_sessions(fresh_db, now=frozen_now, staff=LEADER)
    assert [s.id for s in sessions] == [world.today_session, other.today_session]
    assert sessions[0].own and not sessions[1].own
    assert sessions[0].enrolled == 5
    by_time = todays_sessions(fresh_db, now=frozen_now, staff=DESK)
    assert [s.id for s in by_time] == [other.today_session, world.today_session]


def test_roster_is_sorted_the_danish_way_and_audited_per_citizen(fresh_db, frozen_now, world):
    roster = _roster(fresh_db, world, frozen_now)
    names = [e.display_name for e in roster.entries]
    assert names == ["Andersen, Anne", "Jensen, Kirsten", "Ærø, Per", "Østergaard, Ida",
                     "Aagaard, Bo"]  # fmt: skip
    with read_session(fresh_db) as s:
        audited = s.exec(select(AuditEntry).where(AuditEntry.action == "roster_view")).all()
    assert {a.citizen_id for a in audited} == set(world.citizens)
    assert all(a.staff_id == LEADER.id for a in audited)


def test_attendance_so_far_counts_attended_of_sessions_while_enrolled(fresh_db, frozen_now, world):
    first = world.citizens[0]
    for sid, mark in zip(world.past_sessions, ["present", "absent", "late"], strict=True):
        with write_session(fresh_db) as s:  # past marks made by some device
            record(
                s,
                [AttendanceMark(id=new_id(), session_id=sid, citizen_id=first, mark=mark)],
                now=frozen_now,
            )
    entry = next(e for e in _roster(fresh_db, world, frozen_now).entries if e.citizen_id == first)
    # Today's session is not in the figures until it is held or anything is recorded on it.
    assert (entry.attended, entry.counted) == (2, 3)
    mark_attendance(
        fresh_db,
        session_id=world.today_session,
        citizen_id=first,
        mark="present",
        staff=LEADER,
        now=frozen_now,
    )
    entry = next(e for e in _roster(fresh_db, world, frozen_now).entries if e.citizen_id == first)
    assert (entry.mark, entry.attended, entry.counted) == ("present", 3, 4)


def test_cancelled_past_sessions_do_not_count(fresh_db, frozen_now, world):
    with write_session(fresh_db) as s:
        for sid in world.past_sessions:
            s.get(GroupSession, sid).status = "held"
        s.get(GroupSession, world.past_sessions[0]).status = "cancelled"
    entry = _roster(fresh_db, world, frozen_now).entries[0]
    assert entry.counted == 2  # two held; the cancelled one and today's (nothing yet) do not


def test_a_mark_is_one_transaction_with_its_outbox_and_audit_entries(fresh_db, frozen_now, world):
    citizen = world.citizens[1]
    fact = mark_attendance(
        fresh_db,
        session_id=world.today_session,
        citizen_id=citizen,
        mark="late",
        staff=LEADER,
        now=frozen_now,
    )
    with read_session(fresh_db) as s:
        mark = s.get(AttendanceMark, fact.id)
        kinds = [o.kind for o in s.exec(select(Outbox).order_by(col(Outbox.seq))).all()]
        audit = s.exec(select(AuditEntry).where(AuditEntry.action == "attendance_mark")).one()
    assert (mark.mark, mark.staff_id, mark.site_id) == ("late", LEADER.id, "hornslet")
    assert kinds == ["attendance_mark", "audit_entry"]
    assert audit.citizen_id == citizen and world.today_session in audit.detail


def test_the_same_mark_twice_writes_nothing_new(fresh_db, frozen_now, world):
    args = {"session_id": world.today_session, "citizen_id": world.citizens[0], "staff": LEADER}
    first = mark_attendance(fresh_db, mark="present", now=frozen_now, **args)
    again = mark_attendance(fresh_db, mark="present", now=frozen_now, **args)
    assert again == first
    with read_session(fresh_db) as s:
        assert len(s.exec(select(AttendanceMark)).all()) == 1


def test_latest_hlc_wins_when_marks_arrive_out_of_order(fresh_db, frozen_now, world):
    citizen, sid = world.citizens[0], world.today_session
    newer = Stamp(int(frozen_now.timestamp() * 1000) + 60_000, 0, "tablet").pack()
    older = Stamp(int(frozen_now.timestamp() * 1000) - 60_000, 0, "laptop").pack()
    with write_session(fresh_db) as s:  # the newer mark is stored first, the older one later
        for hlc, mark in ((newer, "excused"), (older, "present")):
            record(s, [AttendanceMark(id=new_id(), session_id=sid, citizen_id=citizen, mark=mark,
                                      hlc=hlc)], now=frozen_now)  # fmt: skip
    entry = next(e for e in _roster(fresh_db, world, frozen_now).entries if e.citizen_id == citizen)
    assert entry.mark == "excused"
    # A local correction made now still wins over the (clock-ahead) newer remote mark.
    fact = mark_attendance(
        fresh_db, session_id=sid, citizen_id=citizen, mark="present", staff=LEADER, now=frozen_now
    )
    assert fact.hlc > newer
    entry = next(e for e in _roster(fresh_db, world, frozen_now).entries if e.citizen_id == citizen)
    assert entry.mark == "present"


def test_mark_all_unmarked_absent_leaves_existing_marks(fresh_db, frozen_now, world):
    sid = world.today_session
    mark_attendance(
        fresh_db,
        session_id=sid,
        citizen_id=world.citizens[0],
        mark="present",
        staff=LEADER,
        now=frozen_now,
    )
    made = mark_unmarked_absent(fresh_db, session_id=sid, staff=LEADER, now=frozen_now)
    assert len(made) == 4 and {f.mark for f in made} == {"absent"}
    marks = {e.citizen_id: e.mark for e in _roster(fresh_db, world, frozen_now).entries}
    assert marks[world.citizens[0]] == "present"
    assert sorted(marks.values()) == ["absent"] * 4 + ["present"]
    again = mark_unmarked_absent(fresh_db, session_id=sid, staff=LEADER, now=frozen_now)
    assert again.marked == () and again.skipped_arrived == ()


def test_marking_a_citizen_not_on_the_roster_is_refused(fresh_db, frozen_now, world):
    with write_session(fresh_db) as s:
        s.add(Citizen(id="stranger", display_name="Fremmed"))
    with pytest.raises(AttendanceRefused) as refused:
        mark_attendance(
            fresh_db,
            session_id=world.today_session,
            citizen_id="stranger",
            mark="present",
            staff=LEADER,
            now=frozen_now,
        )
    assert refused.value.reason == "not_on_roster"


def test_an_unknown_mark_or_session_is_refused_and_changes_nothing(fresh_db, frozen_now, world):
    with pytest.raises(AttendanceRefused, match="Unknown mark"):
        mark_attendance(
            fresh_db,
            session_id=world.today_session,
            citizen_id=world.citizens[0],
            mark="sleeping",
            staff=LEADER,
            now=frozen_now,
        )
    with pytest.raises(AttendanceRefused) as refused:
        mark_attendance(
            fresh_db,
            session_id="nope",
            citizen_id=world.citizens[0],
            mark="present",
            staff=LEADER,
            now=frozen_now,
        )
    assert refused.value.reason == "session_unknown"
    with read_session(fresh_db) as s:
        assert s.exec(select(Outbox)).all() == []


def test_staff_without_an_attendance_role_cannot_open_a_roster(fresh_db, frozen_now, world):
    from kiosk.services.staff import StaffMember

    nobody = StaffMember("x", "XX", "Ingen Rolle", frozenset())
    with pytest.raises(AttendanceRefused) as refused:
        _roster(fresh_db, world, frozen_now, staff=nobody)
    assert refused.value.reason == "role_required"


def test_a_guest_is_a_provisional_citizen_marked_present(fresh_db, frozen_now, world):
    added = add_guest(
        fresh_db,
        session_id=world.today_session,
        display_name="  Lone   Gæst ",
        birth_year=1975,
        staff=LEADER,
        now=frozen_now,
    )
    with read_session(fresh_db) as s:
        citizen = s.get(Citizen, added.citizen_id)
        kinds = [o.kind for o in s.exec(select(Outbox).order_by(col(Outbox.seq))).all()]
    assert citizen.provisional and citizen.created_site_id == "hornslet"
    assert citizen.display_name == "Lone Gæst"
    assert kinds == ["citizen", "audit_entry", "attendance_mark", "audit_entry"]
    entry = next(e for e in _roster(fresh_db, world, frozen_now).entries if e.guest)
    assert (entry.citizen_id, entry.mark, entry.attended, entry.counted) == (
        added.citizen_id, "present", 1, 1)  # fmt: skip
    # A guest already on the roster can be re-marked like anyone else.
    mark_attendance(
        fresh_db,
        session_id=world.today_session,
        citizen_id=added.citizen_id,
        mark="left_early",
        staff=LEADER,
        now=frozen_now,
    )


@pytest.mark.parametrize(
    ("name", "year", "reason"),
    [("   ", None, "name_required"), ("x" * 121, None, "name_too_long"),
     ("Ny Gæst", 1899, "birth_year_invalid"), ("Ny Gæst", 2027, "birth_year_invalid")],
)  # fmt: skip
def test_a_guest_with_bad_input_is_refused_and_nothing_is_stored(
    fresh_db, frozen_now, world, name, year, reason
):
    with pytest.raises(AttendanceRefused) as refused:
        add_guest(
            fresh_db,
            session_id=world.today_session,
            display_name=name,
            birth_year=year,
            staff=LEADER,
            now=frozen_now,
        )
    assert refused.value.reason == reason
    with read_session(fresh_db) as s:
        assert s.exec(select(Citizen).where(col(Citizen.provisional))).all() == []
