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
