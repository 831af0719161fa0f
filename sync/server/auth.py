"""Device credentials and one-time enrolment codes; only hashes are stored."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select, update

from models import Device, EnrolmentCode, Site
from models.db import read_session, write_session
from models.ids import new_id
from sync.crashpoints import crash_point, declare
from sync.pin_seal import key_from_token_hash
from sync.server.devices import add_site_device, safe_name

ENROL_BEFORE_COMMIT = declare("server.enrol.before_commit", "device added; not committed")
ENROL_COMMITTED = declare("server.enrol.committed", "device committed; credential not yet sent")

TOKEN_PREFIX = "mst"
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L
CODE_LENGTH = 12
CODE_VALID = timedelta(hours=24)
_LOOKUP = re.compile(r"[0-9a-f]{16}")  # what new_token() makes: checked before any query


class AuthError(Exception):
    """Missing, malformed or unknown credential (401)."""


class RevokedError(AuthError):
    """The device's credential was revoked (403); ``identity`` names it when known."""

    def __init__(self, message: str, identity: DeviceIdentity | None = None) -> None:
        super().__init__(message)
        self.identity = identity


class EnrolmentError(Exception):
    """The enrolment code is unknown, used or expired."""


@dataclass(frozen=True)
class DeviceIdentity:
    """Who is calling: always derived from the credential, never from the body."""

    device_id: str
    site_id: str
    #: Seals the PIN hashes sent to this device (``sync.pin_seal``); empty: sent unsealed.
    pin_key: bytes = b""
    #: Two machines used this credential (``Device.cloned_at``): neither holds every event
    #: made under it, so the feed sends them its own events too.
    cloned: bool = False


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def new_token() -> tuple[str, str, str]:
    """A fresh credential: (token to hand out, lookup prefix, stored hash)."""
    lookup = secrets.token_hex(8)
    secret = secrets.token_urlsafe(32)
    return f"{TOKEN_PREFIX}_{lookup}_{secret}", lookup, f"sha256${_sha256(secret)}"


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def create_enrolment_code(engine: Engine, *, site_id: str, now: datetime, name: str = "") -> str:
    """Store the hash of a new one-time code for ``site_id`` (and the name the device will
    carry) and return the code itself."""
    code = new_code()
    with write_session(engine) as session:
        if session.get(Site, site_id) is None:
            raise EnrolmentError(f"unknown site {site_id!r}")
        session.add(
            EnrolmentCode(
                code_hash=_sha256(normalise_code(code)),
                site_id=site_id,
                created_at=now,
                expires_at=now + CODE_VALID,
                name=name,
            )
        )
    return code


REFUSED_CODE = "the enrolment code is unknown, already used or expired"


def _usable(entry: EnrolmentCode | None, now: datetime) -> bool:
    return entry is not None and entry.used_at is None and entry.expires_at > now


def enrol_device(engine: Engine, *, code: str, name: str, now: datetime) -> tuple[Device, str]:
    """Trade a one-time code for a new device and its credential (returned once).

    The code is looked up in a read transaction first: a wrong code never takes the
    database's write lock, so guessing cannot slow honest pushes down.
    """
    code_hash = _sha256(normalise_code(code))
    with read_session(engine) as session:
        if not _usable(session.get(EnrolmentCode, code_hash), now):
            raise EnrolmentError(REFUSED_CODE)
    token, lookup, token_hash = new_token()
    device_id = new_id()
    with write_session(engine) as session:
        entry = session.get(EnrolmentCode, code_hash)
        if entry is None or not _usable(entry, now):  # claimed by a racing request
            raise EnrolmentError(REFUSED_CODE)
        claimed = session.execute(
            update(EnrolmentCode)
            .where(col(EnrolmentCode.code_hash) == code_hash, col(EnrolmentCode.used_at).is_(None))
            .values(used_at=now, device_id=device_id)
        )
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            raise EnrolmentError(REFUSED_CODE)
        device = Device(
            id=device_id,
            site_id=entry.site_id,
            name=entry.name or safe_name(name),
            token_hash=token_hash,
            token_lookup=lookup,
            created_at=now,
        )
        session.add(device)
        add_site_device(session, device, now=now)
        crash_point(ENROL_BEFORE_COMMIT)
    crash_point(ENROL_COMMITTED)
    return device, token


def authenticate(session: Session, authorization: str | None) -> DeviceIdentity:
    """The device behind an ``Authorization: Bearer`` header, or ``AuthError``."""
    if not authorization or not authorization.startswith("Bearer "):
        raise AuthError("a device credential is required")
    parts = authorization.removeprefix("Bearer ").strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        raise AuthError("the device credential is malformed")
    _prefix, lookup, secret = parts
    if not _LOOKUP.fullmatch(lookup):
        raise AuthError("the device credential is malformed")
    device = session.exec(select(Device).where(Device.token_lookup == lookup)).first()
    expected = device.token_hash if device else f"sha256${'0' * 64}"
    presented = f"sha256${_sha256(secret)}"
    if not hmac.compare_digest(expected, presented) or device is None:
        raise AuthError("the device credential is not valid")
    if device.revoked_at is not None:
        identity = DeviceIdentity(device_id=device.id, site_id=device.site_id)
        raise RevokedError("this device has been revoked; enrol it again", identity)
    pin_key = key_from_token_hash(device.token_hash)
    return DeviceIdentity(
        device_id=device.id,
        site_id=device.site_id,
        pin_key=pin_key,
        cloned=device.cloned_at is not None,
    )


def revoke_device(engine: Engine, device_id: str, *, now: datetime) -> Device:
    with write_session(engine) as session:
        device = session.get(Device, device_id)
        if device is None:
            raise EnrolmentError(f"unknown device {device_id!r}")
        device.revoked_at = device.revoked_at or now
        session.add(device)
        return device


def list_devices(engine: Engine) -> list[Device]:
    with read_session(engine) as session:
        return list(session.exec(select(Device).order_by(col(Device.created_at))).all())
