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
    kiosk.set_defaults(handler=run_kiosk, paints_first=True)
    # Other kiosk commands (e.g. `mestring kiosk enroll`) are added to kiosk_sub; without
    # one, `mestring kiosk` opens the app.
    kiosk_sub = kiosk.add_subparsers(dest="kiosk_command", metavar="[COMMAND]")
    del kiosk_sub  # nothing else yet

    demo = sub.add_parser("demo", help="seed a Hornslet kiosk with demo data and open it")
    demo.add_argument(
        "--home", default=argparse.SUPPRESS, help=f"data directory (default: ./{DEMO_HOME})"
    )
    demo.set_defaults(handler=run_demo, default_home=str(DEMO_HOME), paints_first=True)


def run_kiosk(args: argparse.Namespace, settings: Settings) -> int:
    """Migrate the local database, build the services and run the app until it quits."""
    del args
    from kiosk.launch import launch

    return launch(settings)


def run_demo(args: argparse.Namespace, settings: Settings) -> int:
    """Start a demo central server with today's demo data in the background, enrol and
    sync a Hornslet kiosk, open it, and stop the server when the kiosk quits. Without a
    working central server, open the kiosk on locally seeded demo data instead."""
    del args
    import logging

    from kiosk.demo import demo_with_central, prepare_demo
    from kiosk.demo_progress import DemoProgress
    from kiosk.i18n import set_language, t
    from kiosk.launch import checked_language, launch
    from sync.demo import DemoFailed
    from sync.transport import SyncError

    settings.ensure_home()
    set_language(checked_language(settings.language))
    progress = DemoProgress(steps=3)
    try:
        with demo_with_central(settings, progress) as url:
            progress.finished(t("demo.step.ready", url=url))
            return launch(settings)
    except (DemoFailed, SyncError) as err:
        logging.getLogger("mestring.demo").warning(
            "no central server (%s); opening the kiosk on local demo data only", err
        )
    prepare_demo(settings)
    return launch(settings)
