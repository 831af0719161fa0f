"""Kiosk subcommands of `mestring`: kiosk, demo."""

from __future__ import annotations

from typing import Any


def register(sub: Any) -> None:
    """Add the kiosk's subcommands to the `mestring` parser."""
    del sub  # the kiosk and demo subcommands are added when they work
