"""Sync health per site and device, and the device actions of the console (all audited)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from models import Device, Site
from models.db import read_session, write_session
from models.sensitive import text_problem
from sync.admin.audit import central_audit
from sync.server import auth

STALE_AFTER = timedelta(hours=24)


class DeviceRefused(Exception):
    """A device action that cannot be done; nothing was changed."""


@dataclass(frozen=True, slots=True)
class DeviceHealth:
    id: str
    name: str
    site_id: str
    created_at: datetime
    last_push_at: datetime | None
    last_pull_at: datetime | None
    last_error: str
    state: str  # ok | revoked | cloned
    waiting: int | None  # rows in the kiosk's outbox as last reported (None: never)
    last_verified_at: datetime | None  # the kiosk's last matched integrity check

    @property
    def last_sync_at(self) -> datetime | None:
        times = [t for t in (self.last_push_at, self.last_pull_at) if t is not None]
        return max(times) if times else None


@dataclass(slots=True)
class SiteHealth:
    site_id: str
    site_name: str
    stale: bool = True
    devices: list[DeviceHealth] = field(default_factory=list)


def _device_state(device: Device) -> str:
    if device.revoked_at is not None:
        return "revoked"
    return "cloned" if device.cloned_at is not None else "ok"


def sync_health(engine: Engine, *, now: datetime) -> list[SiteHealth]:
    """Every site with its devices; a site is stale when no active device synced in 24 h."""
    with read_session(engine) as session:
        sites = {s.id: SiteHealth(s.id, s.name) for s in session.exec(select(Site))}
        devices = session.exec(select(Device).order_by(col(Device.created_at))).all()
    for device in devices:
        health = DeviceHealth(
            id=device.id,
            name=device.name,
            site_id=device.site_id,
            created_at=device.created_at,
            last_push_at=device.last_push_at,
            last_pull_at=device.last_pull_at,
            last_error=device.last_error,
            state=_device_state(device),
            waiting=device.outbox_waiting,
            last_verified_at=device.last_verified_at,
        )
        site = sites.setdefault(device.site_id, SiteHealth(device.site_id, device.site_id))
        site.devices.append(health)
    for site in sites.values():
        synced = [d.last_sync_at for d in site.devices if d.state == "ok" and d.last_sync_at]
        site.stale = not synced or max(synced) + STALE_AFTER <= now
    return sorted(sites.values(), key=lambda s: s.site_name)


def site_ids(engine: Engine) -> list[str]:
    with read_session(engine) as session:
        return sorted(session.exec(select(Site.id)).all())


def enrol(engine: Engine, site_id: str, *, now: datetime) -> str:
    """A one-time enrolment code for ``site_id`` (only its hash is stored)."""
    try:
        code = auth.create_enrolment_code(engine, site_id=site_id, now=now)
    except auth.EnrolmentError as err:
        raise DeviceRefused("unknown") from err
    with write_session(engine) as session:
        central_audit(session, action="device_enrol_code", now=now, detail=f"site={site_id}")
    return code


def rename(engine: Engine, device_id: str, name: str, *, now: datetime) -> None:
    name = name.strip()
    if text_problem(name, max_length=80):
        raise DeviceRefused("bad_input")
    with write_session(engine) as session:
        device = session.get(Device, device_id)
        if device is None:
            raise DeviceRefused("unknown")
        device.name = name
        session.add(device)
        central_audit(session, action="device_rename", now=now, detail=f"device={device_id}")


def revoke(engine: Engine, device_id: str, *, now: datetime) -> None:
    try:
        auth.revoke_device(engine, device_id, now=now)
    except auth.EnrolmentError as err:
        raise DeviceRefused("unknown") from err
    with write_session(engine) as session:
        central_audit(session, action="device_revoke", now=now, detail=f"device={device_id}")
