"""A device is not sent its own events back through the feed (the site's other devices are);
where central stored an own event with other clock values (a clock far ahead is clamped), the
push answer carries them and the kiosk takes them; a kiosk restored from an older image gets
the events its disk lost back with a snapshot."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from models import AttendanceMark, CheckIn
from models.db import make_engine, read_session, write_session
from models.ids import new_id
from models.timeutil import utcnow
from sync.hlc import HybridClock
from sync.local import acked_own_seq, acknowledge, next_batch
from sync.outbox import record
from sync.server.auth import DeviceIdentity
from sync.server.feed import pull_page
from sync.server.push import apply_push
from tests.sync.world import Kiosk, World, check_in, sync


def _pulled(
    world: World, kiosk: Kiosk, table: str, acked: int | None = None
) -> list[dict[str, object]]:
    """Every row of ``table`` the feed would send ``kiosk`` from the start (saying, as the
    kiosk does, which own seq it holds as acknowledged; ``acked`` overrides it)."""
    identity = DeviceIdentity(kiosk.device_id, kiosk.site_id)
    held = acked_own_seq(kiosk.engine) if acked is None else acked
    rows, cursor = [], 0
    while True:
        page = pull_page(world.central, identity, cursor=cursor, epoch="", limit=100, acked=held)
        rows += [c["row"] for c in page["changes"] if c["table"] == table]
        cursor = page["cursor"]
        if not page["more"]:
            return rows


def _local(kiosk: Kiosk, model: type) -> dict[str, object]:
    with read_session(kiosk.engine) as session:
        return {row.id: row for row in session.exec(select(model)).all()}


async def test_own_events_are_not_pulled_back_but_reach_the_other_device(world: World) -> None:
    desk, leader = world.kiosk("ronde", "desk"), world.kiosk("ronde", "leader")
    citizen_id, _sessions = world.add_group_with_citizen("ronde")
    for kiosk in (desk, leader):
        await sync(kiosk, world.now)
    made = {check_in(desk, citizen_id, world.now) for _ in range(7)}
    report = await sync(desk, world.now)
    assert report.pushed == 7
    assert {r["id"] for r in _pulled(world, desk, "check_in")} == set()
    assert {r["id"] for r in _pulled(world, leader, "check_in")} == made
    await sync(leader, world.now)
    assert made <= set(_local(leader, CheckIn))
    # The leader's own check-in reaches the desk, not the leader itself.
    theirs = check_in(leader, citizen_id, world.now)
    await sync(leader, world.now)
    await sync(desk, world.now)
    assert theirs in _local(desk, CheckIn)
    assert {r["id"] for r in _pulled(world, leader, "check_in")} == made


def _mark(kiosk: Kiosk, session_id: str, citizen_id: str, mark: str, now: object) -> str:
    row = AttendanceMark(id=new_id(), session_id=session_id, citizen_id=citizen_id, mark=mark)
    with write_session(kiosk.engine) as session:
        record(session, [row], now=now)  # type: ignore[arg-type]
    return row.id


async def test_a_clamped_own_event_takes_centrals_clock_values(world: World) -> None:
    desk, leader = world.kiosk("ronde", "desk"), world.kiosk("ronde", "leader")
    citizen_id, (session_id,) = world.add_group_with_citizen("ronde")
    for kiosk in (desk, leader):
        await sync(kiosk, world.now)
    ahead = _mark(desk, session_id, citizen_id, "present", world.now + timedelta(days=3))
    sent = _local(desk, AttendanceMark)[ahead]
    await sync(desk, world.now)
    with read_session(world.central) as session:
        held = session.get(AttendanceMark, ahead)
    assert held is not None
    assert held.hlc != sent.hlc and held.created_at < sent.created_at  # type: ignore[attr-defined]
    mine = _local(desk, AttendanceMark)[ahead]
    assert (mine.hlc, mine.created_at) == (held.hlc, held.created_at)  # type: ignore[attr-defined]
    # A later mark at the other device now wins everywhere, as it does at central.
    later = _mark(leader, session_id, citizen_id, "late", world.now + timedelta(seconds=5))
    await sync(leader, world.now)
    await sync(desk, world.now)
    marks = _local(desk, AttendanceMark).values()
    assert max(marks, key=lambda m: (m.hlc, m.id)).id == later  # type: ignore[attr-defined]


async def test_a_replayed_batch_whose_answer_was_lost_still_brings_the_adjustment(
    world: World,
) -> None:
    desk = world.kiosk("ronde", "desk")
    citizen_id, (session_id,) = world.add_group_with_citizen("ronde")
    await sync(desk, world.now)
    # Central's clock and the kiosk's agree here (the world's frozen clock is days behind the
    # kiosk's own HLC, which would clamp every row).
    now = utcnow()
    honest = _mark(desk, session_id, citizen_id, "late", now)
    ahead = _mark(desk, session_id, citizen_id, "present", now + timedelta(days=3))
    batch = next_batch(desk.engine, 10)
    assert batch is not None
    identity = DeviceIdentity(desk.device_id, desk.site_id)
    clock = HybridClock("central")
    first = apply_push(world.central, identity, batch, now=now, clock=clock)
    assert [a.row_id for a in first.adjusted] == [ahead]
    again = apply_push(world.central, identity, batch, now=now, clock=clock)  # lost answer
    assert [(a.row_id, a.hlc) for a in again.adjusted] == [(ahead, first.adjusted[0].hlc)]
    acknowledge(
        desk.engine, again.acked_through, again.rejections, now=world.now, adjusted=again.adjusted
    )
    local = _local(desk, AttendanceMark)
    assert local[ahead].hlc == first.adjusted[0].hlc  # type: ignore[attr-defined]
    assert local[honest].hlc == batch.mutations[0].row["hlc"]  # type: ignore[attr-defined]


async def test_a_kiosk_restored_from_an_image_gets_its_lost_events_back(
    world: World, tmp_path: Path
) -> None:
    kiosk, other = world.kiosk("ronde", "desk"), world.kiosk("ronde", "other")
    citizen_id, _sessions = world.add_group_with_citizen("ronde")
    await sync(kiosk, world.now)
    image = tmp_path / "image.db"
    with sqlite3.connect(str(kiosk.engine.url.database)) as live, sqlite3.connect(image) as copy:
        live.backup(copy)
    lost = {check_in(kiosk, citizen_id, world.now) for _ in range(4)}
    await sync(kiosk, world.now)
    elsewhere = check_in(other, citizen_id, world.now)
    await sync(other, world.now)
    kiosk.engine.dispose()
    back = Kiosk(
        make_engine(f"sqlite:///{image}"), kiosk.client, kiosk.device_id, kiosk.site_id, kiosk.token
    )
    fresh = check_in(back, citizen_id, world.now)
    report = await sync(back, world.now)
    assert report.rebased and report.full_resync
    assert lost | {elsewhere, fresh} <= set(_local(back, CheckIn))


async def test_a_device_that_does_not_say_what_it_holds_gets_its_own_events(world: World) -> None:
    desk = world.kiosk("ronde", "desk")
    citizen_id, _sessions = world.add_group_with_citizen("ronde")
    made = {check_in(desk, citizen_id, world.now) for _ in range(3)}
    await sync(desk, world.now)
    assert {r["id"] for r in _pulled(world, desk, "check_in")} == set()
    assert {r["id"] for r in _pulled(world, desk, "check_in", acked=-1)} == made


async def test_rows_a_twin_machine_pushed_with_the_same_credential_reach_the_original(
    world: World, tmp_path: Path
) -> None:
    """A copied disk pushing before anyone notices: central cannot tell the machines apart
    yet, but the original says it holds fewer own seqs than central has, so it is sent them."""
    desk = world.kiosk("ronde", "desk")
    citizen_id, _sessions = world.add_group_with_citizen("ronde")
    check_in(desk, citizen_id, world.now)
    await sync(desk, world.now)
    copy = tmp_path / "twin.db"
    with sqlite3.connect(str(desk.engine.url.database)) as live, sqlite3.connect(copy) as disk:
        live.backup(disk)
    twin = Kiosk(
        make_engine(f"sqlite:///{copy}"), desk.client, desk.device_id, desk.site_id, desk.token
    )
    theirs = check_in(twin, citizen_id, world.now, offer_id="aaben-raadgivning")
    await sync(twin, world.now)
    await sync(desk, world.now)
    assert theirs in _local(desk, CheckIn)
