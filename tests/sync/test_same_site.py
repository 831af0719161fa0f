"""Several kiosks at one site: same-site events reach the site's other devices via the feed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from kiosk.services.checkin import check_in as desk_check_in
from kiosk.services.duplicates import doubled_today
from kiosk.services.queue import add_ticket, call_next, public_view, queue_today
from kiosk.services.staff import StaffMember
from models import (
    AnonymousContact,
    AttendanceMark,
    AuditEntry,
    ChangeFeed,
    CheckIn,
    QueueTicket,
    SiteDevice,
    Staff,
    StaffSiteRole,
)
from models.db import read_session, write_session
from models.ids import new_id
from models.visit_duplicates import count_once
from sync.apply import apply_page
from sync.changes import publish
from sync.outbox import record
from sync.protocol import Change, PullPage
from sync.rows import EVENTS, encode
from sync.server import rules
from sync.server.devices import prefix_for
from sync.server.feed import prune_feed
from tests.sync.world import Kiosk, World, check_in, sync


def _ids(kiosk: Kiosk, model: type) -> set[str]:
    with read_session(kiosk.engine) as session:
        return {row.id for row in session.exec(select(model)).all()}


def _mark(kiosk: Kiosk, session_id: str, citizen_id: str, mark: str, now: object) -> str:
    row = AttendanceMark(id=new_id(), session_id=session_id, citizen_id=citizen_id, mark=mark)
    with write_session(kiosk.engine) as session:
        record(session, [row], now=now)  # type: ignore[arg-type]
    return row.id


def _current_mark(kiosk: Kiosk, session_id: str, citizen_id: str) -> str:
    with read_session(kiosk.engine) as session:
        marks = session.exec(
            select(AttendanceMark).where(
                AttendanceMark.session_id == session_id, AttendanceMark.citizen_id == citizen_id
            )
        ).all()
    return max(marks, key=lambda m: (m.hlc, m.id)).mark


async def test_a_check_in_at_one_desk_reaches_the_sites_other_device_only(world: World) -> None:
    desk, leader = world.kiosk("ronde", "desk"), world.kiosk("ronde", "leader")
    elsewhere = world.kiosk("hornslet", "elsewhere")
    citizen_id, _sessions = world.add_group_with_citizen("ronde")
    for kiosk in (desk, leader, elsewhere):
        await sync(kiosk, world.now)
    visit = check_in(desk, citizen_id, world.now)
    await sync(desk, world.now)
    await sync(leader, world.now)
    await sync(elsewhere, world.now)
    assert visit in _ids(leader, CheckIn)
    assert visit not in _ids(elsewhere, CheckIn)
    with read_session(leader.engine) as session:
        copy = session.get(CheckIn, visit)
    assert copy is not None and copy.device_id == desk.device_id


async def test_anonymous_contacts_and_audit_entries_stay_with_central(world: World) -> None:
    desk, other = world.kiosk("ronde", "desk"), world.kiosk("ronde", "other")
    contact = AnonymousContact(
        id=new_id(), offer_id="aaben-raadgivning", topics="", contact_date=world.now.date()
    )
    entry = AuditEntry(id=new_id(), action="search", detail="åse")
    with write_session(desk.engine) as session:
        record(session, [contact, entry], now=world.now)
    report = await sync(desk, world.now)
    assert report.rejected == 0
    await sync(other, world.now)
    assert _ids(other, AnonymousContact) == set()
    assert entry.id not in _ids(other, AuditEntry)


async def test_marks_from_two_devices_converge_latest_clock_wins(world: World) -> None:
    desk, leader = world.kiosk("ronde", "desk"), world.kiosk("ronde", "leader")
    citizen_id, (session_id,) = world.add_group_with_citizen("ronde")
    for kiosk in (desk, leader):
        await sync(kiosk, world.now)
    _mark(desk, session_id, citizen_id, "present", world.now)
    _mark(leader, session_id, citizen_id, "late", world.now + timedelta(seconds=5))
    for _round in range(2):
        for kiosk in (desk, leader):
            await sync(kiosk, world.now)
    assert _current_mark(desk, session_id, citizen_id) == "late"
    assert _current_mark(leader, session_id, citizen_id) == "late"
    assert len(_ids(desk, AttendanceMark)) == len(_ids(leader, AttendanceMark)) == 2


async def test_a_device_enrolled_later_receives_its_sites_recent_events(world: World) -> None:
    desk = world.kiosk("ronde", "desk")
    citizen_id, _sessions = world.add_group_with_citizen("ronde")
    await sync(desk, world.now)
    ticket = QueueTicket(
        id=new_id(), queue_date=world.now.date(), number=1, offer_id="aaben-raadgivning"
    )
    with write_session(desk.engine) as session:
        record(session, [ticket], now=world.now)
    visit = check_in(desk, citizen_id, world.now)
    await sync(desk, world.now)
    later = world.kiosk("ronde", "later")
    await sync(later, world.now)
    assert visit in _ids(later, CheckIn)
    assert ticket.id in _ids(later, QueueTicket)


async def test_devices_carry_their_name_and_a_distinct_queue_prefix(world: World) -> None:
    one, two = world.kiosk("ronde", "one"), world.kiosk("ronde", "two")
    await sync(one, world.now)
    with read_session(one.engine) as session:
        rows = {d.id: d.queue_prefix for d in session.exec(select(SiteDevice)).all()}
    assert rows == {one.device_id: "A", two.device_id: "B"}


def test_prefixes_never_repeat() -> None:
    labels = [prefix_for(i) for i in range(600)]
    assert len(set(labels)) == 600
    assert labels[:7] == ["A", "B", "C", "D", "E", "F", "AA"]
    assert all(set(label) <= set("ABCDEF") for label in labels)  # what the big digits draw


def test_every_pushed_kind_decides_whether_it_is_fed(monkeypatch: pytest.MonkeyPatch) -> None:
    decisions = dict(rules.FED_TO_SITE)
    decisions.pop("queue_ticket")
    monkeypatch.setattr(rules, "FED_TO_SITE", decisions)
    with pytest.raises(RuntimeError, match="feed decisions"):
        rules.check_rules_cover_models()


def _desk_staff(world: World, site_id: str) -> StaffMember:
    staff_id = new_id()
    with write_session(world.central) as session:
        publish(session, [Staff(id=staff_id, initials="KN", display_name="Karen", pin_hash="x")],
                now=world.now)  # fmt: skip
        publish(session, [StaffSiteRole(staff_id=staff_id, site_id=site_id, role="front_desk")],
                now=world.now)  # fmt: skip
    return StaffMember(staff_id, "KN", "Karen", frozenset({"front_desk"}))


async def test_queue_labels_stay_unique_offline_and_next_is_the_sites_oldest(world: World) -> None:
    one, two = world.kiosk("ronde", "one"), world.kiosk("ronde", "two")
    staff = _desk_staff(world, "ronde")
    for kiosk in (one, two):
        await sync(kiosk, world.now)
    minute = timedelta(minutes=1)
    first_two = add_ticket(two.engine, staff=staff, now=world.now)  # the site's oldest
    first_one = add_ticket(one.engine, staff=staff, now=world.now + minute)
    second_one = add_ticket(one.engine, staff=staff, now=world.now + 2 * minute)
    assert (first_one.label, second_one.label, first_two.label) == ("A1", "A2", "B1")
    for kiosk in (one, two, one):
        await sync(kiosk, world.now)
    later = world.now + 5 * minute
    labels = [[t.label for t in queue_today(k.engine, now=later)] for k in (one, two)]
    assert labels == [["B1", "A1", "A2"]] * 2
    assert public_view(queue_today(one.engine, now=later)).waiting == ("B1", "A1", "A2")
    called = call_next(one.engine, staff=staff, now=later)
    assert called is not None and called.label == "B1"
    await sync(one, later)
    await sync(two, later)
    assert [t.status for t in queue_today(two.engine, now=later)] == [
        "called",
        "waiting",
        "waiting",
    ]


async def test_one_visit_checked_in_at_two_desks_apart_counts_once(world: World) -> None:
    one = world.kiosk("ronde", "one", device_name="Skranke 1")
    two = world.kiosk("ronde", "two", device_name="Skranke 2")
    citizen_id, _sessions = world.add_group_with_citizen("ronde")
    for kiosk in (one, two):
        await sync(kiosk, world.now)
    first = desk_check_in(one.engine, citizen_id=citizen_id, staff=None, now=world.now)
    later = world.now + timedelta(minutes=2)
    second = desk_check_in(two.engine, citizen_id=citizen_id, staff=None, now=later)
    assert first.status == second.status == "checked_in"  # apart: neither knows the other
    for kiosk in (one, two, one):
        await sync(kiosk, later)
    for kiosk in (one, two):
        with read_session(kiosk.engine) as session:
            rows = list(session.exec(select(CheckIn)).all())
        assert len(rows) == 2 and len(count_once(rows)) == 1
    again = desk_check_in(one.engine, citizen_id=citizen_id, staff=None, now=later)
    assert again.status == "duplicate" and again.record is not None
    assert [(a.device_name, a.at) for a in again.record.also] == [("Skranke 2", later)]
    with read_session(one.engine) as session:
        doubled = doubled_today(session, device_id=one.device_id, now=later)
    assert [a.device_name for a in doubled[citizen_id]] == ["Skranke 2"]


async def test_once_synced_the_other_desk_refuses_a_second_check_in(world: World) -> None:
    one, two = world.kiosk("ronde", "one"), world.kiosk("ronde", "two")
    citizen_id, _sessions = world.add_group_with_citizen("ronde")
    for kiosk in (one, two):
        await sync(kiosk, world.now)
    assert desk_check_in(one.engine, citizen_id=citizen_id, staff=None, now=world.now).status == (
        "checked_in"
    )
    await sync(one, world.now)
    await sync(two, world.now)
    refused = desk_check_in(two.engine, citizen_id=citizen_id, staff=None, now=world.now)
    assert refused.status == "duplicate"
    with read_session(two.engine) as session:
        assert len(session.exec(select(CheckIn)).all()) == 1


async def test_a_pulled_event_never_overwrites_an_unacknowledged_local_row(world: World) -> None:
    kiosk = world.kiosk("ronde", "desk")
    citizen_id, (session_id,) = world.add_group_with_citizen("ronde")
    await sync(kiosk, world.now)
    mine = _mark(kiosk, session_id, citizen_id, "present", world.now)  # not yet pushed
    with read_session(kiosk.engine) as session:
        local = session.get(AttendanceMark, mine)
        assert local is not None
        wire = encode(EVENTS["attendance_mark"], local.model_dump())
    theirs = {**wire, "id": new_id(), "device_id": new_id(), "mark": "late"}
    changes = [
        Change(seq=10_001, table="attendance_mark", op="upsert", row_id=mine,
               row={**wire, "mark": "absent"}),
        Change(seq=10_002, table="attendance_mark", op="upsert", row_id=theirs["id"], row=theirs),
    ]  # fmt: skip
    page = PullPage(changes=changes, cursor=10_002, epoch="e", more=False)
    stats = apply_page(kiosk.engine, page, now_ms=0)
    assert stats.kept_pending == 1 and stats.upserted == 1
    with read_session(kiosk.engine) as session:
        assert session.get(AttendanceMark, mine).mark == "present"  # type: ignore[union-attr]
        assert session.get(AttendanceMark, theirs["id"]).mark == "late"  # type: ignore[union-attr]


def test_a_device_name_unfit_to_show_is_dropped() -> None:
    from sync.server.devices import safe_name

    assert safe_name("  Skranke   1 ") == "Skranke 1"
    assert safe_name("Skranke\x1b[2J") == ""
    assert safe_name("010190-1234") == ""
    assert safe_name("x" * 81) == ""


async def test_old_site_events_leave_the_feed_and_a_vanished_event_deletes_nothing(
    world: World,
) -> None:
    desk, other = world.kiosk("ronde", "desk"), world.kiosk("ronde", "other")
    citizen_id, _sessions = world.add_group_with_citizen("ronde")
    visit = check_in(desk, citizen_id, world.now)
    await sync(desk, world.now)
    await sync(other, world.now)
    later = world.now + timedelta(days=61)
    assert prune_feed(world.central, now=later, keep_days=60) >= 1
    with read_session(world.central) as session:
        feed = session.exec(select(ChangeFeed).where(ChangeFeed.row_id == visit)).all()
    assert feed == []
    gone = Change(seq=99_999, table="check_in", op="delete", row_id=visit)
    apply_page(
        other.engine, PullPage(changes=[gone], cursor=99_999, epoch="e", more=False), now_ms=0
    )
    assert visit in _ids(other, CheckIn)
