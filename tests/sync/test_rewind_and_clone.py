"""A kiosk restored from a disk image loses nothing; a copied credential used by two machines
is detected and refused; "synced" means central holds every row the kiosk made."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import delete
from sqlmodel import col, select

from models import CheckIn, Device, Outbox, SyncState
from models.db import make_engine, read_session, write_session
from models.ids import new_id
from models.timeutil import frozen_clock
from sync.adopt import AdoptionRefused, adopt_outbox
from sync.client import run_sync_session
from sync.outbox import init_state
from sync.requeue import requeue_rows
from sync.testing.chaos import copy_sqlite
from sync.transport import DeviceCloned
from tests.conftest import FROZEN_NOW
from tests.sync.world import Kiosk, World, check_in, sync

NOW = FROZEN_NOW


def restored(kiosk: Kiosk, image: Path) -> Kiosk:
    """The same credential on a machine whose disk is ``image``."""
    engine = make_engine(f"sqlite:///{image}")
    return Kiosk(engine, kiosk.client, kiosk.device_id, kiosk.site_id, kiosk.token)


def central_check_ins(world: World) -> set[str]:
    with read_session(world.central) as session:
        return set(session.exec(select(CheckIn.id)).all())


@pytest.fixture
def citizen(world: World) -> str:
    citizen_id, _sessions = world.add_group_with_citizen("hornslet")
    return citizen_id


async def test_a_kiosk_restored_from_an_old_image_pushes_its_new_rows(world, citizen, tmp_path):
    kiosk = world.kiosk("hornslet")
    early = [check_in(kiosk, citizen, NOW) for _ in range(3)]
    await sync(kiosk, NOW)
    image = copy_sqlite(kiosk.engine, tmp_path / "image.db")
    later = [check_in(kiosk, citizen, NOW) for _ in range(4)]
    await sync(kiosk, NOW)  # central's last seq is now ahead of the image's counter
    kiosk.engine.dispose()
    back = restored(kiosk, image)
    after_restore = [check_in(back, citizen, NOW) for _ in range(5)]
    report = await sync(back, NOW)
    assert report.rebased
    held = central_check_ins(world)
    assert set(early + later + after_restore) <= held
    # A second session finds nothing missing and nothing to re-base.
    again = await sync(back, NOW)
    assert not again.rebased and again.requeued == 0


async def test_a_restored_kiosk_with_unsent_rows_in_its_image_loses_none(world, citizen, tmp_path):
    kiosk = world.kiosk("hornslet")
    await sync(kiosk, NOW)
    unsent = [check_in(kiosk, citizen, NOW) for _ in range(2)]  # in the image's outbox
    image = copy_sqlite(kiosk.engine, tmp_path / "image.db")
    await sync(kiosk, NOW)
    newer = [check_in(kiosk, citizen, NOW) for _ in range(3)]
    await sync(kiosk, NOW)
    kiosk.engine.dispose()
    back = restored(kiosk, image)
    fresh = [check_in(back, citizen, NOW) for _ in range(6)]
    await sync(back, NOW)
    assert set(unsent + newer + fresh) <= central_check_ins(world)


async def test_two_machines_with_one_credential_are_detected_and_refused(world, citizen, tmp_path):
    first = world.kiosk("hornslet")
    check_in(first, citizen, NOW)
    await sync(first, NOW)
    second = restored(first, copy_sqlite(first.engine, tmp_path / "clone.db"))
    mine = check_in(first, citizen, NOW)
    theirs = check_in(second, citizen, NOW)
    await sync(first, NOW)
    await sync(second, NOW)  # looks like a restore: re-based onto a new lineage
    check_in(first, citizen, NOW)
    with pytest.raises(DeviceCloned):
        await sync(first, NOW)  # the replaced lineage pushes again: two machines are alive
    with read_session(world.central) as session:
        assert session.get(Device, first.device_id).cloned_at is not None  # type: ignore[union-attr]
    check_in(second, citizen, NOW)
    with pytest.raises(DeviceCloned):
        await sync(second, NOW)  # nothing more from that credential until re-enrolment
    assert {mine, theirs} <= central_check_ins(world)
    with read_session(first.engine) as session:  # refused, but kept locally
        assert len(session.exec(select(CheckIn)).all()) == 3


async def test_rows_central_lost_are_found_by_the_verification_and_pushed_again(world, citizen):
    kiosk = world.kiosk("hornslet")
    rows = [check_in(kiosk, citizen, NOW) for _ in range(4)]
    await sync(kiosk, NOW)
    # Central acknowledged a row it then lost, before the kiosk had confirmed it.
    with write_session(world.central) as session:
        session.execute(delete(CheckIn).where(CheckIn.id == rows[1]))
    with write_session(kiosk.engine) as session:
        state = session.get(SyncState, 1)
        state.own_verified = ""  # type: ignore[union-attr]
        session.add(state)
    report = await run_sync_session(
        kiosk.engine, kiosk.client, now=frozen_clock(NOW), max_clock_skew_s=10**9
    )
    assert report.requeued == 1
    assert set(rows) <= central_check_ins(world)


async def test_rows_central_lacks_are_queued_again_in_clock_order_after_the_pending(world, citizen):
    kiosk = world.kiosk("hornslet")
    rows = [check_in(kiosk, citizen, NOW) for _ in range(4)]
    await sync(kiosk, NOW)
    pending = check_in(kiosk, citizen, NOW)  # not pushed yet: stays first
    with read_session(kiosk.engine) as session:
        next_seq = session.get(SyncState, 1).next_seq  # type: ignore[union-attr]
    lacking = {"check_in": [rows[3], rows[1]], "queue_ticket": [new_id()]}  # one it never had
    assert requeue_rows(kiosk.engine, lacking, now=NOW) == 2
    with read_session(kiosk.engine) as session:
        outbox = session.exec(select(Outbox).order_by(col(Outbox.seq))).all()
        assert session.get(SyncState, 1).next_seq == next_seq + 2  # type: ignore[union-attr]
    assert [(o.kind, o.row_id) for o in outbox] == [
        ("check_in", pending),
        ("check_in", rows[1]),
        ("check_in", rows[3]),
    ]
    assert [o.seq for o in outbox[1:]] == [next_seq, next_seq + 1]
    assert [json.loads(o.payload)["id"] for o in outbox[1:]] == [rows[1], rows[3]]


async def test_a_refused_clone_enrolled_anew_pushes_its_waiting_rows(world, citizen, tmp_path):
    first = world.kiosk("hornslet")
    await sync(first, NOW)
    second = restored(first, copy_sqlite(first.engine, tmp_path / "clone.db"))
    check_in(first, citizen, NOW)
    await sync(first, NOW)
    check_in(second, citizen, NOW)
    await sync(second, NOW)  # re-based
    waiting = check_in(first, citizen, NOW)
    with pytest.raises(DeviceCloned):
        await sync(first, NOW)
    device_id, token = world.enrol("hornslet")  # the administrator enrols the machine anew
    with write_session(first.engine) as session:
        assert adopt_outbox(session, device_id=device_id, site_id="hornslet") == 1
        state = init_state(session, device_id=device_id, site_id="hornslet")
        state.next_seq = 2
    anew = Kiosk(first.engine, world.client(token), device_id, "hornslet", token)
    await sync(anew, NOW)
    assert waiting in central_check_ins(world)
    with read_session(world.central) as session:
        assert session.get(CheckIn, waiting).device_id == device_id  # type: ignore[union-attr]


def test_waiting_rows_of_another_site_are_not_adopted(world, citizen):
    kiosk = world.kiosk("hornslet")
    check_in(kiosk, citizen, NOW)
    with write_session(kiosk.engine) as session, pytest.raises(AdoptionRefused):
        adopt_outbox(session, device_id=new_id(), site_id="ebeltoft")
