"""Texts that follow a language switch: a widget keeps how to say it, not what it said."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.widgets import Label, Static

#: A fixed text, or a function giving the text in the current language (``i18n.tr``).
Words = str | Callable[[], str]


def spoken(words: Words) -> str:
    """The text of ``words`` in the current language."""
    return words() if callable(words) else words


class Phrase(Static):
    """A Static whose text is ``Words``: ``say(tr("key", ...))`` redraws itself after F12
    (the screen calls ``retranslate()`` on every widget that has one)."""

    def __init__(self, words: Words = "", **kwargs: Any) -> None:
        super().__init__(spoken(words), **kwargs)
        self._words = words

    def say(self, words: Words) -> None:
        self._words = words
        self.update(spoken(words))

    def retranslate(self) -> None:
        if callable(self._words):
            self.update(self._words())


class Caption(Label):
    """A Label whose text is ``Words``, like ``Phrase``."""

    def __init__(self, words: Words = "", **kwargs: Any) -> None:
        super().__init__(spoken(words), **kwargs)
        self._words = words

    def say(self, words: Words) -> None:
        self._words = words
        self.update(spoken(words))

    def retranslate(self) -> None:
        if callable(self._words):
            self.update(self._words())
