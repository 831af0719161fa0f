"""The kiosk app: settings, services, clock and language are injected; no module singletons.

Adding a feature: write ``kiosk/screens/<name>.py`` with a screen class named ``SCREEN``
(derived from ``KioskScreen``), add its service to ``KioskServices``, and bind a key on the
app, e.g. ``Binding("f2", "open('checkin')", "checkin.open", tooltip=..., id="checkin.open")``.
The footer and the command palette list it automatically; the module is imported only when
first opened, which keeps start-up fast.
"""

from __future__ import annotations

import asyncio
import importlib
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen

from kiosk import startup
from kiosk.commands import BindingCommands
from kiosk.guard import StaffGuard
from kiosk.i18n import LANGUAGES, known_language, set_language, t
from kiosk.screens.home import HomeScreen
from models.timeutil import Clock, utcnow

if TYPE_CHECKING:  # imported by the thread that opens them (SQLAlchemy and the models)
    from kiosk.services.container import KioskServices

#: Seconds after start-up before the search index is built in the background.
INDEX_WARMUP_DELAY_S = 2.0
#: Keys handled before the services are open: they need none (the language, quitting).
KEYS_BEFORE_SERVICES = frozenset({"f12", "ctrl+q"})
#: Input that waits until the services are open (and is then handled in order).
WAITS_FOR_SERVICES = (events.Key, events.MouseDown, events.MouseUp, events.Click, events.Paste)


class ServicesUnavailable(RuntimeError):
    """The services could not be opened (the app is quitting with the reason)."""


class ServicesOpened(Message):
    """Posted by the thread that opened the services (or failed to)."""


