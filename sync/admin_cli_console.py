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
    link = sub.add_parser(
        "link-oidc",
        help="link a console account to its person at the municipality's OpenID Connect login",
        description="Only linked accounts sign in through the municipal login. The identity is "
        "the provider's issuer and the person's subject (the ID token's 'iss' and 'sub').",
    )
    link.add_argument("login", help="the console account's user name")
    link.add_argument("--subject", required=True, help="the person's 'sub' at the provider")
    link.add_argument(
        "--issuer",
        default="",
        help="the provider's 'iss' (default: from console_oidc_discovery_url)",
    )
    _add_db(link)
    link.set_defaults(handler=_user_link)
    unlink = sub.add_parser("unlink-oidc", help="remove a console account's municipal-login link")
    unlink.add_argument("login", help="the console account's user name")
    _add_db(unlink)
    unlink.set_defaults(handler=_user_unlink)


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


DISCOVERY_SUFFIX = "/.well-known/openid-configuration"


def _issuer(args: argparse.Namespace, settings: Settings) -> str:
    """``--issuer``, else the issuer the discovery address names (OpenID Connect Discovery:
    the address is the issuer followed by ``/.well-known/openid-configuration``)."""
    from cli.errors import UserError

    if args.issuer.strip():
        return str(args.issuer).strip()
    url = settings.console_oidc_discovery_url.strip()
    if url.endswith(DISCOVERY_SUFFIX):
        return url[: -len(DISCOVERY_SUFFIX)]
    raise UserError(
        "angiv udbyderens issuer med --issuer (console_oidc_discovery_url er ikke sat); "
        "intet er knyttet"
    )


def _link_message(refused: Any, login: str) -> str:
    messages: dict[str, str] = {
        "unknown": f"der findes ingen konsolkonto {login!r}",
        "subject": "--subject og issuer skal være udfyldt, højst 300 tegn og uden CPR-numre",
        "taken": f"det login hos kommunen er allerede knyttet til kontoen {refused.other!r}",
        "linked": f"kontoen {login!r} er allerede knyttet til et andet login hos kommunen; "
        "fjern det først med unlink-oidc",
        "not_linked": f"kontoen {login!r} er ikke knyttet til et login hos kommunen",
    }
    return messages.get(str(refused.reason), str(refused.reason))


def _user_link(args: argparse.Namespace, settings: Settings) -> int:
    from cli.errors import UserError
    from sync.admin_cli import _engine
    from sync.console.accounts import LinkRefused, link_oidc, oidc_subject

    subject = oidc_subject(_issuer(args, settings), args.subject)
    engine = _engine(args, settings)
    try:
        account = link_oidc(engine, login=args.login, subject=subject, now=utcnow())
    except LinkRefused as refused:
        raise UserError(_link_message(refused, args.login) + "; intet er knyttet") from None
    finally:
        engine.dispose()
    print(f"kontoen {account.login!r} er knyttet til {subject}")
    return 0


def _user_unlink(args: argparse.Namespace, settings: Settings) -> int:
    from cli.errors import UserError
    from sync.admin_cli import _engine
    from sync.console.accounts import LinkRefused, unlink_oidc

    engine = _engine(args, settings)
    try:
        subject = unlink_oidc(engine, login=args.login, now=utcnow())
    except LinkRefused as refused:
        raise UserError(_link_message(refused, args.login)) from None
    finally:
        engine.dispose()
    print(f"kontoen {args.login.strip().lower()!r} er ikke længere knyttet til {subject}")
    return 0
