"""Start the kiosk: migrate the local database, build the services, run the app."""

from __future__ import annotations

import logging
import os

from sqlalchemy.engine import Engine

from cli.errors import UserError
from kiosk.i18n import LANGUAGES, known_language, set_language, t
from kiosk.schema_check import is_current
from kiosk.services.container import KioskServices
from models.config import Settings
from models.db import make_engine
from models.timeutil import Clock, utcnow
from sync.outbox import NotInitialised


def open_kiosk_db(settings: Settings) -> Engine:
    """The kiosk's engine, its schema brought to the newest revision (no-op when current)."""
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


def launch(settings: Settings, *, clock: Clock = utcnow) -> int:
    """Run the kiosk app in this terminal until it quits."""
    services = build_services(settings)
    from kiosk.app import KioskApp  # Textual loads only once the database is known good

    log_to_file(settings)
    try:
        KioskApp(services, clock=clock, language=settings.language).run()
    finally:
        services.engine.dispose()
    return 0
