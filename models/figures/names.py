"""Display names for report cells (sites, offers, topics) and the few fixed words, per language."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlmodel import Session, select

from models import Offer, Site, Topic
from models.figures.report import Cell, Column, ColumnType, Language
from models.text import danish_sort_key

WORDS: dict[str, tuple[str, str]] = {
    "total": ("I alt", "Total"),
    "no_topic": ("(intet emne)", "(no topic)"),
    "no_age": ("(ikke oplyst)", "(not given)"),
    "all_sites": ("Alle steder", "All sites"),
    "yes": ("ja", "yes"),
    "no": ("nej", "no"),
    "counted": ("afholdt", "held"),
    "cancelled": ("aflyst", "cancelled"),
    "unrecorded": ("uden registrering", "nothing recorded"),
    "not_yet": ("ikke holdt endnu", "not held yet"),
}


def column(key: str, da: str, en: str, kind: ColumnType = ColumnType.TEXT) -> Column:
    return Column(key, da, en, kind)


def count(key: str, da: str, en: str) -> Column:
    return Column(key, da, en, ColumnType.INT)


class Names:
    """Names in one language for sites, offers and topics (ids shown for unknown ones)."""

    def __init__(self, session: Session, language: Language = "da") -> None:
        english = language == "en"
        self.language = language
        self.sites = {s.id: s.name for s in session.exec(select(Site)).all()}
        offers = session.exec(select(Offer)).all()
        self.offers = {o.id: o.name_en if english else o.name_da for o in offers}
        self.offer_order = {o.id: o.sort_order for o in offers}
        topics = session.exec(select(Topic)).all()
        self.topics = {t.id: t.name_en if english else t.name_da for t in topics}

    def word(self, key: str) -> str:
        da, en = WORDS[key]
        return en if self.language == "en" else da

    def site(self, site_id: str) -> str:
        return self.sites.get(site_id, site_id)

    def offer(self, offer_id: str) -> str:
        return self.offers.get(offer_id, offer_id)

    def topic(self, topic_id: str) -> str:
        return self.topics.get(topic_id, topic_id) if topic_id else self.word("no_topic")


def sort_rows(
    rows: Iterable[tuple[Cell, ...]], columns: tuple[Column, ...], keys: tuple[str, ...]
) -> list[tuple[Cell, ...]]:
    """Rows sorted on the columns named ``keys``: text the Danish way, dates and numbers as is."""
    at = [next(i for i, c in enumerate(columns) if c.key == k) for k in keys]
    texts: dict[str, tuple[str, str]] = {}  # a report repeats few names over many rows

    def key(row: tuple[Cell, ...]) -> tuple[object, ...]:
        out: list[object] = []
        for i in at:
            value = row[i]
            if isinstance(value, str):
                text_key = texts.get(value)
                if text_key is None:
                    text_key = texts[value] = danish_sort_key(value)
                out.append(text_key)
            elif isinstance(value, date):
                out.append((value.toordinal(),))
            else:
                out.append((value if value is not None else -1,))
        return tuple(out)

    return sorted(rows, key=key)
