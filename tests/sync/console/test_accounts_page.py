"""/admin/accounts: an administrator sees which accounts are linked to the municipal login
and removes a link (audited with the administrator named); leadership cannot."""

from __future__ import annotations

from sqlmodel import select

from models import ConsoleUser
from models.db import read_session
from sync.console.accounts import link_oidc
from tests.conftest import FROZEN_NOW
from tests.sync.console.conftest import Console, csrf_of

SUBJECT = "https://login.syddjurs.example|person-7"


def test_an_admin_sees_the_links_and_unlinks_one(console: Console) -> None:
    link_oidc(console.engine, login="leif", subject=SUBJECT, now=FROZEN_NOW)
    client = console.sign_in("anne")
    page = client.get("/admin/accounts")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert SUBJECT in page.text and "ikke knyttet" in page.text  # leif linked, anne not
    answer = client.post(
        "/admin/accounts/unlink", data={"login": "leif", "csrf": csrf_of(page.text)}
    )
    assert answer.status_code == 200 and "Koblingen er fjernet" in answer.text
    with read_session(console.engine) as session:
        leif = session.exec(select(ConsoleUser).where(ConsoleUser.login == "leif")).one()
    assert leif.oidc_subject is None
    assert [(a.detail) for a in console.audit("console_user_unlink")] == [
        f"leif {SUBJECT} (by anne)"
    ]
    again = client.post(
        "/admin/accounts/unlink", data={"login": "leif", "csrf": csrf_of(page.text)}
    )
    assert again.status_code == 422 and "ikke knyttet til et login" in again.text


def test_unlinking_needs_the_csrf_token_and_an_admin(console: Console) -> None:
    link_oidc(console.engine, login="leif", subject=SUBJECT, now=FROZEN_NOW)
    admin = console.sign_in("anne")
    forged = admin.post("/admin/accounts/unlink", data={"login": "leif", "csrf": "forged"})
    assert forged.status_code == 403
    leader = console.sign_in("leif")
    assert leader.get("/admin/accounts").status_code == 403
    assert console.audit("console_user_unlink") == []
