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
