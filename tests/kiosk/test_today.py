"""Today's programme as the home screen gets it: sessions, appointments, counts, sync badge."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from kiosk.services.today import TodayService
from models import CheckIn, GroupSession, SyncState
from models.db import read_session, write_session
from models.ids import new_id
from sync.outbox import NotInitialised, record


def test_home_lists_todays_hornslet_sessions_with_enrolled_counts(
    demo_db: Engine, frozen_now: datetime
) -> None:
    view = TodayService(demo_db).home(frozen_now)
    assert view.site_name == "Hornslet" and view.site_place == "Alpedalen"
    assert [s.code for s in view.sessions] == ["G-201"]
    session = view.sessions[0]
    assert 8 <= session.enrolled <= 14 and session.arrived == 0
    assert session.public_title == "G-201"  # the diagnosis title stays hidden


def test_home_lists_todays_appointments_in_time_order(
    demo_db: Engine, frozen_now: datetime
) -> None:
    appointments = TodayService(demo_db).home(frozen_now).appointments
    assert len(appointments) >= 6
    assert [a.starts_at for a in appointments] == sorted(a.starts_at for a in appointments)
    assert all(a.staff_initials for a in appointments)


def _check_in(engine: Engine, now: datetime, **fields: object) -> str:
    event_id = new_id()
    with write_session(engine) as session:
        record(session, [CheckIn(id=event_id, citizen_id=new_id(), **fields)], now=now)
    return event_id


def test_arrivals_count_check_ins_and_ignore_retracted_ones(
    demo_db: Engine, frozen_now: datetime
) -> None:
    service = TodayService(demo_db)
    today = service.home(frozen_now)
    session_id, appointment_id = today.sessions[0].id, today.appointments[0].id
    fields = {"action": "check_in", "offer_id": "gruppeforloeb", "session_id": session_id}
    _check_in(demo_db, frozen_now, **fields)
    undone = _check_in(demo_db, frozen_now, **fields)
    _check_in(demo_db, frozen_now, action="retraction", offer_id="gruppeforloeb", ref_id=undone)
    _check_in(
        demo_db,
        frozen_now,
        action="check_in",
        offer_id="forloeb-82b",
        appointment_id=appointment_id,
    )
    view = service.home(frozen_now)
    assert view.sessions[0].arrived == 1
    assert view.appointments[0].arrived and not view.appointments[1].arrived
    assert view.sync.waiting == 4


def test_sync_badge_warns_until_a_good_sync_within_a_day(
    demo_db: Engine, frozen_now: datetime
) -> None:
    service = TodayService(demo_db)
    assert service.home(frozen_now).sync.stale
    with write_session(demo_db) as session:
        state = session.get(SyncState, 1)
        assert state is not None
        state.last_sync_ok_at = frozen_now - timedelta(hours=2)
    assert not service.home(frozen_now).sync.stale
    assert service.home(frozen_now + timedelta(hours=23)).sync.stale


def test_a_day_without_sessions_gives_empty_lists(demo_db: Engine, frozen_now: datetime) -> None:
    with read_session(demo_db) as session:
        last = max(session.exec(select(GroupSession.starts_at)).all())
    view = TodayService(demo_db).home(last + timedelta(days=30))
    assert view.sessions == [] and view.appointments == []


def test_a_kiosk_without_identity_says_so(tmp_path: object) -> None:
    from models.db import make_engine
    from models.migrate import upgrade

    engine = make_engine(f"sqlite:///{tmp_path}/empty.db")
    upgrade(engine, "kiosk")
    with pytest.raises(NotInitialised):
        TodayService(engine).site_id()
    engine.dispose()
