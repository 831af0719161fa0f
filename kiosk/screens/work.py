"""Blocking service calls of a screen, in thread workers, answered in call order by messages.

Every screen and dialog of the kiosk has ``read(call, then)`` and ``request(call, then)``
(``ServiceCalls``): ``call`` runs in a ``@work(thread=True)`` worker, the calls of one screen
run one at a time in the order they were made, and the answer comes back as a message
(``Loaded``, ``RefusedMessage`` or ``Failed``) handled on the UI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual import work
from textual.css.query import NoMatches
from textual.message import Message
from textual.worker import Worker, get_current_worker

from kiosk.i18n import tr
from kiosk.services.refusals import Refused
from kiosk.widgets.words import Words, spoken

log = logging.getLogger(__name__)

#: What a screen does with a service call's result (on the UI thread).
Then = Callable[[Any], object]


class InOrder:
    """Hands out turns on the UI thread; worker threads run their call only on their turn,
    so a read never passes a change made before it and two changes never swap.

    A turn ends when its call is done, or when it is given up (a read replaced by a newer
    one, whose worker may be cancelled before its thread ever starts)."""

    def __init__(self) -> None:
        self._turn = threading.Condition()
        self._issued = 0
        self._serving = 0  # the oldest turn not yet over
        self._over: set[int] = set()

    def ticket(self) -> int:
        with self._turn:
            self._issued += 1
            return self._issued - 1

    def wait(self, ticket: int) -> None:
        with self._turn:
            self._turn.wait_for(lambda: self._serving >= ticket)

    def done(self, ticket: int) -> None:
        """End ``ticket``'s turn (again is harmless)."""
        with self._turn:
            if ticket < self._serving:
                return
            self._over.add(ticket)
            while self._serving in self._over:
                self._over.discard(self._serving)
                self._serving += 1
            self._turn.notify_all()


@dataclass
class Loaded(Message):
    """A service call finished; ``then(result)`` runs on the UI thread."""

    group: str
    result: Any
    then: Then | None


@dataclass
class RefusedMessage(Message):
    """A service call was refused (nothing changed); the screen says why."""

    group: str
    refusal: Refused


@dataclass
class Failed(Message):
    """A service call failed unexpectedly; the screen shows its first line, never a traceback."""

    group: str
    error: str


def first_line(err: BaseException) -> str:
    """The first line of an error, short enough for a status line."""
    return (str(err).splitlines() or [type(err).__name__])[0][:160]


class ServiceCalls:
    """The one way a kiosk screen or dialog runs blocking use cases (SQLite, files).

    ``read(call, then)``: the screen's data; a newer read replaces an older one's answer.
    ``request(call, then)``: a change or a one-off question; every one answers. A refusal
    is said in the status line (``STATUS``: ``#status`` unless a screen says otherwise),
    an unexpected error as one line there."""

    #: The screen's status line: where every action's answer is said.
    STATUS = "#status"

    @property
    def _in_order(self) -> InOrder:
        order: InOrder | None = self.__dict__.get("_service_order")
        if order is None:
            order = self.__dict__["_service_order"] = InOrder()
        return order

    def read(self, call: Callable[[], Any], then: Then | None = None) -> Worker[None]:
        """Read in a worker; a newer read cancels this one's answer (only the latest shows)."""
        order = self._in_order
        older: int | None = self.__dict__.get("_service_last_read")
        if older is not None:
            order.done(older)  # replaced: its worker is cancelled, maybe before it starts
        ticket = self.__dict__["_service_last_read"] = order.ticket()
        return self._service_read(ticket, call, then)

    def request(self, call: Callable[[], Any], then: Then | None = None) -> Worker[None]:
        """Change something (or ask once) in a worker; every request answers, in order."""
        return self._service_request(self._in_order.ticket(), call, then)

    @work(thread=True, exclusive=True, group="screen-read")
    def _service_read(self, ticket: int, call: Callable[[], Any], then: Then | None) -> None:
        self._serve(ticket, call, then, "read")

    # Not exclusive: cancelling a change's worker would hide its answer, not undo it.
    @work(thread=True, group="screen-request")
    def _service_request(self, ticket: int, call: Callable[[], Any], then: Then | None) -> None:
        self._serve(ticket, call, then, "request")

    def _serve(self, ticket: int, call: Callable[[], Any], then: Then | None, group: str) -> None:
        worker = get_current_worker()
        self._in_order.wait(ticket)
        message: Message | None = None
        try:
            if not worker.is_cancelled:  # else a newer read replaces this one
                message = Loaded(group, call(), then)
        except Refused as refusal:
            message = RefusedMessage(group, refusal)
        except Exception as err:  # said in one line; the kiosk keeps running
            log.exception("a %s on %s failed", group, type(self).__name__)
            message = Failed(group, first_line(err))
        finally:
            self._in_order.done(ticket)
        if message is not None and not worker.is_cancelled:
            self.post_message(message)  # type: ignore[attr-defined]

    def on_loaded(self, message: Loaded) -> None:
        message.stop()
        if message.then is not None:
            message.then(message.result)

    def on_refused_message(self, message: RefusedMessage) -> None:
        message.stop()
        self.show_refusal(message.refusal)

    def on_failed(self, message: Failed) -> None:
        message.stop()
        self.set_status(tr("app.error.failed", error=message.error), warning=True)

    def show_refusal(self, refusal: Refused) -> None:
        """Say why a use case said no (in ``#status``)."""
        self.set_status(self.refusal_text(refusal), warning=True)

    def refusal_text(self, refusal: Refused) -> Words:
        """What to say about a refusal (screens translate their own reasons)."""
        return tr("app.error.refused", reason=refusal.reason)

    def set_status(self, text: Words, warning: bool = False) -> None:
        """Say what just happened in the status line (a notice if there is none)."""
        node: Any = self
        try:
            status: Any = node.query_one(self.STATUS)
        except NoMatches:
            node.notify(spoken(text), severity="warning" if warning else "information")
            return
        if hasattr(status, "say"):
            status.say(text)
        else:
            status.update(text)
        status.set_class(warning, "-warning")
