"""The deployment as shipped in deploy/: one user story that works, locked down, TLS trust."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
KIOSK_UNITS = ("mestring-kiosk.service", "mestring-kiosk-tty.service", "mestring-sync.service")
CENTRAL_UNITS = ("mestring-central.service", "mestring-central-purge.service")


def unit(name: str) -> dict[str, list[str]]:
    """``key -> values`` of a systemd unit's [Service] section (repeated keys kept in order)."""
    values: dict[str, list[str]] = {}
    section = ""
    for line in (DEPLOY / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line
            continue
        key, _, value = line.partition("=")
        if section == "[Service]":
            values.setdefault(key, []).append(value)
    return values


def env(service: dict[str, list[str]], name: str) -> str | None:
    for item in service.get("Environment", []):
        key, _, value = item.partition("=")
        if key == name:
            return value
    return None


def test_the_kiosk_and_its_sync_run_as_one_user_on_one_private_home() -> None:
    services = [unit(name) for name in KIOSK_UNITS]
    assert {(s["User"][0], s["Group"][0]) for s in services} == {("kiosk", "kiosk")}
    assert {env(s, "MESTRING_HOME") for s in services} == {"/var/lib/mestring"}
    assert all(s["UMask"] == ["0077"] for s in services)
    guide = (DEPLOY / "README-kiosk.md").read_text(encoding="utf-8")
    assert re.search(r"useradd .*--home-dir /var/lib/mestring .*kiosk", guide)
    assert "chmod 700 /var/lib/mestring" in guide


@pytest.mark.parametrize("name", CENTRAL_UNITS)
def test_central_units_share_their_home_and_write_private_files(name: str) -> None:
    service = unit(name)
    assert service["User"] == ["mestring"] and service["UMask"] == ["0077"]
    home = env(service, "MESTRING_HOME")
    assert home == "/var/lib/mestring-central"
    assert service["ReadWritePaths"] == [home]


def test_cage_is_the_default_with_vt_switching_off() -> None:
    [start] = unit("mestring-kiosk.service")["ExecStart"]
    cage = start.split(" -- ")[0].split()
    assert cage[0].endswith("/cage") and "-s" not in cage
    assert not any("terminate:" in e for e in unit("mestring-kiosk.service")["Environment"])
    guide = (DEPLOY / "README-kiosk.md").read_text(encoding="utf-8")
    assert guide.index("under cage (recommended)") < guide.index("plain text console")


def test_the_tty_variant_runs_the_app_itself_with_no_shell_to_escape_to() -> None:
    service = unit("mestring-kiosk-tty.service")
    [start] = service["ExecStart"]
    assert start == "/opt/mestring/.venv/bin/mestring kiosk"  # no shell, no loop
    assert service["Restart"] == ["always"] and service["StandardInput"] == ["tty-force"]
    assert any("-isig" in pre for pre in service["ExecStartPre"])
    guide = (DEPLOY / "README-kiosk.md").read_text(encoding="utf-8")
    assert "--autologin" not in guide and "while true" not in guide


def test_a_usb_allow_list_for_the_scanner_is_shipped() -> None:
    rules = [
        line
        for line in (DEPLOY / "usbguard-rules.conf").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert rules[-1] == "block"  # everything not listed
    assert sum(r.startswith("allow id ") for r in rules) == 2  # keyboard and card scanner
    udev = (DEPLOY / "99-mestring-usb.rules").read_text(encoding="utf-8")
    assert 'ATTR{authorized}="0"' in udev.splitlines()[4]  # de-authorise first


def test_the_trust_store_for_a_municipal_ca_is_shown_and_read_by_kiosk_and_sync() -> None:
    example = (DEPLOY / "kiosk.env.example").read_text(encoding="utf-8")
    assert re.search(r"^SSL_CERT_FILE=/\S+\.crt$", example, re.M)
    for name in KIOSK_UNITS:
        assert "-/etc/mestring/kiosk.env" in unit(name)["EnvironmentFile"], name
    readme = (DEPLOY / "README.md").read_text(encoding="utf-8")
    assert "certifi" in readme and "SSL_CERT_FILE" in readme


def test_httpx_really_reads_ssl_cert_file(monkeypatch, tmp_path) -> None:
    """What the docs say about the trust store is what the client does."""
    from sync.transport import SyncClient

    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "no-such-ca.pem"))
    with pytest.raises((FileNotFoundError, OSError)):
        SyncClient("https://central.example", "mst_a_b")
