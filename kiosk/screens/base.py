"""Base screens: bindings shown in the current language, typed access to the kiosk app."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual.binding import ActiveBinding, Binding
from textual.screen import ModalScreen, Screen

from kiosk.i18n import t

if TYPE_CHECKING:
    from kiosk.app import KioskApp

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


class KioskScreen(Screen[Any]):
    """A full screen of the kiosk. Declare ``BINDINGS`` with i18n keys as descriptions."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return translate_active(super().active_bindings)

    @property
    def kiosk(self) -> KioskApp:
        """The app, typed: ``self.kiosk.services``, ``self.kiosk.clock``."""
        return cast("KioskApp", self.app)


class KioskModal(ModalScreen[ResultT]):
    """A modal dialog of the kiosk (``dismiss(value)`` returns its answer)."""

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return translate_active(super().active_bindings)

    @property
    def kiosk(self) -> KioskApp:
        return cast("KioskApp", self.app)
