"""Console accounts: argon2 passwords, a TOTP second factor, lock-out and idle sessions."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from models import ConsoleSession, ConsoleUser
from models.db import read_session, write_session
from models.ids import new_id
from models.sensitive import text_problem
from sync.admin.audit import acting_as, central_audit

ROLES = ("admin", "leadership")
MAX_FAILURES = 5
LOCK_FOR = timedelta(minutes=15)
IDLE_LIMIT = timedelta(minutes=15)
SESSION_LIMIT = timedelta(hours=10)
MIN_PASSWORD = 12
ISSUER = "Mestring central"

_hasher = PasswordHasher()  # argon2id with the library's (RFC 9106) parameters
_dummy_hashes: dict[int, str] = {}


def _dummy_hash() -> str:
    """Checked against when the login is unknown, so a refusal takes as long either way."""
    key = id(_hasher)
    if key not in _dummy_hashes:
        _dummy_hashes[key] = _hasher.hash(secrets.token_urlsafe(16))
    return _dummy_hashes[key]


class SignInRefused(Exception):
    """Sign-in refused; ``reason`` is a catalogue key (wrong, locked, code, weak, …)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class SignedIn:
    """Who a browser's session belongs to (plain data for the pages)."""

    token_hash: str
    user_id: str
    login: str
    display_name: str
    role: str
    csrf_token: str
    second_factor_done: bool

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True, slots=True)
class NewAccount:
    login: str
    role: str
    totp_secret: str
    totp_uri: str


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(
    engine: Engine, *, login: str, display_name: str, role: str, password: str, now: datetime
) -> NewAccount:
    """Create an account; returns its TOTP seed (shown once, for the authenticator app)."""
    login = login.strip().lower()
    if role not in ROLES:
        raise SignInRefused("role")
    if (
        not 0 < len(login) <= 80
        or text_problem(login, max_length=80)
        or text_problem(display_name, max_length=120)
    ):
        raise SignInRefused("login")
    if len(password) < MIN_PASSWORD or password.lower() == login:
        raise SignInRefused("weak")
    secret = pyotp.random_base32()
    with write_session(engine) as session:
        if session.exec(select(ConsoleUser).where(ConsoleUser.login == login)).first():
            raise SignInRefused("exists")
        session.add(
            ConsoleUser(
                id=new_id(),
                login=login,
                display_name=display_name.strip()[:120] or login,
                role=role,
                password_hash=_hasher.hash(password),
                totp_secret=secret,
                created_at=now,
            )
        )
        with acting_as("console setup"):
            central_audit(session, action="console_user_add", now=now, detail=f"role={role}")
    uri = pyotp.TOTP(secret).provisioning_uri(name=login, issuer_name=ISSUER)
    return NewAccount(login=login, role=role, totp_secret=secret, totp_uri=uri)


def _failure(session: Session, user: ConsoleUser, now: datetime, what: str) -> None:
    user.failed_attempts += 1
    if user.failed_attempts >= MAX_FAILURES:
        user.failed_attempts, user.locked_until = 0, now + LOCK_FOR
    session.add(user)
    with acting_as(user.login):
        central_audit(session, action="console_sign_in_refused", now=now, detail=what)


def _usable(user: ConsoleUser | None, now: datetime) -> ConsoleUser:
    if user is None or user.disabled_at is not None:
        raise SignInRefused("wrong")
    if user.locked_until is not None and user.locked_until > now:
        raise SignInRefused("locked")
    return user


def sign_in(engine: Engine, *, login: str, password: str, now: datetime) -> str:
    """Check the password; returns a session token still waiting for the second factor."""
    with write_session(engine) as session:
        # Locked: two sign-ins at once (other threads or processes) count both failures.
        user = session.exec(
            select(ConsoleUser)
            .where(ConsoleUser.login == login.strip().lower()[:80])
            .with_for_update()
        ).first()
        try:
            _hasher.verify(user.password_hash if user else _dummy_hash(), password)
            ok = user is not None
        except (VerificationError, InvalidHashError):
            ok = False
        user = _usable(user, now)
        if not ok:
            _failure(session, user, now, "password")
            session.commit()
            raise SignInRefused("wrong")
        token = secrets.token_urlsafe(32)
        session.add(
            ConsoleSession(
                token_hash=token_hash(token),
                user_id=user.id,
                csrf_token=secrets.token_urlsafe(32),
                created_at=now,
                last_seen_at=now,
            )
        )
        return token


