"""Attributable requests: every log line names the device, pulls and pushes move the device's
health fields (throttled), refusals leave a short reason, and `central device list` shows it."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import update

from kiosk.cli import main
from models import Device
from models.db import read_session, write_session
from sync.server import create_app
from sync.server.activity import DeviceActivity
from sync.server.auth import revoke_device
from sync.transport import SyncClient
from tests.conftest import FROZEN_NOW
from tests.sync.server_thread import serve
from tests.sync.test_enrol_throttle import FakeMonotonic, statements
from tests.sync.world import FAST_RETRY, Kiosk, World, check_in, sync

CPR = "120385-1234"


class Wall:
    """The server's wall clock, moved by the test."""

    def __init__(self) -> None:
        self.at = FROZEN_NOW

    def __call__(self) -> datetime:
        return self.at


def health_app(world: World, wall: Wall, ticks: FakeMonotonic):
    activity = DeviceActivity(world.central, min_interval_s=5.0, clock=ticks)
    return create_app(world.settings, engine=world.central, now=wall, activity=activity)


def use(kiosk: Kiosk, app) -> Kiosk:
    transport = httpx.ASGITransport(app=app)
    kiosk.client = SyncClient("http://central", kiosk.token, transport=transport, retry=FAST_RETRY)
    return kiosk


def device(world: World, device_id: str) -> Device:
    with read_session(world.central) as session:
        return session.get(Device, device_id)


def utc(value: datetime | None) -> datetime | None:
    if value is None or value.tzinfo:
        return value
    return value.replace(tzinfo=UTC)


def gap_push(seq: int) -> dict[str, object]:
    """A push starting after what central expects from a fresh device (a 409)."""
    return {"first_seq": seq, "mutations": [{"seq": seq, "kind": "x", "row": {}}]}


def raw(app, token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://central",
        headers={"Authorization": f"Bearer {token}"},
    )


async def test_pulls_and_pushes_move_the_devices_health_fields(world: World):
    wall, ticks = Wall(), FakeMonotonic()
    app = health_app(world, wall, ticks)
    citizen_id, _ = world.add_group_with_citizen("hornslet")
    kiosk = use(world.kiosk("hornslet"), app)
    async with raw(app, kiosk.token) as client:
        assert (await client.get("/v1/sync/pull")).status_code == 200
    pulled = device(world, kiosk.device_id)
    assert utc(pulled.last_pull_at) == FROZEN_NOW and utc(pulled.last_seen_at) == FROZEN_NOW
    assert pulled.last_push_at is None and pulled.last_error == ""

    wall.at, ticks.t = FROZEN_NOW + timedelta(minutes=3), ticks.t + 180
    check_in(kiosk, citizen_id, wall.at)
    await sync(kiosk, wall.at)  # push, pull, snapshot/integrity
    synced = device(world, kiosk.device_id)
    assert utc(synced.last_push_at) == wall.at and utc(synced.last_pull_at) == wall.at
    assert utc(synced.last_seen_at) == wall.at and synced.last_error == ""


async def test_a_busy_device_writes_its_row_at_most_once_per_interval(world: World):
    wall, ticks = Wall(), FakeMonotonic()
    app = health_app(world, wall, ticks)
    kiosk = world.kiosk("hornslet")
    device_updates = 0
    async with raw(app, kiosk.token) as client:
        for step in range(12):
            with statements(world.central) as seen:
                await client.get("/v1/sync/integrity" if step % 2 else "/v1/sync/pull")
            updates = [s for s in seen if s.lstrip().upper().startswith("UPDATE DEVICE")]
            assert len(updates) <= 1  # at most one UPDATE per request
            device_updates += len(updates)
            ticks.t += 1.0  # twelve requests within 12 s: writes at 0 s, 5 s, 10 s
    assert device_updates == 3


