"""`mestring central fit on|off --course ID | --group ID`: FIT ratings for a course or group."""

from __future__ import annotations

import argparse
from typing import Any

from cli.errors import UserError
from models.config import Settings
from models.timeutil import utcnow
from sync.admin_cli import _add_db, _engine


def register(central_sub: Any) -> None:
    parser = central_sub.add_parser(
        "fit",
        help="turn FIT outcome/session ratings on or off for a course or group",
        description="Where FIT is on, a check-in to the course's appointments or the group's "
        "sessions asks the citizen for the ratings (docs/questionnaires.md). Audited.",
    )
    parser.add_argument("state", choices=("on", "off"))
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--course", metavar="ID", help="a §82b course: id or reference")
    which.add_argument("--group", metavar="ID", help="a group course: id or reference")
    _add_db(parser)
    parser.set_defaults(handler=_fit)


def _fit(args: argparse.Namespace, settings: Settings) -> int:
    from models.feedback import FitTarget
    from sync.admin.fit_plans import FitPlanRefused, set_fit

    target = FitTarget.COURSE if args.course else FitTarget.GROUP
    engine = _engine(args, settings)
    try:
        changed = set_fit(engine, target=target, key=args.course or args.group,
                          on=args.state == "on", now=utcnow())  # fmt: skip
    except FitPlanRefused as err:
        raise UserError(str(err)) from None
    finally:
        engine.dispose()
    print(f"FIT {args.state}" + ("" if changed else " (already)"))
    return 0
