"""The fault-injecting transport really injects what it says."""

import httpx
import pytest
from fastapi import FastAPI

from sync.testing.faults import Fault, FaultPlan, FaultyTransport


def _counter_app() -> tuple[FastAPI, list[int]]:
    app = FastAPI()
    seen: list[int] = []

    @app.post("/count")
    def count() -> dict[str, list[int]]:
        seen.append(len(seen) + 1)
        return {"seen": list(seen)}

    return app, seen


class _SyncASGI(httpx.BaseTransport):
    """Run the ASGI app through httpx's test client transport, synchronously."""

    def __init__(self, app: FastAPI) -> None:
        from fastapi.testclient import TestClient

        self.client = TestClient(app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        resp = self.client.request(
            request.method, str(request.url), content=request.content, headers=dict(request.headers)
        )
        return httpx.Response(
            resp.status_code, headers=resp.headers, content=resp.content, request=request
        )


def _client(fault: Fault) -> tuple[httpx.Client, list[int], FaultPlan]:
    app, seen = _counter_app()
    plan = FaultPlan(rate=1.0, kinds=(fault,))
    return (
        httpx.Client(transport=FaultyTransport(_SyncASGI(app), plan), base_url="http://t"),
        seen,
        plan,
    )


def test_response_lost_means_the_server_did_the_work():
    client, seen, plan = _client(Fault.RESPONSE_LOST)
    with pytest.raises(httpx.ReadTimeout):
        client.post("/count")
    assert seen == [1] and plan.injected["response_lost"] == 1


def test_timeout_before_means_the_server_never_saw_it():
    client, seen, _ = _client(Fault.TIMEOUT_BEFORE)
    with pytest.raises(httpx.ConnectError):
        client.post("/count")
    assert seen == []


def test_duplicated_requests_reach_the_server_twice():
    client, seen, _ = _client(Fault.DUPLICATED)
    assert client.post("/count").json() == {"seen": [1, 2]}
    assert seen == [1, 2]


def test_truncated_bodies_do_not_parse():
    client, seen, _ = _client(Fault.TRUNCATED)
    response = client.post("/count")
    with pytest.raises(ValueError):
        response.json()
    assert seen == [1]


def test_server_error_is_a_503_the_server_never_saw():
    client, seen, _ = _client(Fault.SERVER_ERROR)
    assert client.post("/count").status_code == 503
    assert seen == []


def test_partition_fails_a_run_of_requests_then_heals():
    app, seen = _counter_app()
    plan = FaultPlan(rate=1.0, kinds=(Fault.PARTITION,), partition_requests=3)
    transport = FaultyTransport(_SyncASGI(app), plan)
    client = httpx.Client(transport=transport, base_url="http://t")
    failures = 0
    for _ in range(4):
        with pytest.raises(httpx.ConnectError):
            client.post("/count")
        failures += 1
    transport.enabled = False
    assert client.post("/count").status_code == 200
    assert failures == 4 and seen == [1]


def _outcomes_sync(plan: FaultPlan, requests: int) -> list[str]:
    app, _seen = _counter_app()
    client = httpx.Client(transport=FaultyTransport(_SyncASGI(app), plan), base_url="http://t")
    outcomes = []
    for _ in range(requests):
        try:
            outcomes.append(str(client.post("/count").status_code))
        except httpx.TransportError as err:
            outcomes.append(type(err).__name__)
    return outcomes


async def _outcomes_async(plan: FaultPlan, requests: int) -> list[str]:
    from sync.testing.faults import AsyncFaultyTransport

    app, _seen = _counter_app()
    transport = AsyncFaultyTransport(httpx.ASGITransport(app=app), plan)
    outcomes = []
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        for _ in range(requests):
            try:
                outcomes.append(str((await client.post("/count")).status_code))
            except httpx.TransportError as err:
                outcomes.append(type(err).__name__)
    return outcomes


async def test_both_transports_draw_the_same_faults_from_the_same_seed():
    from sync.testing.faults import ChaosFaultPlan

    sync_plan, async_plan = ChaosFaultPlan(rate=0.5, seed=7), ChaosFaultPlan(rate=0.5, seed=7)
    assert _outcomes_sync(sync_plan, 40) == await _outcomes_async(async_plan, 40)
    assert sync_plan.injected == async_plan.injected and len(sync_plan.injected) >= 4


@pytest.mark.parametrize("asynchronous", [False, True])
async def test_a_replayed_request_is_delivered_again_before_the_new_one(asynchronous):
    plan = FaultPlan(rate=0.0, kinds=(Fault.REPLAYED,))
    app, seen = _counter_app()
    if asynchronous:
        from sync.testing.faults import AsyncFaultyTransport

        transport = AsyncFaultyTransport(httpx.ASGITransport(app=app), plan)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            await client.post("/count")
            plan.rate = 1.0
            answer = (await client.post("/count")).json()
    else:
        client = httpx.Client(transport=FaultyTransport(_SyncASGI(app), plan), base_url="http://t")
        client.post("/count")
        plan.rate = 1.0
        answer = client.post("/count").json()
    assert answer == {"seen": [1, 2, 3]} and plan.injected["replayed"] == 1


def test_a_chaos_partition_fails_four_requests_in_a_row_then_heals():
    from sync.testing.faults import ChaosFaultPlan

    plan = ChaosFaultPlan(rate=1.0, kinds=(Fault.PARTITION,))
    app, seen = _counter_app()
    client = httpx.Client(transport=FaultyTransport(_SyncASGI(app), plan), base_url="http://t")
    with pytest.raises(httpx.ConnectError):
        client.post("/count")
    plan.rate = 0.0  # no new faults: only the partition's remaining requests fail
    for _ in range(3):
        with pytest.raises(httpx.ConnectError):
            client.post("/count")
    assert client.post("/count").status_code == 200
    assert seen == [1] and plan.injected["partition"] == 4
