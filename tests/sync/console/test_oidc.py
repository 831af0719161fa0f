"""Console sign-in through an OpenID Connect provider: a local fake provider (httpx
MockTransport) serving discovery, JWKS and the token endpoint, its ID tokens signed with
joserfc. A good sign-in lands on the overview; a wrong nonce, a wrong audience, an expired
token, a tampered signature and a person not linked to a console account are refused in
Danish, nobody signed in."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import RSAKey
from sqlalchemy.engine import Engine
from sqlmodel import select
from starlette.routing import Mount

from models import ConsoleUser
from models.config import Settings
from models.db import read_session
from sync.console.accounts import link_oidc
from sync.console.web import OIDC_COOKIE
from sync.server.app import create_app
from tests.conftest import FROZEN_NOW
from tests.sync.console.conftest import Clock, csrf_of

ISSUER = "https://login.syddjurs.example"
CLIENT = "mestring-console"
KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})


class FakeProvider:
    """Discovery, JWKS and a token endpoint; ``claims`` shape the next ID token."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.codes: dict[str, dict[str, str]] = {}  # code → the authorisation request
        self.tamper: Callable[[dict[str, Any]], dict[str, Any]] = lambda claims: claims
        self.key = KEY
        self.groups = ["mestring-ledelse"]

    def authorise(self, url: str) -> str:
        """What the provider does after the person signed in: a code for the request."""
        asked = {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
        code = f"code-{len(self.codes)}"
        self.codes[code] = asked
        return code

    def handle(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/.well-known/openid-configuration":
            return httpx.Response(200, json={
                "issuer": ISSUER, "authorization_endpoint": f"{ISSUER}/authorize",
                "token_endpoint": f"{ISSUER}/token", "jwks_uri": f"{ISSUER}/jwks",
                "id_token_signing_alg_values_supported": ["RS256"],
            })  # fmt: skip
        if request.url.path == "/jwks":
            return httpx.Response(200, json={"keys": [KEY.as_dict(private=False)]})
        if request.url.path == "/token":
            return self._token(parse_qs(request.content.decode()))
        return httpx.Response(404)

    def _token(self, form: dict[str, list[str]]) -> httpx.Response:
        asked = self.codes.pop(form["code"][0], None)
        verifier = form.get("code_verifier", [""])[0].encode()
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=")
        if asked is None or asked["code_challenge"] != challenge.decode():
            return httpx.Response(400, json={"error": "invalid_grant"})
        now = int(self.clock().timestamp())
        claims = self.tamper({
            "iss": ISSUER, "sub": "person-7", "aud": CLIENT, "iat": now, "exp": now + 300,
            "nonce": asked["nonce"], "preferred_username": "Lise@Syddjurs.dk", "name": "Lise",
            "groups": self.groups,
        })  # fmt: skip
        id_token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, self.key)
        return httpx.Response(200, json={"access_token": "at", "token_type": "Bearer",
                                         "expires_in": 300, "id_token": id_token})  # fmt: skip


def _console(central: Engine, tmp_path: Path, fake: FakeProvider) -> TestClient:
    """One central process (a worker) with OIDC on, reaching ``fake`` as its provider."""
    settings = Settings(
        home=tmp_path, console_oidc_enabled=True,
        console_oidc_discovery_url=f"{ISSUER}/.well-known/openid-configuration",
        console_oidc_client_id=CLIENT, console_oidc_client_secret="s3cret",
        console_oidc_redirect_url="https://testserver/admin/sign-in/oidc/callback",
        console_oidc_roles={"mestring-ledelse": "leadership", "mestring-admin": "admin"},
    )  # fmt: skip
    app = create_app(settings, engine=central, now=fake.clock)
    console_app = next(r.app for r in app.routes if isinstance(r, Mount) and r.path == "/admin")
    console_app.state.console.oidc.transport = httpx.MockTransport(fake.handle)  # type: ignore[attr-defined]
    return TestClient(app, base_url="https://testserver", follow_redirects=False)


@pytest.fixture
def provider(central: Engine, tmp_path: Path) -> tuple[TestClient, FakeProvider, Engine]:
    fake = FakeProvider(Clock(FROZEN_NOW))
    return _console(central, tmp_path, fake), fake, central


def _sign_in(client: TestClient, fake: FakeProvider, **change: Any) -> httpx.Response:
    """Start at the console, 'sign in' at the provider, and bring its answer back."""
    started = client.get("/admin/sign-in/oidc")
    assert started.status_code == 303
    location = started.headers["location"]
    assert location.startswith(f"{ISSUER}/authorize?")
    asked = {k: v[0] for k, v in parse_qs(urlparse(location).query).items()}
    assert asked["code_challenge_method"] == "S256" and asked["nonce"] and asked["state"]
    code = fake.authorise(location)
    state = change.pop("state", asked["state"])
    return client.get("/admin/sign-in/oidc/callback", params={"state": state, "code": code})


def _signed_in(client: TestClient) -> bool:
    return client.get("/admin/audit").status_code != 303  # signed out: sent to sign-in


def _linked(engine: Engine, role: str = "leadership") -> None:
    """Lise's personal console account, linked by an administrator to her provider identity."""
    from sync.console.accounts import add_user

    add_user(engine, login="lise@syddjurs.dk", display_name="Lise", role=role,
             password="korrekt hest batteri", now=FROZEN_NOW - timedelta(days=1))  # fmt: skip
    link_oidc(engine, login="lise@syddjurs.dk", subject=f"{ISSUER}|person-7", now=FROZEN_NOW)


def test_a_linked_person_signs_in_as_their_personal_account_with_its_role(provider):
    client, fake, engine = provider
    _linked(engine)
    fake.groups = ["mestring-admin"]  # the claims do not raise the linked account's role
    answer = _sign_in(client, fake)
    assert answer.status_code == 303 and answer.headers["location"] == "/admin/"
    assert _signed_in(client)
    assert client.get("/admin/devices").status_code == 403  # leadership: reports only
    with read_session(engine) as session:
        users = session.exec(select(ConsoleUser)).all()
    assert [(u.login, u.role, u.oidc_subject) for u in users] == [
        ("lise@syddjurs.dk", "leadership", f"{ISSUER}|person-7")
    ]


def test_an_unlinked_person_is_refused_with_a_clear_page_and_no_account_is_made(provider):
    client, fake, engine = provider
    fake.groups = ["mestring-admin"]  # mapped to a role, but not linked to any account
    answer = _sign_in(client, fake)
    assert answer.status_code == 401
    assert "ikke knyttet til en konto i konsollen" in answer.text
    assert answer.headers["cache-control"] == "no-store"
    assert not _signed_in(client)
    from models import AuditEntry

    with read_session(engine) as session:
        assert session.exec(select(ConsoleUser)).all() == []
        actions = [(a.action, a.detail) for a in session.exec(select(AuditEntry)).all()]
    assert ("console_sign_in_refused", "oidc unlinked (by lise@syddjurs.dk)") in actions


def test_an_unlinked_account_no_longer_signs_in(provider):
    from sync.console.accounts import unlink_oidc

    client, fake, engine = provider
    _linked(engine)
    assert unlink_oidc(engine, login="lise@syddjurs.dk", now=FROZEN_NOW) == f"{ISSUER}|person-7"
    answer = _sign_in(client, fake)
    assert answer.status_code == 401 and "ikke knyttet" in answer.text
    assert not _signed_in(client)


def test_the_sign_in_page_offers_the_municipal_login(provider):
    client, _, _ = provider
    page = client.get("/admin/sign-in")
    assert 'href="/admin/sign-in/oidc"' in page.text and "Log ind med kommunens login" in page.text


REFUSALS = {
    "wrong nonce": lambda c: {**c, "nonce": "another"},
    "wrong audience": lambda c: {**c, "aud": "someone-else"},
    "expired": lambda c: {**c, "iat": c["iat"] - 3600, "exp": c["iat"] - 1800},
    "wrong issuer": lambda c: {**c, "iss": "https://evil.example"},
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_a_bad_id_token_is_refused_and_nobody_is_signed_in(provider, case: str):
    client, fake, engine = provider
    _linked(engine)  # even a linked person's bad token signs nobody in
    fake.tamper = REFUSALS[case]
    answer = _sign_in(client, fake)
    assert answer.status_code == 401
    assert "Svaret fra kommunens login kunne ikke godkendes" in answer.text
    assert not _signed_in(client)
    with read_session(engine) as session:
        user = session.exec(select(ConsoleUser)).one()
    assert user.last_sign_in_at is None


def test_a_token_signed_with_another_key_is_refused(provider):
    client, fake, _ = provider
    fake.key = OTHER_KEY  # same key id, not the provider's published key
    answer = _sign_in(client, fake)
    assert answer.status_code == 401 and "kunne ikke godkendes" in answer.text
    assert not _signed_in(client)


def test_a_tampered_token_is_refused(provider):
    client, fake, _ = provider
    original = fake._token

    def tampered(form: dict[str, list[str]]) -> httpx.Response:
        answer = original(form)
        body = answer.json()
        head, payload, signature = body["id_token"].split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
        claims["groups"] = ["mestring-admin"]  # promoted after signing
        forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
        return httpx.Response(200, json={**body, "id_token": f"{head}.{forged}.{signature}"})

    fake._token = tampered  # type: ignore[method-assign]
    answer = _sign_in(client, fake)
    assert answer.status_code == 401 and "kunne ikke godkendes" in answer.text
    assert not _signed_in(client)


def test_a_wrong_state_is_refused(provider):
    client, fake, _ = provider
    answer = _sign_in(client, fake, state="forged")
    assert answer.status_code == 401 and "ikke startet herfra" in answer.text
    assert not _signed_in(client)


def test_an_existing_password_account_needs_an_administrators_link(provider, console_user):
    client, fake, engine = provider
    answer = _sign_in(client, fake)
    assert answer.status_code == 401 and "ikke knyttet" in answer.text
    link_oidc(engine, login="lise@syddjurs.dk", subject=f"{ISSUER}|person-7",
              now=FROZEN_NOW)  # fmt: skip
    answer = _sign_in(client, fake)
    assert answer.status_code == 303 and _signed_in(client)
    assert client.get("/admin/devices").status_code == 200  # the linked account's own role


def test_every_oidc_sign_in_and_refusal_is_audited(provider):
    client, fake, engine = provider
    _linked(engine)
    fake.tamper = REFUSALS["wrong nonce"]
    _sign_in(client, fake)
    fake.tamper = lambda c: c
    _sign_in(client, fake)
    from models import AuditEntry

    with read_session(engine) as session:
        actions = [(a.action, a.detail) for a in session.exec(select(AuditEntry)).all()]
    assert ("console_sign_in_refused", "oidc oidc.token (by ?)") in actions
    assert ("console_sign_in", "leadership oidc (by lise@syddjurs.dk)") in actions


def test_the_oidc_routes_do_not_exist_unless_switched_on(central: Engine, tmp_path: Path):
    app = create_app(Settings(home=tmp_path), engine=central)
    client = TestClient(app, base_url="https://testserver", follow_redirects=False)
    assert client.get("/admin/sign-in/oidc").status_code == 404
    assert "kommunens login" not in client.get("/admin/sign-in").text
    assert csrf_of(client.get("/admin/sign-in").text)


@pytest.fixture
def console_user(central: Engine) -> None:
    from sync.console.accounts import add_user

    add_user(central, login="lise@syddjurs.dk", display_name="Lise", role="admin",
             password="korrekt hest batteri", now=FROZEN_NOW - timedelta(days=1))  # fmt: skip


def test_the_providers_callback_may_reach_another_worker(provider, tmp_path: Path):
    """Nothing of a sign-in in progress lives in one process (``serve --workers N``)."""
    client, fake, engine = provider
    _linked(engine)
    started = client.get("/admin/sign-in/oidc")
    asked = {k: v[0] for k, v in parse_qs(urlparse(started.headers["location"]).query).items()}
    code = fake.authorise(started.headers["location"])
    other = _console(engine, tmp_path, fake)  # a second worker: its own memory
    other.cookies = client.cookies
    answer = other.get(
        "/admin/sign-in/oidc/callback", params={"state": asked["state"], "code": code}
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/admin/"
    assert _signed_in(other)


@pytest.mark.parametrize(
    "forged", ["abc.1764000000.xyz", "abc.1764000000", "..", "a.b.c", "x" * 300]
)
def test_a_state_central_did_not_make_is_refused_even_with_a_matching_cookie(provider, forged):
    client, fake, _ = provider
    started = client.get("/admin/sign-in/oidc")
    code = fake.authorise(started.headers["location"])
    client.cookies.set(OIDC_COOKIE, forged, path="/admin")
    answer = client.get("/admin/sign-in/oidc/callback", params={"state": forged, "code": code})
    assert answer.status_code == 401 and "ikke startet herfra" in answer.text
    assert not _signed_in(client)


def test_a_sign_in_started_more_than_ten_minutes_ago_is_refused(provider):
    client, fake, _ = provider
    started = client.get("/admin/sign-in/oidc")
    asked = {k: v[0] for k, v in parse_qs(urlparse(started.headers["location"]).query).items()}
    code = fake.authorise(started.headers["location"])
    fake.clock.advance(minutes=11)
    answer = client.get(
        "/admin/sign-in/oidc/callback", params={"state": asked["state"], "code": code}
    )
    assert answer.status_code == 401
    assert not _signed_in(client)
