"""Helpers for the trust tests: a second site, staff at central, and raw pushes as an
attacker holding one kiosk's credential would send them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import select

from models import Device, Rejection, SiteScope, Staff, StaffSiteRole
from models.db import read_session, write_session
from models.ids import new_id
from sync.hlc import HybridClock
from sync.protocol import Mutation, PushBatch, PushResult
from sync.server.auth import DeviceIdentity
from sync.server.feed import pull_page
from tests.sync.world import Kiosk, World


def add_staff(
    world: World, site_id: str, initials: str = "XY", *, staff_id: str | None = None
) -> str:
    """A staff member with a front-desk role at ``site_id`` (central is where staff live)."""
    staff_id = staff_id or new_id()
    with write_session(world.central) as session:
        session.add(Staff(id=staff_id, initials=initials, display_name="Test", pin_hash="x"))
        session.flush()
        session.add(StaffSiteRole(staff_id=staff_id, site_id=site_id, role="front_desk"))
    return staff_id


def stamp(kiosk: Kiosk, now: datetime) -> str:
    return HybridClock(kiosk.device_id, wall=lambda: int(now.timestamp() * 1000)).now().pack()


def base_row(kiosk: Kiosk, now: datetime, **fields: Any) -> dict[str, Any]:
    """An event row as the kiosk's outbox would carry it, with ``fields`` over the defaults."""
    return {
        "id": new_id(),
        "site_id": kiosk.site_id,
        "device_id": kiosk.device_id,
        "hlc": stamp(kiosk, now),
        "created_at": now.isoformat(),
        "received_at": None,
        **fields,
    }


def check_in_row(kiosk: Kiosk, now: datetime, citizen_id: str, **fields: Any) -> dict[str, Any]:
    defaults = {
        "action": "check_in",
        "citizen_id": citizen_id,
        "offer_id": "gruppeforloeb",
        "session_id": None,
        "appointment_id": None,
        "ref_id": None,
        "method": "name",
        "staff_id": None,
    }
    return base_row(kiosk, now, **{**defaults, **fields})


def next_seq(world: World, kiosk: Kiosk) -> int:
    with read_session(world.central) as session:
        return session.get(Device, kiosk.device_id).last_seq + 1  # type: ignore[union-attr]


async def push_rows(world: World, kiosk: Kiosk, *rows: tuple[str, dict[str, Any]]) -> PushResult:
    """Push ``rows`` (kind, row) with the kiosk's credential, after central's last seq."""
    first = next_seq(world, kiosk)
    mutations = [Mutation(seq=first + i, kind=kind, row=row) for i, (kind, row) in enumerate(rows)]
    return await kiosk.client.push(PushBatch(first_seq=first, mutations=mutations))


async def push_one(world: World, kiosk: Kiosk, kind: str, row: dict[str, Any]) -> str:
    """Push one row; returns the rejection reason ('' when it was accepted)."""
    result = await push_rows(world, kiosk, (kind, row))
    return result.rejections[0].reason if result.rejections else ""


def scope_of(world: World, site_id: str) -> set[str]:
    with read_session(world.central) as session:
        query = select(SiteScope.citizen_id).where(SiteScope.site_id == site_id)
        return set(session.exec(query).all())


def stored_rejections(world: World) -> list[Rejection]:
    with read_session(world.central) as session:
        return list(session.exec(select(Rejection)).all())


def feed_text(world: World, kiosk: Kiosk) -> str:
    """Everything the kiosk's site would pull from the start, as text."""
    who = DeviceIdentity(device_id=kiosk.device_id, site_id=kiosk.site_id)
    page = pull_page(world.central, who, cursor=0, epoch="", limit=100_000)
    return repr(page)
