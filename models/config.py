"""Settings: one object loaded in the composition root and passed down (env prefix MESTRING_).

A plain class with the standard library only: every ``mestring`` command builds it first,
and the kiosk draws its first screen before it imports anything heavy (pydantic and
pydantic-settings took about as long to import as Textual). It keeps what the code used of
pydantic-settings: keyword arguments win over ``MESTRING_<NAME>`` environment variables
(any case), which win over the defaults; values are checked and converted to the field's
type (a bad one raises ``ValueError``); unknown keywords are ignored; ``model_fields`` and
``model_copy(update=...)`` work as before.
"""

from __future__ import annotations

import copy
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

ENV_PREFIX = "mestring_"
_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})


def default_home() -> Path:
    return Path.home() / ".mestring"


@dataclass(frozen=True, slots=True)
class SettingField:
    """One setting: its type and default (``default_factory`` when the default is made)."""

    annotation: type
    default: Any = None
    default_factory: Callable[[], Any] | None = None

    def make_default(self) -> Any:
        return self.default_factory() if self.default_factory is not None else self.default


def _as_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise ValueError("should be a boolean (true/false, yes/no, 1/0)")


def _as_int(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError("should be a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise ValueError("should be a whole number")


def _as_float(value: object) -> float:
    if isinstance(value, bool):
        raise ValueError("should be a number")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            pass
    raise ValueError("should be a number")


def _as_str(value: object) -> str:
    if isinstance(value, str):
        return value
    raise ValueError("should be text")


def _as_path(value: object) -> Path:
    if isinstance(value, str | os.PathLike):
        return Path(value)
    raise ValueError("should be a path")


_CONVERT: dict[type, Callable[[object], Any]] = {
    bool: _as_bool,
    int: _as_int,
    float: _as_float,
    str: _as_str,
    Path: _as_path,
}


def _field(annotation: type, default: Any = None, factory: Callable[[], Any] | None = None) -> Any:
    return SettingField(annotation, default, factory)


class Settings:
    """Everything configurable. Environment variables use the ``MESTRING_`` prefix."""

    #: Every setting by name (the names of the attributes below), with type and default.
    model_fields: ClassVar[dict[str, SettingField]] = {
        "home": _field(Path, factory=default_home),
        "db_url": _field(str, ""),  # central database; default: SQLite in home
        "kiosk_db_url": _field(str, ""),  # kiosk database; default: SQLite in home
        "server_url": _field(str, ""),  # central server the kiosk syncs with
        "language": _field(str, "da"),
        "idle_lock_seconds": _field(int, 120),
        # The locked screen answers a scan without a name; a site may decide to show first
        # names.
        "lock_screen_first_names": _field(bool, False),
        "lockout_failures": _field(int, 5),
        "lockout_minutes": _field(int, 5),
        "undo_minutes": _field(int, 5),
        "clear_after_checkin_seconds": _field(float, 4.0),
        "sync_interval_seconds": _field(int, 300),  # background sync while central is away
        # While central answers: sync this soon after a local write, and poll this often.
        "sync_after_write_seconds": _field(float, 3.0),
        "sync_poll_seconds": _field(float, 30.0),
        "max_offline_days": _field(int, 60),  # tombstones kept this long; older cursors: 410
        "event_retention_days": _field(int, 30),  # kiosk events kept after central confirmed
        "audit_retention_days": _field(int, 183),
        # Kiosk attendance marks are kept longer than other events: the roster's "5 of 7"
        # counts a participant's marks over the whole group course (acknowledged ones only).
        "attendance_retention_days": _field(int, 183),
        # Central events (visits, marks, contacts, queue): the municipality's policy; 0 = keep.
        "central_event_retention_days": _field(int, 0),
        "max_clock_skew_seconds": _field(int, 300),
        "sync_retries": _field(int, 6),  # attempts per request before a sync session gives up
        "sync_retry_base_seconds": _field(float, 0.25),  # backoff: U(0, base·2^n), capped
    }

    home: Path
    db_url: str
    kiosk_db_url: str
    server_url: str
    language: str
    idle_lock_seconds: int
    lock_screen_first_names: bool
    lockout_failures: int
    lockout_minutes: int
    undo_minutes: int
    clear_after_checkin_seconds: float
    sync_interval_seconds: int
    sync_after_write_seconds: float
    sync_poll_seconds: float
    max_offline_days: int
    event_retention_days: int
    audit_retention_days: int
    attendance_retention_days: int
    central_event_retention_days: int
    max_clock_skew_seconds: int
    sync_retries: int
    sync_retry_base_seconds: float

    def __init__(self, **values: Any) -> None:
        environment = _from_environment(os.environ)
        problems = []
        for name, spec in self.model_fields.items():
            if name in values:
                raw, source = values[name], name
            elif name in environment:
                raw, source = environment[name], f"{ENV_PREFIX.upper()}{name.upper()}"
            else:
                object.__setattr__(self, name, spec.make_default())
                continue
            try:
                object.__setattr__(self, name, _CONVERT[spec.annotation](raw))
            except ValueError as err:
                problems.append(f"{source}={raw!r} {err}")
        if problems:
            raise ValueError("; ".join(problems))

    def model_copy(self, *, update: Mapping[str, Any] | None = None) -> Settings:
        """A copy with ``update`` applied as given (not checked, as pydantic's copy)."""
        duplicate = copy.copy(self)
        for name, value in (update or {}).items():
            object.__setattr__(duplicate, name, value)
        return duplicate

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Settings):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in self.model_fields)

    __hash__ = None  # type: ignore[assignment]  # mutable, like the pydantic model it replaced

    def __repr__(self) -> str:
        fields = ", ".join(f"{n}={getattr(self, n)!r}" for n in self.model_fields)
        return f"Settings({fields})"

    def central_db_url(self) -> str:
        return self.db_url or f"sqlite:///{self.home / 'central.db'}"

    def kiosk_database_url(self) -> str:
        return self.kiosk_db_url or f"sqlite:///{self.home / 'kiosk.db'}"

    @property
    def credential_path(self) -> Path:
        return self.home / "device.credential"

    def ensure_home(self) -> Path:
        """The data directory, 0700 with every file in it 0600 (a home made before this
        rule is tightened once, and the operator is told on stderr)."""
        from models.filemodes import private_dir, tighten_tree  # not loaded with Settings

        private_dir(self.home)
        changed = tighten_tree(self.home)
        if changed:
            sys.stderr.write(
                f"mestring: {len(changed)} files/folders in {self.home} were readable by "
                "other users; tightened to 0600/0700\n"
            )
        return self.home


def _from_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """``MESTRING_<NAME>`` variables by setting name (the case of the variable is free)."""
    found = {}
    for key, value in environ.items():
        lowered = key.lower()
        if lowered.startswith(ENV_PREFIX):
            name = lowered.removeprefix(ENV_PREFIX)
            if name in Settings.model_fields:
                found[name] = value
    return found