class KioskApp(App[None]):
    """The front-desk kiosk of one site."""

    #: Home's styles load with the app's: a screen with a CSS file of its own has Textual
    #: re-parse and re-apply the whole stylesheet when first shown, before the first frame.
    CSS_PATH = ["app.tcss", "screens/home.tcss"]
    #: Only our own, translated commands (Textual's system commands are English-only).
    COMMANDS = {BindingCommands}
    ENABLE_COMMAND_PALETTE = True
    BINDINGS: ClassVar[list[BindingType]] = [
        # Feature screens in function-key order, so the footer reads left to right like the
        # keyboard; features add their "open('<screen>')" bindings here.
        Binding("f2", "open('checkin')", "checkin.open", tooltip="checkin.open.tooltip",
                id="checkin.open"),
        Binding("f3", "open('anonymous')", "anon.open", tooltip="anon.open.tooltip",
                id="anon.open"),
        Binding("f4", "open('queue')", "queue.open", tooltip="queue.open.tooltip",
                id="queue.open"),
        Binding("f6", "open('reports')", "reports.open", tooltip="reports.open.tooltip",
                id="reports.open"),
        Binding("f7", "open('sessions')", "attendance.sessions.open",
                tooltip="attendance.sessions.open.tooltip", id="attendance.sessions"),
        Binding("f8", "open('courses')", "courses.open", tooltip="courses.open.tooltip",
                id="courses.open"),
        Binding("f9", "lock", "lock.lock", tooltip="lock.lock.tooltip", id="lock.lock"),
        Binding("f10", "open('sync')", "sync.open", tooltip="sync.open.tooltip", id="sync.open"),
        Binding("ctrl+s", "sync_now", "sync.now", tooltip="sync.now.tooltip", id="sync.now"),
        Binding("f12", "toggle_language", "app.language", tooltip="app.language.tooltip",
                id="app.language"),
        # A questionnaire the site uses stand-alone: no check-in needed (in the palette).
        Binding("ctrl+b", "standalone_questionnaire", "citizen.standalone",
                tooltip="citizen.standalone.tooltip", id="citizen.standalone", show=False),
        # Quitting is rare at a front desk: in the command palette, not the footer.
        Binding("ctrl+q", "quit", "app.quit", tooltip="app.quit.tooltip", id="app.quit",
                show=False, priority=True),
        Binding("ctrl+p", "command_palette", "app.palette", tooltip="app.palette.tooltip",
                id="app.palette", show=False, priority=True),
    ]  # fmt: skip

    #: The UI language; screens watch it to redraw their texts.
    language: reactive[str] = reactive("da", init=False)

    def __init__(
        self,
        services: KioskServices | None,
        *,
        open_services: Callable[[], KioskServices] | None = None,
        clock: Clock = utcnow,
        language: str = "da",
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """``services``, or None and ``open_services``: called in a thread once the first
        screen is drawn (``kiosk.launch``); input other than F12 and Ctrl+Q waits for it."""
        super().__init__()
        if services is None and open_services is None:
            raise ValueError("KioskApp needs its services or a way to open them")
        self._services = services
        self._open_services = open_services
        self._services_ready = threading.Event()
        self._opening: threading.Thread | None = None
        #: Why the services could not be opened (the app then quits; ``launch`` raises it).
        self.services_error: BaseException | None = None
        if services is not None:
            self._services_ready.set()
        self.clock = clock
        language = known_language(language)  # a typo in the settings is no reason to crash
        set_language(language)
        self.set_reactive(KioskApp.language, language)
        #: The logged-in staff member (None: locked), card scans and idle auto-lock.
        self.guard = StaffGuard(self, monotonic=monotonic)

    @property
    def services(self) -> KioskServices:
        """The kiosk's services; waits for them while they are still being opened (a
        screen's worker thread may ask that early; the UI thread asks only after
        ``ServicesOpened``, or for input that waited for it)."""
        if self._services is None:
            self._services_ready.wait()
            if self._services is None:
                raise ServicesUnavailable(str(self.services_error))
        return self._services

    @property
    def services_ready(self) -> bool:
        """True once the services are open (at once when they were handed in)."""
        return self._services is not None

    def services_opened(self) -> KioskServices | None:
        """The services once opened, after waiting for a thread still opening them (e.g. a
        migration when the app quit early); None when they could not be opened."""
        if self._opening is not None:
            self._opening.join()
        return self._services

    def on_mount(self) -> None:
        self.title = t("app.title")
        self.push_screen(HomeScreen())
        if self._services is not None:
            self.call_after_refresh(startup.finished)  # garbage collection resumes once painted
            self._start_services()
        else:  # draw home first, then import SQLAlchemy and open the database
            self.call_after_refresh(self._open_in_thread)

    def _open_in_thread(self) -> None:
        if self._opening is not None or self._services_ready.is_set():
            return  # started already (by early input), or handed in
        self._opening = threading.Thread(target=self._open, name="open-services")
        self._opening.start()

    def _open(self) -> None:
        assert self._open_services is not None
        try:
            self._services = self._open_services()
        except BaseException as err:  # noqa: BLE001 — handed to the UI thread, then to launch
            self.services_error = err
        self._services_ready.set()
        try:
            self.post_message(ServicesOpened())
        except RuntimeError:  # the app has quit meanwhile (its loop is closed)
            pass

    def on_services_opened(self, _message: ServicesOpened) -> None:
        if self._services is None:  # launch says why, once the terminal is restored
            self.exit(return_code=2)
            return
        startup.finished()  # garbage collection resumes now that the services are built
        self._start_services()
        self.reload_screens()  # home reads today's programme now

    def on_unmount(self) -> None:
        if self._opening is None and not self._services_ready.is_set():
            self._services_ready.set()  # quit before the opening started: nobody waits

    async def _wait_for_services(self) -> bool:
        """Wait (without blocking the UI) until the services are open; False if they failed."""
        if not self._services_ready.is_set():
            # Input before the first frame: the app's queue (and the callback that would
            # start the opening) waits with it, so start it now.
            self._open_in_thread()
            await asyncio.to_thread(self._services_ready.wait)
        return self._services is not None

    def _start_services(self) -> None:
        """What runs once the services are there: idle lock, search index, background sync."""
        self.set_interval(1.0, self.guard.check_idle)
        # Build the citizen search index once home is up, so the first F2 finds it ready.
        self.set_timer(INDEX_WARMUP_DELAY_S, self._warm_search_index)
        interval = self.services.settings.sync_interval_seconds
        if interval > 0 and self.services.sync.credential() is not None:
            # Soon after each local write and every 30 s while central answers (SyncPace).
            self.set_interval(1.0, self._background_sync)

    def _warm_search_index(self) -> None:
        frontdesk, now = self.services.frontdesk, self.clock()
        self.run_worker(lambda: frontdesk.ensure_index(now), thread=True, group="search-index")

    def action_sync_now(self) -> None:
        """Sync with central now (also runs on its own every few minutes)."""
        if self._syncing():
            self.notify(t("sync.running"))
            return
        self.notify(t("sync.running"))
        self.run_sync(background=False)

    def _background_sync(self) -> None:
        if not self._syncing() and self.services.sync.background_due():
            self.run_sync(background=True)

    def _syncing(self) -> bool:
        return any(w.group == "sync" and not w.is_finished for w in self.workers)

    @work(group="sync")
    async def run_sync(self, *, background: bool) -> None:
        """One sync session; its database work runs in threads, so the UI stays live.

        Never started twice at once (a session is not cancelled half-way by another)."""
        outcome = await self.services.sync.sync_now(background=background)
        counts = {"pushed": outcome.pushed, "pulled": outcome.pulled, "rejected": outcome.rejected}
        if outcome.ok and outcome.rejected:
            self.notify(t("sync.done_rejected", **counts), severity="warning", timeout=10)
        elif outcome.ok:
            if not background or outcome.pulled or outcome.pushed:
                self.notify(t("sync.done", **counts))
        elif not background:
            from kiosk.screens.sync_words import failure_text

            words = failure_text(outcome.message)
            self.notify(t("sync.failed", error=words), severity="error", timeout=10)
        if outcome.pulled:  # maybe new citizens or a changed plan: rebuild the search index
            self.services.frontdesk.invalidate()
            self._warm_search_index()
        if outcome.pulled or not background:  # another desk's check-ins, marks or tickets
            self.reload_screens()

    def reload_screens(self) -> None:
        """Have the screens in view read their data again (after a sync): the top screen and,
        under a dialog, the screen it covers. Each keeps its cursor and typed input."""
        for screen in reversed(self.screen_stack):
            reload = getattr(screen, "load", None)
            if callable(reload):
                reload()
            if not isinstance(screen, ModalScreen):
                break

    async def on_event(self, event: events.Event) -> None:
        # Input before the services are open waits for them, in order (it is not lost).
        if (
            not self._services_ready.is_set()
            and isinstance(event, WAITS_FOR_SERVICES)
            and not (isinstance(event, events.Key) and event.key in KEYS_BEFORE_SERVICES)
            and not await self._wait_for_services()
        ):
            return  # they could not be opened: the app is quitting
        # Every key passes the card wedge first: a scan works on any screen, locked or not.
        if isinstance(event, events.Key) and not event.is_forwarded:
            if self.guard.intercept(event):
                return
        await super().on_event(event)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:  # noqa: ARG002
        # A screen turned to the citizen offers no staff action, only the language (F12).
        if getattr(self.screen, "CITIZEN_FACING", False) and action != "toggle_language":
            return False
        # Under the lock screen only scans and the login form work.
        locked_out = ("open", "lock", "quit", "sync_now", "standalone_questionnaire")
        if action in locked_out and self.under_lock():
            return False  # nobody quits or opens a feature past the lock
        return True

    def under_lock(self) -> bool:
        """True while the lock screen is anywhere in the stack (a login dialog or the
        command palette may cover it: what they offer must still respect the lock)."""
        return any(type(screen).__name__ == "LockScreen" for screen in self.screen_stack)

    def action_standalone_questionnaire(self) -> None:
        """Turn the screen to the citizen for a stand-alone questionnaire (no check-in)."""
        from kiosk.screens.base import KioskScreen
        from kiosk.screens.citizen_launch import start_standalone

        if isinstance(self.screen, KioskScreen):
            start_standalone(self.screen)
        else:  # a dialog is open: it is answered first
            self.notify(t("citizen.standalone.busy"), severity="warning")

    def action_lock(self) -> None:
        """Lock the kiosk now: nothing personal stays on screen."""
        self.guard.lock("hotkey")

    def watch_language(self, language: str) -> None:
        set_language(language)
        self.refresh_bindings()

    def action_toggle_language(self) -> None:
        """Switch between Danish and English."""
        index = LANGUAGES.index(self.language)
        self.language = LANGUAGES[(index + 1) % len(LANGUAGES)]

    def action_command_palette(self) -> None:
        """Search every command (the footer's and the current screen's)."""
        if self.use_command_palette and not CommandPalette.is_open(self):  # type: ignore[arg-type]
            placeholder = t("app.palette.placeholder")
            self.push_screen(CommandPalette(placeholder=placeholder, id="--command-palette"))

    def action_open(self, name: str) -> None:
        """Open the feature screen ``kiosk/screens/<name>.py`` (its class ``SCREEN``)."""
        self.open_screen(name)

    def open_screen(self, name: str, then: Callable[[Any], None] | None = None) -> None:
        """Switch to a feature screen, asking for a staff login first if it shows names.

        There is only ever one feature screen above home: opening another closes the one in
        front (and any dialog over it) first, so Escape always leads straight home."""
        module = importlib.import_module(f"kiosk.screens.{name}")
        screen_class = module.SCREEN
        if getattr(screen_class, "NEEDS_LOGIN", False) and self.guard.staff is None:
            from kiosk.screens.login import LoginScreen

            def after_login(member: object) -> None:
                if member is not None:
                    self.open_screen(name, then)

            self.push_screen(LoginScreen(), after_login)
            return
        if isinstance(self.screen, screen_class):
            screen = self.screen
        else:
            self.go_home()
            screen = screen_class()
            self.push_screen(screen)
        if then is not None:
            self.call_after_refresh(then, screen)

    def go_home(self) -> None:
        """Close every screen and dialog above home (the lock screen stays where it is)."""
        while len(self.screen_stack) > 2 and type(self.screen).__name__ != "LockScreen":
            self.pop_screen()
