"""Staff login: initials + PIN checked against a sealed argon2 hash, site roles, lock-out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from kiosk.services.audit import audit
from kiosk.services.refusals import Refused
from kiosk.services.staff import StaffMember
from models import LoginLockout, Staff, StaffSiteRole
from models.db import write_session
from sync.outbox import load_state
from sync.pin_seal import is_sealed, seal, verify_sealed

_HASHER = PasswordHasher()
#: Verified when the initials are unknown, so a wrong name costs as long as a wrong PIN.


@cache
def _dummy_hash() -> str:
    """A hash to verify against for unknown initials, so they take as long as known ones.

    Made on first use: hashing costs ~0.3 s, which must not be paid at kiosk start.
    """
    return seal(_HASHER.hash("not-a-pin"), b"no key opens this")


class LoginRefused(Refused):
    """A refused login; ``reason``: ``empty``, ``wrong``, ``locked`` or ``no_role``."""

    def __init__(self, reason: str, *, locked_until: datetime | None = None, left: int = 0):
        super().__init__(reason)
        self.reason = reason
        self.locked_until = locked_until
        self.attempts_left = left


@dataclass(frozen=True, slots=True)
class LoginPolicy:
    """How many wrong PINs lock a login, and for how long."""

    failures: int = 5
    minutes: int = 5


def normalise_initials(initials: str) -> str:
    """Initials as stored: trimmed and upper-case."""
    return initials.strip().upper()[:8]


def log_in(
    engine: Engine,
    *,
    initials: str,
    pin: str,
    now: datetime,
    policy: LoginPolicy | None = None,
    keys: Sequence[bytes] = (),
) -> StaffMember:
    """Check ``initials`` + ``pin`` at this kiosk's site; raise ``LoginRefused`` otherwise.

    ``keys`` are the device's PIN seal keys (``kiosk.services.pin_keys``): stored hashes are
    sealed with one of them, so the database alone cannot confirm a PIN. Every failure and
    every lock-out is audited; the failure count is stored so a reboot does not reset it.
    """
    if not normalise_initials(initials) or not pin.strip():
        raise LoginRefused("empty")
    attempt = _Attempt(pin, tuple(keys), policy or LoginPolicy())
    with write_session(engine) as session:
        outcome = _attempt(session, normalise_initials(initials), attempt, now)
    # Raised after the commit so the failure count and its audit entry are kept.
    if isinstance(outcome, LoginRefused):
        raise outcome
    return outcome


@dataclass(frozen=True, slots=True)
class _Attempt:
    pin: str
    keys: tuple[bytes, ...]
    policy: LoginPolicy


def _attempt(
    session: Session, key: str, attempt: _Attempt, now: datetime
) -> StaffMember | LoginRefused:
    lockout = session.get(LoginLockout, key) or LoginLockout(initials=key)
    session.add(lockout)
    if lockout.locked_until is not None and lockout.locked_until > now:
        audit(session, action="login_while_locked", detail=key, now=now)
        return LoginRefused("locked", locked_until=lockout.locked_until)
    staff = _find_staff(session, key)
    if not _pin_matches(staff.pin_hash if staff else None, attempt) or staff is None:
        return _record_failure(session, lockout, key, attempt.policy, now)
    member = _member(session, staff, load_state(session).site_id)
    if not member.roles:
        audit(session, action="login_no_role", staff_id=staff.id, now=now)
        return LoginRefused("no_role")
    lockout.failures, lockout.locked_until = 0, None
    audit(session, action="login", staff_id=staff.id, now=now)
    return member


def _find_staff(session: Session, initials: str) -> Staff | None:
    query = select(Staff).where(func.upper(Staff.initials) == initials, col(Staff.active))
    return session.exec(query).first()


def _pin_matches(pin_hash: str | None, attempt: _Attempt) -> bool:
    stored = pin_hash or _dummy_hash()
    if is_sealed(stored):
        return verify_sealed(stored, attempt.pin, attempt.keys) and pin_hash is not None
    try:  # a raw argon2 hash: a kiosk not yet started since sealing came (sealed at start)
        return _HASHER.verify(stored, attempt.pin)
    except (VerificationError, InvalidHashError):
        return False


def _record_failure(
    session: Session, lockout: LoginLockout, key: str, policy: LoginPolicy, now: datetime
) -> LoginRefused:
    lockout.failures += 1
    audit(session, action="login_failed", detail=key, now=now)
    if lockout.failures >= policy.failures:
        lockout.locked_until = now + timedelta(minutes=policy.minutes)
        lockout.failures = 0
        audit(session, action="login_locked", detail=key, now=now)
        return LoginRefused("locked", locked_until=lockout.locked_until)
    return LoginRefused("wrong", left=policy.failures - lockout.failures)


def _member(session: Session, staff: Staff, site_id: str) -> StaffMember:
    roles = session.exec(
        select(StaffSiteRole.role).where(
            StaffSiteRole.staff_id == staff.id, StaffSiteRole.site_id == site_id
        )
    ).all()
    return StaffMember(staff.id, staff.initials, staff.display_name, frozenset(roles))


def audit_logout(engine: Engine, *, staff: StaffMember, now: datetime, reason: str) -> None:
    """Record that a staff member's session ended (logout, lock hotkey or idle auto-lock)."""
    with write_session(engine) as session:
        audit(session, action="lock", staff_id=staff.id, detail=reason, now=now)
