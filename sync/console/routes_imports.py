"""The import pages: upload a case-system CSV, see the dry run (every bad line), then apply."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response
from sqlmodel import Session, col, delete, select

from models import ConsolePendingImport
from models.db import write_session
from sync.admin import IMPORT_KINDS
from sync.admin.audit import acting_as
from sync.admin.csvfile import ImportRefused
from sync.admin.importer import ImportResult, import_csv
from sync.console.web import Admin, ConsoleDep, check_csrf, render

router = APIRouter()
FormText = Annotated[str, Form(max_length=200)]
KEPT_DRY_RUNS = 20  # uploads a sign-in keeps between dry run and apply (oldest dropped)
KEPT_FOR = timedelta(hours=1)  # an upload not applied within the hour is deleted
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


def _hash(ticket: str) -> str:
    return hashlib.sha256(ticket.encode()).hexdigest()


def _forget_old(session: Session, now: datetime) -> None:
    table = ConsolePendingImport
    session.exec(delete(table).where(col(table.created_at) <= now - KEPT_FOR))


def _keep(console: ConsoleDep, who: Admin, kind: str, raw: bytes) -> str:
    """Keep the upload for its apply (in the database: any worker may get the apply)."""
    ticket, now = secrets.token_urlsafe(16), console.now()
    table = ConsolePendingImport
    with write_session(console.engine) as session:
        _forget_old(session, now)
        mine = session.exec(
            select(table.ticket_hash)
            .where(table.session_hash == who.token_hash)
            .order_by(col(table.created_at).desc())
        ).all()
        for old in mine[KEPT_DRY_RUNS - 1 :]:
            session.exec(delete(table).where(col(table.ticket_hash) == old))
        session.add(
            table(
                ticket_hash=_hash(ticket), session_hash=who.token_hash, kind=kind, raw=raw,
                created_at=now,
            )
        )  # fmt: skip
    return ticket


def _take(console: ConsoleDep, who: Admin, ticket: str) -> tuple[str, bytes] | None:
    """The upload kept for ``ticket`` by this sign-in, deleted as it is taken (applied once)."""
    table = ConsolePendingImport
    with write_session(console.engine) as session:
        _forget_old(session, console.now())
        kept = session.get(table, _hash(ticket)) if ticket else None
        if kept is None or kept.session_hash != who.token_hash:
            return None
        session.delete(kept)
        return kept.kind, kept.raw


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
    kept = _take(console, who, ticket)
    if kept is None:
        return _page(console, request, who, error="imports.gone", status=409)
    kind, raw = kept
    try:
        with acting_as(who.login):
            result = import_csv(console.engine, kind, raw, now=console.now())
    except ImportRefused as refused:  # the database changed since the dry run
        return _page(console, request, who, refused=refused, status=422)
    return _page(console, request, who, result=result, notice="imports.applied")
