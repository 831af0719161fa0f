"""A guest merged on central: late and replayed pushes land under the real citizen, kiosks
re-point their own copies when they pull the merge, and both sides still agree."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import func, select

from kiosk.services.attendance import build_roster
from kiosk.services.attendance_marks import add_guest, mark_attendance
from kiosk.services.staff import StaffMember
from models import (
    AttendanceMark,
    AuditEntry,
    CheckIn,
    Citizen,
    Group,
    GroupSession,
    Outbox,
    Rejection,
)
from models.db import read_session, write_session
from models.ids import new_id
from sync.admin.provisional import merge_provisional
from sync.local import local_summary
from sync.requeue import requeue_own_rows
from sync.server.feed import integrity_summary
from sync.server.merges import LATE_REPOINT_ACTION
from tests.conftest import FROZEN_NOW
from tests.sync.trust_world import add_staff
from tests.sync.world import Kiosk, World, check_in, sync

LEADER = StaffMember(
    id="0193f3a0-0000-7000-8000-00000000e002",
    initials="GL",
    display_name="Gitte Leder",
    roles=frozenset({"group_leader"}),
)


@pytest.fixture(autouse=True)
def _leader_at_central(world: World) -> None:
    add_staff(world, "hornslet", "GL", staff_id=LEADER.id)  # staff live at central


def _add_guest(kiosk: Kiosk, session_id: str) -> str:
    added = add_guest(
        kiosk.engine,
        session_id=session_id,
        display_name="Gæst Hansen",
        birth_year=1975,
        staff=LEADER,
        now=FROZEN_NOW,
    )
    return added.citizen_id


def _citizens_of(engine, model) -> list[str]:
    with read_session(engine) as session:
        return sorted(session.exec(select(model.citizen_id)).all())


def _count(engine, model) -> int:
    with read_session(engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def _late_audits(engine) -> list[AuditEntry]:
    with read_session(engine) as session:
        query = select(AuditEntry).where(AuditEntry.action == LATE_REPOINT_ACTION)
        return list(session.exec(query).all())


def _agrees_with_central(world: World, kiosk: Kiosk) -> bool:
    central = integrity_summary(world.central, _identity(world, kiosk))
    return central.tables == local_summary(kiosk.engine)


def _identity(world: World, kiosk: Kiosk):
    from sync.pin_seal import key_from_token
    from sync.server.auth import DeviceIdentity

    key = key_from_token(kiosk.token)  # as central sees the device (staff rows sealed)
    return DeviceIdentity(device_id=kiosk.device_id, site_id=kiosk.site_id, pin_key=key)


async def _guest_merged(world: World) -> tuple[Kiosk, str, str, list[str]]:
    """Known citizen enrolled in a Hornslet group; a guest added there, synced, then merged."""
    known, sessions = world.add_group_with_citizen("hornslet", sessions=2)
    kiosk = world.kiosk("hornslet")
    await sync(kiosk, FROZEN_NOW)
    guest = _add_guest(kiosk, sessions[0])
    await sync(kiosk, FROZEN_NOW)
    merge_provisional(world.central, guest, known, now=FROZEN_NOW)
    return kiosk, guest, known, sessions


async def test_a_guest_check_in_pushed_after_the_merge_is_stored_under_the_real_citizen(
    world: World,
):
    kiosk, guest, known, _sessions = await _guest_merged(world)
    late = check_in(kiosk, guest, FROZEN_NOW + timedelta(minutes=5))  # offline during the merge
    report = await sync(kiosk, FROZEN_NOW + timedelta(minutes=6))
    with read_session(world.central) as session:
        assert session.get(CheckIn, late).citizen_id == known
    assert _citizens_of(world.central, AttendanceMark) == [known]
    [audit] = _late_audits(world.central)
    assert audit.citizen_id == known and guest in audit.detail and kiosk.device_id in audit.detail
    assert "Gæst" not in audit.detail and "Hansen" not in audit.detail  # ids only
    # The kiosk pulled the merge: its own copies name the real citizen, the guest is gone.
    assert _citizens_of(kiosk.engine, CheckIn) == [known]
    assert _citizens_of(kiosk.engine, AttendanceMark) == [known]
    with read_session(kiosk.engine) as session:
        assert session.get(Citizen, guest) is None
    assert report.resynced_tables == [] and _agrees_with_central(world, kiosk)


async def test_replaying_the_guests_pushes_after_the_merge_changes_nothing(world: World):
    known, sessions = world.add_group_with_citizen("hornslet", sessions=2)
    kiosk = world.kiosk("hornslet")
    await sync(kiosk, FROZEN_NOW)
    guest = _add_guest(kiosk, sessions[0])
    check_in(kiosk, guest, FROZEN_NOW, session_id=sessions[0])
    await sync(kiosk, FROZEN_NOW)
    merge_provisional(world.central, guest, known, now=FROZEN_NOW)
    before = {m: _count(world.central, m) for m in (CheckIn, AttendanceMark, AuditEntry)}
    # A restore (or requeue) before the kiosk heard of the merge: the guest row and every event
    # naming the guest are pushed again, twice.
    assert requeue_own_rows(kiosk.engine, now=FROZEN_NOW) > 0
    await sync(kiosk, FROZEN_NOW)
    requeue_own_rows(kiosk.engine, now=FROZEN_NOW)
    await sync(kiosk, FROZEN_NOW)
    after = {m: _count(world.central, m) for m in (CheckIn, AttendanceMark)}
    assert after == {m: before[m] for m in (CheckIn, AttendanceMark)}
    assert _citizens_of(world.central, CheckIn) == [known]
    assert _citizens_of(world.central, AttendanceMark) == [known]
    assert _late_audits(world.central) == []  # nothing was re-pointed: nothing new stored
    with read_session(world.central) as session:
        assert session.exec(select(Rejection)).all() == []
        merged = session.get(Citizen, guest)
        assert merged.merged_into == known and not merged.provisional
    assert _citizens_of(kiosk.engine, CheckIn) == [known]
    assert _agrees_with_central(world, kiosk)


async def test_a_chain_of_merges_resolves_to_the_last_citizen(world: World):
    last, _sessions = world.add_group_with_citizen("hornslet")
    chain_a, chain_b = new_id(), new_id()
    with write_session(world.central) as session:
        session.add(Citizen(id=chain_b, display_name="B", merged_into=last))
        session.add(Citizen(id=chain_a, display_name="A", merged_into=chain_b))
    kiosk = world.kiosk("hornslet")
    first = check_in(kiosk, chain_a, FROZEN_NOW)
    second = check_in(kiosk, chain_b, FROZEN_NOW)
    await sync(kiosk, FROZEN_NOW)
    with read_session(world.central) as session:
        assert session.get(CheckIn, first).citizen_id == last
        assert session.get(CheckIn, second).citizen_id == last
    audits = _late_audits(world.central)
    assert {a.citizen_id for a in audits} == {last} and len(audits) == 2


async def test_a_merge_cycle_stops_instead_of_looping(world: World):
    loop_a, loop_b = new_id(), new_id()
    with write_session(world.central) as session:  # two guests of this site merged in a loop
        for one, other in ((loop_a, loop_b), (loop_b, loop_a)):
            session.add(Citizen(id=one, display_name="A", merged_into=other, provisional=True,
                                created_site_id="hornslet"))  # fmt: skip
    kiosk = world.kiosk("hornslet")
    event = check_in(kiosk, loop_a, FROZEN_NOW)
    await sync(kiosk, FROZEN_NOW)
    with read_session(world.central) as session:
        assert session.get(CheckIn, event).citizen_id in {loop_a, loop_b}


async def test_the_roster_count_of_the_real_citizen_includes_the_guests_attendance(world: World):
    kiosk, guest, known, sessions = await _guest_merged(world)
    outbox_before = _count(kiosk.engine, Outbox)
    await sync(kiosk, FROZEN_NOW)  # pulls the merge
    assert _count(kiosk.engine, Outbox) == outbox_before == 0  # re-pointing pushes nothing
    roster = _roster(kiosk, sessions[1])
    [entry] = roster.entries
    assert entry.citizen_id == known and entry.attended_before == 1
    assert guest not in {e.citizen_id for e in _roster(kiosk, sessions[0]).entries}
    assert _agrees_with_central(world, kiosk)


async def test_guest_and_real_citizen_both_marked_at_one_session_keep_the_latest_mark(
    world: World,
):
    known, sessions = world.add_group_with_citizen("hornslet", sessions=2)
    kiosk = world.kiosk("hornslet")
    await sync(kiosk, FROZEN_NOW)
    mark_attendance(
        kiosk.engine,
        session_id=sessions[0],
        citizen_id=known,
        mark="absent",
        staff=LEADER,
        now=FROZEN_NOW,
    )
    guest = _add_guest(kiosk, sessions[0])  # the same person, marked present later (later HLC)
    await sync(kiosk, FROZEN_NOW)
    merge_provisional(world.central, guest, known, now=FROZEN_NOW)
    await sync(kiosk, FROZEN_NOW)
    here = _roster(kiosk, sessions[0])
    assert [(e.citizen_id, e.mark) for e in here.entries] == [(known, "present")]
    assert here.session.marked == 1
    assert _roster(kiosk, sessions[1]).entries[0].attended_before == 1
    from models.figures.facts import current_explicit_marks, mark_facts, merged_citizens

    with read_session(world.central) as session:
        facts = mark_facts(session, [sessions[0]])
        marks = current_explicit_marks(facts, merged_citizens(session))
    assert marks == {sessions[0]: {known: "present"}}


def _roster(kiosk: Kiosk, session_id: str):
    with read_session(kiosk.engine) as session:
        gs = session.get(GroupSession, session_id)
        group = session.get(Group, gs.group_id)
        return build_roster(session, gs, group, staff=LEADER, now=FROZEN_NOW)


def _citizen_row(citizen_id: str, merged_into: str | None) -> dict[str, object]:
    return {
        "id": citizen_id,
        "display_name": "Gæst",
        "birth_year": None,
        "reference": None,
        "card_token": None,
        "provisional": False,
        "merged_into": merged_into,
        "created_site_id": "hornslet",
        "updated_at": None,
    }


def _local_events(engine, citizen_id: str) -> list[str]:
    """Ids of a guest's check-in and mark made at this kiosk (with their outbox entries)."""
    from sync.outbox import record

    events = [
        CheckIn(id=f"ci-{citizen_id}", action="check_in", citizen_id=citizen_id,
                offer_id="gruppeforloeb", site_id="", device_id="", hlc="", created_at=FROZEN_NOW),
        AttendanceMark(id=f"am-{citizen_id}", session_id="s1", citizen_id=citizen_id,
                       mark="present", site_id="", device_id="", hlc="", created_at=FROZEN_NOW),
    ]  # fmt: skip
    with write_session(engine) as session:
        record(session, events, now=FROZEN_NOW)
    return [e.id for e in events]


