"""Faults the protocol must survive: lost responses after commit, transient errors, crashes
between commit boundaries, and a central restored from an older backup."""

from __future__ import annotations

import httpx
import pytest
from sqlmodel import func, select

from models import CheckIn, Device, Outbox
from models.db import read_session, write_session
from sync.client import run_sync_session
from sync.crashpoints import InjectedCrash, armed
from sync.server.feed import rotate_epoch
from sync.transport import RetryPolicy, SyncClient, SyncError
from tests.conftest import FROZEN_NOW
from tests.sync.world import World, check_in, no_sleep, sync


class FlakyTransport(httpx.AsyncBaseTransport):
    """Wraps the app's transport; ``plan`` says what happens to each matching request:
    "drop" = the server handles it but the answer is lost; "refuse" = never reaches it;
    "503" = the server answers busy; "truncate" = the answer arrives cut in half."""

    def __init__(self, inner: httpx.AsyncBaseTransport, path: str, plan: list[str]) -> None:
        self.inner, self.path, self.plan = inner, path, list(plan)
        self.seen = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path != self.path or not self.plan:
            return await self.inner.handle_async_request(request)
        self.seen += 1
        fault = self.plan.pop(0)
        if fault == "refuse":
            raise httpx.ConnectError("connection refused", request=request)
        if fault == "503":
            return httpx.Response(503, json={"error": "unavailable", "message": "busy"})
        response = await self.inner.handle_async_request(request)
        if fault == "drop":
            await response.aread()
            raise httpx.ReadTimeout("response lost", request=request)
        if fault == "truncate":
            body = await response.aread()
            return httpx.Response(response.status_code, content=body[: len(body) // 2])
        return response


def count_check_ins(world: World) -> int:
    with read_session(world.central) as session:
        return int(session.exec(select(func.count()).select_from(CheckIn)).one())


@pytest.mark.parametrize(
    "plan", [["drop"], ["refuse", "503"], ["drop", "drop"], ["truncate"], ["truncate", "drop"]]
)
async def test_a_push_survives_lost_answers_and_transient_errors_without_duplicates(
    world: World, plan: list[str]
):
    citizen_id, _ = world.add_group_with_citizen("hornslet")
    kiosk = world.kiosk("hornslet")
    for _ in range(3):
        check_in(kiosk, citizen_id, FROZEN_NOW)
    flaky = FlakyTransport(world.transport, "/v1/sync/push", plan)
    kiosk.client = SyncClient(
        world.base_url, kiosk.token, transport=flaky, retry=RetryPolicy(attempts=4, sleep=no_sleep)
    )
    await sync(kiosk, FROZEN_NOW)  # no new local write is needed for the retries
    assert count_check_ins(world) == 3
    assert flaky.seen == len(plan)
    with read_session(kiosk.engine) as session:
        assert session.exec(select(func.count()).select_from(Outbox)).one() == 0


@pytest.mark.parametrize(
    "point",
    ["kiosk.push.answered", "kiosk.push.acknowledged", "kiosk.pull.received", "kiosk.pull.applied"],
)
async def test_a_kiosk_crash_at_any_commit_boundary_loses_and_duplicates_nothing(
    world: World, point: str
):
    citizen_id, _ = world.add_group_with_citizen("hornslet")
    kiosk = world.kiosk("hornslet")
    ids = {check_in(kiosk, citizen_id, FROZEN_NOW) for _ in range(2)}
    with armed(point), pytest.raises(InjectedCrash):
        await run_sync_session(kiosk.engine, kiosk.client, max_clock_skew_s=10**9)
    await sync(kiosk, FROZEN_NOW)  # the next session, after the restart
    with read_session(world.central) as session:
        stored = set(session.exec(select(CheckIn.id)).all())
    assert stored == ids


async def test_a_central_restored_from_an_old_backup_gets_the_lost_check_ins_again(world: World):
    citizen_id, _ = world.add_group_with_citizen("hornslet")
    kiosk = world.kiosk("hornslet")
    first = {check_in(kiosk, citizen_id, FROZEN_NOW) for _ in range(2)}
    await sync(kiosk, FROZEN_NOW)
    # The restore: central forgets those check-ins and the device's sequence; new epoch.
    with write_session(world.central) as session:
        for event in session.exec(select(CheckIn)).all():
            session.delete(event)
        session.get(Device, kiosk.device_id).last_seq = 0
    rotate_epoch(world.central)
    later = check_in(kiosk, citizen_id, FROZEN_NOW)
    await sync(kiosk, FROZEN_NOW)
    with read_session(world.central) as session:
        stored = set(session.exec(select(CheckIn.id)).all())
    assert stored == first | {later}


@pytest.mark.parametrize("point", ["server.push.applied", "server.push.before_commit"])
async def test_a_server_crash_before_commit_rolls_the_whole_batch_back(world: World, point: str):
    citizen_id, _ = world.add_group_with_citizen("hornslet")
    kiosk = world.kiosk("hornslet")
    ids = {check_in(kiosk, citizen_id, FROZEN_NOW) for _ in range(3)}
    with armed(point, all_threads=True), pytest.raises(BaseException) as crashed:
        await sync(kiosk, FROZEN_NOW)
    # The server task dies; the ASGI stack may wrap the crash in an exception group.
    assert crashed.errisinstance(InjectedCrash) or crashed.group_contains(InjectedCrash, depth=None)
    assert count_check_ins(world) == 0
    with read_session(world.central) as session:
        assert session.get(Device, kiosk.device_id).last_seq == 0
    await sync(kiosk, FROZEN_NOW)
    with read_session(world.central) as session:
        assert set(session.exec(select(CheckIn.id)).all()) == ids


@pytest.mark.parametrize("seed", [1, 2, 3, 18])
async def test_sessions_converge_through_a_thirty_percent_fault_rate(world: World, seed: int):
    from sync.testing.faults import AsyncFaultyTransport, FaultPlan

    citizen_id, _ = world.add_group_with_citizen("hornslet")
    kiosk = world.kiosk("hornslet")
    ids = {check_in(kiosk, citizen_id, FROZEN_NOW) for _ in range(30)}
    plan = FaultPlan(rate=0.3, seed=seed)
    faulty = AsyncFaultyTransport(world.transport, plan)
    kiosk.client = SyncClient(
        world.base_url, kiosk.token, transport=faulty, retry=RetryPolicy(attempts=8, sleep=no_sleep)
    )
    for _ in range(5):  # a session may give up; the next one carries on
        try:
            await sync(kiosk, FROZEN_NOW)
            break
        except SyncError:  # the next session carries on, as the timer's next run would
            continue
    with read_session(world.central) as session:
        assert set(session.exec(select(CheckIn.id)).all()) == ids
    with read_session(kiosk.engine) as session:
        assert session.exec(select(func.count()).select_from(Outbox)).one() == 0
    assert sum(plan.injected.values()) > 0  # these seeds do inject (the draw is seeded)
