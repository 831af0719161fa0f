"""``POST /v1/sync/verify``: which of the caller's own events central does not hold."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import col, select

from models.db import read_session
from sync.protocol import VerifyRequest, VerifyResult
from sync.server.auth import DeviceIdentity
from sync.server.mutations import EVENT_MODELS
from sync.server.rules import UUID

#: Most ids one verify request may name.
MAX_VERIFY_IDS = 5000


class VerifyRefused(ValueError):
    """A malformed verify request (422)."""


def missing_own_rows(engine: Engine, who: DeviceIdentity, request: VerifyRequest) -> VerifyResult:
    """The ids central lacks among those the device says it made (only its own rows count)."""
    if sum(len(ids) for ids in request.tables.values()) > MAX_VERIFY_IDS:
        raise VerifyRefused(f"at most {MAX_VERIFY_IDS} ids per request")
    missing: dict[str, list[str]] = {}
    with read_session(engine) as session:
        for table, ids in request.tables.items():
            model = EVENT_MODELS.get(table)
            if model is None:
                raise VerifyRefused("unknown table")
            if not all(isinstance(i, str) and UUID.match(i) for i in ids):
                raise VerifyRefused("ids must be UUIDs")
            held = set(
                session.exec(
                    select(model.id).where(  # type: ignore[attr-defined]
                        col(model.id).in_(set(ids)),  # type: ignore[attr-defined]
                        model.device_id == who.device_id,  # type: ignore[attr-defined]
                    )
                ).all()
            )
            lacking = [i for i in ids if i not in held]
            if lacking:
                missing[table] = lacking
    return VerifyResult(missing=missing)
