"""Network faults at 10-30 % with partitions converge; one transient failure drains without a
new local write; a bad row never blocks those behind it; skewed, jumping and frozen kiosk
clocks lose no mark and give the same answer every time."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select

from models import AttendanceMark, CheckIn, GroupSession, LocalRejection, Outbox
from models.db import read_session
from models.ids import new_id
from sync.hlc import Stamp
from sync.testing import chaos_rows
from sync.testing.chaos import ChaosWorld
from sync.testing.faults import ChaosFaultPlan
from tests.conftest import FROZEN_NOW


class FailFirst(httpx.AsyncBaseTransport):
    """The first request to ``path`` fails as ``fault``; counts the requests to ``path``."""

    def __init__(self, inner: httpx.AsyncBaseTransport, path: str, fault: str) -> None:
        self.inner, self.path, self.fault, self.calls = inner, path, fault, 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path != self.path:
            return await self.inner.handle_async_request(request)
        self.calls += 1
        if self.calls == 1 and self.fault == "refused":
            raise httpx.ConnectError("refused", request=request)
        response = await self.inner.handle_async_request(request)
        if self.calls == 1 and self.fault == "lost":
            await response.aread()
            raise httpx.ReadTimeout("answer lost", request=request)
        return response


def _waiting(kiosk) -> int:
    with read_session(kiosk.engine) as session:
        return int(session.execute(select(func.count()).select_from(Outbox)).scalar_one())


@pytest.mark.parametrize("rate", [0.1, 0.2, 0.3])
def test_three_kiosks_converge_through_faults_and_partitions_while_faults_continue(tmp_path, rate):
    world = ChaosWorld(tmp_path, FROZEN_NOW)
    _group, citizens = world.add_group("hornslet", citizens=3)
    kiosks = [world.add_kiosk(site) for site in ("hornslet", "hornslet", "ronde")]
    for index, kiosk in enumerate(kiosks):
        kiosk.faults = ChaosFaultPlan(rate=rate, seed=index, partition_requests=4)
    for round_ in range(6):
        for kiosk in kiosks:
            if kiosk.site_id == "hornslet":
                world.write(kiosk, [chaos_rows.check_in(c, FROZEN_NOW) for c in citizens])
            world.write(kiosk, [chaos_rows.queue_ticket(round_ + 1, FROZEN_NOW)])
            world.try_sync(kiosk)
    for _attempt in range(40):  # faults still on: retries alone must get everything through
        if all(world.try_sync(k) is not None and _waiting(k) == 0 for k in kiosks):
            break
    assert all(_waiting(k) == 0 for k in kiosks)
    assert sum(k.faults.injected.total() for k in kiosks if k.faults) > 0
    verdict = world.verdict()
    assert verdict.clean and verdict.rejected == 0, verdict.details
    world.close()


@pytest.mark.parametrize("fault", ["refused", "lost"])
def test_after_one_transient_failure_the_outbox_drains_without_a_new_write(tmp_path, fault):
    world = ChaosWorld(tmp_path, FROZEN_NOW)
    _group, citizens = world.add_group("hornslet", citizens=2)
    kiosk = world.add_kiosk("hornslet")
    world.write(kiosk, [chaos_rows.check_in(c, FROZEN_NOW) for c in citizens])
    flaky = FailFirst(world.transport, "/v1/sync/push", fault)
    world.transport = flaky
    world.try_sync(kiosk)
    assert _waiting(kiosk) == 0
    assert flaky.calls <= 1 + 3  # drained within three retries
    assert world.verdict().clean
    world.close()


def test_a_permanently_bad_row_never_blocks_the_rows_behind_it(tmp_path, central):
    world = ChaosWorld(tmp_path, FROZEN_NOW, central=central)
    _group, citizens = world.add_group("hornslet", citizens=2)
    kiosk = world.add_kiosk("hornslet")
    bad = chaos_rows.check_in(new_id(), FROZEN_NOW)  # a citizen central never knew
    world.write(kiosk, [bad])
    good = [chaos_rows.check_in(c, FROZEN_NOW) for c in citizens]
    world.write(kiosk, good)
    asyncio.run(world.sync(kiosk))
    assert _waiting(kiosk) == 0
    assert set(world.central_ids(CheckIn)) == {g.id for g in good}
    with read_session(kiosk.engine) as session:
        assert list(session.execute(select(LocalRejection.row_id)).scalars()) == [bad.id]
    world.close()


CLOCKS = {
    "24h ahead": [timedelta(hours=24)] * 3,
    "24h behind": [timedelta(hours=-24)] * 3,
    "jumps back an hour": [timedelta(0), timedelta(hours=-1), timedelta(hours=-1)],
    "frozen": [timedelta(0)] * 3,
}


def _marks_run(home, skews: list[timedelta]) -> tuple[list[str], str, int]:
    """One kiosk marks the same citizen present, absent, late with the given clock per mark;
    returns central's marks in stamp order, the winner, and the central stamp bound."""
    world = ChaosWorld(home, FROZEN_NOW)
    _group, citizens = world.add_group("hornslet", citizens=1)
    kiosk = world.add_kiosk("hornslet")
    asyncio.run(world.sync(kiosk))
    session_id = world.local_ids(kiosk, GroupSession)[0]
    for value, skew in zip(["present", "absent", "late"], skews, strict=True):
        kiosk.skew = skew
        world.write(kiosk, [chaos_rows.mark(session_id, citizens[0], value, FROZEN_NOW + skew)])
        asyncio.run(world.sync(kiosk))
    with read_session(world.central) as session:
        rows = session.execute(
            select(AttendanceMark.mark, AttendanceMark.hlc, AttendanceMark.id)
        ).all()
    world.close()
    # The merge rule (kiosk.services.mark_merge): HLC order, the event id breaks a tie (a
    # clock far ahead is clamped by central, so a batch of its marks can share one stamp).
    ordered = sorted(rows, key=lambda r: (r[1], r[2]))
    top = max(Stamp.parse(h).ms for _m, h, _i in rows)
    return [m for m, _h, _i in ordered], ordered[-1][0], top


@pytest.mark.parametrize("clock", list(CLOCKS))
def test_skewed_jumping_or_frozen_kiosk_clocks_lose_no_mark_and_the_last_mark_wins(tmp_path, clock):
    marks, winner, top = _marks_run(tmp_path / "a", CLOCKS[clock])
    again, winner_again, _ = _marks_run(tmp_path / "b", CLOCKS[clock])
    assert sorted(marks) == ["absent", "late", "present"]  # none lost
    assert marks == ["present", "absent", "late"]  # the stamps keep the order they were made
    assert (marks, winner) == (again, winner_again) == (marks, "late")  # deterministic
    limit = FROZEN_NOW + timedelta(seconds=300)  # central clamps stamps from clocks far ahead
    assert top <= int(limit.timestamp() * 1000)
