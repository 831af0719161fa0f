"""Held, cancelled (with reason), closed and reopened sessions; refusals and audit."""

import pytest
from sqlmodel import col, select

from kiosk.services.attendance import AttendanceRefused
from kiosk.services.attendance_marks import add_guest, mark_attendance, mark_unmarked_absent
from kiosk.services.session_state import (
    cancel_session,
    close_session,
    mark_held,
    reopen_session,
)
from models import AuditEntry, GroupSession, Outbox, SessionStateChange
from models.db import read_session
from tests.kiosk.attendance_world import ADMIN, DESK, LEADER, seed_group, seed_reference


@pytest.fixture
def world(fresh_db, frozen_now):
    seed_reference(fresh_db)
    return seed_group(fresh_db, frozen_now, participants=3, past_weeks=1)


def _session(engine, sid):
    with read_session(engine) as s:
        return s.get(GroupSession, sid)


def _requests(engine):
    with read_session(engine) as s:
        rows = s.exec(select(SessionStateChange).order_by(col(SessionStateChange.hlc))).all()
    return [(r.state, r.reason) for r in rows]


def test_closing_a_planned_session_records_it_held_then_closed(fresh_db, frozen_now, world):
    state = close_session(fresh_db, session_id=world.today_session, staff=DESK, now=frozen_now)
    assert (state.status, state.closed) == ("held", True)
    gs = _session(fresh_db, world.today_session)
    assert (gs.status, gs.closed) == ("held", True)
    assert _requests(fresh_db) == [("held", ""), ("closed", "")]
    with read_session(fresh_db) as s:
        request_hlcs = s.exec(select(SessionStateChange.hlc)).all()
    assert gs.state_hlc == max(request_hlcs)


def test_marking_a_closed_session_is_refused_with_a_clear_message(fresh_db, frozen_now, world):
    close_session(fresh_db, session_id=world.today_session, staff=LEADER, now=frozen_now)
    with pytest.raises(AttendanceRefused, match="closed") as refused:
        mark_attendance(
            fresh_db,
            session_id=world.today_session,
            citizen_id=world.citizens[0],
            mark="present",
            staff=LEADER,
            now=frozen_now,
        )
    assert refused.value.reason == "session_closed"
    for action in (mark_unmarked_absent,):
        with pytest.raises(AttendanceRefused):
            action(fresh_db, session_id=world.today_session, staff=LEADER, now=frozen_now)
    with pytest.raises(AttendanceRefused):
        add_guest(
            fresh_db,
            session_id=world.today_session,
            display_name="Gæst",
            birth_year=None,
            staff=LEADER,
            now=frozen_now,
        )
    with pytest.raises(AttendanceRefused) as again:
        close_session(fresh_db, session_id=world.today_session, staff=LEADER, now=frozen_now)
    assert again.value.reason == "already_closed"


def test_cancelling_needs_a_reason_and_stores_it(fresh_db, frozen_now, world):
    with pytest.raises(AttendanceRefused) as refused:
        cancel_session(
            fresh_db, session_id=world.today_session, reason="  ", staff=LEADER, now=frozen_now
        )
    assert refused.value.reason == "reason_required"
    assert _requests(fresh_db) == []
    state = cancel_session(
        fresh_db, session_id=world.today_session, reason="Leder syg", staff=LEADER, now=frozen_now
    )
    assert (state.status, state.status_reason) == ("cancelled", "Leder syg")
    assert _requests(fresh_db) == [("cancelled", "Leder syg")]
    with pytest.raises(AttendanceRefused) as marking:
        mark_attendance(
            fresh_db,
            session_id=world.today_session,
            citizen_id=world.citizens[0],
            mark="present",
            staff=LEADER,
            now=frozen_now,
        )
    assert marking.value.reason == "session_cancelled"


def test_a_session_with_attending_participants_cannot_be_cancelled(fresh_db, frozen_now, world):
    mark_attendance(
        fresh_db,
        session_id=world.today_session,
        citizen_id=world.citizens[0],
        mark="late",
        staff=LEADER,
        now=frozen_now,
    )
    with pytest.raises(AttendanceRefused) as refused:
        cancel_session(
            fresh_db, session_id=world.today_session, reason="Fejl", staff=LEADER, now=frozen_now
        )
    assert refused.value.reason == "attended_marks_exist"
    assert _session(fresh_db, world.today_session).status == "planned"


def test_marking_held_undoes_a_cancellation(fresh_db, frozen_now, world):
    cancel_session(
        fresh_db, session_id=world.today_session, reason="Sne", staff=LEADER, now=frozen_now
    )
    state = mark_held(fresh_db, session_id=world.today_session, staff=LEADER, now=frozen_now)
    assert (state.status, state.status_reason) == ("held", "")
    mark_attendance(
        fresh_db,
        session_id=world.today_session,
        citizen_id=world.citizens[0],
        mark="present",
        staff=LEADER,
        now=frozen_now,
    )


def test_reopening_needs_the_group_leader_role_and_a_reason(fresh_db, frozen_now, world):
    sid = world.today_session
    close_session(fresh_db, session_id=sid, staff=DESK, now=frozen_now)
    with pytest.raises(AttendanceRefused) as no_role:
        reopen_session(fresh_db, session_id=sid, reason="Glemte en", staff=DESK, now=frozen_now)
    assert no_role.value.reason == "role_required"
    with pytest.raises(AttendanceRefused) as no_reason:
        reopen_session(fresh_db, session_id=sid, reason="", staff=LEADER, now=frozen_now)
    assert no_reason.value.reason == "reason_required"
    assert _session(fresh_db, sid).closed
    state = reopen_session(
        fresh_db, session_id=sid, reason="Glemte en", staff=LEADER, now=frozen_now
    )
    assert not state.closed and state.status == "held"
    with read_session(fresh_db) as s:
        audit = s.exec(select(AuditEntry).where(AuditEntry.action == "session_reopened")).one()
        last = s.exec(select(Outbox).order_by(col(Outbox.seq).desc())).first()
    assert audit.staff_id == LEADER.id and "Glemte en" in audit.detail
    assert last.kind == "audit_entry"
    mark_attendance(
        fresh_db,
        session_id=sid,
        citizen_id=world.citizens[0],
        mark="present",
        staff=LEADER,
        now=frozen_now,
    )


def test_admins_may_reopen_and_reopening_an_open_session_is_refused(fresh_db, frozen_now, world):
    sid = world.today_session
    with pytest.raises(AttendanceRefused) as refused:
        reopen_session(fresh_db, session_id=sid, reason="x", staff=ADMIN, now=frozen_now)
    assert refused.value.reason == "not_closed"
    close_session(fresh_db, session_id=sid, staff=ADMIN, now=frozen_now)
    assert not reopen_session(
        fresh_db, session_id=sid, reason="Rettelse", staff=ADMIN, now=frozen_now
    ).closed


def test_a_later_state_from_central_is_not_overwritten_by_an_older_local_request(
    fresh_db, frozen_now, world
):
    from models.db import write_session

    with write_session(fresh_db) as s:  # central already applied a far later decision
        gs = s.get(GroupSession, world.today_session)
        gs.status, gs.state_hlc = "cancelled", "999999999999999-000000-central"
        gs.status_reason = "Central"
    state = close_session(fresh_db, session_id=world.today_session, staff=LEADER, now=frozen_now)
    assert (state.status, state.closed) == ("cancelled", False)
    assert ("closed", "") in _requests(fresh_db)  # the request still goes to central
