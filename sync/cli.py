"""Sync and central-server subcommands of `mestring`: central …, sync, kiosk enroll."""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import sys
from pathlib import Path
from typing import Any

from cli.errors import UserError
from models.config import Settings
from models.timeutil import utcnow

CODE_HELP = "one-time enrolment code from `mestring central device add`"


def with_overrides(settings: Settings, args: argparse.Namespace) -> Settings:
    """Apply ``--config FILE`` (TOML with Settings keys) and ``--db URL``."""
    values: dict[str, Any] = {}
    config = getattr(args, "config", None)
    if config:
        import tomllib  # the parser loads with every command; TOML only with --config

        try:
            values.update(tomllib.loads(Path(config).read_text()))
        except (OSError, tomllib.TOMLDecodeError) as err:
            raise UserError(f"cannot read config {config}: {err}") from err
    if getattr(args, "db", None):
        values["db_url"] = args.db
    return settings.model_copy(update=values) if values else settings


def central_engine(settings: Settings) -> Any:
    from models.db import make_engine  # SQLAlchemy: only for commands that use a database

    settings.ensure_home()
    engine = make_engine(settings.central_db_url())
    from models.migrate import upgrade  # Alembic loads only for commands that migrate

    upgrade(engine, "central")
    return engine


def cmd_central_init(args: argparse.Namespace, settings: Settings) -> int:
    from sync.catalogue import seed_catalogue
    from sync.server.feed import ensure_epoch

    settings = with_overrides(settings, args)
    engine = central_engine(settings)
    added = seed_catalogue(engine, now=utcnow())
    epoch = ensure_epoch(engine)
    print(f"central database ready ({added} catalogue rows added; epoch {epoch})")
    return 0


#: Why ``--workers`` above 1 is refused on SQLite (shown to the operator).
SQLITE_ONE_WORKER = (
    "--workers {workers} kræver PostgreSQL (--db postgresql+psycopg://…): SQLite har én "
    "skrivelås for hele filen, så flere processer giver ikke mere plads, kun ventetid, og "
    "filen kan ikke deles mellem maskiner. Brug --workers 1 med SQLite."
)


def cmd_central_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from models.db import write_session
    from sync.changes import ensure_feed_counter
    from sync.server.app import SETTINGS_ENV, create_app
    from sync.server.feed import ensure_epoch, prune_feed

    settings = with_overrides(settings, args)
    workers = int(args.workers)
    if not 1 <= workers <= 64:
        raise UserError(f"--workers skal være mellem 1 og 64 (fik {workers})")
    if workers > 1 and settings.central_db_url().startswith("sqlite"):
        raise UserError(SQLITE_ONE_WORKER.format(workers=workers))
    engine = central_engine(settings)
    dropped = prune_feed(engine, now=utcnow(), keep_days=settings.max_offline_days)
    # Once, before any worker starts: the workers then only read these rows.
    ensure_epoch(engine)
    with write_session(engine) as session:
        ensure_feed_counter(session)
    where = f"http://{args.host}:{args.port}"
    print(f"central server on {where} (pruned {dropped} feed entries; {workers} process(es))")
    sys.stdout.flush()
    options: dict[str, Any] = {"log_level": "warning", "access_log": False}
    if workers == 1:
        app = create_app(settings, engine=engine)
        uvicorn.run(app, host=args.host, port=args.port, **options)
        return 0
    engine.dispose()  # each worker opens its own pool
    # ``api_processes`` counts every machine's processes: an operator's larger figure stands.
    shared = settings.model_copy(update={"api_processes": max(workers, settings.api_processes)})
    os.environ[SETTINGS_ENV] = shared.model_dump_json()
    uvicorn.run(
        "sync.server.app:create_app_from_env",
        factory=True,
        workers=workers,
        host=args.host,
        port=args.port,
        **options,
    )
    return 0


