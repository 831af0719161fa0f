"""The web console's app, mounted by the central server under ``/admin``."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, Response
from sqlalchemy.engine import Engine

from models.config import Settings
from models.timeutil import Clock, utcnow
from sync.console import (
    routes_accounts,
    routes_audit,
    routes_auth,
    routes_devices,
    routes_imports,
    routes_oidc,
    routes_provisional,
    routes_reports,
    routes_retention,
)
from sync.console.oidc import OidcClient
from sync.console.web import (
    PREFIX,
    Console,
    Refused,
    SignInNeeded,
    make_templates,
    render,
    see_other,
)

STATIC = Path(__file__).parent / "static"


def create_console(
    settings: Settings, engine: Engine, *, now: Clock = utcnow, oidc: OidcClient | None = None
) -> FastAPI:
    """The console (a sub-application sharing the central server's engine and clock);
    ``oidc`` replaces the configured OpenID Connect provider (tests pass a fake one)."""
    app = FastAPI(title="Mestring console", docs_url=None, redoc_url=None, openapi_url=None)
    if oidc is None and settings.console_oidc_enabled:
        oidc = OidcClient(settings)
    console = Console(
        engine=engine, settings=settings, now=now, templates=make_templates(), oidc=oidc
    )
    app.state.console = console

    async def sign_in_needed(_r: Request, _exc: Exception) -> Response:
        return see_other(f"{PREFIX}/sign-in")

    async def refused(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Refused)
        page = render(console, request, "refused.html", who=None, reason=exc.reason, status=403)
        return page

    app.add_exception_handler(SignInNeeded, sign_in_needed)
    app.add_exception_handler(Refused, refused)

    @app.get("/static/console.css")
    def stylesheet() -> Response:
        return FileResponse(STATIC / "console.css", media_type="text/css")

    for module in (
        routes_auth,
        routes_oidc,
        routes_devices,
        routes_imports,
        routes_provisional,
        routes_reports,
        routes_audit,
        routes_retention,
        routes_accounts,
    ):
        app.include_router(module.router)
    return app
