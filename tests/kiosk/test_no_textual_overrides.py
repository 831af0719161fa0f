"""No kiosk screen, widget or the app defines a method that Textual itself has, unless it is
one of the hooks made to be overridden: a screen's ``check_idle`` once replaced Textual's
own (called while widgets mount), and the citizen mode closed as "idle" before it drew."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from textual.message_pump import MessagePump

import kiosk.app
import kiosk.screens
import kiosk.widgets

#: Textual's hooks, meant for subclasses to define.
HOOKS = frozenset(
    {
        "compose",
        "render",
        "render_line",
        "get_content_height",
        "check_action",
        "on_event",
        "active_bindings",
        "_on_key",
        "action_command_palette",
    }
)


def _kiosk_classes() -> list[type]:
    modules = [kiosk.app]
    for package in (kiosk.screens, kiosk.widgets):
        for info in pkgutil.iter_modules(package.__path__):
            modules.append(importlib.import_module(f"{package.__name__}.{info.name}"))
    found: dict[str, type] = {}
    for module in modules:
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, MessagePump) and cls.__module__.startswith("kiosk"):
                found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return list(found.values())


def _textual_defines(cls: type, name: str) -> str | None:
    for base in cls.__mro__[1:]:
        if base.__module__.startswith("textual") and name in base.__dict__:
            return f"{base.__module__}.{base.__qualname__}"
    return None


def test_the_scan_finds_the_kiosks_screens_and_widgets() -> None:
    names = {cls.__name__ for cls in _kiosk_classes()}
    assert {"KioskApp", "CheckInScreen", "CitizenModeScreen", "KeyBar"} <= names


def test_no_kiosk_class_replaces_a_textual_method_by_accident() -> None:
    clashes = []
    for cls in _kiosk_classes():
        for name, value in cls.__dict__.items():
            if (
                name in HOOKS
                or name.isupper()
                or not callable(value)
                and not isinstance(value, property)
            ):
                continue  # class settings (BINDINGS, CSS_PATH, can_focus …) are meant to be set
            if name.startswith("__") or name.startswith(("on_", "watch_", "action_")):
                continue  # message handlers, watchers and actions: Textual's conventions
            owner = _textual_defines(cls, name)
            if owner is not None:
                clashes.append(f"{cls.__module__}.{cls.__qualname__}.{name} (replaces {owner})")
    assert clashes == []