def _matched_step(secret: str, code: str, now: datetime) -> int | None:
    """The TOTP time step ``code`` belongs to (this one or a neighbour), if any."""
    totp = pyotp.TOTP(secret)
    step = totp.timecode(now)
    for offset in (0, -1, 1):
        expected = totp.generate_otp(step + offset)
        if hmac.compare_digest(expected, code.strip().replace(" ", "")):
            return step + offset
    return None


def second_factor(engine: Engine, token: str, *, code: str, now: datetime) -> None:
    """Accept a TOTP code once for the session's account (a replayed code is refused)."""
    with write_session(engine) as session:
        row = session.get(ConsoleSession, token_hash(token))
        if row is None or row.ended_at is not None or row.created_at + IDLE_LIMIT <= now:
            raise SignInRefused("expired")
        # Locked: the same code sent twice at once is accepted once (``totp_last_step``).
        user = _usable(session.get(ConsoleUser, row.user_id, with_for_update=True), now)
        step = _matched_step(user.totp_secret, code, now)
        if step is None or step <= user.totp_last_step:
            _failure(session, user, now, "second factor")
            if user.locked_until is not None:
                row.ended_at = now
                session.add(row)
            session.commit()
            raise SignInRefused("locked" if user.locked_until else "code")
        user.totp_last_step, user.failed_attempts, user.last_sign_in_at = step, 0, now
        row.second_factor_done, row.last_seen_at = True, now
        session.add_all([user, row])
        with acting_as(user.login):
            central_audit(session, action="console_sign_in", now=now, detail=user.role)


def current(engine: Engine, token: str | None, *, now: datetime) -> SignedIn | None:
    """The session behind a cookie, touched; ``None`` once ended, idle or too old."""
    if not token:
        return None
    with write_session(engine) as session:
        return touch(session, token, now=now)


def touch(session: Session, token: str, *, now: datetime) -> SignedIn | None:
    """``current`` inside the caller's transaction (a page view and its audit line commit
    together)."""
    row = session.get(ConsoleSession, token_hash(token))
    if row is None or row.ended_at is not None:
        return None
    user = session.get(ConsoleUser, row.user_id)
    stale = row.last_seen_at + IDLE_LIMIT <= now or row.created_at + SESSION_LIMIT <= now
    if user is None or user.disabled_at is not None or stale:
        row.ended_at = now
        session.add(row)
        return None
    row.last_seen_at = now
    session.add(row)
    return SignedIn(
        token_hash=row.token_hash,
        user_id=user.id,
        login=user.login,
        display_name=user.display_name,
        role=user.role,
        csrf_token=row.csrf_token,
        second_factor_done=row.second_factor_done,
    )


def sign_out(engine: Engine, token: str | None, *, now: datetime) -> None:
    if not token:
        return
    with write_session(engine) as session:
        row = session.get(ConsoleSession, token_hash(token))
        if row is not None and row.ended_at is None:
            row.ended_at = now
            session.add(row)
            user = session.get(ConsoleUser, row.user_id)
            with acting_as(user.login if user else "?"):
                central_audit(session, action="console_sign_out", now=now)


def _new_session(session: Session, user: ConsoleUser, now: datetime, *, done: bool) -> str:
    token = secrets.token_urlsafe(32)
    session.add(
        ConsoleSession(
            token_hash=token_hash(token),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            second_factor_done=done,
            created_at=now,
            last_seen_at=now,
        )
    )
    return token


