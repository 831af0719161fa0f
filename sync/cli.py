"""Sync and central-server subcommands of `mestring` (central …, sync, report, audit)."""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    """Add the sync and central subcommands to the `mestring` parser."""
    from sync import admin_cli

    admin_cli.register(sub)
    # Minimal `central` group so the administration commands work before the sync branch
    # lands; the sync branch's group (serve, init, device …) replaces it at merge.
    central = sub.add_parser("central", help="central server administration")
    central_sub = central.add_subparsers(dest="central_command", metavar="COMMAND")
    admin_cli.register_central(central_sub)
