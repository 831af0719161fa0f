"""The sync-health overview and the device pages: enrol, name, revoke."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from sync.admin.audit import acting_as
from sync.console import health
from sync.console.web import PREFIX, Admin, Anyone, ConsoleDep, check_csrf, render, see_other

router = APIRouter()
FormText = Annotated[str, Form(max_length=200)]


@router.get("/")
def overview(console: ConsoleDep, request: Request, who: Anyone) -> Response:
    if not who.is_admin:  # leadership sees reports only
        return see_other(f"{PREFIX}/reports")
    sites = health.sync_health(console.engine, now=console.now())
    return render(console, request, "health.html", who=who, sites=sites, actions=False)


def _devices_page(
    console: ConsoleDep,
    request: Request,
    who: Admin,
    *,
    code: str = "",
    notice: str = "",
    error: str = "",
    status: int = 200,
) -> Response:
    return render(
        console,
        request,
        "devices.html",
        who=who,
        sites=health.sync_health(console.engine, now=console.now()),
        site_ids=health.site_ids(console.engine),
        actions=True,
        code=code,
        notice=notice,
        error=error,
        status=status,
    )


@router.get("/devices")
def devices(console: ConsoleDep, request: Request, who: Admin) -> Response:
    return _devices_page(console, request, who)


@router.post("/devices/enrol")
def enrol(
    console: ConsoleDep, request: Request, who: Admin, site: FormText = "", csrf: FormText = ""
) -> Response:
    check_csrf(who, csrf)
    try:
        with acting_as(who.login):
            code = health.enrol(console.engine, site, now=console.now())
    except health.DeviceRefused as refused:
        return _devices_page(console, request, who, error=f"devices.{refused}", status=422)
    return _devices_page(console, request, who, code=code)


@router.post("/devices/{device_id}/name")
def rename(
    console: ConsoleDep,
    request: Request,
    who: Admin,
    device_id: str,
    name: FormText = "",
    csrf: FormText = "",
) -> Response:
    check_csrf(who, csrf)
    try:
        with acting_as(who.login):
            health.rename(console.engine, device_id, name, now=console.now())
    except health.DeviceRefused as refused:
        key = "bad_input" if str(refused) == "bad_input" else "devices.unknown"
        return _devices_page(console, request, who, error=key, status=422)
    return _devices_page(console, request, who, notice="devices.named")


@router.post("/devices/{device_id}/revoke")
def revoke(
    console: ConsoleDep, request: Request, who: Admin, device_id: str, csrf: FormText = ""
) -> Response:
    check_csrf(who, csrf)
    try:
        with acting_as(who.login):
            health.revoke(console.engine, device_id, now=console.now())
    except health.DeviceRefused:
        return _devices_page(console, request, who, error="devices.unknown", status=422)
    return _devices_page(console, request, who, notice="devices.revoked")
