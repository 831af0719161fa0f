"""The memory floor: bare Python with Textual, SQLAlchemy and the models imported, holding
the kiosk database's citizens as plain tuples; prints its resident memory as JSON.

Run as ``python -m bench.floor_memory KIOSK_DB``. What the kiosk holds beyond this is its
own: the search index, the screens, the ORM's work (bench/README.md, memory).
"""

from __future__ import annotations

import gc
import json
import sqlite3
import sys
from pathlib import Path

import sqlalchemy.orm  # noqa: F401 - imported for its memory
import textual.app  # noqa: F401
import textual.widgets  # noqa: F401

import models


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise KeyError("VmRSS")


def main(database: str) -> None:
    models.load_all()
    with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as db:
        rows = db.execute("SELECT id, display_name, birth_year FROM citizen").fetchall()
    gc.collect()
    print(json.dumps({"rss_mb": round(rss_mb(), 1), "citizens": len(rows)}))  # noqa: T201


if __name__ == "__main__":
    main(sys.argv[1])
