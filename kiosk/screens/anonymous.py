"""Anonymous contact: offer, topic(s) and an optional age band in two or three keys."""

from __future__ import annotations

import string
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from kiosk.i18n import current_language, t, tr
from kiosk.screens.base import KioskScreen
from kiosk.services.anonymous import AGE_BANDS, AnonymousRefused, Choice
from kiosk.services.refusals import Refused
from kiosk.widgets.keybar import KeyBar
from kiosk.widgets.words import Phrase, Words

AGE_KEYS = string.ascii_lowercase[: len(AGE_BANDS)]


class AnonymousScreen(KioskScreen):
    """A number picks the offer, further numbers toggle topics; a letter (age) or Enter saves.

    Nothing about the person is asked or stored.
    """

    NEEDS_LOGIN = True
    CSS_PATH = "anonymous.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(str(n), f"number({n})", "anon.pick", tooltip="anon.pick.tooltip",
                    show=n == 1, key_display="1–9", id=f"anon.number{n}")
            for n in range(1, 10)
        ),
        *(
            Binding(key, f"age('{band}')", "anon.age", show=key == "a", key_display="a–e",
                    id=f"anon.age.{key}")
            for key, band in zip(AGE_KEYS, AGE_BANDS, strict=True)
        ),
        Binding("enter", "save", "anon.save", tooltip="anon.save.tooltip", id="anon.save"),
        Binding("backspace", "reset", "anon.reset", tooltip="anon.reset.tooltip",
                id="anon.reset"),
        Binding("escape", "back", "anon.back", id="anon.back"),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.offers: list[Choice] = []
        self.topics: list[Choice] = []
        self.offer: Choice | None = None
        self.chosen: list[Choice] = []

    def compose(self) -> ComposeResult:
        yield Phrase(tr("anon.title"), id="anon-title")
        yield Static(id="anon-offers", classes="anon-step")
        yield Static(id="anon-topics", classes="anon-step")
        yield Static(id="anon-ages", classes="anon-step")
        yield Phrase("", id="status")
        yield KeyBar()

    def on_mount(self) -> None:
        self.load()

    def retranslate(self) -> None:
        self.draw()  # offer and topic names, the steps and age bands; the status redraws itself

    def load(self) -> None:
        """Read the offers and topics (again, after a sync); a half-made choice is kept when
        its offer and topics still exist."""

        def loaded(choices: tuple[list[Choice], list[Choice]]) -> None:
            self.offers, self.topics = choices
            offers, topics = {o.id: o for o in self.offers}, {c.id: c for c in self.topics}
            self.offer = offers.get(self.offer.id) if self.offer else None
            chosen = [topics.get(c.id) for c in self.chosen] if self.offer else []
            self.chosen = [c for c in chosen if c is not None]
            self.draw()

        self.read(self.kiosk.services.frontdesk.anonymous_choices, loaded)

    def label_of(self, choice: Choice) -> str:
        return choice.name_en if current_language() == "en" else choice.name_da

    def draw(self) -> None:
        def line(n: int, choice: Choice, selected: bool) -> str:
            mark = "[reverse]" if selected else ""
            end = "[/reverse]" if selected else ""
            return f"{mark} {n} {self.label_of(choice)} {end}"

        offers = "  ".join(line(n, o, o == self.offer) for n, o in enumerate(self.offers, 1))
        topics = "  ".join(line(n, c, c in self.chosen) for n, c in enumerate(self.topics, 1))
        bands = zip(AGE_KEYS, AGE_BANDS, strict=True)
        ages = "  ".join(f"{key} {t(f'anon.age.{band}')}" for key, band in bands)
        self.query_one("#anon-offers", Static).update(f"{t('anon.step.offer')}\n{offers}")
        self.query_one("#anon-topics", Static).update(f"{t('anon.step.topics')}\n{topics}")
        self.query_one("#anon-ages", Static).update(f"{t('anon.step.age')}\n{ages}")
        self.query_one("#anon-offers").set_class(self.offer is None, "-current")
        self.query_one("#anon-topics").set_class(self.offer is not None, "-current")

    def refusal_text(self, refusal: Refused) -> Words:
        return (
            tr("desk.anon_refused")
            if isinstance(refusal, AnonymousRefused)
            else super().refusal_text(refusal)
        )

    def action_number(self, n: int) -> None:
        """Pick offer ``n``, then toggle topic ``n``."""
        if self.offer is None:
            if n <= len(self.offers):
                self.offer = self.offers[n - 1]
                self.set_status("")
        elif n <= len(self.topics):
            topic = self.topics[n - 1]
            if topic in self.chosen:
                self.chosen.remove(topic)
            else:
                self.chosen.append(topic)
        self.draw()

    def action_age(self, band: str) -> None:
        """Set the age band and save."""
        self.save(band)

    def action_save(self) -> None:
        """Save without an age band."""
        self.save(None)

    def save(self, band: str | None) -> None:
        offer, topics = self.offer, list(self.chosen)
        if offer is None:
            self.set_status(tr("anon.need_offer"), True)
            return
        if not topics:
            self.set_status(tr("anon.need_topic"), True)
            return
        frontdesk, now = self.kiosk.services.frontdesk, self.kiosk.clock()

        def saved() -> str:
            age = f" · {t(f'anon.age.{band}')}" if band else ""
            return t("anon.saved", offer=self.label_of(offer),
                     topics=", ".join(self.label_of(c) for c in topics), age=age)  # fmt: skip

        def done(_none: None) -> None:
            self.action_reset()
            self.set_status(saved)

        topic_ids = [c.id for c in topics]
        self.request(lambda: frontdesk.register_anonymous(offer.id, topic_ids, band, now), done)

    def action_reset(self) -> None:
        """Start over."""
        self.offer, self.chosen = None, []
        self.set_status("")
        self.draw()

    def scan_interrupted(self) -> None:
        """A card scan's digits are not choices here."""
        self.action_reset()

    def action_back(self) -> None:
        """Start over, or go back when nothing is chosen."""
        if self.offer is not None:
            self.action_reset()
        else:
            self.kiosk.go_home()


SCREEN: Any = AnonymousScreen
