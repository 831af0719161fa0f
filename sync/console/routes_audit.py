"""Access requests: find a citizen, see and download their audit log (the right of access)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import Response

from sync.admin.audit import acting_as
from sync.admin.audit_export import export_citizen_log, render_log_csv
from sync.admin.provisional import ProvisionalRefused
from sync.console.citizens import search_citizens
from sync.console.web import SAFE_HEADERS, Admin, ConsoleDep, check_csrf, render

router = APIRouter()
Key = Annotated[str, Query(max_length=40)]


@router.get("/audit")
def audit(
    console: ConsoleDep, request: Request, who: Admin, citizen: Key = "", staff: bool = False
) -> Response:
    return _page(console, request, who, citizen=citizen, staff=staff)


@router.post("/audit/search")
def search(
    console: ConsoleDep,
    request: Request,
    who: Admin,
    q: Annotated[str, Form(max_length=120)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """A name search is a POST: names stay out of URLs, browser history and proxy logs."""
    check_csrf(who, csrf)
    return _page(console, request, who, q=q)


def _page(
    console: ConsoleDep,
    request: Request,
    who: Admin,
    *,
    q: str = "",
    citizen: str = "",
    staff: bool = False,
) -> Response:
    values: dict[str, Any] = {
        "q": q,
        "citizen": citizen,
        "staff": staff,
        "lines": None,
        "citizen_id": "",
    }
    with acting_as(who.login):
        hits = search_citizens(console.engine, q, now=console.now()) if q else []
        if citizen:
            try:
                values["citizen_id"], values["lines"] = export_citizen_log(
                    console.engine, citizen, now=console.now(), with_staff=staff
                )
            except ProvisionalRefused:
                return render(
                    console, request, "audit.html", who=who, hits=hits,
                    error="audit.unknown", status=404, **values,
                )  # fmt: skip
    return render(console, request, "audit.html", who=who, hits=hits, **values)


@router.get("/audit/download")
def download(console: ConsoleDep, who: Admin, citizen: Key = "", staff: bool = False) -> Response:
    try:
        with acting_as(who.login):
            citizen_id, lines = export_citizen_log(
                console.engine, citizen, now=console.now(), with_staff=staff
            )
    except ProvisionalRefused:
        return Response("no such citizen", status_code=404, headers=SAFE_HEADERS)
    body = render_log_csv(lines, with_staff=staff).encode("utf-8-sig")
    headers = {
        **SAFE_HEADERS,
        "Content-Disposition": f'attachment; filename="indsigt-{citizen_id[:8]}.csv"',
    }
    return Response(body, media_type="text/csv; charset=utf-8", headers=headers)
