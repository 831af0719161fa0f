"""Enrolment guessing: throttled per address and overall (429 + Retry-After), every failed
attempt logged with the address (never the code), and a wrong code never takes the write lock."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from models.timeutil import frozen_clock
from sync.server import create_app
from sync.server.auth import create_enrolment_code
from sync.server.throttle import EnrolThrottle, Rate, Throttled
from sync.transport import SyncClient
from tests.conftest import FROZEN_NOW
from tests.sync.server_thread import serve
from tests.sync.world import FAST_RETRY, World, check_in, sync

WRONG = "AAAA-BBBB-CCCC"
WRITES = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b|IMMEDIATE|FOR UPDATE", re.IGNORECASE)


class FakeMonotonic:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement ``engine`` sends while the block runs."""
    seen: list[str] = []

    def spy(_conn, _cursor, statement, _params, _context, _many) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", spy)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", spy)


def writes(seen: list[str]) -> list[str]:
    return [s for s in seen if WRITES.search(s)]


def app_for(world: World, throttle: EnrolThrottle):
    return create_app(
        world.settings, engine=world.central, now=frozen_clock(FROZEN_NOW), enrol_throttle=throttle
    )


def client_from(app, address: str) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    return httpx.AsyncClient(transport=transport, base_url="http://central")


def test_a_bucket_allows_its_burst_then_one_per_interval():
    clock = FakeMonotonic()
    throttle = EnrolThrottle(per_address=Rate(3, 10.0), overall=Rate(100, 0.01), clock=clock)
    for _ in range(3):
        throttle.check("10.0.0.1")
    with pytest.raises(Throttled) as refused:
        throttle.check("10.0.0.1")
    assert refused.value.retry_after == 10 and refused.value.scope == "address"
    throttle.check("10.0.0.2")  # another address has its own bucket
    clock.t += 4
    with pytest.raises(Throttled) as refused:
        throttle.check("10.0.0.1")
    assert refused.value.retry_after == 6  # refused attempts took no token
    clock.t += 6
    throttle.check("10.0.0.1")
    with pytest.raises(Throttled):
        throttle.check("10.0.0.1")


def test_the_global_bucket_limits_many_addresses_together():
    clock = FakeMonotonic()
    throttle = EnrolThrottle(per_address=Rate(5, 10.0), overall=Rate(4, 2.0), clock=clock)
    for n in range(4):
        throttle.check(f"198.51.100.{n}")
    with pytest.raises(Throttled) as refused:
        throttle.check("198.51.100.99")
    assert refused.value.scope == "global" and refused.value.retry_after == 2
    clock.t += 2
    throttle.check("198.51.100.99")


def test_forgotten_addresses_are_bounded():
    throttle = EnrolThrottle(max_addresses=3, clock=FakeMonotonic())
    for n in range(10):
        throttle.check(f"192.0.2.{n}")
    assert list(throttle.addresses) == ["192.0.2.7", "192.0.2.8", "192.0.2.9"]


async def test_a_flood_of_wrong_codes_gets_429_is_logged_and_never_writes(
    world: World, caplog: pytest.LogCaptureFixture
):
    clock = FakeMonotonic()
    app = app_for(world, EnrolThrottle(per_address=Rate(5, 10.0), clock=clock))
    caplog.set_level(logging.INFO, logger="mestring.server")
    with statements(world.central) as seen:
        async with client_from(app, "203.0.113.9") as client:
            answers = [await client.post("/v1/enrol", json={"code": WRONG}) for _ in range(8)]
    assert [a.status_code for a in answers] == [403] * 5 + [429] * 3
    assert answers[-1].headers["Retry-After"] == "10"
    assert answers[-1].json()["error"] == "throttled"
    assert writes(seen) == []  # no INSERT/UPDATE, no BEGIN IMMEDIATE, no row lock
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.getMessage().startswith("{")]
    refused = [line for line in lines if line["event"] in ("enrol_refused", "enrol_throttled")]
    assert len(refused) == 8 and {line["address"] for line in refused} == {"203.0.113.9"}
    assert WRONG not in caplog.text and "AAAABBBBCCCC" not in caplog.text


async def test_honest_pushes_and_enrolment_work_during_a_flood(world: World):
    clock = FakeMonotonic()
    app = app_for(world, EnrolThrottle(per_address=Rate(5, 10.0), clock=clock))
    citizen_id, _sessions = world.add_group_with_citizen("hornslet")
    kiosk = world.kiosk("hornslet")
    transport = httpx.ASGITransport(app=app, client=("192.0.2.10", 40000))
    kiosk.client = SyncClient(world.base_url, kiosk.token, transport=transport, retry=FAST_RETRY)
    async with client_from(app, "203.0.113.9") as attacker:
        for _ in range(3):
            check_in(kiosk, citizen_id, FROZEN_NOW)
            with statements(world.central) as seen:
                flood = [await attacker.post("/v1/enrol", json={"code": WRONG}) for _ in range(4)]
            assert {a.status_code for a in flood} <= {403, 429} and writes(seen) == []
            with statements(world.central) as seen:
                report = await sync(kiosk, FROZEN_NOW)
            assert report.pushed == 1 and report.rejected == 0
            assert writes(seen)  # the spy does see the honest push's writes
    code = create_enrolment_code(world.central, site_id="hornslet", now=FROZEN_NOW)
    async with client_from(app, "192.0.2.50") as honest:
        answer = await honest.post("/v1/enrol", json={"code": code, "name": "desk 2"})
    assert answer.status_code == 200 and answer.json()["site_id"] == "hornslet"


def test_a_real_server_answers_429_with_retry_after(central: Engine, tmp_path):
    world = World(central, tmp_path, FROZEN_NOW)
    app = app_for(world, EnrolThrottle(per_address=Rate(2, 30.0), clock=FakeMonotonic()))
    with serve(app) as url, httpx.Client(base_url=url) as client:
        statuses = [client.post("/v1/enrol", json={"code": WRONG}).status_code for _ in range(2)]
        throttled = client.post("/v1/enrol", json={"code": WRONG})
    assert statuses == [403, 403]
    assert throttled.status_code == 429 and throttled.headers["retry-after"] == "30"
