"""The sync protocol end to end in-process: push, pull, acknowledgements, gaps, rejections."""

from __future__ import annotations

import pytest
from sqlmodel import col, func, select

from models import CheckIn, Citizen, GroupSession, Outbox, Rejection, SyncState
from models.config import Settings
from models.db import read_session, write_session
from models.events import SessionStateChange
from models.ids import new_id
from sync.hlc import HybridClock
from sync.outbox import record
from sync.protocol import Mutation, PushBatch
from sync.server.decisions import set_session_state_centrally
from sync.transport import SeqGap
from tests.conftest import FROZEN_NOW
from tests.sync.world import World, check_in, sync


def count(engine, model, *where) -> int:
    with read_session(engine) as session:
        query = select(func.count()).select_from(model)
        for clause in where:
            query = query.where(clause)
        return int(session.exec(query).one())


async def test_an_offline_check_in_reaches_central_and_the_outbox_empties(world: World):
    citizen_id, _ = world.add_group_with_citizen("hornslet")
    kiosk = world.kiosk("hornslet")
    await sync(kiosk, FROZEN_NOW)
    event_id = check_in(kiosk, citizen_id, FROZEN_NOW)
    assert count(kiosk.engine, Outbox) == 1

    report = await sync(kiosk, FROZEN_NOW)

    assert report.pushed == 1
    with read_session(world.central) as session:
        stored = session.get(CheckIn, event_id)
    assert stored is not None and stored.received_at is not None
    assert stored.device_id == kiosk.device_id and stored.site_id == "hornslet"
    assert count(kiosk.engine, Outbox) == 0


async def test_the_first_sync_brings_the_site_rows_and_its_citizens(world: World):
    citizen_id, session_ids = world.add_group_with_citizen("hornslet")
    kiosk = world.kiosk("hornslet")
    await sync(kiosk, FROZEN_NOW)
    with read_session(kiosk.engine) as session:
        assert session.get(Citizen, citizen_id) is not None
        assert session.get(GroupSession, session_ids[0]) is not None
        assert session.get(SyncState, 1).last_sync_ok_at is not None


async def test_a_hornslet_kiosk_never_receives_ebeltoft_rows(world: World):
    hornslet_citizen, _ = world.add_group_with_citizen("hornslet", citizen_name="Hanne")
    ebeltoft_citizen, ebeltoft_sessions = world.add_group_with_citizen(
        "ebeltoft", citizen_name="Eb"
    )
    kiosk = world.kiosk("hornslet")
    await sync(kiosk, FROZEN_NOW)
    with read_session(kiosk.engine) as session:
        assert session.get(Citizen, hornslet_citizen) is not None
        assert session.get(Citizen, ebeltoft_citizen) is None
        assert session.get(GroupSession, ebeltoft_sessions[0]) is None
        sites = set(session.exec(select(GroupSession.site_id)).all())
    assert sites == {"hornslet"}


async def test_re_pushing_an_acknowledged_batch_changes_nothing(world: World):
    citizen_id, _ = world.add_group_with_citizen("hornslet")
    kiosk = world.kiosk("hornslet")
    check_in(kiosk, citizen_id, FROZEN_NOW)
    with read_session(kiosk.engine) as session:
        entry = session.exec(select(Outbox)).one()
    import json

    batch = PushBatch(
        first_seq=entry.seq,
        mutations=[Mutation(seq=entry.seq, kind=entry.kind, row=json.loads(entry.payload))],
    )
    first = await kiosk.client.push(batch)
    second = await kiosk.client.push(batch)
    assert first.acked_through == second.acked_through == entry.seq
    assert count(world.central, CheckIn) == 1


async def test_a_push_after_a_gap_gets_409_with_the_expected_seq(world: World):
    kiosk = world.kiosk("hornslet")
    batch = PushBatch(first_seq=5, mutations=[Mutation(seq=5, kind="check_in", row={})])
    with pytest.raises(SeqGap) as gap:
        await kiosk.client.push(batch)
    assert gap.value.expected_seq == 1


async def test_a_bad_mutation_is_rejected_and_the_queue_still_advances(world: World):
    citizen_id, _ = world.add_group_with_citizen("hornslet")
    kiosk = world.kiosk("hornslet")
    with write_session(kiosk.engine) as session:
        bogus = CheckIn(
            id=new_id(),
            action="teleport",
            citizen_id=citizen_id,
            offer_id="gruppeforloeb",
            site_id="",
            device_id="",
            hlc="",
            created_at=FROZEN_NOW,
        )
        record(session, [bogus], now=FROZEN_NOW)
    good = check_in(kiosk, citizen_id, FROZEN_NOW)
    report = await sync(kiosk, FROZEN_NOW)
    assert report.rejected == 1
    assert count(world.central, CheckIn, col(CheckIn.id) == good) == 1
    assert count(world.central, Rejection) == 1
    assert count(kiosk.engine, Outbox) == 0
    from models import LocalRejection

    with read_session(kiosk.engine) as session:
        rejection = session.exec(select(LocalRejection)).one()
    assert "action" in rejection.reason


