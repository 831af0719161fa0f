"""Sync trouble in plain words (Danish or English), for the home badge, F10 and Ctrl+S."""

from __future__ import annotations

from datetime import datetime

from kiosk.i18n import t
from kiosk.i18n.formats import date_time
from kiosk.services.sync import REQUEST_TIMEOUT_S, failure_kind
from kiosk.services.today import SyncBadge


def failure_text(error: str, *, short: bool = False) -> str:
    """What went wrong with a sync, from the client's (English, operator) message; ``short``
    gives the first sentence only (the home badge)."""
    kind = failure_kind(error)
    if not kind:
        return ""
    text = t(f"sync.failure.{kind}", seconds=round(REQUEST_TIMEOUT_S))
    return text.split(". ")[0].rstrip(".") if short else text


def badge_text(badge: SyncBadge) -> tuple[str, bool]:
    """The home badge and whether it is a warning: ✓ only when the last sync went well and
    is less than 24 hours old; otherwise ⚠ and what is wrong, in words."""
    last = badge.last_sync_ok_at
    waiting = t("home.sync.waiting", count=badge.waiting)
    if badge.last_error:
        head = t("home.sync.failed", error=failure_text(badge.last_error, short=True))
    elif last is None:
        head = t("home.sync.never_ok")
    elif badge.stale:
        head = t("home.sync.stale")
    else:
        return f"✓ {t('home.sync.last', when=date_time(last))} · {waiting}", False
    parts = [head]
    if last is not None:
        parts.append(t("home.sync.last_ok", when=date_time(last)))
    parts.append(waiting)
    return " · ".join(parts), True


def stale_text(last: datetime | None, stale: bool) -> str:
    """The F10 line about the last good sync's age ("" when it is recent)."""
    if last is None:
        return t("sync.never_ok")
    return t("sync.stale_for", when=date_time(last)) if stale else ""
