"""Check-in: search as you type, arrows + Enter, a card scan, undo, check-out."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.timer import Timer
from textual.widgets import Input

from kiosk.i18n import t, tr
from kiosk.i18n.formats import clock
from kiosk.screens.base import KioskScreen
from kiosk.screens.picker import PickerScreen
from kiosk.services.checkin import CheckInRecord, CheckInRefused, Outcome
from kiosk.services.plan import OfferChoice, TodayItem
from kiosk.services.search import SearchResult
from kiosk.widgets.keybar import KeyBar
from kiosk.widgets.line import Line
from kiosk.widgets.result_list import ResultList
from kiosk.widgets.search_input import SearchInput
from kiosk.widgets.words import Phrase, Words

#: A search is audited once its text has not changed for this long (not per keystroke).
AUDIT_SETTLE_S = 2.0


def item_label(item: TodayItem | OfferChoice) -> str:
    """``10:00 G-H1`` for a plan item (never a diagnosis), the offer's name for a walk-in."""
    if isinstance(item, TodayItem):
        return f"{clock(item.starts_at)} {item.code}"
    return item.name


class CheckInScreen(KioskScreen):
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
    ]  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.result = SearchResult("")
        self.last: CheckInRecord | None = None
        self._audited = ""
        self._audit_timer: Timer | None = None
        self._clear_timer: Timer | None = None

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
        if not self.frontdesk.ready:
            self.set_status(tr("checkin.loading"))
        self.run_in_thread(lambda: self.frontdesk.ensure_index(self.kiosk.clock()),
                           lambda _index: self.refresh_results())  # fmt: skip

    def retranslate(self) -> None:
        """The placeholder and column headers; the status lines redraw themselves."""
        self.query_one("#search", Input).placeholder = t("checkin.placeholder")
        headers = (t(f"checkin.col.{key}") for key in ("name", "born", "today"))
        self.query_one(ResultList).set_headers(*headers)

    def load(self) -> None:
        """After a sync: search the typed text again in the rebuilt index (new citizens, a
        changed plan); the highlight stays on the same citizen and the status is kept."""
        now = self.kiosk.clock()
        self.run_in_thread(lambda: self.frontdesk.ensure_index(now),
                           lambda _index: self.refresh_results(announce=False))  # fmt: skip

    # -- helpers ---------------------------------------------------------------------------

    def run_in_thread(self, work: Callable[[], Any], done: Callable[[Any], None]) -> None:
        """Run blocking ``work`` (SQLite) in a worker; ``done(result)`` back on the UI thread."""

        def run() -> None:
            try:
                result = work()
            except CheckInRefused as refused:
                self.app.call_from_thread(self.refused, refused)
                return
            except Exception as err:  # shown, never swallowed; the kiosk keeps running
                self.app.call_from_thread(self.set_status, tr("checkin.error", error=err), True)
                return
            self.app.call_from_thread(done, result)

        self.run_worker(run, thread=True, group="checkin")

    def set_status(self, text: Words, warning: bool = False) -> None:
        status = self.query_one("#status", Line)
        status.update(text)
        status.set_class(warning, "-warning")

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
        self.result = self.frontdesk.search(text)
        rows = []
        for hit in self.result.hits:
            plan = ", ".join(item_label(i) for i in self.frontdesk.plan(hit.citizen_id))
            born = str(hit.birth_year) if hit.birth_year else ""
            rows.append((hit.citizen_id, (hit.display_name, born, plan or "–")))
        self.query_one(ResultList).set_rows(rows, keep_highlight=not announce)
        suggestion = self.result.suggestion
        self.query_one("#suggestion", Line).update(
            tr("checkin.suggestion", text=suggestion) if suggestion else ""
        )
        if not announce:
            return
        if text.strip() and self.frontdesk.ready:
            hits = len(self.result.hits)
            message = tr("checkin.hits", count=hits) if hits else tr("checkin.no_hits", text=text)
            self.set_status(message)
        elif self.frontdesk.ready and self.last is None:
            self.set_status("")

    def audit_search(self) -> None:
        """Record the search text once (it settled, or staff acted on it)."""
        text = self.query_one("#search", Input).value.strip()
        staff = self.kiosk.guard.staff
        if not text or text == self._audited or staff is None:
            return
        self._audited = text
        hits, now = len(self.result.hits), self.kiosk.clock()
        self.run_in_thread(lambda: self.frontdesk.audit_search(staff, text, hits, now),
                           lambda _none: None)  # fmt: skip

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
                self.set_status(tr("checkin.no_hits", text=self.result.query), True)
                return
        self.audit_search()
        staff, now = self.kiosk.guard.staff, self.kiosk.clock()
        if staff is None:
            return
        self.run_in_thread(
            lambda: self.frontdesk.check_in(citizen_id, staff, now, target), self.show_scan
        )

    def show_scan(self, outcome: Outcome) -> None:
        """Show what a check-in (by name or by card) did, or ask which offer."""
        record = outcome.record
        if outcome.status == "checked_in" and record is not None:
            self.last = record
            self.set_status(tr("checkin.done", name=record.display_name, what=record.label,
                               time=clock(record.at)))  # fmt: skip
            self.clear_soon()
        elif outcome.status == "duplicate" and record is not None:
            self.set_status(partial(duplicate_text, record), True)
            self.clear_soon()
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

    # -- corrections ---------------------------------------------------------------------------

    def action_undo(self) -> None:
        """Undo the last check-in made here (within the undo window)."""
        last, staff = self.last, self.kiosk.guard.staff
        if last is None or staff is None:
            self.set_status(tr("checkin.undo_nothing"), True)
            return
        now = self.kiosk.clock()

        def undone(_none: None) -> None:
            self.last = None
            self.set_status(tr("checkin.undone", name=last.display_name))

        self.run_in_thread(lambda: self.frontdesk.undo(last.id, staff, now), undone)

    def refused(self, refused: CheckInRefused) -> None:
        minutes = self.kiosk.services.settings.undo_minutes
        messages = {
            "too_late": tr("checkin.undo_too_late", minutes=minutes),
            "already_undone": tr("checkin.undo_already"),
            "already_out": tr("checkin.checkout_already"),
        }
        self.set_status(messages.get(refused.reason, tr("checkin.error", error=refused.reason)),
                        True)  # fmt: skip

    def action_check_out(self) -> None:
        """Check out someone checked in today to an offer that wants a check-out."""
        now = self.kiosk.clock()
        self.run_in_thread(lambda: self.frontdesk.todays_check_ins(now), self._pick_checkout)

    def _pick_checkout(self, records: list[CheckInRecord]) -> None:
        open_ = [r for r in records if r.wants_checkout and not r.checked_out]
        if not open_:
            self.set_status(tr("checkin.checkout_none"), True)
            return
        labels = [f"{r.display_name} · {r.label} · {clock(r.at)}" for r in open_]
        self.app.push_screen(
            PickerScreen(tr("picker.title_checkout"), labels, open_), self._check_out
        )

    def _check_out(self, record: CheckInRecord | None) -> None:
        staff = self.kiosk.guard.staff
        if record is None or staff is None:
            return
        now = self.kiosk.clock()
        self.run_in_thread(
            lambda: self.frontdesk.check_out(record.id, staff, now),
            lambda _none: self.set_status(
                tr("checkin.checked_out", name=record.display_name, time=clock(now))
            ),
        )

    def action_back(self) -> None:
        """Clear the search, or go back to home when it is empty."""
        if self.query_one("#search", Input).value:
            self.clear()
        else:
            self.app.pop_screen()


SCREEN = CheckInScreen


def duplicate_text(record: CheckInRecord) -> str:
    """ "already checked in", and where else the same visit was checked in (other desks)."""
    also = [t("multi.also_at", device=a.device_name, time=clock(a.at)) for a in record.also]
    first = t("checkin.duplicate", name=record.display_name, what=record.label,
              time=clock(record.at))  # fmt: skip
    return " ".join([first, *also])
