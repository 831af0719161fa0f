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
from sync.protocol import OUTBOX_HEADER as OUTBOX
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


# --- rows waiting (the kiosk's outbox header) and the last good integrity check -----------


def waiting_of(world: World, device_id: str) -> int | None:
    return device(world, device_id).outbox_waiting


async def test_the_outbox_size_a_kiosk_reports_is_recorded_for_its_device(world: World):
    app = health_app(world, Wall(), FakeMonotonic())
    kiosk = world.kiosk("hornslet")
    async with raw(app, kiosk.token) as client:
        assert (await client.get("/v1/sync/pull", headers={OUTBOX: "17"})).status_code == 200
        assert waiting_of(world, kiosk.device_id) == 17
        await client.get("/v1/sync/integrity", headers={OUTBOX: "2147483647"})
        assert waiting_of(world, kiosk.device_id) == 2**31 - 1
        await client.get("/v1/sync/integrity")  # no header: the last report stands
        assert waiting_of(world, kiosk.device_id) == 2**31 - 1
        await client.get("/v1/sync/pull", headers={OUTBOX: "0"})
    assert waiting_of(world, kiosk.device_id) == 0


HOSTILE_WAITING = [
    b"-1",
    b"+5",
    b" 5",
    b"5 ",
    b"05",
    b"1e3",
    b"0x10",
    b"5.0",
    b"5,6",
    b"NaN",
    b"",
    "٣".encode(),  # an Arabic-Indic three: Python's isdigit() says yes, int32 says no
    "５".encode(),  # a full-width five
    b"2147483648",
    b"99999999999999999999999999",
    b"1" * 4000,
]


@pytest.mark.parametrize("value", HOSTILE_WAITING)
async def test_a_malformed_outbox_header_is_ignored_and_the_sync_goes_on(
    world: World, value: bytes
):
    app = health_app(world, Wall(), FakeMonotonic())
    kiosk = world.kiosk("hornslet")
    async with raw(app, kiosk.token) as client:
        await client.get("/v1/sync/pull", headers={OUTBOX: "4"})
        pull = await client.get("/v1/sync/pull", headers={OUTBOX: value})
        integrity = await client.get("/v1/sync/integrity", headers={OUTBOX: value})
        push = await client.post("/v1/sync/push", json=gap_push(5), headers={OUTBOX: value})
    assert pull.status_code == 200 and integrity.status_code == 200
    assert push.status_code == 409  # the push's own answer, not the header's
    health = device(world, kiosk.device_id)
    assert health.outbox_waiting == 4  # the last good report stands
    assert health.last_error.endswith("409 gap: central expects seq 1")  # not a refusal


async def test_raw_bytes_and_repeated_outbox_headers_are_ignored(world: World):
    app = health_app(world, Wall(), FakeMonotonic())
    kiosk = world.kiosk("hornslet")
    async with raw(app, kiosk.token) as client:
        await client.get("/v1/sync/pull", headers={OUTBOX: "4"})
        latin = await client.get("/v1/sync/pull", headers=[(OUTBOX.encode(), b"\xff\xfe")])
        twice = await client.get("/v1/sync/pull", headers=[(OUTBOX, "1"), (OUTBOX, "2")])
    assert latin.status_code == 200 and twice.status_code == 200
    assert waiting_of(world, kiosk.device_id) == 4


async def test_an_outbox_header_without_a_valid_credential_changes_nothing(world: World):
    app = health_app(world, Wall(), FakeMonotonic())
    kiosk = world.kiosk("hornslet")
    forged = kiosk.token.rsplit("_", 1)[0] + "_" + "x" * 43
    async with raw(app, forged) as client:
        assert (await client.get("/v1/sync/pull", headers={OUTBOX: "9"})).status_code == 401
    assert waiting_of(world, kiosk.device_id) is None


async def test_a_changed_outbox_is_written_at_once_an_unchanged_one_waits_its_turn(world: World):
    wall, ticks = Wall(), FakeMonotonic()
    app = health_app(world, wall, ticks)
    kiosk = world.kiosk("hornslet")
    written = []
    async with raw(app, kiosk.token) as client:
        for reported in ("5", "5", "5", "3", "3", "0", "0"):
            with statements(world.central) as seen:
                await client.get("/v1/sync/pull", headers={OUTBOX: reported})
            written.append(sum(s.lstrip().upper().startswith("UPDATE DEVICE") for s in seen))
            ticks.t += 0.5  # all within one throttle interval
    assert written == [1, 0, 0, 1, 0, 1, 0]
    assert waiting_of(world, kiosk.device_id) == 0


async def epoch_and_head(client: httpx.AsyncClient) -> tuple[str, int]:
    summary = (await client.get("/v1/sync/integrity")).json()
    return summary["epoch"], summary["cursor"]


