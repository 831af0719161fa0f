"""`mestring report` and `mestring audit export`: reports and a citizen's audit log."""

from __future__ import annotations

import argparse
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli.errors import UserError
from models.config import Settings
from models.filemodes import write_private
from models.timeutil import utcnow
from sync.admin_cli import _add_db, _engine

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from sync.admin.report_model import ReportQuery


def register(sub: Any) -> None:
    """Add the top-level `report` and `audit export` commands."""
    parser = sub.add_parser(
        "report",
        help="visits, unique citizens, anonymous contacts, attendance, courses, queue",
        description="Reports on central across sites. Dates as dd.mm.yyyy or yyyy-mm-dd "
        "(default: the last four weeks). --halfyear writes the committee workbook (XLSX).",
    )
    parser.add_argument("--site", default="all", help="a site id such as hornslet, or all")
    parser.add_argument("--from", dest="start", metavar="D", help="first day (inclusive)")
    parser.add_argument("--to", dest="end", metavar="D", help="last day (inclusive)")
    parser.add_argument("--format", choices=("table", "csv", "xlsx"), default=None)
    parser.add_argument("--out", type=Path, metavar="F", help="write to this file")
    parser.add_argument(
        "--language", choices=("da", "en"), default="da", help="labels in Danish or English"
    )
    parser.add_argument(
        "--halfyear",
        nargs="?",
        const="last",
        metavar="YYYYH1|YYYYH2",
        help="the committee's half-year workbook (default: the last completed half year)",
    )
    parser.add_argument(
        "--titles",
        action="store_true",
        help="show sensitive group titles instead of their neutral code (admin; audited)",
    )
    _add_db(parser)
    parser.set_defaults(handler=_report)
    audit = sub.add_parser("audit", help="the audit log")
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="COMMAND", required=True)
    export = audit_sub.add_parser(
        "export",
        help="a citizen's audit log: dates, actions, sites",
        description="The log of every look-up and change about one citizen (their right of "
        "access). Staff identities only with --with-staff. The export is itself audited.",
    )
    export.add_argument("--citizen", required=True, metavar="ID", help="citizen id or reference")
    export.add_argument("--with-staff", action="store_true", help="include staff identities")
    export.add_argument("--format", choices=("csv", "table"), default="table")
    export.add_argument("--out", type=Path, metavar="F", help="write to this file")
    _add_db(export)
    export.set_defaults(handler=_audit_export)


def _day(value: str) -> date:
    for pattern in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise UserError(f"'{value}' is not a date (dd.mm.yyyy)")


def _report_query(args: argparse.Namespace, engine: Engine, now: datetime) -> ReportQuery:
    from sqlmodel import select

    from models import Site
    from models.db import read_session
    from sync.admin.report_model import ReportQuery
    from sync.admin.report_period import default_period, half_year

    site = None if args.site.lower() == "all" else args.site.lower()
    if site is not None:
        with read_session(engine) as session:
            known = set(session.exec(select(Site.id)).all())
        if site not in known:
            raise UserError(f"unknown site '{args.site}' (known: {', '.join(sorted(known))}, all)")
    if args.halfyear:
        try:
            start, end, _ = half_year(None if args.halfyear == "last" else args.halfyear, now)
        except ValueError as err:
            raise UserError(str(err)) from None
    else:
        start, end = default_period(now)
    start = _day(args.start) if args.start else start
    end = _day(args.end) if args.end else end
    if end < start:
        raise UserError("--to is before --from")
    titles = bool(getattr(args, "titles", False))
    return ReportQuery(
        site=site, start=start, end=end, committee=bool(args.halfyear), titles=titles
    )


def _report(args: argparse.Namespace, settings: Settings) -> int:
    from sync.admin.reports import Format, export_report

    fmt: Format = args.format or ("xlsx" if args.halfyear else "table")
    out = args.out
    if fmt == "xlsx" and out is None:
        if not args.halfyear:
            raise UserError("--format xlsx needs --out FILE.xlsx")
        out = Path(f"udvalgsrapport-{args.halfyear if args.halfyear != 'last' else 'seneste'}.xlsx")
    if args.halfyear and fmt != "xlsx":
        raise UserError("the half-year committee report is an XLSX workbook (--format xlsx)")
    now = utcnow()
    engine = _engine(args, settings)
    try:
        query = _report_query(args, engine, now)
        text = export_report(engine, query, now=now, fmt=fmt, out=out, language=args.language)
    except OSError as err:
        raise UserError(f"cannot write {out}: {err.strerror}") from None
    finally:
        engine.dispose()
    if text is not None:
        sys.stdout.write(text)
    else:
        print(f"report written to {out}")
    return 0


def _audit_export(args: argparse.Namespace, settings: Settings) -> int:
    from sync.admin.audit_export import export_citizen_log, render_log_csv, render_log_table
    from sync.admin.provisional import ProvisionalRefused

    engine = _engine(args, settings)
    try:
        citizen_id, lines = export_citizen_log(
            engine, args.citizen, now=utcnow(), with_staff=args.with_staff
        )
    except ProvisionalRefused as err:
        raise UserError(str(err)) from None
    finally:
        engine.dispose()
    render = render_log_csv if args.format == "csv" else render_log_table
    text = render(lines, with_staff=args.with_staff)
    if args.out is None:
        sys.stdout.write(text)
        return 0
    try:
        write_private(args.out, text.encode("utf-8-sig" if args.format == "csv" else "utf-8"))
    except OSError as err:
        raise UserError(f"cannot write {args.out}: {err.strerror}") from None
    print(f"{len(lines)} entries for {citizen_id} written to {args.out}")
    return 0
