"""What the check-in screen says: plan labels, how many were found, why something was refused."""

from __future__ import annotations

from collections.abc import Iterable

from kiosk.i18n import t, tr
from kiosk.i18n.formats import clock
from kiosk.services.checkin import AlsoAt, CheckInRefused
from kiosk.services.plan import OfferChoice, TodayItem
from kiosk.services.refusals import Refused
from kiosk.services.search import SearchResult
from kiosk.widgets.words import Words

#: Rows shown in the list; the search counts every match, so "24 fundet" is true.
SHOWN_HITS = 20


def item_label(item: TodayItem | OfferChoice) -> str:
    """``10:00 G-H1`` for a plan item (never a diagnosis), the offer's name for a walk-in."""
    if isinstance(item, TodayItem):
        return f"{clock(item.starts_at)} {item.code}"
    return item.name


def also_text(also: Iterable[AlsoAt]) -> str:
    """Where else a visit was checked in: "også tjekket ind ved Skranke 2 kl. 09:32" (one per
    other device; "" when it was checked in here only)."""
    return ", ".join(
        t("multi.also_at", device=a.device_name or t("multi.other_device"), time=clock(a.at))
        for a in also
    )


def hits_text(result: SearchResult, text: str) -> Words:
    """How many match (all of them, counted by the index) and how many are shown."""
    hits = max(result.total, len(result.hits))
    if not hits:
        return tr("checkin.no_hits", text=text)
    if hits > SHOWN_HITS:
        return tr("desk.hits_shown", count=hits, shown=SHOWN_HITS)
    return tr("checkin.hits", count=hits)


def nothing_found(query: str) -> Words:
    """Enter with nothing highlighted: ask for a name first, or say nobody matched."""
    return tr("desk.type_first") if not query.strip() else tr("checkin.no_hits", text=query)


def refusal_words(refusal: Refused, undo_minutes: int) -> Words:
    """Why an undo, a check-out or a check-in was refused, in the current language."""
    messages = {
        "too_late": tr("checkin.undo_too_late", minutes=undo_minutes),
        "already_undone": tr("checkin.undo_already"),
        "already_out": tr("checkin.checkout_already"),
        "unknown_citizen": tr("desk.unknown_citizen"),
    }
    fallback = tr("checkin.error", error=refusal.reason)
    if not isinstance(refusal, CheckInRefused):
        return fallback
    return messages.get(refusal.reason, fallback)
