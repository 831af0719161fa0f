"""TLS: no plain http to anything but this machine, for sync and for enrolment."""

from __future__ import annotations

import httpx
import pytest

from kiosk.cli import main
from models.config import Settings
from models.db import make_engine
from models.migrate import upgrade
from sync.credential import Credential
from sync.enrol import EnrolmentRefused, enroll_kiosk
from sync.tls import InsecureServerUrl, require_secure_url, server_url_for
from sync.transport import InsecureServer, SyncClient


@pytest.mark.parametrize(
    "url", ["http://central.example", "http://10.0.0.5:8700", "http://127.0.0.1.evil.dk", "ftp://x"]
)
def test_plain_http_to_another_machine_is_refused_with_the_reason(url: str) -> None:
    with pytest.raises(InsecureServerUrl) as refused:
        require_secure_url(url)
    message = str(refused.value)
    assert "\n" not in message and ("clear text" in message or "https://" in message)


@pytest.mark.parametrize(
    "url",
    ["https://central.example", "http://127.0.0.1:8700", "http://localhost:1", "http://[::1]:87"],
)
def test_https_and_loopback_http_are_accepted(url: str) -> None:
    assert require_secure_url(url) == url


async def test_the_sync_client_refuses_http_over_the_network() -> None:
    with pytest.raises(InsecureServer):
        SyncClient("http://central.example", "mst_a_b")
    with pytest.raises(InsecureServer):
        SyncClient("http://central.example", transport=httpx.AsyncHTTPTransport())
    client = SyncClient("https://central.example", "mst_a_b")
    await client.aclose()


def test_a_config_cannot_weaken_the_credentials_https() -> None:
    with pytest.raises(InsecureServerUrl, match="may not weaken"):
        server_url_for("https://central.example", "http://central.example")
    with pytest.raises(InsecureServerUrl, match="may not weaken"):
        server_url_for("https://central.example", "http://127.0.0.1:8700")
    assert server_url_for("https://central.example", "https://other.example") == (
        "https://other.example"
    )
    assert server_url_for("https://central.example") == "https://central.example"


def test_enrolment_over_plain_http_sends_nothing(tmp_path) -> None:
    settings = Settings(home=tmp_path)
    engine = make_engine(f"sqlite:///{tmp_path / 'kiosk.db'}")
    upgrade(engine, "kiosk")
    with pytest.raises(EnrolmentRefused, match="clear text"):
        enroll_kiosk(settings, engine, server="http://central.example", code="ABCD-EFGH-JKLM")
    assert not settings.credential_path.exists()
    engine.dispose()


def test_the_cli_refuses_http_enrolment_and_an_http_override_in_one_line(
    tmp_path, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("MESTRING_HOME", str(tmp_path))
    argv = ["kiosk", "enroll", "--server", "http://central.example", "--code", "ABCD"]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert "clear text" in err and err.count("\n") == 0
    Credential("https://central.example", "d-1", "hornslet", "mst_a_b").save(
        Settings(home=tmp_path).credential_path
    )
    monkeypatch.setenv("MESTRING_SERVER_URL", "http://central.example")
    assert main(["sync"]) == 2
    err = capsys.readouterr().err.strip()
    assert "may not weaken" in err and err.count("\n") == 0