def cmd_device_add(args: argparse.Namespace, settings: Settings) -> int:
    from models.sensitive import text_problem
    from sync.server.auth import CODE_VALID, EnrolmentError, create_enrolment_code

    name = " ".join((args.name or "").split())
    problem = text_problem(name, max_length=80) if name else None
    if problem:
        raise UserError(f"--name {problem}")
    engine = central_engine(with_overrides(settings, args))
    try:
        code = create_enrolment_code(engine, site_id=args.site, now=utcnow(), name=name)
    except EnrolmentError as err:
        raise UserError(str(err)) from err
    hours = int(CODE_VALID.total_seconds() // 3600)
    named = f" named {name!r}" if name else ""
    print(f"{code}\n(one-time code for site {args.site}{named}; valid {hours} h, usable once)")
    return 0


def cmd_device_revoke(args: argparse.Namespace, settings: Settings) -> int:
    from sync.server.auth import EnrolmentError, revoke_device

    engine = central_engine(with_overrides(settings, args))
    try:
        device = revoke_device(engine, args.device_id, now=utcnow())
    except EnrolmentError as err:
        raise UserError(str(err)) from err
    print(f"device {device.id} ({device.site_id}) revoked")
    return 0


def cmd_device_list(args: argparse.Namespace, settings: Settings) -> int:
    from sync.device_list import device_table
    from sync.server.auth import list_devices

    engine = central_engine(with_overrides(settings, args))
    for line in device_table(list_devices(engine)):
        print(line.rstrip())
    return 0


def cmd_rotate_epoch(args: argparse.Namespace, settings: Settings) -> int:
    from sync.server.feed import rotate_epoch

    epoch = rotate_epoch(central_engine(with_overrides(settings, args)))
    print(f"new epoch {epoch}: every kiosk resyncs from a snapshot on its next sync")
    return 0


def kiosk_engine(settings: Settings) -> Any:
    from models.db import make_engine

    settings.ensure_home()
    engine = make_engine(settings.kiosk_database_url())
    from models.migrate import upgrade

    upgrade(engine, "kiosk")
    return engine


def cmd_enroll(args: argparse.Namespace, settings: Settings) -> int:
    from sync.enrol import EnrolmentRefused, enroll_kiosk
    from sync.transport import SyncError

    settings = with_overrides(settings, args)
    engine = kiosk_engine(settings)
    try:
        enrolled = enroll_kiosk(
            settings, engine, server=args.server, code=args.code, name=args.name or ""
        )
    except EnrolmentRefused as err:
        raise UserError(str(err)) from err
    except SyncError as err:
        raise UserError(f"enrolment failed: {err}") from err
    print(f"enrolled as device {enrolled.device_id} for site {enrolled.site_id}")
    return 0


def cmd_sync(args: argparse.Namespace, settings: Settings) -> int:
    from sync.client import Progress, run_sync_session
    from sync.credential import Credential, CredentialMissing
    from sync.tls import InsecureServerUrl, server_url_for
    from sync.transport import RetryPolicy, SyncClient, SyncError

    settings = with_overrides(settings, args)
    retry = RetryPolicy(attempts=settings.sync_retries, base_s=settings.sync_retry_base_seconds)
    try:
        credential = Credential.load(settings.credential_path)
    except CredentialMissing as err:
        raise UserError(f"{err}; enrol first with `mestring kiosk enroll`") from err
    engine = kiosk_engine(settings)

    def show(progress: Progress) -> None:
        print(f"  {progress.phase}: {progress.done} {progress.message}".rstrip(), file=sys.stderr)

    try:
        url = server_url_for(credential.server_url, settings.server_url)
    except InsecureServerUrl as err:
        raise UserError(str(err)) from err

    async def session() -> Any:
        client = SyncClient(url, credential.token, retry=retry)
        try:
            return await run_sync_session(
                engine,
                client,
                progress=show,
                lock_path=settings.home / "sync.lock",
                max_clock_skew_s=settings.max_clock_skew_seconds,
                retention=settings,
            )
        finally:
            await client.aclose()

    try:
        report = asyncio.run(session())
    except SyncError as err:
        print(f"mestring sync: {err}", file=sys.stderr)
        return 1
    extra = " (resynced from a snapshot)" if report.full_resync else ""
    print(
        f"synced: {report.pushed} sent, {report.rejected} rejected, "
        f"{report.pulled} changes received{extra}"
    )
    return 0


def register_kiosk_enroll(kiosk_sub: Any) -> None:
    """Add `enroll` under the kiosk parser's subcommands (called by the kiosk's CLI)."""
    enroll = kiosk_sub.add_parser(
        "enroll", help="trade a one-time code for this kiosk's credential"
    )
    enroll.add_argument("--server", required=True, help="central server URL")
    enroll.add_argument("--code", required=True, help=CODE_HELP)
    enroll.add_argument("--name", default="", help="a name for this kiosk (shown to admins)")
    enroll.set_defaults(handler=cmd_enroll, paints_first=False)


def _register_central(sub: Any) -> None:
    central = sub.add_parser("central", help="the central server in Rønde")
    central_sub = central.add_subparsers(dest="central_command", metavar="COMMAND")
    serve = central_sub.add_parser("serve", help="run the central HTTP API")
    serve.add_argument("--db", help="database URL (default: SQLite in MESTRING_HOME)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8700)
    serve.add_argument(
        "--workers",
        type=int,
        default=1,
        help="API processes on this machine (above 1 needs PostgreSQL; see docs/scaling.md)",
    )
    serve.set_defaults(handler=cmd_central_serve)
    init = central_sub.add_parser("init", help="create the schema and default catalogue")
    init.add_argument("--db", help="database URL")
    init.set_defaults(handler=cmd_central_init)
    rotate = central_sub.add_parser("rotate-epoch", help="after a restore: make kiosks resync")
    rotate.add_argument("--db", help="database URL")
    rotate.set_defaults(handler=cmd_rotate_epoch)
    device = central_sub.add_parser("device", help="enrol, list and revoke kiosks")
    device_sub = device.add_subparsers(dest="device_command", metavar="COMMAND")
    add = device_sub.add_parser("add", help="print a one-time enrolment code for a site")
    add.add_argument("--site", required=True)
    add.add_argument("--name", default="", help='the device\'s name, e.g. "Skranke 1"')
    add.add_argument("--db", help="database URL")
    add.set_defaults(handler=cmd_device_add)
    revoke = device_sub.add_parser("revoke", help="revoke a device's credential")
    revoke.add_argument("device_id")
    revoke.add_argument("--db", help="database URL")
    revoke.set_defaults(handler=cmd_device_revoke)
    listing = device_sub.add_parser(
        "list", help="list enrolled devices: last push, last pull, last error, revoked/cloned"
    )
    listing.add_argument("--db", help="database URL")
    listing.set_defaults(handler=cmd_device_list)
    if importlib.util.find_spec("sync.admin_cli") is not None:
        from sync import admin_cli

        admin_cli.register_central(central_sub)


def register(sub: Any) -> None:
    """Add the sync and central subcommands to the `mestring` parser."""
    _register_central(sub)
    sync = sub.add_parser("sync", help="one sync session with central (exit 0 when fully synced)")
    sync.add_argument("--config", help="TOML file with settings (server_url, home, …)")
    sync.set_defaults(handler=cmd_sync)
    kiosk = sub.choices.get("kiosk") or sub.add_parser("kiosk", help="kiosk setup")
    register_kiosk_enroll(_subcommands_of(kiosk))
    from sync import admin_cli

    admin_cli.register(sub)  # top-level `report` and `audit`


def _subcommands_of(parser: argparse.ArgumentParser) -> Any:
    """The parser's sub-command group (the kiosk's CLI creates it), made if missing."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    return parser.add_subparsers(dest="kiosk_command", metavar="COMMAND")
