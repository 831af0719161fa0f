"""Console accounts and their municipal-login (OpenID Connect) links: see them, unlink one.

Linking is done on the command line (``mestring central user link-oidc``), where the
provider's subject is at hand; the page shows who is linked to which identity and lets an
administrator remove a link (audited, with the administrator named).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlmodel import col, select

from models import ConsoleUser
from models.db import read_session
from sync.console.accounts import LinkRefused, unlink_oidc
from sync.console.web import Admin, ConsoleDep, check_csrf, render

router = APIRouter()
FormText = Annotated[str, Form(max_length=200)]


def _page(
    console: ConsoleDep, request: Request, who: Admin, *, notice: str = "", error: str = "",
    status: int = 200,
) -> Response:  # fmt: skip
    with read_session(console.engine) as session:
        users = session.exec(select(ConsoleUser).order_by(col(ConsoleUser.login))).all()
        rows = [(u.login, u.display_name, u.role, u.oidc_subject or "") for u in users]
    return render(
        console, request, "accounts.html", who=who, rows=rows, notice=notice, error=error,
        status=status,
    )  # fmt: skip


@router.get("/accounts")
def accounts_page(console: ConsoleDep, request: Request, who: Admin) -> Response:
    return _page(console, request, who)


@router.post("/accounts/unlink")
def unlink(
    console: ConsoleDep, request: Request, who: Admin, login: FormText = "", csrf: FormText = ""
) -> Response:
    check_csrf(who, csrf)
    try:
        unlink_oidc(console.engine, login=login, now=console.now(), by=who.login)
    except LinkRefused as refused:
        return _page(console, request, who, error=f"accounts.{refused.reason}", status=422)
    return _page(console, request, who, notice="accounts.unlinked")
