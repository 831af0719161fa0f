"""Central administration commands: `mestring report`, `mestring audit export`, and
`mestring central import | purge | provisional …` (registered into the central group)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli.errors import UserError
from models.config import Settings
from models.timeutil import LOCAL_TZ, utcnow

if TYPE_CHECKING:  # `mestring --help` and the kiosk's start need no SQLAlchemy
    from sqlalchemy.engine import Engine


def _engine(args: argparse.Namespace, settings: Settings) -> Engine:
    from sqlalchemy import inspect

    from models.db import make_engine

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
    from sync import admin_cli_report

    admin_cli_report.register(sub)


def register_central(central_sub: Any) -> None:
    """Add `import`, `purge` and `provisional` under `mestring central`."""
    from sync import admin_cli_console, admin_cli_fit, admin_cli_questionnaire
    from sync.admin import IMPORT_KINDS

    parser = central_sub.add_parser(
        "import",
        help="import reference data from a case-system CSV export",
        description="Import a ';'-separated UTF-8 export (templates: docs/import.md). "
        "Nothing is imported when any line is bad.",
    )
    parser.add_argument(
        "kind", choices=IMPORT_KINDS, metavar="KIND", help="one of: " + ", ".join(IMPORT_KINDS)
    )
    parser.add_argument("file", type=Path, metavar="FILE.csv")
    parser.add_argument("--dry-run", action="store_true", help="write nothing; show what changes")
    _add_db(parser)
    parser.set_defaults(handler=_import)
    _register_provisional(central_sub)
    admin_cli_console.register(central_sub)
    admin_cli_fit.register(central_sub)
    admin_cli_questionnaire.register(central_sub)
    purge = central_sub.add_parser(
        "purge",
        help="delete data past its retention period (audit log, events by policy)",
        description="Audit entries older than MESTRING_AUDIT_RETENTION_DAYS; central events "
        "only when MESTRING_CENTRAL_EVENT_RETENTION_DAYS is set (default: kept).",
    )
    purge.add_argument("--dry-run", action="store_true", help="count only; delete nothing")
    _add_db(purge)
    purge.set_defaults(handler=_purge)


def _register_provisional(central_sub: Any) -> None:
    parser = central_sub.add_parser(
        "provisional", help="guests added at kiosks: list, merge or confirm"
    )
    sub = parser.add_subparsers(dest="provisional_command", metavar="COMMAND", required=True)
    listing = sub.add_parser("list", help="provisional citizens waiting for a decision")
    _add_db(listing)
    listing.set_defaults(handler=_provisional_list)
    merge = sub.add_parser(
        "merge",
        help="merge a guest into a known citizen (events re-pointed, kiosks updated)",
        description="PROVISIONAL_ID and INTO_ID may be citizen ids or case-system references.",
    )
    merge.add_argument("provisional_id", metavar="PROVISIONAL_ID")
    merge.add_argument("into_id", metavar="INTO_ID")
    _add_db(merge)
    merge.set_defaults(handler=_provisional_merge)
    confirm = sub.add_parser("confirm", help="make a guest a normal citizen")
    confirm.add_argument("citizen_id", metavar="ID")
    confirm.add_argument("--reference", help="the case system's reference for the citizen")
    _add_db(confirm)
    confirm.set_defaults(handler=_provisional_confirm)


def _import(args: argparse.Namespace, settings: Settings) -> int:
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


def _provisional_list(args: argparse.Namespace, settings: Settings) -> int:
    from sync.admin.provisional import list_provisional

    engine = _engine(args, settings)
    try:
        guests = list_provisional(engine, now=utcnow())
    finally:
        engine.dispose()
    if not guests:
        print("no provisional citizens")
        return 0
    print(f"{'id':<36}  {'navn':<30}  {'født':>4}  {'sted':<10}  hændelser")
    for g in guests:
        born = str(g.birth_year or "")
        print(
            f"{g.id:<36}  {g.display_name[:30]:<30}  {born:>4}  "
            f"{g.created_site_id or '':<10}  {g.events:>9}"
        )
    return 0


def _provisional_merge(args: argparse.Namespace, settings: Settings) -> int:
    from sync.admin.provisional import ProvisionalRefused, merge_provisional

    engine = _engine(args, settings)
    try:
        result = merge_provisional(engine, args.provisional_id, args.into_id, now=utcnow())
    except ProvisionalRefused as err:
        raise UserError(str(err)) from None
    finally:
        engine.dispose()
    moved = ", ".join(f"{k}: {v}" for k, v in result.repointed.items())
    print(
        f"merged {result.provisional_id} into {result.into_id} ({moved}); "
        f"kiosks at {', '.join(result.sites) or 'no site'} get the change on their next sync"
    )
    return 0


def _provisional_confirm(args: argparse.Namespace, settings: Settings) -> int:
    from sync.admin.provisional import ProvisionalRefused, confirm_provisional

    engine = _engine(args, settings)
    try:
        sites = confirm_provisional(engine, args.citizen_id, now=utcnow(), reference=args.reference)
    except ProvisionalRefused as err:
        raise UserError(str(err)) from None
    finally:
        engine.dispose()
    where = (
        ", ".join(sites)
        if sites
        else "no site yet (no enrolment, course, appointment or recent visit)"
    )
    print(f"confirmed {args.citizen_id}; in scope at {where}")
    return 0


def _purge(args: argparse.Namespace, settings: Settings) -> int:
    from sync.retention import purge_central

    engine = _engine(args, settings)
    try:
        result = purge_central(engine, settings, utcnow(), dry_run=args.dry_run)
    finally:
        engine.dispose()
    verb = "would delete" if result.dry_run else "deleted"
    for table, count in result.deleted.items():
        cutoff = result.cutoffs[table].astimezone(LOCAL_TZ).strftime("%d.%m.%Y")
        print(f"{table}: {verb} {count} (older than {cutoff})")
    if settings.central_event_retention_days <= 0:
        print("events: kept (no central retention policy set)")
    return 0
