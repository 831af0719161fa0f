"""Sync and central-server subcommands of `mestring` (central …, sync, report, audit)."""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    """Add the sync and central subcommands to the `mestring` parser."""
    del sub  # added when they work
