"""A fast "is the kiosk database at the newest migration?" check that avoids importing Alembic.

Alembic costs a noticeable share of start-up; a kiosk is nearly always current. Any doubt
(no version table, an unparsable revision file, several heads) answers "not current", and
the caller then runs the real migration.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

VERSIONS = Path(__file__).resolve().parent.parent / "models" / "migrations"
_REVISION = re.compile(r'^revision(?::\s*str)?\s*=\s*["\']([^"\']+)["\']', re.M)
_DOWN = re.compile(r'^down_revision(?::[^=]+)?=\s*(?:["\']([^"\']+)["\']|None)', re.M)


def head_from_files(kind: str) -> str | None:
    """The single head revision of ``kind``'s tree, or ``None`` when unsure."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (VERSIONS / kind / "versions").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN.search(source)
        if revision is None or down is None:
            return None
        revisions.add(revision.group(1))
        if down.group(1):
            parents.add(down.group(1))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def is_current(engine: Engine, kind: str) -> bool:
    """True only when the database's recorded revision is the tree's single head."""
    head = head_from_files(kind)
    if head is None:
        return False
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    except Exception:  # no version table yet: an empty database
        return False
    return [r[0] for r in rows] == [head]
