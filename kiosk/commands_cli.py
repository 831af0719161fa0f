"""Kiosk subcommands of `mestring`: the composition root for `kiosk` and `demo`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from models.config import Settings

#: Where `mestring demo` keeps its data unless --home says otherwise (never the real home).
DEMO_HOME = Path("demo-home")


def register(sub: Any) -> None:
    """Add the kiosk's subcommands to the `mestring` parser."""
    kiosk = sub.add_parser("kiosk", help="open the kiosk on this machine's local database")
    kiosk.add_argument("--config", metavar="FILE", help="settings file (TOML)")
    kiosk.add_argument("--home", default=argparse.SUPPRESS, help="data directory")
    kiosk.set_defaults(handler=run_kiosk)
    # Other kiosk commands (e.g. `mestring kiosk enroll`) are added to this:
    kiosk.add_subparsers(dest="kiosk_command", metavar="KIOSK_COMMAND")

    demo = sub.add_parser("demo", help="seed a Hornslet kiosk with demo data and open it")
    demo.add_argument(
        "--home", default=argparse.SUPPRESS, help=f"data directory (default: ./{DEMO_HOME})"
    )
    demo.set_defaults(handler=run_demo, default_home=str(DEMO_HOME))


def run_kiosk(args: argparse.Namespace, settings: Settings) -> int:
    """Migrate the local database, build the services and run the app until it quits."""
    del args
    from kiosk.launch import launch

    return launch(settings)


def run_demo(args: argparse.Namespace, settings: Settings) -> int:
    """Seed the demo kiosk (once per day) and open it."""
    del args
    from kiosk.demo import prepare_demo
    from kiosk.launch import launch

    prepare_demo(settings)
    return launch(settings)
