"""The import pages: upload a case-system CSV, see the dry run (every bad line), then apply."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from sync.admin import IMPORT_KINDS
from sync.admin.audit import acting_as
from sync.admin.csvfile import ImportRefused
from sync.admin.importer import ImportResult, import_csv
from sync.console.web import Admin, ConsoleDep, check_csrf, render

router = APIRouter()
FormText = Annotated[str, Form(max_length=200)]
KEPT_DRY_RUNS = 20  # uploads kept between their dry run and their apply (oldest dropped)
SHOWN_CHANGES = 500


def _page(
    console: ConsoleDep,
    request: Request,
    who: Admin,
    *,
    result: ImportResult | None = None,
    refused: ImportRefused | None = None,
    ticket: str = "",
    notice: str = "",
    error: str = "",
    status: int = 200,
) -> Response:
    return render(
        console,
        request,
        "imports.html",
        who=who,
        kinds=IMPORT_KINDS,
        result=result,
        changes=result.changes[:SHOWN_CHANGES] if result else [],
        refused=refused,
        ticket=ticket,
        notice=notice,
        error=error,
        status=status,
    )


@router.get("/imports")
def imports(console: ConsoleDep, request: Request, who: Admin) -> Response:
    return _page(console, request, who)


def _keep(console: ConsoleDep, who: Admin, kind: str, raw: bytes) -> str:
    ticket = secrets.token_urlsafe(16)
    pending = console.pending_imports
    while len(pending) >= KEPT_DRY_RUNS:
        pending.pop(next(iter(pending)))
    pending[f"{who.token_hash}:{ticket}"] = (kind, raw)
    return ticket


@router.post("/imports/dry-run")
def dry_run(
    console: ConsoleDep,
    request: Request,
    who: Admin,
    file: Annotated[UploadFile, File()],
    kind: FormText = "",
    csrf: FormText = "",
) -> Response:
    check_csrf(who, csrf)
    if kind not in IMPORT_KINDS:
        return _page(console, request, who, error="bad_input", status=422)
    raw = file.file.read()
    try:
        with acting_as(who.login):
            result = import_csv(console.engine, kind, raw, now=console.now(), dry_run=True)
    except ImportRefused as refused:
        return _page(console, request, who, refused=refused, status=422)
    ticket = _keep(console, who, kind, raw)
    return _page(console, request, who, result=result, ticket=ticket, notice="imports.would")


@router.post("/imports/apply")
def apply(
    console: ConsoleDep, request: Request, who: Admin, ticket: FormText = "", csrf: FormText = ""
) -> Response:
    check_csrf(who, csrf)
    kept = console.pending_imports.pop(f"{who.token_hash}:{ticket}", None)
    if kept is None:
        return _page(console, request, who, error="imports.gone", status=409)
    kind, raw = kept
    try:
        with acting_as(who.login):
            result = import_csv(console.engine, kind, raw, now=console.now())
    except ImportRefused as refused:  # the database changed since the dry run
        return _page(console, request, who, refused=refused, status=422)
    return _page(console, request, who, result=result, notice="imports.applied")
