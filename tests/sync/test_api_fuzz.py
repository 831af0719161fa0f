"""schemathesis against the central server's OpenAPI schema, with a device credential and
without, valid and malformed: no 5xx and nothing of another site in any answer."""

from __future__ import annotations

import httpx

from sync.testing.fuzz import SECRET, fuzz, fuzz_app
from tests.conftest import FROZEN_NOW

REQUESTS = 300


def test_fuzzed_requests_never_get_a_server_error_or_another_sites_data(tmp_path):
    app, token = fuzz_app(tmp_path, FROZEN_NOW)
    result = fuzz(app, token, requests=REQUESTS, seed=48)
    assert result.requests >= REQUESTS
    assert result.server_errors == 0, result.problems[:10]
    assert result.leaks == 0, result.problems[:10]
    assert result.statuses[200] > 0 and result.statuses[401] > 0  # both sides were reached


async def test_the_leak_detector_sees_the_secret_from_its_own_site(tmp_path):
    from models.db import make_engine
    from sync.server.auth import create_enrolment_code, enrol_device

    app, _token = fuzz_app(tmp_path, FROZEN_NOW)

    central = make_engine(f"sqlite:///{tmp_path / 'central.db'}")
    code = create_enrolment_code(central, site_id="kolind", now=FROZEN_NOW)
    _device, kolind = enrol_device(central, code=code, name="", now=FROZEN_NOW)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://central") as client:
        answer = await client.get(
            "/v1/sync/pull", params={"cursor": 0}, headers={"Authorization": f"Bearer {kolind}"}
        )
    assert answer.status_code == 200 and SECRET in answer.text
    central.dispose()
