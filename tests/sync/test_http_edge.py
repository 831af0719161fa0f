"""The HTTP edge: a refused request is a 4xx that repeats nothing it was sent, values no
column can hold are refused before any transaction, and a permanent database error is never
answered as a 503 "retry"."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.exc import (
    DataError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
)

from models import Device, db
from models.db import read_session
from sync.server.strict_json import strict_loads
from tests.conftest import FROZEN_NOW
from tests.sync.server_thread import serve
from tests.sync.world import World, check_in, migrated_central

CPR = "120385-1234"
HOSTILE_NUMBERS = [
    "NaN",
    "-Infinity",
    "Infinity",
    "1e999",
    str(2**31),
    str(2**63),
    "-" + "9" * 5000,
]


def raw(app: FastAPI, token: str = "") -> httpx.AsyncClient:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://central", headers=headers
    )


def last_seq(world: World, device_id: str) -> int:
    with read_session(world.central) as session:
        return session.get(Device, device_id).last_seq


def push_body(number: str, *, where: str) -> bytes:
    """A push whose ``where`` ("first_seq", "seq" or a row field) holds ``number`` verbatim."""
    first = number if where == "first_seq" else "1"
    seq = number if where == "seq" else "1"
    row = f'{{"id": "x", "{where}": {number}}}' if where not in ("first_seq", "seq") else "{}"
    mutation = f'{{"seq": {seq}, "kind": "queue_ticket", "row": {row}}}'
    return f'{{"first_seq": {first}, "mutations": [{mutation}]}}'.encode()


async def test_non_finite_and_huge_numbers_are_refused_without_an_echo(world: World):
    kiosk = world.kiosk("hornslet")
    async with raw(world.app, kiosk.token) as client:
        for number in HOSTILE_NUMBERS:
            for where in ("first_seq", "seq"):
                answer = await client.post(
                    "/v1/sync/push",
                    content=push_body(number, where=where),
                    headers={"content-type": "application/json"},
                )
                assert answer.status_code == 422, (number, where, answer.text)
                assert answer.json()["error"] == "invalid"
                assert number.lstrip("-")[:12] not in answer.text
    assert last_seq(world, kiosk.device_id) == 0


async def test_a_hostile_number_inside_a_row_rejects_that_row_and_the_queue_drains(world: World):
    kiosk = world.kiosk("hornslet")
    async with raw(world.app, kiosk.token) as client:
        for index, number in enumerate(HOSTILE_NUMBERS, start=1):
            row = f'{{"id": "x", "number": {number}}}'
            mutation = f'{{"seq": {index}, "kind": "queue_ticket", "row": {row}}}'
            body = f'{{"first_seq": {index}, "mutations": [{mutation}]}}'.encode()
            answer = await client.post(
                "/v1/sync/push", content=body, headers={"content-type": "application/json"}
            )
            assert answer.status_code == 200, (number, answer.text)
            assert len(answer.json()["rejections"]) == 1
            assert number.lstrip("-")[:12] not in answer.text
    assert last_seq(world, kiosk.device_id) == len(HOSTILE_NUMBERS)


def test_the_strict_parser_keeps_ordinary_values():
    body = b'{"a": 2147483647, "b": -2147483647, "c": 1.5e10, "d": "\\ud83d\\ude00 \\u00e6"}'
    assert strict_loads(body) == {"a": 2**31 - 1, "b": -(2**31 - 1), "c": 1.5e10, "d": "😀 æ"}


@pytest.mark.parametrize("escaped", ["\\ud800", "x\\udfff", "\\ude00\\ud83d"])
async def test_a_lone_surrogate_is_refused(world: World, escaped: str):
    body = f'{{"code": "{escaped}AAAA-BBBB"}}'.encode()
    async with raw(world.app) as client:
        answer = await client.post(
            "/v1/enrol", content=body, headers={"content-type": "application/json"}
        )
    assert answer.status_code == 422 and "ud8" not in answer.text.lower()


async def test_enrol_without_a_credential_refuses_nan_over_a_real_server(world: World):
    with serve(world.app) as url, httpx.Client(base_url=url) as client:
        nan = client.post(
            "/v1/enrol",
            content=b'{"code": NaN, "name": Infinity}',
            headers={"content-type": "application/json"},
        )
        cpr = client.post("/v1/enrol", json={"code": "AAAA-BBBB", "name": {"cpr": CPR}})
    assert nan.status_code == 422 and "NaN" not in nan.text and "Infinity" not in nan.text
    assert cpr.status_code == 422 and CPR not in cpr.text


async def test_an_unknown_field_named_like_a_cpr_is_not_repeated(world: World):
    kiosk = world.kiosk("hornslet")
    body = {"first_seq": 1, "mutations": [{"seq": 1, "kind": "x", "row": {}}], CPR: 1}
    async with raw(world.app, kiosk.token) as client:
        answer = await client.post("/v1/sync/push", json=body)
    assert answer.status_code == 422
    assert CPR not in answer.text
    assert answer.json()["problems"][0]["loc"] == "body.(unknown field)"


BAD_QUERIES = [
    {"cursor": CPR},
    {"cursor": str(2**63)},
    {"cursor": str(2**31)},
    {"cursor": "NaN"},
    {"limit": "1e999"},
    {"epoch": CPR * 10},
]


async def test_bad_query_values_get_422_without_an_echo(world: World):
    kiosk = world.kiosk("hornslet")
    async with raw(world.app, kiosk.token) as client:
        for params in BAD_QUERIES:
            answer = await client.get("/v1/sync/pull", params=params)
            assert answer.status_code == 422, params
            for value in params.values():
                assert value not in answer.text and CPR not in answer.text


@pytest.mark.parametrize("after", [f"{CPR}\x00", "\x1b]0;owned\x07", "a|b|c|d"])
async def test_a_hostile_snapshot_position_is_a_4xx_that_repeats_nothing(world: World, after: str):
    kiosk = world.kiosk("hornslet")
    async with raw(world.app, kiosk.token) as client:
        answer = await client.get("/v1/sync/snapshot", params={"table": "citizen", "after": after})
    assert answer.status_code in (200, 422), answer.text  # PostgreSQL refuses NUL: no 503
    assert CPR not in answer.text and "owned" not in answer.text


async def test_a_nul_in_a_pushed_row_is_never_a_server_error(world: World):
    citizen_id, _ = world.add_group_with_citizen("hornslet")
    kiosk = world.kiosk("hornslet")
    check_in(kiosk, citizen_id, FROZEN_NOW, staff_id="x\x00y")
    from sync.local import next_batch

    batch = next_batch(kiosk.engine, 10)
    async with raw(world.app, kiosk.token) as client:
        answer = await client.post("/v1/sync/push", json=batch.model_dump(mode="json"))
    assert answer.status_code < 500 and answer.status_code != 503, answer.text


def boom_app(world: World, error: Exception) -> FastAPI:
    """The real app plus one route that fails with ``error`` inside a request."""
    app = world.app

    @app.get("/test/boom")
    def boom() -> None:
        raise error

    return app


def _db_error(kind: type, message: str) -> Exception:
    return kind(f"SELECT 1 /* {message} */", {"value": message}, Exception(message))


@pytest.mark.parametrize("kind", [DataError, IntegrityError, ProgrammingError])
async def test_permanent_database_errors_are_422_and_never_quote_the_driver(
    world: World, kind: type
):
    app = boom_app(world, _db_error(kind, f"value {CPR} out of range"))
    async with raw(app) as client:
        answer = await client.get("/test/boom")
    assert answer.status_code == 422 and "Retry-After" not in answer.headers
    assert answer.json()["error"] == "bad_value" and CPR not in answer.text


@pytest.mark.parametrize("kind", [OperationalError, InterfaceError])
async def test_transient_database_errors_stay_503_retry(world: World, kind: type):
    app = boom_app(world, _db_error(kind, "database is locked"))
    async with raw(app) as client:
        answer = await client.get("/test/boom")
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "1"


async def test_a_database_held_by_another_process_is_503_retry_and_then_taken(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """A real busy SQLite (another process holds its write lock past the busy timeout) is
    answered 503 with Retry-After, never a 500; once free, the same push is taken."""
    world = World(
        migrated_central(f"sqlite:///{tmp_path / 'c.db'}", FROZEN_NOW), tmp_path, FROZEN_NOW
    )
    kiosk = world.kiosk("hornslet")
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 50)
    world.central.dispose()  # new connections get the short busy timeout
    body = push_body("1", where="number")
    other = sqlite3.connect(world.central.url.database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        async with raw(world.app, kiosk.token) as client:
            answer = await client.post(
                "/v1/sync/push", content=body, headers={"content-type": "application/json"}
            )
        assert answer.status_code == 503, answer.text
        assert answer.headers["Retry-After"] == "1" and answer.json()["error"] == "unavailable"
        assert last_seq(world, kiosk.device_id) == 0
    finally:
        other.rollback()
        other.close()
    async with raw(world.app, kiosk.token) as client:
        answer = await client.post(
            "/v1/sync/push", content=body, headers={"content-type": "application/json"}
        )
    assert answer.status_code == 200, answer.text
    assert last_seq(world, kiosk.device_id) == 1


async def test_sqlites_write_lock_still_busy_at_begin_is_503_retry(world: World):
    """BEGIN IMMEDIATE goes straight to the driver (``models.db``): its own error, when the
    write lock stays busy past the busy timeout, is transient too, not a 500."""
    app = boom_app(world, sqlite3.OperationalError("database is locked"))
    async with raw(app) as client:
        answer = await client.get("/test/boom")
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "1"
