"""Moved to ``sync.testing.faults`` (one fault-drawing module); these names stay importable."""

from __future__ import annotations

from sync.testing.faults import AsyncFaultyTransport, Fault
from sync.testing.faults import ChaosFaultPlan as AsyncFaultPlan

#: Re-deliver a request seen earlier (a delayed duplicate arriving out of order).
REPLAYED = Fault.REPLAYED

__all__ = ["REPLAYED", "AsyncFaultPlan", "AsyncFaultyTransport"]
