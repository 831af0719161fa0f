"""Fixtures for the web console: the real central app (httpx TestClient) on a migrated
central database (SQLite and PostgreSQL), a clock the test moves, and signed-in clients."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pyotp
import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from models import AuditEntry
from models.config import Settings
from models.db import read_session
from sync.console import accounts
from sync.console.accounts import add_user
from sync.server.app import create_app
from tests.conftest import FROZEN_NOW

PASSWORD = "korrekt hest batteri"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class Clock:
    """The console's clock; tests move it forward."""

    def __init__(self, start: datetime) -> None:
        self.at = start

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


@dataclass
class Console:
    engine: Engine
    clock: Clock
    client: TestClient
    secrets: dict[str, str]

    def new_client(self) -> TestClient:
        return TestClient(self.client.app, base_url="https://testserver", follow_redirects=False)

    def code(self, login: str, *, steps_ahead: int = 0) -> str:
        totp = pyotp.TOTP(self.secrets[login])
        return totp.at(self.clock() + timedelta(seconds=30 * steps_ahead))

    def sign_in(self, login: str, client: TestClient | None = None) -> TestClient:
        """A client signed in with password and a fresh TOTP code."""
        client = client or self.new_client()
        page = client.get("/admin/sign-in")
        response = client.post(
            "/admin/sign-in",
            data={"login": login, "password": PASSWORD, "csrf": csrf_of(page.text)},
        )
        assert response.status_code == 303, response.text
        page = client.get("/admin/sign-in/code")
        self.clock.advance(seconds=30)  # a fresh time step, so each sign-in has a new code
        response = client.post(
            "/admin/sign-in/code", data={"code": self.code(login), "csrf": csrf_of(page.text)}
        )
        assert response.status_code == 303, response.text
        return client

    def audit(self, action: str) -> list[AuditEntry]:
        with read_session(self.engine) as session:
            query = select(AuditEntry).where(AuditEntry.action == action)
            return list(session.exec(query.order_by(col(AuditEntry.created_at))).all())


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 at its smallest cost: the tests check the flow, not the hash's strength."""
    monkeypatch.setattr(
        accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    )


@pytest.fixture
def console(central: Engine, tmp_path: Path) -> Iterator[Console]:
    clock = Clock(FROZEN_NOW)
    app = create_app(Settings(home=tmp_path), engine=central, now=clock)
    secrets = {}
    for login, role in (("anne", "admin"), ("leif", "leadership")):
        account = add_user(
            central,
            login=login,
            display_name=login.title(),
            role=role,
            password=PASSWORD,
            now=clock(),
        )
        secrets[login] = account.totp_secret
    client = TestClient(app, base_url="https://testserver", follow_redirects=False)
    with client:
        yield Console(central, clock, client, secrets)
