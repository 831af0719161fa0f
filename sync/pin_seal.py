"""Sealed PIN hashes: an argon2 digest keyed with a per-device secret kept outside the database.

A kiosk stores ``$mseal1$argon2id$v=19$m=…,t=…,p=…,l=32$<salt>$<HMAC-SHA256(key, digest)>``
instead of the argon2 hash itself. Confirming a PIN guess needs the argon2 digest of the
guess *and* the key, so a copy of ``kiosk.db`` (and its WAL) alone confirms nothing. The key
is derived from the device credential (a 0600 file outside the database): central derives
the same key from the credential hash it stores and seals staff rows per device as it sends
them, so the raw argon2 hash never reaches a kiosk's disk (``docs/security.md``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable
from pathlib import Path

from argon2.low_level import Type, hash_secret_raw

SEAL_PREFIX = "$mseal1$"
_KEY_LABEL = b"mestring pin seal v1"
_TYPES = {"argon2id": Type.ID, "argon2i": Type.I, "argon2d": Type.D}


def _b64decode(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def _b64encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode().rstrip("=")


def key_from_token_hash(token_hash: str) -> bytes:
    """The device's seal key from the credential hash central stores (``sha256$<hex>``)."""
    return hmac.new(token_hash.encode(), _KEY_LABEL, hashlib.sha256).digest()


def key_from_token(token: str) -> bytes:
    """The same key on the kiosk, from the credential token it holds (``mst_<id>_<secret>``)."""
    secret = token.split("_", 2)[-1]
    return key_from_token_hash(f"sha256${hashlib.sha256(secret.encode()).hexdigest()}")


def is_sealed(pin_hash: str) -> bool:
    return pin_hash.startswith(SEAL_PREFIX)


def seal(pin_hash: str, key: bytes) -> str:
    """``pin_hash`` (an argon2 hash string) sealed with ``key``; sealed or unknown text as is."""
    parts = pin_hash.split("$")
    if is_sealed(pin_hash) or len(parts) != 6 or parts[1] not in _TYPES:
        return pin_hash
    _empty, kind, version, params, salt, digest = parts
    raw = _b64decode(digest)
    mac = hmac.new(key, raw, hashlib.sha256).digest()
    return f"{SEAL_PREFIX}{kind}${version}${params},l={len(raw)}${salt}${_b64encode(mac)}"


def verify_sealed(sealed: str, pin: str, keys: Iterable[bytes]) -> bool:
    """True when ``pin`` matches ``sealed`` under one of ``keys`` (one argon2 run in all)."""
    parts = sealed.removeprefix(SEAL_PREFIX).split("$")
    if not is_sealed(sealed) or len(parts) != 5 or parts[0] not in _TYPES:
        return False
    kind, version, params, salt, stored = parts
    try:
        cost = dict(item.split("=", 1) for item in params.split(","))
        raw = hash_secret_raw(
            pin.encode(),
            _b64decode(salt),
            time_cost=int(cost["t"]),
            memory_cost=int(cost["m"]),
            parallelism=int(cost["p"]),
            hash_len=int(cost["l"]),
            type=_TYPES[kind],
            version=int(version.removeprefix("v=")),
        )
        expected = _b64decode(stored)
    except (KeyError, ValueError):
        return False
    matches = [
        hmac.compare_digest(hmac.new(k, raw, hashlib.sha256).digest(), expected) for k in keys
    ]
    return any(matches)


def local_key(path: Path) -> bytes:
    """A kiosk's own seal key for hashes it seals before it is enrolled: a 0600 file, made
    on first use (32 random bytes)."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = secrets.token_bytes(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_bytes()
    try:
        os.write(fd, key)
        os.fsync(fd)
    finally:
        os.close(fd)
    return key
