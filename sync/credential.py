"""The kiosk's device credential file (JSON, mode 0600); central keeps only a hash of it."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path


class CredentialMissing(Exception):
    """The kiosk has not been enrolled (no credential file)."""


@dataclass(frozen=True)
class Credential:
    server_url: str
    device_id: str
    site_id: str
    token: str

    def save(self, path: Path) -> None:
        """Write atomically with mode 0600 (never readable by other users, even briefly)."""
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        temp = path.with_name(path.name + ".tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.fchmod(fd, 0o600)
            os.write(fd, json.dumps(asdict(self)).encode())
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp, path)

    @classmethod
    def load(cls, path: Path) -> Credential:
        try:
            data = json.loads(path.read_text())
        except FileNotFoundError as err:
            raise CredentialMissing(f"no device credential at {path}") from err
        except ValueError as err:
            raise CredentialMissing(f"the device credential at {path} is unreadable") from err
        return cls(
            **{k: str(data.get(k, "")) for k in ("server_url", "device_id", "site_id", "token")}
        )
