"""`mestring central user add`: the first admin is created from the command line."""

from __future__ import annotations

import io

import pyotp
import pytest
from sqlmodel import select

from kiosk.cli import main
from models import ConsoleUser
from models.db import read_session
from tests.sync.admin.conftest import db_url


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_user_add_creates_an_admin_and_prints_its_totp_seed_once(central, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("en lang nok adgangskode\n"))
    args = ["central", "user", "add", "Anne@Syddjurs.dk", "--name", "Anne Bach"]
    assert main([*args, "--password-stdin", "--db", db_url(central)]) == 0
    out = capsys.readouterr().out
    seed = out.split("shown once: ")[1].split()[0]
    assert pyotp.TOTP(seed).now().isdigit()
    with read_session(central) as session:
        user = session.exec(select(ConsoleUser)).one()
    assert (user.login, user.role, user.display_name) == ("anne@syddjurs.dk", "admin", "Anne Bach")
    assert "en lang nok adgangskode" not in user.password_hash
    assert user.password_hash.startswith("$argon2id$")


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_user_add_refuses_a_short_password_and_a_second_account_of_the_same_login(
    central, monkeypatch, capsys
):
    url = db_url(central)
    monkeypatch.setattr("sys.stdin", io.StringIO("kort\n"))
    assert main(["central", "user", "add", "leif", "--password-stdin", "--db", url]) == 2
    assert "at least 12 characters" in capsys.readouterr().err
    for expected in (0, 2):
        monkeypatch.setattr("sys.stdin", io.StringIO("en lang nok adgangskode\n"))
        assert main(["central", "user", "add", "leif", "--password-stdin", "--db", url]) == expected
    assert "exists already" in capsys.readouterr().err
    with read_session(central) as session:
        assert len(session.exec(select(ConsoleUser)).all()) == 1


def _add(url: str, login: str, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("en lang nok adgangskode\n"))
    assert main(["central", "user", "add", login, "--password-stdin", "--db", url]) == 0


def _subjects(central) -> dict[str, str | None]:
    with read_session(central) as session:
        return {u.login: u.oidc_subject for u in session.exec(select(ConsoleUser)).all()}


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_link_oidc_links_an_account_and_unlink_removes_it_both_audited(
    central, monkeypatch, capsys
):
    from models import AuditEntry

    url = db_url(central)
    _add(url, "anne", monkeypatch)
    link = ["central", "user", "link-oidc", "Anne", "--subject", "p-17"]
    assert main([*link, "--issuer", "https://login.syddjurs.example", "--db", url]) == 0
    assert "knyttet til https://login.syddjurs.example|p-17" in capsys.readouterr().out
    assert _subjects(central) == {"anne": "https://login.syddjurs.example|p-17"}
    assert main(["central", "user", "unlink-oidc", "anne", "--db", url]) == 0
    assert "ikke længere knyttet" in capsys.readouterr().out
    assert _subjects(central) == {"anne": None}
    with read_session(central) as session:
        actions = [(a.action, a.detail) for a in session.exec(select(AuditEntry)).all()]
    assert ("console_user_link", "anne https://login.syddjurs.example|p-17 (by console setup)") in (
        actions
    )
    assert (
        "console_user_unlink",
        "anne https://login.syddjurs.example|p-17 (by console setup)",
    ) in actions


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_link_oidc_takes_the_issuer_from_the_discovery_address(central, monkeypatch, capsys):
    url = db_url(central)
    _add(url, "anne", monkeypatch)
    monkeypatch.setenv(
        "MESTRING_CONSOLE_OIDC_DISCOVERY_URL",
        "https://login.syddjurs.example/.well-known/openid-configuration",
    )
    assert main(["central", "user", "link-oidc", "anne", "--subject", "p-17", "--db", url]) == 0
    assert _subjects(central) == {"anne": "https://login.syddjurs.example|p-17"}


@pytest.mark.parametrize("central", ["sqlite"], indirect=True)
def test_link_oidc_refuses_unknown_accounts_and_duplicate_links_in_danish(
    central, monkeypatch, capsys
):
    url = db_url(central)
    _add(url, "anne", monkeypatch)
    _add(url, "bo", monkeypatch)
    capsys.readouterr()
    issuer = ["--issuer", "https://login.syddjurs.example", "--db", url]

    def link(login: str, sub: str) -> tuple[int, str]:
        code = main(["central", "user", "link-oidc", login, "--subject", sub, *issuer])
        return code, capsys.readouterr().err

    code, err = link("ukendt", "p-1")
    assert code == 2 and "der findes ingen konsolkonto 'ukendt'" in err and "Traceback" not in err
    assert link("anne", "p-1")[0] == 0
    code, err = link("bo", "p-1")
    assert code == 2 and "allerede knyttet til kontoen 'anne'" in err
    code, err = link("anne", "p-2")
    assert code == 2 and "fjern det først med unlink-oidc" in err
    assert link("anne", "p-1")[0] == 0  # the same link again changes nothing
    code, err = link("bo", "  ")
    assert code == 2 and "--subject" in err
    assert main(["central", "user", "unlink-oidc", "bo", "--db", url]) == 2
    assert "er ikke knyttet" in capsys.readouterr().err
    no_issuer = ["central", "user", "link-oidc", "bo", "--subject", "p-3", "--db", url]
    assert main(no_issuer) == 2 and "--issuer" in capsys.readouterr().err
    assert _subjects(central) == {"anne": "https://login.syddjurs.example|p-1", "bo": None}
