"""Optional console sign-in through the municipality's OpenID Connect provider (authlib).

Off unless ``console_oidc_enabled``. The authorisation-code flow with PKCE (S256), a random
``state`` bound to the browser and a ``nonce`` bound to the ID token. Nothing of a sign-in
in progress is kept in process memory: the ``state`` carries its start time and a MAC, and
the nonce and PKCE verifier are derived from it with a key only central holds (from the
client secret), so the provider's callback may reach any worker (``serve --workers N``);
the provider's single-use code stops a replayed callback; the ID token's
signature (the provider's JWKS), issuer, audience and expiry are checked by authlib and
joserfc. Whoever signs in this way still signs in as a personal console account
(``accounts.oidc_sign_in``), audited like a password sign-in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from authlib.integrations.httpx_client import OAuth2Client
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry

from models.config import Settings

PENDING_FOR = timedelta(minutes=10)


class OidcRefused(Exception):
    """The provider's answer is not accepted; ``reason`` is a catalogue key (``oidc.*``)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Identity:
    """A checked ID token: who, at which provider, and the console role their claims give."""

    subject: str  # ``issuer|sub``
    login: str
    display_name: str
    role: str | None  # None: no mapping names this person's groups


@dataclass(frozen=True, slots=True)
class Pending:
    nonce: str
    verifier: str
    started: datetime


@dataclass
class OidcClient:
    """The provider as configured; ``http`` is the client the provider is reached with."""

    settings: Settings
    transport: httpx.BaseTransport | None = None  # tests pass their fake provider's
    _metadata: dict[str, Any] | None = None

    @property
    def http(self) -> httpx.Client:
        return httpx.Client(transport=self.transport, timeout=10)

    def metadata(self) -> dict[str, Any]:
        if self._metadata is None:
            with self.http as http:
                answer = http.get(self.settings.console_oidc_discovery_url)
            answer.raise_for_status()
            self._metadata = dict(answer.json())
        return self._metadata

    def _client(self) -> OAuth2Client:
        s = self.settings
        return OAuth2Client(
            client_id=s.console_oidc_client_id, client_secret=s.console_oidc_client_secret,
            scope="openid profile email", redirect_uri=s.console_oidc_redirect_url,
            code_challenge_method="S256", transport=self.transport, timeout=10,
        )  # fmt: skip

    def start(self, now: datetime) -> tuple[str, str]:
        """The provider's sign-in address and the ``state`` the browser must bring back."""
        state = self._state(secrets.token_urlsafe(24), now)
        pending = self._pending(state)
        assert pending is not None  # a state just made is well-formed
        nonce, verifier = pending.nonce, pending.verifier
        url, _ = self._client().create_authorization_url(
            self.metadata()["authorization_endpoint"], state=state, nonce=nonce,
            code_challenge=create_s256_code_challenge(verifier), code_challenge_method="S256",
        )  # fmt: skip
        return url, state

    def _key(self, purpose: str) -> bytes:
        s = self.settings
        material = "\x00".join(
            (
                "mestring console oidc",
                purpose,
                s.console_oidc_client_id,
                s.console_oidc_client_secret,
            )
        )
        return hashlib.sha256(material.encode()).digest()

    def _mac(self, purpose: str, text: str) -> str:
        digest = hmac.new(self._key(purpose), text.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def _state(self, random_part: str, now: datetime) -> str:
        body = f"{random_part}.{int(now.timestamp())}"
        return f"{body}.{self._mac('state', body)}"

    def _pending(self, state: str) -> Pending | None:
        """What ``start`` made for ``state``, or ``None`` for a state central did not make."""
        parts = state.split(".")
        if len(parts) != 3 or not parts[1].isdigit() or len(parts[1]) > 12:
            return None
        body = f"{parts[0]}.{parts[1]}"
        if not hmac.compare_digest(parts[2], self._mac("state", body)):
            return None
        started = datetime.fromtimestamp(int(parts[1]), UTC)
        return Pending(self._mac("nonce", state), self._mac("pkce", state) * 2, started)

    def finish(self, *, state: str, expected_state: str, code: str, now: datetime) -> Identity:
        """Exchange ``code`` and check the ID token; ``OidcRefused`` when anything is off."""
        pending = self._pending(state) if state else None
        if pending is None or not secrets.compare_digest(state, expected_state or ""):
            raise OidcRefused("oidc.state")
        if pending.started + PENDING_FOR <= now or not code:
            raise OidcRefused("oidc.state")
        try:
            with self._client() as client:
                token = dict(client.fetch_token(
                    self.metadata()["token_endpoint"], code=code, code_verifier=pending.verifier,
                    grant_type="authorization_code",
                ))  # fmt: skip
        except Exception as failure:  # the provider refused or could not be reached
            raise OidcRefused("oidc.provider") from failure
        claims = self._checked(token, pending.nonce, now)
        return self._identity(claims)

    def _checked(self, token: dict[str, Any], nonce: str, now: datetime) -> dict[str, Any]:
        meta, s = self.metadata(), self.settings
        if "id_token" not in token:
            raise OidcRefused("oidc.token")
        try:
            with self.http as http:
                keys = http.get(meta["jwks_uri"])
            keys.raise_for_status()
            algorithms = meta.get("id_token_signing_alg_values_supported") or ["RS256"]
            decoded = jwt.decode(token["id_token"], KeySet.import_key_set(keys.json()),
                                 registry=JWSRegistry(algorithms=algorithms))  # fmt: skip
            claims = CodeIDToken(
                decoded.claims, decoded.header,
                {"iss": {"essential": True, "value": meta["issuer"]},
                 "aud": {"essential": True, "value": s.console_oidc_client_id}},
                {"nonce": nonce, "client_id": s.console_oidc_client_id,
                 "access_token": token.get("access_token")},
            )  # fmt: skip
            claims.validate(now=int(now.timestamp()), leeway=60)
        except (JoseError, ValueError, KeyError, httpx.HTTPError) as failure:
            raise OidcRefused("oidc.token") from failure
        return dict(claims)

    def _identity(self, claims: dict[str, Any]) -> Identity:
        s = self.settings
        held = claims.get(s.console_oidc_role_claim, [])
        groups = [held] if isinstance(held, str) else [str(g) for g in held or []]
        roles = {s.console_oidc_roles[g] for g in groups if g in s.console_oidc_roles}
        role = "admin" if "admin" in roles else "leadership" if "leadership" in roles else None
        login = str(claims.get("preferred_username") or claims.get("email") or claims["sub"])
        return Identity(
            subject=f"{claims['iss']}|{claims['sub']}"[:300],
            login=login.strip().lower()[:80],
            display_name=str(claims.get("name") or login)[:120],
            role=role,
        )