def test_a_pulled_chain_of_merges_re_points_local_events_without_outbox_entries(fresh_db):
    from sync.apply import apply_page
    from sync.protocol import Change, PullPage

    _local_events(fresh_db, "a")
    _local_events(fresh_db, "b")
    pending = _count(fresh_db, Outbox)
    changes = [
        Change(seq=1, table="citizen", op="upsert", row_id="a", row=_citizen_row("a", "b")),
        Change(seq=2, table="citizen", op="upsert", row_id="b", row=_citizen_row("b", "c")),
        Change(seq=3, table="citizen", op="evict", row_id="a"),
    ]
    page = PullPage(changes=changes, cursor=3, epoch="e", more=False)
    stats = apply_page(fresh_db, page, now_ms=0)
    assert stats.repointed == 4
    assert _citizens_of(fresh_db, CheckIn) == ["c", "c"]
    assert _citizens_of(fresh_db, AttendanceMark) == ["c", "c"]
    assert _count(fresh_db, Outbox) == pending  # nothing to push again


def test_a_snapshot_naming_a_merge_re_points_local_events_even_while_the_guest_is_pending(
    fresh_db,
):
    from sync.apply import swap_in_tables

    _local_events(fresh_db, "g")
    with write_session(fresh_db) as session:
        from sync.outbox import record

        guest = Citizen(id="g", display_name="Gæst", provisional=True, created_site_id="hornslet")
        record(session, [guest], now=FROZEN_NOW, kind="citizen")
    swap_in_tables(fresh_db, {"citizen": [_citizen_row("g", "t"), _citizen_row("t", None)]})
    assert _citizens_of(fresh_db, CheckIn) == ["t"]
    assert _citizens_of(fresh_db, AttendanceMark) == ["t"]
    with read_session(fresh_db) as session:
        assert session.get(Citizen, "g").provisional  # the pending local row is kept as it is


