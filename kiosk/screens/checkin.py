"""Check-in: search as you type, arrows + Enter, a card scan, undo, check-out."""

from __future__ import annotations

from functools import partial
from typing import Any, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.timer import Timer
from textual.widgets import Input

from kiosk.i18n import t, tr
from kiosk.i18n.formats import clock
from kiosk.screens.base import KioskScreen
from kiosk.screens.checkin_corrections import CheckInCorrections
from kiosk.screens.checkin_words import (
    SHOWN_HITS,
    also_text,
    hits_text,
    item_label,
    nothing_found,
)
from kiosk.screens.citizen_prompt import CitizenPrompt
from kiosk.screens.picker import PickerScreen
from kiosk.services.checkin import CheckInRecord, Outcome
from kiosk.services.plan import OfferChoice, TodayItem
from kiosk.services.search import SearchResult
from kiosk.widgets.keybar import KeyBar
from kiosk.widgets.line import Line
from kiosk.widgets.result_list import ResultList
from kiosk.widgets.search_input import SearchInput
from kiosk.widgets.words import Phrase

#: A search is audited once its text has not changed for this long (not per keystroke).
AUDIT_SETTLE_S = 2.0


class CheckInScreen(CitizenPrompt, CheckInCorrections, KioskScreen):
    """Find a citizen and check them in; the screen forgets them a few seconds later."""

    NEEDS_LOGIN = True
    CSS_PATH = "checkin.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "check_in", "checkin.enter", tooltip="checkin.enter.tooltip",
                id="checkin.enter"),
        Binding("down", "move(1)", "checkin.down", show=False, id="checkin.down"),
        Binding("up", "move(-1)", "checkin.up", show=False, id="checkin.up"),
        Binding("tab", "accept_suggestion", "checkin.accept", tooltip="checkin.accept.tooltip",
                id="checkin.accept", priority=True),
        Binding("ctrl+z", "undo", "checkin.undo", tooltip="checkin.undo.tooltip",
                id="checkin.undo"),
        Binding("ctrl+o", "check_out", "checkin.checkout", tooltip="checkin.checkout.tooltip",
                id="checkin.checkout"),
        Binding("escape", "back", "checkin.back", tooltip="checkin.back.tooltip",
                id="checkin.back"),
        Binding("f5", "citizen_mode", "citizen.open", tooltip="citizen.open.tooltip",
                id="citizen.open"),
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.result = SearchResult("")
        self.last: CheckInRecord | None = None
        self._audited = ""
        self._audit_timer: Timer | None = None
        self._clear_timer: Timer | None = None
        #: Who is already checked in today: citizen id -> their (latest) standing check-in.
        self.checked_in: dict[str, CheckInRecord] = {}
        self._ready = False
        self._typed_early = ""

    @property
    def frontdesk(self) -> Any:
        return self.kiosk.services.frontdesk

    def compose(self) -> ComposeResult:
        yield Phrase(tr("checkin.title"), id="checkin-title")
        yield SearchInput(self._changed, placeholder=t("checkin.placeholder"), id="search")
        yield Line("", id="suggestion")
        yield ResultList((34, 6, 60), id="results")
        yield Line("", id="status")
        yield KeyBar()

    def on_mount(self) -> None:
        self.retranslate()
        self.query_one("#search", Input).focus()
        self._ready = True
        if self._typed_early:
            self.type_text(self._typed_early)
            self._typed_early = ""
        if not self.frontdesk.ready:
            self.set_status(tr("checkin.loading"))
        now = self.kiosk.clock()
        self.read(lambda: self.frontdesk.ensure_index(now), lambda _index: self.refresh_results())
        self.read_check_ins()

    def read_check_ins(self) -> None:
        """Read who is checked in today (the list's "I dag" column shows it)."""
        now = self.kiosk.clock()
        self.request(lambda: self.frontdesk.todays_check_ins(now), self._check_ins_read)

    def _check_ins_read(self, records: list[CheckInRecord]) -> None:
        self.checked_in = {r.citizen_id: r for r in sorted(records, key=lambda r: r.at)}
        self.refresh_results(announce=False)

    def retranslate(self) -> None:
        """The placeholder and column headers; the status lines redraw themselves."""
        self.query_one("#search", Input).placeholder = t("checkin.placeholder")
        headers = (t(f"checkin.col.{key}") for key in ("name", "born", "today"))
        self.query_one(ResultList).set_headers(*headers)
        if self._ready:
            self.refresh_results(announce=False)  # "✓ inde 09:30" in the new language

    def load(self) -> None:
        """After a sync: search the typed text again in the rebuilt index (new citizens, a
        changed plan); the highlight stays on the same citizen and the status is kept."""
        now = self.kiosk.clock()
        self.read(lambda: self.frontdesk.ensure_index(now),
                  lambda _index: self.refresh_results(announce=False))  # fmt: skip
        self.read_check_ins()

    # -- search ----------------------------------------------------------------------------

    def _changed(self, _text: str) -> None:
        """Each change of the search text: results at once, the audit once it settles."""
        self.refresh_results()
        if self._audit_timer is not None:
            self._audit_timer.stop()
        self._audit_timer = self.set_timer(AUDIT_SETTLE_S, self.audit_search)

    def refresh_results(self, *, announce: bool = True) -> None:
        """Search the current text and redraw the list (sub-millisecond, on the UI thread);
        ``announce``: say in the status line how many were found."""
        text = self.query_one("#search", Input).value
        self.result = self.frontdesk.search(text, limit=SHOWN_HITS)
        rows = [(hit.citizen_id, self._cells(hit)) for hit in self.result.hits[:SHOWN_HITS]]
        self.query_one(ResultList).set_rows(rows, keep_highlight=not announce)
        suggestion = self.result.suggestion
        self.query_one("#suggestion", Line).update(
            tr("checkin.suggestion", text=suggestion) if suggestion else ""
        )
        if not announce:
            return
        refusal = self.frontdesk.search_refusal(text)
        if refusal is not None:  # not run, and the audit keeps no text (services say so)
            self.set_status(tr(refusal), True)
        elif text.strip() and self.frontdesk.ready:
            self.set_status(hits_text(self.result, text))
        elif self.frontdesk.ready and self.last is None:
            self.set_status("")

    def _cells(self, hit: Any) -> tuple[str, str, str]:
        plan = ", ".join(item_label(i) for i in self.frontdesk.plan(hit.citizen_id)) or "–"
        arrived = self.checked_in.get(hit.citizen_id)
        if arrived is not None:
            here = t("desk.checked_in_at", time=clock(arrived.at))
            plan = " · ".join(part for part in (here, also_text(arrived.also), plan) if part)
        return hit.display_name, str(hit.birth_year) if hit.birth_year else "", plan

    def type_text(self, text: str) -> None:
        """Start (or go on with) a search with ``text``: letters typed on home land here,
        in the order typed, even before the screen has finished opening."""
        if not self._ready:
            self._typed_early += text
            return
        search = self.query_one("#search", Input)
        search.focus()
        search.insert_text_at_cursor(text)

    def on_key(self, event: events.Key) -> None:
        # A letter typed before the search field had the focus (just opened from home).
        if not self._ready or self.query_one("#search").has_focus:
            return
        if event.is_printable and event.character:
            event.stop()
            self.type_text(event.character)

    def audit_search(self) -> None:
        """Record the search text once (it settled, or staff acted on it)."""
        text = self.query_one("#search", Input).value.strip()
        staff = self.kiosk.guard.staff
        if not text or text == self._audited or staff is None:
            return
        self._audited = text
        hits, now = max(self.result.total, len(self.result.hits)), self.kiosk.clock()
        self.request(lambda: self.frontdesk.audit_search(staff, text, hits, now))

    def action_move(self, step: int) -> None:
        """Move the highlight in the result list."""
        self.query_one(ResultList).move(step)

    def action_accept_suggestion(self) -> None:
        """Search for the "did you mean …?" suggestion instead."""
        if self.result.suggestion:
            search = self.query_one("#search", Input)
            search.value = self.result.suggestion
            search.cursor_position = len(search.value)

    # -- check-in ----------------------------------------------------------------------------

    @on(Input.Submitted, "#search")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_check_in()

    def action_check_in(self, target: TodayItem | OfferChoice | None = None,
                        citizen_id: str | None = None) -> None:  # fmt: skip
        """Check in the highlighted citizen (or ``citizen_id`` to ``target``)."""
        if citizen_id is None:
            citizen_id = self.query_one(ResultList).highlighted_key
            if citizen_id is None:
                query = self.query_one("#search", Input).value
                self.set_status(nothing_found(query), True)
                return
        self.audit_search()
        staff, now = self.kiosk.guard.staff, self.kiosk.clock()
        if staff is None:
            return
        self.request(
            lambda: self.frontdesk.check_in(citizen_id, staff, now, target), self.show_scan
        )

    def show_scan(self, outcome: Outcome) -> None:
        """Show what a check-in (by name or by card) did, or ask which offer."""
        record = outcome.record
        if outcome.status == "checked_in" and record is not None:
            self.last = record
            self.checked_in[record.citizen_id] = record
            self.refresh_results(announce=False)
            self.set_status(tr("checkin.done", name=record.display_name, what=record.label,
                               time=clock(record.at)))  # fmt: skip
            self.clear_soon()
            self.offer_questionnaire(record)
        elif outcome.status == "duplicate" and record is not None:
            self.set_status(partial(duplicate_text, record), True)
            self.clear_soon()
            self.offer_questionnaire(record, ratings_only=True)  # a FIT session rating
        elif outcome.status == "choose" and outcome.citizen_id is not None:
            self.ask_which(outcome)
        else:
            from kiosk.guard import scan_message

            self.set_status(partial(scan_message, outcome), True)

    def ask_which(self, outcome: Outcome) -> None:
        options: list[TodayItem | OfferChoice] = [*outcome.items, *outcome.offers]
        citizen_id = outcome.citizen_id

        def chosen(target: TodayItem | OfferChoice | None) -> None:
            if target is not None:
                self.action_check_in(target, citizen_id)

        title = tr("picker.title", name=outcome.first_name)
        self.app.push_screen(PickerScreen(title, [item_label(o) for o in options], options), chosen)

    def clear_soon(self) -> None:
        """Forget the search and names on screen a few seconds after a check-in."""
        if self._clear_timer is not None:
            self._clear_timer.stop()
        delay = self.kiosk.services.settings.clear_after_checkin_seconds
        self._clear_timer = self.set_timer(delay, self.clear)

    def clear(self) -> None:
        self.query_one("#search", Input).value = ""
        self.set_status("")
        self.refresh_results()

    def scan_interrupted(self) -> None:
        """A card was scanned while typing: its characters are not a search."""
        self._audited = self.query_one("#search", Input).value.strip()

    def action_back(self) -> None:
        """Clear the search, or go back to home when it is empty."""
        if self.query_one("#search", Input).value:
            self.clear()
        else:
            self.kiosk.go_home()


SCREEN = CheckInScreen


def duplicate_text(record: CheckInRecord) -> str:
    """ "already checked in", and where else the same visit was checked in (other desks)."""
    first = t("checkin.duplicate", name=record.display_name, what=record.label,
              time=clock(record.at))  # fmt: skip
    also = also_text(record.also)
    return f"{first} {also[:1].upper()}{also[1:]}." if also else first
