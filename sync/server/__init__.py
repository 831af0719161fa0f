"""The central server: FastAPI app factory and the store functions behind it.

``create_app`` is imported on first use, so a process that only needs the store
functions (``sync.server.auth``, ``sync.server.feed``: the demo's setup) does not load FastAPI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sync.server.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from sync.server.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
