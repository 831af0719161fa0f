"""`mestring central questionnaire list | show ID | load FILE`: questionnaires defined at
central (docs/questionnaires.md), published to the kiosks as reference data."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from cli.errors import UserError
from models.config import Settings
from models.timeutil import utcnow
from sync.admin_cli import _add_db, _engine


def register(central_sub: Any) -> None:
    parser = central_sub.add_parser(
        "questionnaire",
        help="define the citizens' questionnaires (list, show, load)",
        description="A questionnaire is a TOML file: `show ID` prints one, `load FILE` creates "
        "or changes it (1-6 questions: scale, choice or yes_no; no free text) and where it is "
        "used. Published to the kiosks, audited (docs/questionnaires.md).",
    )
    sub = parser.add_subparsers(dest="questionnaire_command", metavar="COMMAND", required=True)
    listing = sub.add_parser("list", help="the questionnaires, their questions and uses")
    _add_db(listing)
    listing.set_defaults(handler=_list)
    show = sub.add_parser("show", help="a questionnaire as the TOML `load` reads")
    show.add_argument("id")
    _add_db(show)
    show.set_defaults(handler=_show)
    load = sub.add_parser("load", help="create or change a questionnaire from a TOML file")
    load.add_argument("file", type=Path)
    _add_db(load)
    load.set_defaults(handler=_load)


def _list(args: argparse.Namespace, settings: Settings) -> int:
    from sync.admin.questionnaires import listing

    engine = _engine(args, settings)
    try:
        for line in listing(engine):
            print(line)
    finally:
        engine.dispose()
    return 0


def _show(args: argparse.Namespace, settings: Settings) -> int:
    from sync.admin.questionnaires import QuestionnaireRefused, show

    engine = _engine(args, settings)
    try:
        print(show(engine, args.id), end="")
    except QuestionnaireRefused as err:
        raise UserError(str(err)) from None
    finally:
        engine.dispose()
    return 0


def _load(args: argparse.Namespace, settings: Settings) -> int:
    from sync.admin.questionnaires import QuestionnaireRefused, load

    try:
        text = args.file.read_text(encoding="utf-8")
    except OSError as err:
        raise UserError(f"kan ikke læse {args.file}: {err.strerror}") from None
    except UnicodeDecodeError:
        raise UserError(f"{args.file} er ikke UTF-8") from None
    engine = _engine(args, settings)
    try:
        qid, created = load(engine, text, now=utcnow())
    except QuestionnaireRefused as err:
        raise UserError(f"{args.file}: {err}; intet er ændret") from None
    finally:
        engine.dispose()
    print(f"spørgeskema {qid} " + ("oprettet" if created else "opdateret"))
    return 0
