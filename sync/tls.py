"""TLS for sync and enrolment: plain ``http://`` only to this machine, never a weaker scheme
than the credential's (the bearer token and every row would travel in clear text)."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})


class InsecureServerUrl(ValueError):
    """A server URL the kiosk refuses to send its credential or data to (the message says why)."""


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (127.0.0.0/8, ::1)."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def require_secure_url(url: str) -> str:
    """``url`` if it is ``https://``, or ``http://`` to this machine; else ``InsecureServerUrl``."""
    parts = urlsplit(url.strip())
    scheme, host = parts.scheme.lower(), parts.hostname or ""
    if scheme == "https" and host:
        return url
    if scheme == "http" and host and is_loopback(host):
        return url
    if scheme == "http":
        raise InsecureServerUrl(
            f"refusing {scheme}://{host}: without TLS the device credential and the data would "
            "travel in clear text; use https:// (plain http only to 127.0.0.1/localhost)"
        )
    raise InsecureServerUrl(f"refusing server URL {url!r}: it must start with https://")


def server_url_for(credential_url: str, override: str = "") -> str:
    """The URL to sync with: the credential's, or a configured ``override`` that keeps at
    least its scheme (a config or ``MESTRING_SERVER_URL`` cannot downgrade https to http)."""
    url = override.strip() or credential_url
    if override and urlsplit(credential_url).scheme == "https":
        if urlsplit(url).scheme.lower() != "https":
            raise InsecureServerUrl(
                "refusing the configured server_url: the credential says https and a config "
                "may not weaken it to plain http"
            )
    return require_secure_url(url)