def oidc_sign_in(
    engine: Engine, *, subject: str, login: str, display_name: str, role: str | None,
    now: datetime,
) -> str:  # fmt: skip
    """Sign in the console account linked to the provider's ``subject``; returns a complete
    session's token (the provider did the second factor).

    Only an account an administrator linked to ``subject`` (``link_oidc``, ``mestring central
    user link-oidc``) signs in, with that account's own role: an unlinked subject is refused
    (``SignInRefused("unlinked")``) and audited, whatever its claims say. ``login``,
    ``display_name`` and ``role`` (the claims) only name the refusal in the audit log.
    """
    del display_name, role  # the linked account decides who signs in and with what role
    with write_session(engine) as session:
        user = session.exec(select(ConsoleUser).where(ConsoleUser.oidc_subject == subject)).first()
        if user is None:
            _oidc_refused(session, login, now, "unlinked")
            raise SignInRefused("unlinked")
        if user.disabled_at is not None:
            _oidc_refused(session, user.login, now, "disabled")
            raise SignInRefused("wrong")
        user.failed_attempts, user.last_sign_in_at = 0, now
        session.add(user)
        token = _new_session(session, user, now, done=True)
        with acting_as(user.login):
            central_audit(session, action="console_sign_in", now=now, detail=f"{user.role} oidc")
        return token


def oidc_refused(engine: Engine, *, now: datetime, why: str) -> None:
    """Audit a provider answer that was refused before anyone could be named."""
    with write_session(engine) as session:
        _oidc_refused(session, "", now, why)


def _oidc_refused(session: Session, login: str, now: datetime, why: str) -> None:
    with acting_as(login or "?"):
        central_audit(session, action="console_sign_in_refused", now=now, detail=f"oidc {why}")
    session.commit()


class LinkRefused(Exception):
    """A link or unlink refused; ``reason``: unknown, subject, taken, linked, not_linked."""

    def __init__(self, reason: str, other: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.other = other  # the account already holding the identity ("taken")


def oidc_subject(issuer: str, sub: str) -> str:
    """The stored identity of a provider's person: ``issuer|sub`` (as sign-in compares it)."""
    return f"{issuer.strip()}|{sub.strip()}"[:300]


def link_oidc(
    engine: Engine, *, login: str, subject: str, now: datetime, by: str = "console setup"
) -> ConsoleUser:
    """Link the existing account ``login`` to a provider identity (``issuer|sub``); audited.

    Refused (``LinkRefused``) for an unknown account, an empty or malformed identity, an
    identity another account holds, and an account already linked to another identity
    (unlink it first). Linking an account to the identity it already has changes nothing.
    """
    login = login.strip().lower()
    issuer, _, sub = subject.partition("|")
    if not issuer.strip() or not sub.strip() or text_problem(subject, max_length=300):
        raise LinkRefused("subject")
    with write_session(engine) as session:
        user = session.exec(select(ConsoleUser).where(ConsoleUser.login == login)).first()
        if user is None:
            raise LinkRefused("unknown")
        holder = session.exec(
            select(ConsoleUser).where(ConsoleUser.oidc_subject == subject)
        ).first()
        if holder is not None and holder.id != user.id:
            raise LinkRefused("taken", holder.login)
        if user.oidc_subject not in (None, subject):
            raise LinkRefused("linked")
        user.oidc_subject = subject
        session.add(user)
        with acting_as(by):
            central_audit(
                session, action="console_user_link", now=now, detail=f"{user.login} {subject}"
            )
        session.flush()
        session.expunge(user)
        return user


def unlink_oidc(engine: Engine, *, login: str, now: datetime, by: str = "console setup") -> str:
    """Remove the account's provider link (it can no longer sign in that way); audited.
    Returns the identity that was linked; ``LinkRefused`` for an unknown or unlinked account."""
    login = login.strip().lower()
    with write_session(engine) as session:
        user = session.exec(select(ConsoleUser).where(ConsoleUser.login == login)).first()
        if user is None:
            raise LinkRefused("unknown")
        if user.oidc_subject is None:
            raise LinkRefused("not_linked")
        subject, user.oidc_subject = user.oidc_subject, None
        session.add(user)
        with acting_as(by):
            central_audit(
                session, action="console_user_unlink", now=now, detail=f"{user.login} {subject}"
            )
        return subject


def user_count(engine: Engine) -> int:
    with read_session(engine) as session:
        return len(session.exec(select(ConsoleUser.id)).all())
