"""Credentials, enrolment codes and bad input: clear 4xx answers that change nothing."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlmodel import func, select

from models import CheckIn, Device
from models.db import read_session
from sync.protocol import MAX_REQUEST_BYTES
from sync.server.auth import (
    EnrolmentError,
    create_enrolment_code,
    enrol_device,
    revoke_device,
)
from sync.transport import ClockSkew, CredentialRejected
from tests.conftest import FROZEN_NOW
from tests.sync.world import World, check_in


def raw(world: World, token: str = "") -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=world.app), base_url="http://central", headers=headers
    )


async def test_push_without_a_credential_gets_401(world: World):
    async with raw(world) as client:
        response = await client.post("/v1/sync/push", json={"first_seq": 1, "mutations": []})
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("token", ["nonsense", "mst_0000000000000000_secret", "mst__", "Basic abc"])
async def test_a_forged_or_malformed_credential_gets_401(world: World, token: str):
    world.kiosk("hornslet")
    async with raw(world, token) as client:
        response = await client.get("/v1/sync/pull")
    assert response.status_code == 401


async def test_a_right_lookup_with_a_wrong_secret_gets_401(world: World):
    kiosk = world.kiosk("hornslet")
    forged = kiosk.token.rsplit("_", 1)[0] + "_" + "x" * 43
    async with raw(world, forged) as client:
        assert (await client.get("/v1/sync/pull")).status_code == 401


async def test_a_revoked_device_gets_403_and_its_sync_fails_clearly(world: World):
    kiosk = world.kiosk("hornslet")
    revoke_device(world.central, kiosk.device_id, now=FROZEN_NOW)
    async with raw(world, kiosk.token) as client:
        assert (await client.get("/v1/sync/pull")).status_code == 403
    with pytest.raises(CredentialRejected, match="revoked"):
        await kiosk.client.pull(cursor=0, epoch="", limit=10)


def test_an_enrolment_code_works_once(world: World):
    code = create_enrolment_code(world.central, site_id="hornslet", now=FROZEN_NOW)
    device, token = enrol_device(world.central, code=code.lower(), name="desk", now=FROZEN_NOW)
    assert device.site_id == "hornslet" and token.startswith("mst_")
    with pytest.raises(EnrolmentError):
        enrol_device(world.central, code=code, name="again", now=FROZEN_NOW)
    with read_session(world.central) as session:
        stored = session.exec(select(Device)).one()
    assert token not in stored.token_hash and stored.token_hash.startswith("sha256$")


def test_an_enrolment_code_expires_after_24_hours(world: World):
    code = create_enrolment_code(world.central, site_id="hornslet", now=FROZEN_NOW)
    with pytest.raises(EnrolmentError):
        enrol_device(world.central, code=code, name="", now=FROZEN_NOW + timedelta(hours=24))


async def test_enrolling_over_http_with_a_bad_code_gets_403(world: World):
    async with raw(world) as client:
        response = await client.post("/v1/enrol", json={"code": "AAAA-BBBB-CCCC"})
    assert response.status_code == 403


def test_a_code_for_an_unknown_site_is_refused(world: World):
    with pytest.raises(EnrolmentError):
        create_enrolment_code(world.central, site_id="aarhus", now=FROZEN_NOW)


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b'{"first_seq": 0, "mutations": []}',
        b'{"first_seq": 1, "mutations": [{"seq": 3, "kind": "check_in", "row": {}}]}',
        b'{"first_seq": 1, "mutations": "lots"}',
        b"[]",
    ],
)
async def test_malformed_pushes_get_a_4xx_and_change_nothing(world: World, body: bytes):
    kiosk = world.kiosk("hornslet")
    async with raw(world, kiosk.token) as client:
        response = await client.post(
            "/v1/sync/push", content=body, headers={"content-type": "application/json"}
        )
    assert 400 <= response.status_code < 500
    with read_session(world.central) as session:
        assert session.get(Device, kiosk.device_id).last_seq == 0


async def test_an_oversize_push_gets_413(world: World):
    kiosk = world.kiosk("hornslet")
    async with raw(world, kiosk.token) as client:
        response = await client.post(
            "/v1/sync/push",
            content=b"x" * (MAX_REQUEST_BYTES + 1),
            headers={"content-type": "application/json"},
        )
    assert response.status_code == 413


async def test_bad_pull_parameters_get_422(world: World):
    kiosk = world.kiosk("hornslet")
    async with raw(world, kiosk.token) as client:
        assert (await client.get("/v1/sync/pull", params={"cursor": -1})).status_code == 422
        assert (
            await client.get("/v1/sync/snapshot", params={"table": "staff_pins"})
        ).status_code == 422


async def test_health_answers_without_a_credential_and_openapi_is_published(world: World):
    async with raw(world) as client:
        assert (await client.get("/health")).json() == {"status": "ok"}
        schema = (await client.get("/openapi.json")).json()
    assert {"/v1/sync/push", "/v1/sync/pull", "/v1/enrol"} <= set(schema["paths"])


async def test_a_kiosk_clock_far_off_is_reported_after_the_data_is_synced(world: World):
    from sync.client import run_sync_session

    citizen_id, _ = world.add_group_with_citizen("hornslet")
    kiosk = world.kiosk("hornslet")
    check_in(kiosk, citizen_id, FROZEN_NOW)
    # The world's server clock is frozen in 2026, so the real clock looks far off.
    kiosk.client.clock_offset_ms = None
    with pytest.raises(ClockSkew, match="clock"):
        await run_sync_session(kiosk.engine, kiosk.client, max_clock_skew_s=1)
    with read_session(world.central) as session:
        assert session.exec(select(func.count()).select_from(CheckIn)).one() == 1
