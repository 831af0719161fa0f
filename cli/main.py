"""The `mestring` command-line root: parses, builds settings and runs a command.

Each area registers its own subcommands (``register(subparsers)``) so the parts stay apart:
the kiosk in ``kiosk.commands_cli``, the central server and sync in ``sync.cli``, benchmarks
in ``bench.cli``. The root imports no area directly (import-linter checks it), only the
module names in ``AREAS``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence

from cli import startup
from cli.errors import UserError
from models.config import Settings

Handler = Callable[[argparse.Namespace, Settings], int]

#: The modules whose ``register(subparsers)`` adds their commands, in this order.
AREAS = ("kiosk.commands_cli", "sync.cli", "bench.cli")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mestring",
        description="Mestringscenteret Syddjurs: front-desk kiosk, sync and central server.",
    )
    parser.add_argument("--home", help="data directory (default: $MESTRING_HOME or ~/.mestring)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log more detail")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for area in AREAS:
        importlib.import_module(area).register(sub)
    return parser


def load_config(path: str) -> dict[str, object]:
    """Settings from a TOML file (keys are ``Settings`` field names); unknown keys are errors."""
    import tomllib

    try:
        with open(path, "rb") as handle:
            values = tomllib.load(handle)
    except OSError as err:
        raise UserError(f"cannot read config file {path}: {err.strerror}") from err
    except tomllib.TOMLDecodeError as err:
        raise UserError(f"config file {path} is not valid TOML: {err}") from err
    unknown = sorted(set(values) - set(Settings.model_fields))
    if unknown:
        raise UserError(f"config file {path}: unknown setting(s): {', '.join(unknown)}")
    return values


def settings_from(args: argparse.Namespace) -> Settings:
    """Settings from the environment, then the config file, then the command line."""
    overrides: dict[str, object] = {}
    if getattr(args, "config", None):
        overrides.update(load_config(args.config))
    if getattr(args, "home", None):
        overrides["home"] = args.home
    elif getattr(args, "default_home", None):
        overrides["home"] = args.default_home  # e.g. the demo never uses the real home
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValueError as err:
        raise UserError(f"invalid settings: {err}") from err


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    if not args.verbose:
        logging.getLogger("alembic").setLevel(logging.WARNING)
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    if not getattr(args, "paints_first", False):
        startup.finished()  # the kiosk app says when its first screen is painted
    try:
        return handler(args, settings_from(args))
    except UserError as err:
        print(f"mestring: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
