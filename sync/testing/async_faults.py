"""Moved to ``sync.testing.faults`` (one fault-drawing module); the name stays importable."""

from __future__ import annotations

from sync.testing.faults import AsyncFaultyTransport

__all__ = ["AsyncFaultyTransport"]