async def test_guest_and_real_citizen_checked_in_to_one_session_are_one_visit(world: World):
    from sync.admin.report_data import visits
    from sync.admin.report_model import ReportQuery

    known, sessions = world.add_group_with_citizen("hornslet")
    kiosk = world.kiosk("hornslet")
    await sync(kiosk, FROZEN_NOW)
    guest = _add_guest(kiosk, sessions[0])
    check_in(kiosk, known, FROZEN_NOW, session_id=sessions[0])
    check_in(kiosk, guest, FROZEN_NOW, session_id=sessions[0])
    check_in(kiosk, known, FROZEN_NOW)  # a drop-in visit without a session still counts
    await sync(kiosk, FROZEN_NOW)
    day = FROZEN_NOW.date()
    query = ReportQuery(site="hornslet", start=day, end=day)
    with read_session(world.central) as session:
        assert len(visits(session, query)) == 3
    merge_provisional(world.central, guest, known, now=FROZEN_NOW)
    with read_session(world.central) as session:
        found = visits(session, query)
    assert len(found) == 2 and {citizen for _s, _o, citizen, _d in found} == {known}


async def test_the_audit_export_of_the_real_citizen_follows_a_chain_of_merges(world: World):
    from sync.admin.audit_export import export_citizen_log

    kiosk, guest, known, _sessions = await _guest_merged(world)
    with write_session(world.central) as session:
        session.add(Citizen(id="older-guest", display_name="A", merged_into=guest))
        session.add(AuditEntry(id="older-entry", site_id="hornslet", device_id=kiosk.device_id,
                               hlc="0", created_at=FROZEN_NOW, received_at=FROZEN_NOW,
                               citizen_id="older-guest", action="guest_add"))  # fmt: skip
    _name, lines = export_citizen_log(world.central, known, now=FROZEN_NOW)
    assert sum(line.action == "guest add" for line in lines) == 2  # the guest's and the older one


