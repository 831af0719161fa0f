"""Command palette: every action bound on the app or the current screen, found automatically.

A feature appears here just by declaring a ``Binding`` (with an i18n description) in its
``BINDINGS``; nothing is registered by hand.
"""

from __future__ import annotations

from collections.abc import Coroutine, Iterator
from functools import partial
from typing import Any

from textual.app import App
from textual.binding import ActiveBinding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from kiosk.widgets.keybar import key_label

#: Actions that make no sense from inside the palette itself.
HIDDEN_ACTIONS = frozenset({"command_palette"})


class BindingCommands(Provider):
    """Offers the actions of the active bindings, named as in the footer."""

    def _commands(self) -> Iterator[tuple[str, str, ActiveBinding]]:
        seen: set[str] = set()
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if not isinstance(active.node, App | Screen) or binding.id is None:
                continue  # cursor keys of a focused widget, Textual's own extras
            if not binding.description or binding.action in HIDDEN_ACTIONS:
                continue
            if binding.action in seen or not active.enabled:
                continue
            seen.add(binding.action)
            key = key_label(binding)
            help_text = f"{key} · {active.tooltip}" if active.tooltip else key
            yield binding.description, help_text, active

    def _runner(self, active: ActiveBinding) -> partial[Coroutine[Any, Any, bool]]:
        return partial(self.app.run_action, active.binding.action, active.node)

    async def discover(self) -> Hits:
        for name, help_text, active in sorted(self._commands(), key=lambda c: c[0]):
            yield DiscoveryHit(name, self._runner(active), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, active in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), self._runner(active), help=help_text)
