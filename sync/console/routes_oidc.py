"""Sign-in through the municipality's OpenID Connect provider (only when switched on)."""

from __future__ import annotations

from typing import Annotated

import httpx
from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from sync.console import accounts
from sync.console.oidc import OidcClient, OidcRefused
from sync.console.routes_auth import sign_in_page
from sync.console.web import (
    OIDC_COOKIE,
    PREFIX,
    SAFE_HEADERS,
    SESSION_COOKIE,
    ConsoleDep,
    secure_cookie,
    see_other,
)

router = APIRouter()
Param = Annotated[str, Query(max_length=2000)]


def _provider(console: ConsoleDep) -> OidcClient:
    if console.oidc is None:
        raise HTTPException(status_code=404)
    return console.oidc


@router.get("/sign-in/oidc")
def start(console: ConsoleDep, request: Request) -> Response:
    """Send the browser to the provider, with a fresh state, nonce and PKCE challenge."""
    try:
        url, state = _provider(console).start(console.now())
    except (httpx.HTTPError, ValueError, KeyError):  # the provider's discovery failed
        return _refused(console, request, "refused.oidc.provider")
    response = RedirectResponse(url, status_code=303, headers=SAFE_HEADERS)
    secure_cookie(response, OIDC_COOKIE, state, max_age=600)
    return response


@router.get("/sign-in/oidc/callback")
def callback(
    console: ConsoleDep, request: Request, state: Param = "", code: Param = "", error: Param = ""
) -> Response:
    """The provider's answer: signed in as the linked console account, or refused (audited
    either way) with the reason in Danish on the sign-in page."""
    provider = _provider(console)
    now = console.now()
    try:
        if error:
            raise OidcRefused("oidc.provider")
        identity = provider.finish(
            state=state, expected_state=request.cookies.get(OIDC_COOKIE, ""), code=code, now=now
        )
        token = accounts.oidc_sign_in(
            console.engine, subject=identity.subject, login=identity.login,
            display_name=identity.display_name, role=identity.role, now=now,
        )  # fmt: skip
    except OidcRefused as refused:
        accounts.oidc_refused(console.engine, now=now, why=refused.reason)
        return _refused(console, request, f"refused.{refused.reason}")
    except accounts.SignInRefused as refused:
        return _refused(console, request, f"refused.{refused.reason}")
    response = see_other(f"{PREFIX}/")
    secure_cookie(response, SESSION_COOKIE, token, max_age=None)
    response.delete_cookie(OIDC_COOKIE, path=PREFIX)
    return response


def _refused(console: ConsoleDep, request: Request, error: str) -> Response:
    response = sign_in_page(console, request, error=error, status=401)
    response.delete_cookie(OIDC_COOKIE, path=PREFIX)
    response.delete_cookie(SESSION_COOKIE, path=PREFIX)
    return response
