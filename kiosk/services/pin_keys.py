"""The kiosk's PIN seal keys (from its credential, outside the database) and sealing at start."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from models import Staff
from models.config import Settings
from models.db import is_sqlite, read_session, write_session
from sync.credential import Credential, CredentialMissing
from sync.pin_seal import SEAL_PREFIX, key_from_token, local_key, seal


def pin_keys(settings: Settings) -> list[bytes]:
    """The keys a stored PIN may be sealed with, the one to seal with first.

    An enrolled kiosk's key comes from its credential (central seals with the same key); a
    kiosk's own key file (``pin.key``, 0600) covers hashes it sealed before it was enrolled.
    """
    keys: list[bytes] = []
    try:
        keys.append(key_from_token(Credential.load(settings.credential_path).token))
    except CredentialMissing:
        pass
    own = settings.home / "pin.key"
    if not keys or own.exists():
        keys.append(local_key(own))
    return keys


def seal_stored_pins(engine: Engine, key: bytes) -> int:
    """Seal every PIN hash still stored raw (a kiosk from before sealing); returns how many.

    Staff keep their PINs: sealing needs no PIN. The old values are overwritten on disk
    (``secure_delete``) and the WAL is truncated, so no copy of a raw hash stays behind.
    """
    unsealed = select(Staff).where(col(Staff.pin_hash).not_like(f"{SEAL_PREFIX}%"))
    with read_session(engine) as session:  # the usual case, at every start: nothing to do
        if not any(seal(s.pin_hash, key) != s.pin_hash for s in session.exec(unsealed)):
            return 0
    with write_session(engine) as session:
        sealed = [s for s in session.exec(unsealed).all() if seal(s.pin_hash, key) != s.pin_hash]
        if is_sqlite(engine):
            session.execute(text("PRAGMA secure_delete=ON"))
        for staff in sealed:
            staff.pin_hash = seal(staff.pin_hash, key)
            session.add(staff)
        session.flush()
        if is_sqlite(engine):  # only for this rewrite: it slows every later write
            session.execute(text("PRAGMA secure_delete=OFF"))
    if is_sqlite(engine):
        with engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return len(sealed)
