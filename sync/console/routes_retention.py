"""Retention: what the next purge would delete (counts per kind), and running it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from sync.admin.audit import acting_as
from sync.console.web import Admin, ConsoleDep, check_csrf, render
from sync.retention import purge_central

router = APIRouter()


@router.get("/retention")
def retention(console: ConsoleDep, request: Request, who: Admin) -> Response:
    plan = purge_central(console.engine, console.settings, console.now(), dry_run=True)
    return render(console, request, "retention.html", who=who, plan=plan, done=None)


@router.post("/retention/purge")
def purge(
    console: ConsoleDep,
    request: Request,
    who: Admin,
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    check_csrf(who, csrf)
    with acting_as(who.login):
        done = purge_central(console.engine, console.settings, console.now())
    plan = purge_central(console.engine, console.settings, console.now(), dry_run=True)
    return render(console, request, "retention.html", who=who, plan=plan, done=done)
