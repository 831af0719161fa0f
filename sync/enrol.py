"""Kiosk enrolment: trade a one-time code for the device credential and set the identity."""

from __future__ import annotations

import asyncio

from sqlalchemy.engine import Engine

from models.config import Settings
from models.db import write_session
from sync.credential import Credential
from sync.local import local_status
from sync.outbox import init_state
from sync.protocol import EnrolResponse
from sync.tls import InsecureServerUrl, require_secure_url
from sync.transport import SyncClient


class EnrolmentRefused(Exception):
    """The kiosk cannot be enrolled now (the message says why)."""


async def _trade(server: str, code: str, name: str) -> EnrolResponse:
    client = SyncClient(server)
    try:
        return await client.enrol(code, name)
    finally:
        await client.aclose()


def enroll_kiosk(
    settings: Settings, engine: Engine, *, server: str, code: str, name: str = ""
) -> EnrolResponse:
    """Enrol this kiosk: credential file (0600) plus a fresh sync identity in the database.

    Refuses while the outbox holds items of the previous identity: they would be lost.
    Raises ``sync.transport.SyncError`` when the server refuses or cannot be reached.
    """
    try:
        require_secure_url(server)  # before the one-time code goes anywhere
    except InsecureServerUrl as err:
        raise EnrolmentRefused(str(err)) from None
    waiting = local_status(engine).waiting
    if waiting:
        raise EnrolmentRefused(
            f"this kiosk has {waiting} unsynced items; run `mestring sync` before enrolling"
        )
    enrolled = asyncio.run(_trade(server, code, name))
    Credential(server, enrolled.device_id, enrolled.site_id, enrolled.token).save(
        settings.credential_path
    )
    with write_session(engine) as session:
        state = init_state(
            session, device_id=enrolled.device_id, site_id=enrolled.site_id, server_url=server
        )
        state.next_seq, state.cursor, state.epoch = 1, 0, ""
    return enrolled