# Row locks only matter where writers run at once: SQLite runs one writer at a time.
@pytest.mark.parametrize("central", ["postgres"], indirect=True)
async def test_a_push_during_a_merge_waits_for_it_and_stores_under_the_real_citizen(world: World):
    racing_guest = new_id()
    import threading

    from sqlalchemy import text

    from sync.hlc import HybridClock
    from sync.local import next_batch
    from sync.server.auth import DeviceIdentity
    from sync.server.push import apply_push

    known, _sessions = world.add_group_with_citizen("hornslet")
    with write_session(world.central) as session:
        session.add(Citizen(id=racing_guest, display_name="G", provisional=True,
                            created_site_id="hornslet"))  # fmt: skip
    kiosk = world.kiosk("hornslet")
    event = check_in(kiosk, racing_guest, FROZEN_NOW)
    batch = next_batch(kiosk.engine, 10)
    identity = DeviceIdentity(device_id=kiosk.device_id, site_id="hornslet")
    clock = HybridClock("central", wall=lambda: int(FROZEN_NOW.timestamp() * 1000))
    failures: list[BaseException] = []

    def push() -> None:
        try:
            apply_push(world.central, identity, batch, now=FROZEN_NOW, clock=clock)
        except BaseException as err:  # reported to the test below
            failures.append(err)

    pusher = threading.Thread(target=push)
    with write_session(world.central) as merging:  # a merge holding the guest's row
        guest = merging.exec(
            select(Citizen).where(Citizen.id == racing_guest).with_for_update()
        ).one()
        pusher.start()
        with world.central.connect() as watcher:  # until the push waits for the row lock
            waiting = text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                "AND datname = current_database()"
            )
            while not watcher.execute(waiting).scalar() and pusher.is_alive():
                watcher.rollback()
        guest.merged_into, guest.provisional = known, False
        merging.add(guest)
    pusher.join()
    assert failures == []
    with read_session(world.central) as session:
        assert session.get(CheckIn, event).citizen_id == known