async def test_refusals_leave_a_short_non_personal_reason(world: World):
    wall, ticks = Wall(), FakeMonotonic()
    app = health_app(world, wall, ticks)
    kiosk = world.kiosk("hornslet")
    async with raw(app, kiosk.token) as client:
        gap = await client.post(
            "/v1/sync/push",
            json={"first_seq": 7, "mutations": [{"seq": 7, "kind": "x", "row": {}}]},
        )
        assert gap.status_code == 409
        assert "409 gap: central expects seq 1" in device(world, kiosk.device_id).last_error
        bad = await client.post(
            "/v1/sync/push", json={"first_seq": 1, "mutations": [], CPR: "Lars Kristensen"}
        )
        assert bad.status_code == 422
        reason = device(world, kiosk.device_id).last_error
        assert reason.startswith("2026-11-24 08:30:00Z 422 invalid request")
        assert CPR not in reason and "Lars" not in reason and len(reason) <= 200
        nan = await client.post(
            "/v1/sync/push",
            content=b'{"first_seq": NaN, "mutations": []}',
            headers={"content-type": "application/json"},
        )
        assert nan.status_code == 422  # refused before the credential was even looked at
        assert "422 invalid request (body.first_seq)" in device(world, kiosk.device_id).last_error
        revoke_device(world.central, kiosk.device_id, now=FROZEN_NOW)
        assert (await client.get("/v1/sync/pull")).status_code == 403
    assert device(world, kiosk.device_id).last_error.endswith("403 revoked")


async def test_a_forged_credential_changes_no_device(world: World):
    app = health_app(world, Wall(), FakeMonotonic())
    kiosk = world.kiosk("hornslet")
    forged = kiosk.token.rsplit("_", 1)[0] + "_" + "x" * 43
    with statements(world.central) as seen:
        async with raw(app, forged) as client:
            assert (await client.get("/v1/sync/pull")).status_code == 401
    assert not [s for s in seen if "UPDATE" in s.upper()]
    assert device(world, kiosk.device_id).last_seen_at is None


async def test_each_request_log_line_names_the_device_over_a_real_server(
    world: World, caplog: pytest.LogCaptureFixture
):
    citizen_id, _ = world.add_group_with_citizen("hornslet", citizen_name="Åse Ømark")
    kiosk = world.kiosk("hornslet")
    check_in(kiosk, citizen_id, FROZEN_NOW)
    caplog.set_level(logging.INFO, logger="mestring.server")
    with serve(world.app) as url:
        kiosk.client = SyncClient(url, kiosk.token, retry=FAST_RETRY)
        await sync(kiosk, FROZEN_NOW)
        with httpx.Client(base_url=url) as anonymous:
            anonymous.get("/health")
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.getMessage().startswith("{")]
    requests = [line for line in lines if line["event"] == "request"]
    synced = [line for line in requests if line["path"].startswith("/v1/sync/")]
    assert {line["path"] for line in synced} >= {"/v1/sync/push", "/v1/sync/pull"}
    assert all(line["device"] == kiosk.device_id and line["site"] == "hornslet" for line in synced)
    assert [line["device"] for line in requests if line["path"] == "/health"] == [None]
    assert "Ømark" not in caplog.text and citizen_id not in caplog.text


def central_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


async def test_the_device_list_shows_health_and_state(
    world: World, capsys: pytest.CaptureFixture[str]
):
    wall, ticks = Wall(), FakeMonotonic()
    app = health_app(world, wall, ticks)
    kiosk = world.kiosk("hornslet")
    quiet = world.kiosk("kolind")
    cloned = world.kiosk("ebeltoft")
    async with raw(app, kiosk.token) as client:
        await client.get("/v1/sync/pull")
        await client.post(
            "/v1/sync/push",
            json={"first_seq": 3, "mutations": [{"seq": 3, "kind": "x", "row": {}}]},
        )
    revoke_device(world.central, quiet.device_id, now=FROZEN_NOW)
    with write_session(world.central) as session:
        session.execute(
            update(Device).where(Device.id == cloned.device_id).values(cloned_at=FROZEN_NOW)
        )
    assert main(["central", "device", "list", "--db", central_url(world.central)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:4] == ["device", "site", "name", "created"]
    assert "last push" in lines[0] and "last pull" in lines[0] and "last error" in lines[0]
    by_id = {line.split()[0]: line for line in lines[1:]}
    assert set(by_id) == {kiosk.device_id, quiet.device_id, cloned.device_id}
    busy = by_id[kiosk.device_id]
    assert "hornslet" in busy and "2026-11-24 09:30" in busy  # local time (CET)
    assert "active" in busy and "409 gap: central expects seq 1" in busy
    assert "revoked" in by_id[quiet.device_id] and "cloned" in by_id[cloned.device_id]
