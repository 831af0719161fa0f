"""Guests added at kiosks: list them, merge one into a known citizen, or confirm as new."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from sync.admin.audit import acting_as
from sync.admin.provisional import (
    ProvisionalRefused,
    confirm_provisional,
    list_provisional,
    merge_provisional,
)
from sync.console.citizens import search_citizens
from sync.console.web import Admin, ConsoleDep, check_csrf, render

router = APIRouter()
FormText = Annotated[str, Form(max_length=200)]


def _page(
    console: ConsoleDep,
    request: Request,
    who: Admin,
    *,
    guest: str = "",
    query: str = "",
    notice: str = "",
    error: str = "",
    problem: str = "",
    status: int = 200,
) -> Response:
    now = console.now()
    with acting_as(who.login):
        guests = list_provisional(console.engine, now=now)
        hits = search_citizens(console.engine, query, now=now) if guest and query else []
    return render(
        console,
        request,
        "provisional.html",
        who=who,
        guests=guests,
        guest=guest,
        query=query,
        hits=hits,
        notice=notice,
        error=error,
        problem=problem,
        status=status,
    )


@router.get("/provisional")
def provisional(console: ConsoleDep, request: Request, who: Admin) -> Response:
    return _page(console, request, who)


@router.post("/provisional/{guest_id}/search")
def search(
    console: ConsoleDep,
    request: Request,
    who: Admin,
    guest_id: str,
    q: Annotated[str, Form(max_length=120)] = "",
    csrf: FormText = "",
) -> Response:
    """A name search is a POST: names stay out of URLs, browser history and proxy logs."""
    check_csrf(who, csrf)
    return _page(console, request, who, guest=guest_id, query=q)


@router.post("/provisional/{guest_id}/merge")
def merge(
    console: ConsoleDep,
    request: Request,
    who: Admin,
    guest_id: str,
    into: FormText = "",
    csrf: FormText = "",
) -> Response:
    check_csrf(who, csrf)
    try:
        with acting_as(who.login):
            merge_provisional(console.engine, guest_id, into, now=console.now())
    except ProvisionalRefused as refused:
        return _page(console, request, who, problem=str(refused), status=422)
    return _page(console, request, who, notice="provisional.merged")


@router.post("/provisional/{guest_id}/confirm")
def confirm(
    console: ConsoleDep,
    request: Request,
    who: Admin,
    guest_id: str,
    reference: FormText = "",
    csrf: FormText = "",
) -> Response:
    check_csrf(who, csrf)
    try:
        with acting_as(who.login):
            confirm_provisional(
                console.engine, guest_id, now=console.now(), reference=reference.strip() or None
            )
    except ProvisionalRefused as refused:
        return _page(console, request, who, problem=str(refused), status=422)
    return _page(console, request, who, notice="provisional.confirmed")