async def test_another_sites_rows_are_rejected(world: World):
    citizen_id, _ = world.add_group_with_citizen("hornslet")
    kiosk = world.kiosk("hornslet")
    check_in(kiosk, citizen_id, FROZEN_NOW, site_id="ebeltoft")
    report = await sync(kiosk, FROZEN_NOW)
    assert report.rejected == 1
    with read_session(world.central) as session:
        assert "another site" in session.exec(select(Rejection)).one().reason
    assert count(world.central, CheckIn) == 0


async def test_unknown_kinds_and_unknown_citizens_are_rejected_not_retried(world: World):
    kiosk = world.kiosk("hornslet")
    batch = PushBatch(
        first_seq=1,
        mutations=[
            Mutation(seq=1, kind="launch_missiles", row={"id": "x"}),
            Mutation(seq=2, kind="check_in", row={"id": "y"}),
        ],
    )
    result = await kiosk.client.push(batch)
    assert result.acked_through == 2
    assert [r.seq for r in result.rejections] == [1, 2]


async def test_a_session_cancelled_centrally_shows_cancelled_at_the_kiosk(world: World):
    _citizen, session_ids = world.add_group_with_citizen("hornslet")
    kiosk = world.kiosk("hornslet")
    await sync(kiosk, FROZEN_NOW)
    set_session_state_centrally(
        world.central, session_ids[0], "cancelled", clock=HybridClock("central"), now=FROZEN_NOW
    )
    await sync(kiosk, FROZEN_NOW)
    with read_session(kiosk.engine) as session:
        assert session.get(GroupSession, session_ids[0]).status == "cancelled"


async def test_a_kiosk_request_decides_the_session_state_and_comes_back(world: World):
    _citizen, session_ids = world.add_group_with_citizen("hornslet")
    kiosk = world.kiosk("hornslet")
    await sync(kiosk, FROZEN_NOW)
    request = SessionStateChange(
        id=new_id(),
        session_id=session_ids[0],
        state="held",
        site_id="",
        device_id="",
        hlc="",
        created_at=FROZEN_NOW,
    )
    with write_session(kiosk.engine) as session:
        record(session, [request], now=FROZEN_NOW)
    await sync(kiosk, FROZEN_NOW)
    with read_session(world.central) as session:
        assert session.get(GroupSession, session_ids[0]).status == "held"
    with read_session(kiosk.engine) as session:
        assert session.get(GroupSession, session_ids[0]).status == "held"


async def test_a_provisional_guest_is_accepted_and_scoped_to_the_kiosks_site(world: World):
    kiosk = world.kiosk("hornslet")
    guest = Citizen(id=new_id(), display_name="Gæst", provisional=True, created_site_id="hornslet")
    with write_session(kiosk.engine) as session:
        record(session, [guest], now=FROZEN_NOW)
    check_in(kiosk, guest.id, FROZEN_NOW)
    report = await sync(kiosk, FROZEN_NOW)
    assert report.rejected == 0
    with read_session(world.central) as session:
        assert session.get(Citizen, guest.id).provisional is True
    assert count(world.central, CheckIn) == 1


async def test_a_stamp_and_a_time_far_ahead_are_clamped_to_the_server(world: World):
    from sync.hlc import Stamp

    citizen_id, _ = world.add_group_with_citizen("hornslet")
    kiosk = world.kiosk("hornslet")
    ahead = FROZEN_NOW.replace(year=2027)  # a kiosk whose clock runs a year fast
    event_id = check_in(kiosk, citizen_id, ahead)
    await sync(kiosk, FROZEN_NOW)
    with read_session(world.central) as session:
        stored = session.get(CheckIn, event_id)
    # A row from the future is kept at the server's time, so it cannot outlive retention
    # or hold a scope open (docs/authorisation.md).
    assert stored.created_at == FROZEN_NOW
    # Clamped to the server's clock plus the allowed skew (5 min by default).
    limit = int(FROZEN_NOW.timestamp() * 1000) + world.settings.max_clock_skew_seconds * 1000
    assert Stamp.parse(stored.hlc).ms == limit


async def test_confirmed_events_past_the_window_are_purged_and_unsent_ones_kept(world: World):
    from datetime import timedelta

    from models.timeutil import frozen_clock
    from sync.client import run_sync_session

    citizen_id, _ = world.add_group_with_citizen("hornslet")
    kiosk = world.kiosk("hornslet")
    old = check_in(kiosk, citizen_id, FROZEN_NOW - timedelta(days=40))
    recent = check_in(kiosk, citizen_id, FROZEN_NOW - timedelta(days=2))
    await run_sync_session(
        kiosk.engine,
        kiosk.client,
        now=frozen_clock(FROZEN_NOW),
        max_clock_skew_s=10**9,
        retention=Settings(event_retention_days=30),
    )
    with read_session(kiosk.engine) as session:
        assert session.get(CheckIn, old) is None
        assert session.get(CheckIn, recent) is not None
    with read_session(world.central) as session:
        assert session.get(CheckIn, old) is not None
