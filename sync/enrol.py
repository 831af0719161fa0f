"""Kiosk enrolment: trade a one-time code for the device credential and set the identity."""

from __future__ import annotations

import asyncio

from sqlalchemy.engine import Engine

from models.config import Settings
from models.db import write_session
from sync.adopt import AdoptionRefused, adopt_outbox
from sync.credential import Credential
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

    Items still waiting in the outbox (a revoked or cloned credential could not push them)
    are re-stamped as the new device's and pushed with the next sync; items of another site
    are refused, since the new credential could not write them.
    Raises ``sync.transport.SyncError`` when the server refuses or cannot be reached.
    """
    try:
        require_secure_url(server)  # before the one-time code goes anywhere
    except InsecureServerUrl as err:
        raise EnrolmentRefused(str(err)) from None
    enrolled = asyncio.run(_trade(server, code, name))
    with write_session(engine) as session:
        try:
            kept = adopt_outbox(session, device_id=enrolled.device_id, site_id=enrolled.site_id)
        except AdoptionRefused as refused:
            raise EnrolmentRefused(str(refused)) from refused
        state = init_state(
            session, device_id=enrolled.device_id, site_id=enrolled.site_id, server_url=server
        )
        state.next_seq, state.cursor, state.epoch = kept + 1, 0, ""
        Credential(server, enrolled.device_id, enrolled.site_id, enrolled.token).save(
            settings.credential_path
        )
    return enrolled
