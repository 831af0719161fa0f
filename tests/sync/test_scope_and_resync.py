"""Site scopes (backfill, evict), tombstones, 410 resync, integrity repair, paging."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlmodel import select

from models import Citizen, Enrolment, GroupSession, Outbox, SyncState
from models.db import read_session, write_session
from sync.apply import apply_page
from sync.changes import DELETE, publish
from sync.protocol import Change, PullPage
from sync.server.feed import prune_feed, rotate_epoch
from tests.conftest import FROZEN_NOW
from tests.sync.world import World, check_in, sync


def _end_enrolment(world: World, citizen_id: str) -> None:
    with write_session(world.central) as session:
        enrolment = session.exec(select(Enrolment).where(Enrolment.citizen_id == citizen_id)).one()
        enrolment.ends_on = FROZEN_NOW.date() - timedelta(days=1)
        publish(session, [enrolment], now=FROZEN_NOW)


async def test_ending_the_last_enrolment_evicts_the_citizen_and_their_rows(world: World):
    citizen_id, _ = world.add_group_with_citizen("hornslet")
    kiosk = world.kiosk("hornslet")
    await sync(kiosk, FROZEN_NOW)
    _end_enrolment(world, citizen_id)
    await sync(kiosk, FROZEN_NOW)
    with read_session(kiosk.engine) as session:
        assert session.get(Citizen, citizen_id) is None
        assert session.exec(select(Enrolment).where(Enrolment.citizen_id == citizen_id)).all() == []


async def test_a_new_enrolment_backfills_the_citizen_and_their_rows(world: World):
    citizen_id, _ = world.add_group_with_citizen("hornslet")
    kiosk = world.kiosk("hornslet")
    _end_enrolment(world, citizen_id)
    await sync(kiosk, FROZEN_NOW)
    with read_session(kiosk.engine) as session:
        assert session.get(Citizen, citizen_id) is None
    with write_session(world.central) as session:
        enrolment = session.exec(select(Enrolment).where(Enrolment.citizen_id == citizen_id)).one()
        enrolment.ends_on = None
        publish(session, [enrolment], now=FROZEN_NOW)
    await sync(kiosk, FROZEN_NOW)
    with read_session(kiosk.engine) as session:
        assert session.get(Citizen, citizen_id) is not None
        assert session.get(Enrolment, enrolment.id) is not None


async def test_a_check_in_never_pulls_another_sites_citizen_into_scope(world: World):
    citizen_id, _ = world.add_group_with_citizen("ebeltoft")
    kiosk = world.kiosk("hornslet")
    check_in(kiosk, citizen_id, FROZEN_NOW)  # a citizen this site could not see
    report = await sync(kiosk, FROZEN_NOW)
    assert report.rejected == 1
    with read_session(kiosk.engine) as session:
        assert session.get(Citizen, citizen_id) is None
        assert session.exec(select(Enrolment)).all() == []


def test_an_evict_waits_while_a_pending_entry_refers_to_the_citizen(fresh_db, frozen_now):
    with write_session(fresh_db) as session:
        session.add(Citizen(id="c1", display_name="Åse"))
        session.add(
            Outbox(
                seq=1,
                kind="check_in",
                row_id="e1",
                payload=json.dumps({"citizen_id": "c1"}),
                created_at=frozen_now,
            )
        )
    page = PullPage(
        changes=[Change(seq=7, table="citizen", op="evict", row_id="c1")],
        cursor=7,
        epoch="e",
        more=False,
    )
    stats = apply_page(fresh_db, page, now_ms=0)
    with read_session(fresh_db) as session:
        assert session.get(Citizen, "c1") is not None
        assert session.get(SyncState, 1).cursor == 7
    assert stats.kept_pending == 1


def test_a_pull_never_overwrites_a_row_with_unacknowledged_changes(fresh_db, frozen_now):
    with write_session(fresh_db) as session:
        session.add(Citizen(id="g1", display_name="Local guest", provisional=True))
        session.add(Outbox(seq=1, kind="citizen", row_id="g1", payload="{}", created_at=frozen_now))
    row = {
        "id": "g1",
        "display_name": "Server name",
        "birth_year": None,
        "reference": None,
        "card_token": None,
        "provisional": True,
        "merged_into": None,
        "created_site_id": "hornslet",
        "updated_at": None,
    }
    page = PullPage(
        changes=[Change(seq=3, table="citizen", op="upsert", row_id="g1", row=row)],
        cursor=3,
        epoch="e",
        more=False,
    )
    apply_page(fresh_db, page, now_ms=0)
    with read_session(fresh_db) as session:
        assert session.get(Citizen, "g1").display_name == "Local guest"


async def test_a_deleted_session_is_deleted_at_the_kiosk(world: World):
    _c, session_ids = world.add_group_with_citizen("hornslet", sessions=2)
    kiosk = world.kiosk("hornslet")
    await sync(kiosk, FROZEN_NOW)
    with write_session(world.central) as session:
        doomed = session.get(GroupSession, session_ids[1])
        publish(session, [doomed], now=FROZEN_NOW, op=DELETE)
        session.delete(doomed)
    await sync(kiosk, FROZEN_NOW)
    with read_session(kiosk.engine) as session:
        assert session.get(GroupSession, session_ids[1]) is None
        assert session.get(GroupSession, session_ids[0]) is not None


async def test_a_cursor_older_than_the_tombstones_resyncs_without_resurrecting(world: World):
    _c, session_ids = world.add_group_with_citizen("hornslet", sessions=2)
    kiosk = world.kiosk("hornslet")
    await sync(kiosk, FROZEN_NOW)
    with write_session(world.central) as session:
        doomed = session.get(GroupSession, session_ids[1])
        publish(session, [doomed], now=FROZEN_NOW, op=DELETE)
        session.delete(doomed)
    later = FROZEN_NOW + timedelta(days=120)
    assert prune_feed(world.central, now=later, keep_days=60) > 0
    report = await sync(kiosk, FROZEN_NOW)
    assert report.full_resync
    with read_session(kiosk.engine) as session:
        assert session.get(GroupSession, session_ids[1]) is None
        assert session.get(GroupSession, session_ids[0]) is not None


async def test_a_new_server_epoch_resyncs_and_keeps_unsent_check_ins(world: World):
    citizen_id, _ = world.add_group_with_citizen("hornslet")
    kiosk = world.kiosk("hornslet")
    await sync(kiosk, FROZEN_NOW)
    rotate_epoch(world.central)
    event_id = check_in(kiosk, citizen_id, FROZEN_NOW)
    report = await sync(kiosk, FROZEN_NOW)
    # Pushed, then once more after the new epoch (a restore may have lost it; central skips it).
    assert report.full_resync and report.pushed == 2
    from models import CheckIn

    with read_session(world.central) as session:
        assert session.get(CheckIn, event_id) is not None
    with read_session(kiosk.engine) as session:
        assert session.get(Citizen, citizen_id) is not None


async def test_an_integrity_mismatch_resyncs_the_table(world: World):
    citizen_id, session_ids = world.add_group_with_citizen("hornslet")
    kiosk = world.kiosk("hornslet")
    await sync(kiosk, FROZEN_NOW)
    with write_session(kiosk.engine) as session:  # local damage the feed knows nothing about
        session.get(GroupSession, session_ids[0]).status = "cancelled"
        session.get(Citizen, citizen_id).display_name = "Tampered"
        session.add(Citizen(id="stray", display_name="Not from this site"))
    report = await sync(kiosk, FROZEN_NOW)
    assert set(report.resynced_tables) == {"group_session", "citizen"}
    with read_session(kiosk.engine) as session:
        assert session.get(GroupSession, session_ids[0]).status == "planned"
        assert session.get(Citizen, citizen_id).display_name == "Åse Ømark"
        assert session.get(Citizen, "stray") is None


async def test_pulling_in_small_pages_equals_pulling_at_once(world: World):
    for n in range(5):
        world.add_group_with_citizen("hornslet", citizen_name=f"Borger {n}", sessions=3)
    small, big = world.kiosk("hornslet", "small"), world.kiosk("hornslet", "big")
    cursor, epoch, pages = 0, "", 0
    while True:
        page = await small.client.pull(cursor=cursor, epoch=epoch, limit=3)
        apply_page(small.engine, page, now_ms=0)
        cursor, epoch, pages = page.cursor, page.epoch, pages + 1
        if not page.more:
            break
    await sync(big, FROZEN_NOW)
    from sync.local import local_summary

    assert pages > 5
    assert local_summary(small.engine) == local_summary(big.engine)
