"""Sign-in (password, then TOTP), sign-out and the language switch."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from sync.console import accounts
from sync.console.web import (
    FORM_COOKIE,
    LANGUAGE_COOKIE,
    PREFIX,
    SESSION_COOKIE,
    Anyone,
    ConsoleDep,
    Refused,
    check_csrf,
    render,
    secure_cookie,
    see_other,
)

router = APIRouter()
FormText = Annotated[str, Form(max_length=200)]


def sign_in_page(
    console: ConsoleDep, request: Request, *, error: str = "", status: int = 200
) -> Response:
    form_token = secrets.token_urlsafe(32)
    response = render(
        console,
        request,
        "sign_in.html",
        who=None,
        csrf=form_token,
        error=error,
        status=status,
        oidc=console.oidc is not None,
    )
    secure_cookie(response, FORM_COOKIE, form_token, max_age=3600)
    return response


@router.get("/sign-in")
def sign_in_form(console: ConsoleDep, request: Request) -> Response:
    return sign_in_page(console, request)


@router.post("/sign-in")
def sign_in(
    console: ConsoleDep,
    request: Request,
    login: FormText = "",
    password: FormText = "",
    csrf: FormText = "",
) -> Response:
    expected = request.cookies.get(FORM_COOKIE, "")
    if not csrf or not expected or not hmac.compare_digest(csrf, expected):
        raise Refused("csrf")
    try:
        token = accounts.sign_in(console.engine, login=login, password=password, now=console.now())
    except accounts.SignInRefused as refused:
        return sign_in_page(console, request, error=f"refused.{refused.reason}", status=401)
    response = see_other(f"{PREFIX}/sign-in/code")
    secure_cookie(response, SESSION_COOKIE, token, max_age=None)
    response.delete_cookie(FORM_COOKIE, path=PREFIX)
    return response


def _half_signed(console: ConsoleDep, request: Request) -> accounts.SignedIn | None:
    token = request.cookies.get(SESSION_COOKIE)
    return accounts.current(console.engine, token, now=console.now())


@router.get("/sign-in/code")
def code_form(console: ConsoleDep, request: Request) -> Response:
    who = _half_signed(console, request)
    if who is None:
        return see_other(f"{PREFIX}/sign-in")
    if who.second_factor_done:
        return see_other(f"{PREFIX}/")
    return render(console, request, "sign_in_code.html", who=None, csrf=who.csrf_token, error="")


@router.post("/sign-in/code")
def code(
    console: ConsoleDep, request: Request, code: FormText = "", csrf: FormText = ""
) -> Response:
    who = _half_signed(console, request)
    if who is None:
        return see_other(f"{PREFIX}/sign-in")
    check_csrf(who, csrf)
    token = request.cookies.get(SESSION_COOKIE, "")
    try:
        accounts.second_factor(console.engine, token, code=code, now=console.now())
    except accounts.SignInRefused as refused:
        if refused.reason in ("locked", "expired"):
            return sign_in_page(console, request, error=f"refused.{refused.reason}", status=401)
        return render(
            console,
            request,
            "sign_in_code.html",
            who=None,
            csrf=who.csrf_token,
            error=f"refused.{refused.reason}",
            status=401,
        )
    return see_other(f"{PREFIX}/")


@router.post("/sign-out")
def sign_out(console: ConsoleDep, request: Request, who: Anyone, csrf: FormText = "") -> Response:
    check_csrf(who, csrf)
    accounts.sign_out(console.engine, request.cookies.get(SESSION_COOKIE), now=console.now())
    response = see_other(f"{PREFIX}/sign-in?signed_out=1")
    response.delete_cookie(SESSION_COOKIE, path=PREFIX)
    return response


@router.get("/language")
def switch_language(to: str = "da", back: str = f"{PREFIX}/") -> Response:
    """Switch Danish/English; ``back`` must be a console page (no open redirect)."""
    target = back if back.startswith(f"{PREFIX}/") and "//" not in back else f"{PREFIX}/"
    response = see_other(target)
    secure_cookie(response, LANGUAGE_COOKIE, "en" if to == "en" else "da", max_age=31_536_000)
    return response
