"""Shared web plumbing of the console: templates, the signed-in guard, CSRF and audit."""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.engine import Engine

from models.config import Settings
from models.db import write_session
from models.timeutil import LOCAL_TZ, Clock
from sync.admin.audit import acting_as, central_audit
from sync.console import accounts
from sync.console.i18n import LANGUAGES, translate
from sync.console.oidc import OidcClient
from sync.console.report_cache import ReportCache

SESSION_COOKIE = "mestring_console"
FORM_COOKIE = "mestring_console_form"  # double-submit CSRF token of the sign-in form
OIDC_COOKIE = "mestring_console_oidc"  # the OpenID Connect sign-in's state, for its callback
LANGUAGE_COOKIE = "mestring_console_lang"
PREFIX = "/admin"

#: Sent with every console page: personal data is never cached or framed.
SAFE_HEADERS = {
    "Cache-Control": "no-store",
    "Pragma": "no-cache",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'",
}


@dataclass
class Console:
    """What every console page needs: the database, settings, clock and templates."""

    engine: Engine
    settings: Settings
    now: Clock
    templates: jinja2.Environment
    #: Uploaded files between their dry run and their apply, per session (kept in memory).
    #: The municipality's OpenID Connect provider, when that sign-in is switched on.
    oidc: OidcClient | None = None
    #: The report pages' last built reports (``sync.console.report_cache``).
    reports: ReportCache = field(default_factory=ReportCache)


class SignInNeeded(Exception):
    """The request has no complete sign-in; answered with a redirect to the sign-in page."""


class Refused(Exception):
    """The request is refused (403): wrong role or a missing/wrong CSRF token."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def make_templates() -> jinja2.Environment:
    folder = Path(__file__).parent / "templates"
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["local"] = lambda at: at.astimezone(LOCAL_TZ).strftime("%d.%m.%Y %H:%M")
    env.filters["clock"] = lambda at: at.astimezone(LOCAL_TZ).strftime("%H:%M")
    return env


def language(request: Request) -> str:
    chosen = request.cookies.get(LANGUAGE_COOKIE, "da")
    return chosen if chosen in LANGUAGES else "da"


def render(
    console: Console,
    request: Request,
    template: str,
    *,
    who: accounts.SignedIn | None,
    status: int = 200,
    **values: Any,
) -> HTMLResponse:
    lang = language(request)
    html = console.templates.get_template(template).render(
        t=lambda key, **v: translate(key, lang, **v),
        lang=lang,
        who=who,
        prefix=PREFIX,
        path=request.url.path,
        **values,
    )
    return HTMLResponse(html, status_code=status, headers=SAFE_HEADERS)


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers=SAFE_HEADERS)


def secure_cookie(response: Response, name: str, value: str, *, max_age: int | None) -> None:
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path=PREFIX,
        secure=True,
        httponly=True,
        samesite="strict",
    )


def get_console(request: Request) -> Console:
    console: Console = request.app.state.console
    return console


ConsoleDep = Annotated[Console, Depends(get_console)]


def signed_in(request: Request, console: ConsoleDep) -> accounts.SignedIn:
    """The signed-in person; the page view or action is audited in the same transaction
    (method and path only: no path names a person)."""
    token, now = request.cookies.get(SESSION_COOKIE), console.now()
    with write_session(console.engine) as session:
        who = accounts.touch(session, token, now=now) if token else None
        if who is None or not who.second_factor_done:
            session.commit()  # an idle session is ended even though the request is refused
            raise SignInNeeded
        action = "console_view" if request.method == "GET" else "console_action"
        with acting_as(who.login):
            detail = f"{request.method} {request.url.path}"
            central_audit(session, action=action, now=now, detail=detail)
    return who


def admin_only(who: Annotated[accounts.SignedIn, Depends(signed_in)]) -> accounts.SignedIn:
    if not who.is_admin:
        raise Refused("role")
    return who


Anyone = Annotated[accounts.SignedIn, Depends(signed_in)]
Admin = Annotated[accounts.SignedIn, Depends(admin_only)]


def check_csrf(who: accounts.SignedIn, presented: str) -> None:
    """Every form carries the session's CSRF token; anything else is refused."""
    if not presented or not hmac.compare_digest(presented, who.csrf_token):
        raise Refused("csrf")
