"""A small i18n layer: ``t(key, **kwargs)`` looks a key up in the current language.

Catalogues are modules ``kiosk/i18n/catalogue_<area>.py`` with two dicts, ``DA`` and ``EN``;
they are discovered automatically, so each feature adds its own file. Keys are dotted,
prefixed by the area (``home.sync_never``). Danish is the default language.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from functools import cache, partial
from typing import Literal

Language = Literal["da", "en"]
LANGUAGES: tuple[Language, ...] = ("da", "en")
DEFAULT_LANGUAGE: Language = "da"


class Catalogues:
    """All catalogue entries, merged: ``entries[language][key] -> template``."""

    def __init__(self, entries: dict[str, dict[str, str]], sources: dict[str, str]) -> None:
        self.entries = entries
        self.sources = sources  # key -> module that defines it


@cache
def catalogues() -> Catalogues:
    """Load every ``catalogue_*`` module once; a key defined twice is a programming error."""
    entries: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
    sources: dict[str, str] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        if not info.name.startswith("catalogue_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for lang in LANGUAGES:
            for key, template in getattr(module, lang.upper(), {}).items():
                owner = sources.setdefault(key, info.name)
                if owner != info.name:
                    raise ValueError(f"i18n key {key!r} defined in {owner} and {info.name}")
                entries[lang][key] = template
    return Catalogues(entries, sources)


class Translator:
    """Looks keys up in one language, falling back to Danish, then to the key itself."""

    def __init__(self, language: str = DEFAULT_LANGUAGE) -> None:
        self.language: Language = DEFAULT_LANGUAGE
        self.set_language(language)

    def set_language(self, language: str) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}; choose one of {LANGUAGES}")
        self.language = language

    def __call__(self, key: str, **kwargs: object) -> str:
        entries = catalogues().entries
        template = entries[self.language].get(key) or entries[DEFAULT_LANGUAGE].get(key) or key
        return template.format(**kwargs) if kwargs else template


#: The process's translator; the app sets its language from settings at start.
_translator = Translator()


def t(key: str, **kwargs: object) -> str:
    """The text for ``key`` in the current language, formatted with ``kwargs``."""
    return _translator(key, **kwargs)


def tr(key: str, **kwargs: object) -> Callable[[], str]:
    """``t(key, **kwargs)`` looked up each time it is shown: a text that follows F12."""
    return partial(t, key, **kwargs)


def set_language(language: str) -> None:
    """Switch the current language (``"da"`` or ``"en"``)."""
    _translator.set_language(language)


def known_language(language: str) -> Language:
    """``language`` when it is one the kiosk speaks, else Danish (a typo in the settings,
    ``language = "xx"``, must not stop a kiosk from starting)."""
    cleaned = (language or "").strip().lower()
    for known in LANGUAGES:
        if cleaned == known:
            return known
    return DEFAULT_LANGUAGE


def current_language() -> Language:
    return _translator.language


__all__ = [
    "LANGUAGES",
    "Language",
    "catalogues",
    "current_language",
    "known_language",
    "set_language",
    "t",
    "tr",
]
