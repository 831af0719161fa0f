"""`mestring central user add`: create a web console account (the first admin, and others)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from models.config import Settings
from models.timeutil import utcnow


def register(central_sub: Any) -> None:
    from sync.admin_cli import _add_db

    user = central_sub.add_parser("user", help="web console accounts (/admin/)")
    sub = user.add_subparsers(dest="user_command", metavar="COMMAND", required=True)
    add = sub.add_parser(
        "add",
        help="create a console account; prints its second-factor (TOTP) seed once",
        description="The password is asked for twice (or read from one line of stdin with "
        "--password-stdin); at least 12 characters.",
    )
    add.add_argument("login", help="user name or e-mail (case-insensitive)")
    add.add_argument("--name", default="", help="the person's name, shown in the console")
    add.add_argument("--role", choices=("admin", "leadership"), default="admin")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    _add_db(add)
    add.set_defaults(handler=_user_add)


def _read_password(from_stdin: bool) -> str:
    import getpass

    from cli.errors import UserError

    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Again: ") != first:
        raise UserError("the two passwords differ; nothing was created")
    return first


def _user_add(args: argparse.Namespace, settings: Settings) -> int:
    from cli.errors import UserError
    from sync.admin_cli import _engine
    from sync.console.accounts import MIN_PASSWORD, SignInRefused, add_user

    password = _read_password(args.password_stdin)
    engine = _engine(args, settings)
    try:
        account = add_user(
            engine,
            login=args.login,
            display_name=args.name,
            role=args.role,
            password=password,
            now=utcnow(),
        )
    except SignInRefused as refused:
        reasons = {
            "weak": f"the password must have at least {MIN_PASSWORD} characters "
            "and differ from the login",
            "exists": f"an account {args.login!r} exists already",
            "login": "the login must be 1-80 characters without control characters or CPR",
        }
        raise UserError(
            reasons.get(refused.reason, refused.reason) + "; nothing was created"
        ) from None
    finally:
        engine.dispose()
    print(f"created {account.role} account {account.login!r}")
    print(f"second factor (TOTP) seed, shown once: {account.totp_secret}")
    print(f"authenticator link: {account.totp_uri}")
    return 0
