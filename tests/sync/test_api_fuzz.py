"""schemathesis against the central server's OpenAPI schema, with a device credential and
without, valid and malformed: no 5xx and nothing of another site in any answer."""

from __future__ import annotations

import httpx

from models.timeutil import frozen_clock
from sync.server import create_app
from sync.server.throttle import EnrolThrottle, Rate
from sync.testing.fuzz import SECRET, fuzz, fuzz_app
from sync.testing.hostile import Targets, hostile_requests
from tests.conftest import FROZEN_NOW
from tests.sync.server_thread import serve
from tests.sync.world import World

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


def test_hostile_values_in_every_field_never_get_a_server_error_or_an_echo(world: World):
    """NaN, 2^31, 2^63, NUL, ESC and CPR strings in each field of each operation and of a
    realistic row of each push kind, with a valid credential, against a real server."""
    citizen_id, sessions = world.add_group_with_citizen("hornslet")
    kiosk = world.kiosk("hornslet")
    targets = Targets(kiosk.device_id, "hornslet", citizen_id, sessions[0])
    headers = {"Authorization": f"Bearer {kiosk.token}"}
    roomy = EnrolThrottle(per_address=Rate(burst=10**6, every_s=1.0), overall=Rate(10**6, 1.0))
    app = create_app(
        world.settings, engine=world.central, now=frozen_clock(FROZEN_NOW), enrol_throttle=roomy
    )
    with serve(app) as url, httpx.Client(base_url=url, headers=headers) as client:
        result = hostile_requests(client, targets, FROZEN_NOW)
    assert result.placed > 500 and result.requests > 100
    assert result.server_errors == 0, result.problems[:10]
    assert result.echoes == 0, result.problems[:10]
    assert result.statuses[200] > 0 and result.statuses[422] > 0
