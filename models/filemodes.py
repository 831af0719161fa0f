"""Private files: data files 0600 and data directories 0700, made so and tightened if looser."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
#: The files SQLite keeps beside a database (created with the database file's mode).
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def _tighten(path: Path, mode: int) -> bool:
    """Take group/other access away from ``path``; True if it had any."""
    current = stat.S_IMODE(path.lstat().st_mode)
    if current & 0o077 == 0:
        return False
    os.chmod(path, current & ~0o077 | (mode & 0o700))
    return True


def private_dir(path: Path) -> Path:
    """``path`` as a directory only its owner can enter (made, or tightened, 0700)."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    _tighten(path, PRIVATE_DIR)
    return path


def private_sqlite(path: Path) -> None:
    """Make the SQLite file ``path`` 0600 as soon as it is opened, before anything is written
    to it or its WAL exists: SQLite creates the WAL and SHM with the database file's mode.
    Existing side files are tightened too."""
    for candidate in (path, *(Path(f"{path}{side}") for side in SQLITE_SIDE_FILES)):
        if candidate.exists():
            _tighten(candidate, PRIVATE_FILE)


def write_private(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically, mode 0600 from the first byte."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)  # mkstemp: 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def tighten_tree(root: Path) -> list[Path]:
    """Make every directory under ``root`` 0700 and every file 0600; returns what changed.

    Symbolic links are not followed (their targets are not ours to change).
    """
    changed: list[Path] = []
    if _tighten(root, PRIVATE_DIR):
        changed.append(root)
    for folder, dirs, files in os.walk(root):
        base = Path(folder)
        for name in dirs:
            if not (base / name).is_symlink() and _tighten(base / name, PRIVATE_DIR):
                changed.append(base / name)
        for name in files:
            if not (base / name).is_symlink() and _tighten(base / name, PRIVATE_FILE):
                changed.append(base / name)
    return changed
