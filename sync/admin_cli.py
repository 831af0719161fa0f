"""Central administration commands: `mestring report`, `mestring audit export`, and
`mestring central import | purge | provisional …` (registered into the central group)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from models.config import Settings
from models.db import make_engine
from models.timeutil import utcnow


def _engine(args: argparse.Namespace, settings: Settings) -> Engine:
    from sqlalchemy import inspect

    from kiosk.cli import UserError

    url = getattr(args, "db", None) or settings.central_db_url()
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        raise UserError(f"no central database at {url}; run `mestring central init` first")
    engine = make_engine(url)
    if not inspect(engine).has_table("citizen"):
        engine.dispose()
        raise UserError(f"{url} has no central schema; run `mestring central init` first")
    return engine


def _add_db(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="URL", help="central database (default: $MESTRING_DB_URL)")


def register(sub: Any) -> None:
    """Add the top-level `report` and `audit` commands."""
    del sub  # added as they are built


def register_central(central_sub: Any) -> None:
    """Add `import`, `purge` and `provisional` under `mestring central`."""
    from sync.admin.kinds import KINDS

    parser = central_sub.add_parser(
        "import",
        help="import reference data from a case-system CSV export",
        description="Import a ';'-separated UTF-8 export (templates: docs/import.md). "
        "Nothing is imported when any line is bad.",
    )
    parser.add_argument(
        "kind", choices=sorted(KINDS), metavar="KIND", help="one of: " + ", ".join(KINDS)
    )
    parser.add_argument("file", type=Path, metavar="FILE.csv")
    parser.add_argument("--dry-run", action="store_true", help="write nothing; show what changes")
    _add_db(parser)
    parser.set_defaults(handler=_import)


def _import(args: argparse.Namespace, settings: Settings) -> int:
    from kiosk.cli import UserError
    from sync.admin.csvfile import ImportRefused
    from sync.admin.importer import import_csv

    try:
        raw = args.file.read_bytes()
    except OSError as err:
        raise UserError(f"cannot read {args.file}: {err.strerror}") from None
    engine = _engine(args, settings)
    try:
        result = import_csv(engine, args.kind, raw, now=utcnow(), dry_run=args.dry_run)
    except ImportRefused as refused:
        print(f"mestring: {args.file}: {refused}", file=sys.stderr)
        for error in refused.errors:
            print(f"  {error}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    verb = "would import" if result.dry_run else "imported"
    print(
        f"{args.file}: {verb} {result.kind}: {result.created} new, {result.changed} changed, "
        f"{result.unchanged} unchanged ({result.lines} lines)"
    )
    if result.dry_run:
        for change in result.changes[:200]:
            what = "new" if change.action == "new" else "changed: " + ", ".join(change.fields)
            print(f"  line {change.line}: {change.key} {what}")
        if len(result.changes) > 200:
            print(f"  … and {len(result.changes) - 200} more")
    return 0
