"""Start the kiosk: draw the home screen, then migrate the local database and build the
services while it is on screen.

SQLAlchemy, the models and the services take longer to import than Textual and the first
frame together, so a kiosk that has an identity draws first and opens its database in a
thread right after (``KioskApp(open_services=...)``); keys typed meanwhile wait for it, in
order. A kiosk without one (nothing enrolled or seeded yet: a quick look with ``sqlite3``
tells) opens its database first as before, so its one clear line comes before any screen.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from typing import TYPE_CHECKING

from cli.errors import UserError
from kiosk.i18n import LANGUAGES, known_language, set_language, t
from models.config import Settings
from models.timeutil import Clock, utcnow

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from kiosk.services.container import KioskServices


def open_kiosk_db(settings: Settings) -> Engine:
    """The kiosk's engine, its schema brought to the newest revision (no-op when current)."""
    from kiosk.schema_check import is_current
    from models.db import make_engine

    settings.ensure_home()
    engine = make_engine(settings.kiosk_database_url())
    if not is_current(engine, "kiosk"):
        from models.migrate import upgrade  # Alembic is slow to import; rarely needed

        upgrade(engine, "kiosk")
    from kiosk.services.pin_keys import pin_keys, seal_stored_pins

    seal_stored_pins(engine, pin_keys(settings)[0])  # a kiosk from before sealing: once
    return engine


def checked_language(language: str) -> str:
    """``language`` if the kiosk speaks it; otherwise one clear line (in Danish), no traceback."""
    known = known_language(language)
    if known != language:
        raise UserError(t("app.error.language", language=language, known=" / ".join(LANGUAGES)))
    return known


def build_services(settings: Settings) -> KioskServices:
    """Services for a kiosk that has an identity; a clear error if it has none yet."""
    from kiosk.services.container import KioskServices
    from sync.outbox import NotInitialised

    set_language(checked_language(settings.language))
    engine = open_kiosk_db(settings)
    services = KioskServices.build(settings, engine)
    try:
        services.today.site_id()
    except NotInitialised as err:
        engine.dispose()
        raise UserError(t("app.error.no_identity")) from err
    return services


def log_to_file(settings: Settings) -> None:
    """Send log records to ``<home>/kiosk.log`` while the app owns the terminal (a record
    written to the terminal would garble the screen)."""
    path = settings.home / "kiosk.log"
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600))  # names may appear
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)


def has_identity(settings: Settings) -> bool:
    """True when the kiosk database exists and holds this device's identity (its sync state
    row): then the app may draw before the database is opened. A quick read-only look with
    ``sqlite3``; anything unexpected (another database, an old schema) says False, and the
    kiosk opens its database the usual way first."""
    prefix = "sqlite:///"
    url = settings.kiosk_database_url()
    if not url.startswith(prefix) or "?" in url:
        return False
    path = url.removeprefix(prefix)
    if not path or not os.path.isfile(path):
        return False
    try:
        db = sqlite3.connect(path, timeout=1.0)
        try:
            row = db.execute("SELECT site_id FROM sync_state WHERE id = 1").fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return False
    return bool(row and row[0])


def launch(settings: Settings, *, clock: Clock = utcnow) -> int:
    """Run the kiosk app in this terminal until it quits."""
    set_language(checked_language(settings.language))
    # Without an identity: open the database first (its error comes before any screen).
    services = None if has_identity(settings) else build_services(settings)
    from kiosk.app import KioskApp  # Textual loads only once the database is known good

    log_to_file(settings)
    app = KioskApp(
        services,
        open_services=lambda: build_services(settings),
        clock=clock,
        language=settings.language,
    )
    try:
        app.run()
    finally:
        opened = app.services_opened()  # waits for a database still being opened
        if opened is not None:
            opened.engine.dispose()
    if app.services_error is not None:
        raise app.services_error  # e.g. a UserError: the same clear line as before
    return 0
