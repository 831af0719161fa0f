"""The kiosk's transactional outbox."""

import json

import pytest
from sqlmodel import select

from models import AttendanceMark, Outbox, SyncState
from models.db import read_session, write_session
from models.ids import new_id
from sync.hlc import Stamp
from sync.outbox import record


def _mark(mark: str = "present") -> AttendanceMark:
    return AttendanceMark(id=new_id(), session_id="s1", citizen_id="c1", mark=mark)


def test_record_stamps_the_event_and_queues_it_in_the_same_transaction(fresh_db, frozen_now):
    with write_session(fresh_db) as session:
        seqs = record(session, [_mark(), _mark("late")], now=frozen_now)
    assert seqs == [1, 2]
    with read_session(fresh_db) as session:
        marks = session.exec(select(AttendanceMark)).all()
        outbox = session.exec(select(Outbox).order_by(Outbox.seq)).all()
        state = session.get(SyncState, 1)
    assert {m.id for m in marks} == {o.row_id for o in outbox}
    assert all(m.site_id == "hornslet" and m.hlc for m in marks)
    assert json.loads(outbox[0].payload)["mark"] in {"present", "late"}
    assert state is not None and state.next_seq == 3
    assert Stamp.parse(state.hlc) == max(Stamp.parse(m.hlc) for m in marks)


def test_a_failed_transaction_leaves_neither_row_nor_outbox_entry(fresh_db, frozen_now):
    with pytest.raises(RuntimeError), write_session(fresh_db) as session:
        record(session, [_mark()], now=frozen_now)
        raise RuntimeError("crash before commit")
    with read_session(fresh_db) as session:
        assert session.exec(select(AttendanceMark)).all() == []
        assert session.exec(select(Outbox)).all() == []
        state = session.get(SyncState, 1)
        assert state is not None and state.next_seq == 1


def test_clock_keeps_increasing_when_wall_time_goes_back(fresh_db, frozen_now):
    from datetime import timedelta

    with write_session(fresh_db) as session:
        record(session, [_mark()], now=frozen_now)
    with write_session(fresh_db) as session:
        record(session, [_mark("late")], now=frozen_now - timedelta(hours=1))
    with read_session(fresh_db) as session:
        stamps = sorted(session.exec(select(AttendanceMark)).all(), key=lambda m: m.created_at)
    earlier, later = stamps[0], stamps[1]  # created_at order: the 'late' one has the older wall
    assert Stamp.parse(earlier.hlc) > Stamp.parse(later.hlc)
