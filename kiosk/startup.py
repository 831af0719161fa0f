"""The process entry point moved to ``cli.startup``; these names stay importable."""

from __future__ import annotations

from cli.startup import finished, main

__all__ = ["finished", "main"]