async def test_a_matched_integrity_check_is_recorded_with_its_time(world: World):
    wall, ticks = Wall(), FakeMonotonic()
    app = health_app(world, wall, ticks)
    world.add_group_with_citizen("hornslet")
    kiosk = world.kiosk("hornslet")
    async with raw(app, kiosk.token) as client:
        epoch, cursor = await epoch_and_head(client)
        assert cursor > 0
        wall.at = FROZEN_NOW + timedelta(minutes=7)  # within the throttle interval: written
        answer = await client.post("/v1/sync/verified", json={"epoch": epoch, "cursor": cursor})
    assert answer.status_code == 200 and answer.json() == {"recorded": True}
    health = device(world, kiosk.device_id)
    assert utc(health.last_verified_at) == wall.at and health.last_error == ""


async def test_a_check_central_never_summarised_is_refused_and_not_recorded(world: World):
    app = health_app(world, Wall(), FakeMonotonic())
    kiosk = world.kiosk("hornslet")
    async with raw(app, kiosk.token) as client:
        epoch, cursor = await epoch_and_head(client)
        other_epoch = await client.post(
            "/v1/sync/verified", json={"epoch": "0" * 36, "cursor": cursor}
        )
        ahead = await client.post("/v1/sync/verified", json={"epoch": epoch, "cursor": cursor + 1})
    assert other_epoch.status_code == 422 and other_epoch.json()["error"] == "bad_verified"
    assert ahead.status_code == 422 and ahead.json()["error"] == "bad_verified"
    health = device(world, kiosk.device_id)
    assert health.last_verified_at is None
    assert "422 the reported cursor is ahead of central's feed" in health.last_error


@pytest.mark.parametrize(
    "body",
    [
        b'{"epoch": "e", "cursor": -1}',
        b'{"epoch": "e", "cursor": 2147483648}',
        b'{"epoch": "e", "cursor": NaN}',
        b'{"epoch": "e", "cursor": "5"}',
        b'{"epoch": "e", "cursor": 1.5}',
        b'{"epoch": "e"}',
        b'{"epoch": "e", "cursor": 0, "tables": 3}',
        b'{"epoch": "' + b"e" * 37 + b'", "cursor": 0}',
        b'{"epoch": "\\ud800", "cursor": 0}',
        b"[]",
        b"not json",
    ],
)
async def test_a_malformed_verified_report_is_a_422_and_records_nothing(world: World, body: bytes):
    app = health_app(world, Wall(), FakeMonotonic())
    kiosk = world.kiosk("hornslet")
    async with raw(app, kiosk.token) as client:
        answer = await client.post(
            "/v1/sync/verified", content=body, headers={"content-type": "application/json"}
        )
    assert answer.status_code == 422
    assert device(world, kiosk.device_id).last_verified_at is None


async def test_a_verified_report_needs_the_devices_credential(world: World):
    app = health_app(world, Wall(), FakeMonotonic())
    kiosk = world.kiosk("hornslet")
    async with raw(app, kiosk.token) as client:
        epoch, cursor = await epoch_and_head(client)
    revoke_device(world.central, kiosk.device_id, now=FROZEN_NOW)
    body = {"epoch": epoch, "cursor": cursor}
    async with raw(app, "") as anonymous:
        assert (await anonymous.post("/v1/sync/verified", json=body)).status_code == 401
    async with raw(app, kiosk.token) as revoked:
        assert (await revoked.post("/v1/sync/verified", json=body)).status_code == 403
    assert device(world, kiosk.device_id).last_verified_at is None


async def test_a_full_sync_reports_the_outbox_as_it_empties_and_the_good_check(world: World):
    wall, ticks = Wall(), FakeMonotonic()
    app = health_app(world, wall, ticks)
    citizen_id, _ = world.add_group_with_citizen("hornslet")
    kiosk = use(world.kiosk("hornslet"), app)
    for minute in range(3):
        check_in(kiosk, citizen_id, FROZEN_NOW + timedelta(minutes=minute))
    sent: list[tuple[str, str | None]] = []
    inner = kiosk.client.http._transport

    class Spy(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            sent.append((request.url.path, request.headers.get(OUTBOX)))
            return await inner.handle_async_request(request)

    kiosk.client.http._transport = Spy()
    await sync(kiosk, wall.at)
    assert sent[0] == ("/v1/sync/push", "3")
    assert all(waiting == "0" for _path, waiting in sent[1:])
    assert sent[-1][0] == "/v1/sync/verified"
    health = device(world, kiosk.device_id)
    assert health.outbox_waiting == 0 and utc(health.last_verified_at) == FROZEN_NOW


async def test_a_failed_verified_report_does_not_fail_the_sync(world: World):
    app = health_app(world, Wall(), FakeMonotonic())
    citizen_id, _ = world.add_group_with_citizen("hornslet")
    kiosk = use(world.kiosk("hornslet"), app)
    check_in(kiosk, citizen_id, FROZEN_NOW)
    inner = kiosk.client.http._transport

    class NoVerified(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path == "/v1/sync/verified":
                return httpx.Response(404, json={"detail": "Not Found"})
            return await inner.handle_async_request(request)

    kiosk.client.http._transport = NoVerified()
    report = await sync(kiosk, FROZEN_NOW)
    assert report.pushed == 1
    health = device(world, kiosk.device_id)
    assert health.last_verified_at is None and health.outbox_waiting == 0
