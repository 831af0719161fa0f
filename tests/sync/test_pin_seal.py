"""PINs a stolen kiosk.db does not give away: sealed per device, only where staff have a role."""

from __future__ import annotations

import base64
import sqlite3
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import Type, hash_secret_raw
from sqlmodel import select

from kiosk.services.auth import LoginRefused, log_in
from models import Staff
from models.db import read_session
from sync.admin.csvfile import ImportRefused
from sync.admin.importer import import_csv
from sync.pin_seal import is_sealed, key_from_token, seal, verify_sealed
from tests.sync.world import World, sync

HEADER = "initials;display_name;roles;pin;active\n"
PIN = "482193"


def _import_staff(world: World, lines: str) -> None:
    import_csv(world.central, "staff", (HEADER + lines).encode(), now=world.now)


def _stolen_hashes(db: Path) -> list[str]:
    """What a thief reads from a copy of kiosk.db and its WAL (sqlite3 reads the WAL too)."""
    copy = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return [row[0] for row in copy.execute("SELECT pin_hash FROM staff")]
    finally:
        copy.close()


def _confirms(stored: str, pin: str) -> bool:
    """Every way to check a PIN guess against the stored text alone."""
    try:
        if PasswordHasher().verify(stored, pin):
            return True
    except (VerificationError, InvalidHashError):
        pass
    parts = stored.split("$")
    salt, digest = parts[-2], parts[-1]
    pad = lambda s: base64.b64decode(s + "=" * (-len(s) % 4))  # noqa: E731
    for cost in ((3, 65536, 4), (1, 8192, 1)):
        raw = hash_secret_raw(pin.encode(), pad(salt), *cost, hash_len=32, type=Type.ID)
        if raw == pad(digest):
            return True
    return verify_sealed(stored, pin, [b"", stored.encode()])


async def test_a_copy_of_kiosk_db_cannot_confirm_the_right_pin(world: World) -> None:
    _import_staff(world, f"MK;Mette Krog;hornslet:front_desk;{PIN};\n")
    kiosk = world.kiosk("hornslet")
    await sync(kiosk, world.now)
    with read_session(world.central) as session:
        central_hash = session.exec(select(Staff.pin_hash)).one()
    stolen = _stolen_hashes(world.home / f"{kiosk.device_id}.db")
    assert len(stolen) == 1 and is_sealed(stolen[0])
    assert not _confirms(stolen[0], PIN)
    raw_digest = central_hash.rsplit("$", 1)[1].encode()
    for path in world.home.glob(f"{kiosk.device_id}.db*"):
        assert raw_digest not in path.read_bytes(), path.name  # not even in the WAL
    # The device's own key (from its credential, outside the database) does confirm it.
    assert verify_sealed(stolen[0], PIN, [key_from_token(kiosk.token)])


async def test_offline_login_works_with_the_credential_key_and_fails_without(world: World) -> None:
    _import_staff(world, f"MK;Mette Krog;hornslet:front_desk;{PIN};\n")
    kiosk = world.kiosk("hornslet")
    await sync(kiosk, world.now)
    keys = [key_from_token(kiosk.token)]
    assert log_in(kiosk.engine, initials="MK", pin=PIN, now=world.now, keys=keys).initials == "MK"
    with pytest.raises(LoginRefused):
        log_in(kiosk.engine, initials="MK", pin=PIN, now=world.now, keys=[b"another device"])


async def test_each_device_gets_its_own_seal_and_the_integrity_check_agrees(world: World) -> None:
    _import_staff(world, f"MK;Mette Krog;hornslet:front_desk;{PIN};\n")
    first, second = world.kiosk("hornslet"), world.kiosk("hornslet")
    await sync(first, world.now)
    await sync(second, world.now)
    again = await sync(first, world.now)  # integrity compares sealed rows: nothing to resync
    assert not again.full_resync
    ones = [_stolen_hashes(world.home / f"{k.device_id}.db")[0] for k in (first, second)]
    assert ones[0] != ones[1]


async def test_staff_who_lose_their_last_role_at_a_site_leave_that_kiosk(world: World) -> None:
    _import_staff(world, f"MK;Mette Krog;hornslet:front_desk,ronde:admin;{PIN};\n")
    kiosk = world.kiosk("hornslet")
    await sync(kiosk, world.now)
    assert len(_stolen_hashes(world.home / f"{kiosk.device_id}.db")) == 1
    _import_staff(world, "MK;Mette Krog;ronde:admin;;\n")
    await sync(kiosk, world.now)
    assert _stolen_hashes(world.home / f"{kiosk.device_id}.db") == []


async def test_a_staff_member_who_left_has_no_pin_hash_on_the_kiosk(world: World) -> None:
    _import_staff(world, f"MK;Mette Krog;hornslet:front_desk;{PIN};nej\n")
    kiosk = world.kiosk("hornslet")
    await sync(kiosk, world.now)
    assert _stolen_hashes(world.home / f"{kiosk.device_id}.db") == [""]


@pytest.mark.parametrize("pin", ["2001", "12345", "1234567890123", "12a456"])
def test_a_pin_shorter_than_six_digits_is_refused_at_import(world: World, pin: str) -> None:
    with pytest.raises(ImportRefused) as refused:
        _import_staff(world, f"MK;Mette Krog;hornslet:front_desk;{pin};\n")
    assert ["pin must be 6–12 digits" in e.reason for e in refused.value.errors] == [True]
    assert pin not in " ".join(e.reason for e in refused.value.errors)  # a PIN is a secret


def test_sealing_keeps_the_pin_and_needs_the_key() -> None:
    stored = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PIN)
    sealed = seal(stored, b"k" * 32)
    assert seal(sealed, b"k" * 32) == sealed  # idempotent
    assert verify_sealed(sealed, PIN, [b"x" * 32, b"k" * 32])
    assert not verify_sealed(sealed, "482194", [b"k" * 32])
    assert not verify_sealed(sealed, PIN, [b"x" * 32])
