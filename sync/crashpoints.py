"""Named crash points at every commit boundary of the sync path, for deterministic crash tests.

Code declares a point once at import time (``POINT = declare("kiosk.pull.after_apply")``)
and calls ``crash_point(POINT)`` where a crash would matter. In production nothing is armed
and the call is one comparison. A test arms one point with ``armed(name)``; reaching it raises
``InjectedCrash`` (a ``BaseException``, so ordinary ``except Exception`` handlers cannot
swallow it, just as they could not swallow a power cut).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

_declared: dict[str, str] = {}
_state = threading.local()
_global_armed: set[str] = set()


class InjectedCrash(BaseException):  # noqa: N818 - it is not an error the code may handle
    """Raised at an armed crash point."""


def declare(name: str, description: str = "") -> str:
    """Register a crash point; returns ``name`` for use with ``crash_point``."""
    _declared[name] = description
    return name


def declared() -> dict[str, str]:
    """Every declared crash point and what it interrupts."""
    return dict(_declared)


def crash_point(name: str) -> None:
    """Raise ``InjectedCrash`` if ``name`` is armed (in this thread or globally)."""
    if name in _global_armed or name in getattr(_state, "armed", ()):
        raise InjectedCrash(name)


@contextmanager
def armed(name: str, *, all_threads: bool = False) -> Iterator[None]:
    """Arm ``name`` for the duration of the block."""
    if name not in _declared:
        raise KeyError(f"unknown crash point {name!r}")
    if all_threads:
        _global_armed.add(name)
    else:
        _state.armed = {*getattr(_state, "armed", ()), name}
    try:
        yield
    finally:
        if all_threads:
            _global_armed.discard(name)
        else:
            _state.armed = set(getattr(_state, "armed", ())) - {name}
