"""The command-line root moved to the neutral ``cli`` package; these names stay importable."""

from __future__ import annotations

import sys

from cli.errors import UserError
from cli.main import build_parser, load_config, main, settings_from

__all__ = ["UserError", "build_parser", "load_config", "main", "settings_from"]

if __name__ == "__main__":
    sys.exit(main())
