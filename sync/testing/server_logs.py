"""Route the central server's logs during a bench: INFO into a file, warnings still on stderr."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

#: Loggers an in-process central server (and uvicorn) writes to.
SERVER_LOGGERS = ("mestring.server", "uvicorn", "uvicorn.error", "uvicorn.access")
FORMAT = "%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s"


@contextmanager
def server_logs_to(path: Path) -> Iterator[Path]:
    """While the block runs, the server loggers write everything to ``path`` (appending) and
    only WARNING and up to stderr; they no longer pass records to the root logger.

    Processes forked inside the block inherit this (a shared append-only file).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    to_file = logging.FileHandler(path, encoding="utf-8")
    to_stderr = logging.StreamHandler(sys.stderr)
    to_stderr.setLevel(logging.WARNING)
    for handler in (to_file, to_stderr):
        handler.setFormatter(logging.Formatter(FORMAT))
    saved = []
    for name in SERVER_LOGGERS:
        logger = logging.getLogger(name)
        saved.append((logger, logger.propagate))
        logger.addHandler(to_file)
        logger.addHandler(to_stderr)
        logger.propagate = False
    try:
        yield path
    finally:
        for logger, propagate in saved:
            logger.removeHandler(to_file)
            logger.removeHandler(to_stderr)
            logger.propagate = propagate
        to_file.close()
