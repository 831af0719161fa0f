"""Base screens: texts and bindings in the current language, typed access to the kiosk app."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

from textual import events, on
from textual.binding import ActiveBinding, Binding, BindingType
from textual.screen import ModalScreen, Screen

from kiosk.i18n import t
from kiosk.screens.work import ServiceCalls

if TYPE_CHECKING:
    from kiosk.app import KioskApp
    from kiosk.services.staff import StaffMember

ResultT = TypeVar("ResultT")


def translated(binding: Binding) -> Binding:
    """``binding`` with its description and tooltip (i18n keys) in the current language."""
    return replace(
        binding,
        description=t(binding.description) if binding.description else "",
        tooltip=t(binding.tooltip) if binding.tooltip else "",
    )


def translate_active(bindings: dict[str, ActiveBinding]) -> dict[str, ActiveBinding]:
    """Active bindings as the footer and the command palette should show them."""
    return {
        key: ActiveBinding(
            active.node,
            translated(active.binding),
            active.enabled,
            t(active.tooltip) if active.tooltip else "",
        )
        for key, active in bindings.items()
    }


def watch_language(screen: Screen[Any]) -> None:
    """Call ``retranslate()`` on ``screen`` and each of its widgets that has one whenever
    the app's language changes (F12): every open screen redraws at once, not when reopened."""

    def switched(_language: str) -> None:
        for node in screen.walk_children(with_self=False):
            hook = getattr(node, "retranslate", None)
            if callable(hook):
                hook()
        screen.retranslate()  # type: ignore[attr-defined]

    if hasattr(type(screen.app), "language"):
        screen.watch(screen.app, "language", switched, init=False)


class KioskScreen(ServiceCalls, Screen[Any]):
    """A full screen of the kiosk. Declare ``BINDINGS`` with i18n keys as descriptions.

    Texts from ``t(...)`` are redrawn in ``retranslate()`` (widgets with their own
    ``retranslate()`` are called too); data is read again in ``load()`` after a sync.

    Blocking use cases go through ``read(call, then)`` and ``request(call, then)``
    (``kiosk.screens.work.ServiceCalls``); refusals and errors are said in ``#status``."""

    @on(events.Mount)
    def _watch_language(self) -> None:
        watch_language(self)

    def retranslate(self) -> None:
        """Redraw everything shown that comes from ``t(...)``, in the new language."""

    def load(self) -> object:
        """Read the shown data again (a sync brought changes); keep the cursor and input.

        May return the worker it starts; callers ignore the result."""
        return None

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return translate_active(super().active_bindings)

    @property
    def kiosk(self) -> KioskApp:
        """The app, typed: ``self.kiosk.services``, ``self.kiosk.clock``."""
        return cast("KioskApp", self.app)

    @property
    def staff(self) -> StaffMember | None:
        """Whoever is logged in *now* (None: locked): the one a use case acts as."""
        return self.kiosk.guard.staff


class KioskModal(ServiceCalls, ModalScreen[ResultT]):
    """A modal dialog of the kiosk (``dismiss(value)`` returns its answer).

    A dialog hides the app's keys; F12 is repeated here so the language can be switched
    in the middle of a login or a dialog as well."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f12", "app.toggle_language", "app.language", tooltip="app.language.tooltip",
                id="modal.language"),
    ]  # fmt: skip

    @on(events.Mount)
    def _watch_language(self) -> None:
        watch_language(self)

    def retranslate(self) -> None:
        """Redraw everything shown that comes from ``t(...)``, in the new language."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return translate_active(super().active_bindings)

    @property
    def kiosk(self) -> KioskApp:
        return cast("KioskApp", self.app)
