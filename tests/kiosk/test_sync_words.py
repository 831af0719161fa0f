"""Issue 13: sync trouble in plain Danish or English, a frozen server reported within ~15 s."""

from __future__ import annotations

import socket
import threading
from datetime import timedelta

import pytest
from textual.widgets import Static

from kiosk.i18n import set_language
from kiosk.screens.sync_words import badge_text, failure_text
from kiosk.services import sync as sync_service
from kiosk.services.sync import (
    BACKGROUND_ATTEMPTS,
    INTERACTIVE_ATTEMPTS,
    REQUEST_TIMEOUT_S,
    SyncService,
    failure_kind,
)
from kiosk.services.today import SyncBadge
from models.config import Settings
from sync.credential import Credential
from sync.local import record_outcome
from tests.conftest import KIOSK_DEVICE
from tests.kiosk.frontdesk_app import settle

URL = "http://127.0.0.1:8700"
MESSAGES = {
    "unreachable": f"cannot reach the central server at {URL} "
    "(ConnectError: [Errno 111] Connection refused)",
    "timeout": f"cannot reach the central server at {URL} (ReadTimeout: )",
    "credential": "the server refused this device's credential: device revoked",
    "certificate": f"cannot reach the central server at {URL} (ConnectError: [SSL: "
    "CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate)",
    "other": "integrity check still differs for citizen",
}


@pytest.fixture(autouse=True)
def danish():
    set_language("da")
    yield
    set_language("da")


@pytest.mark.parametrize("kind", sorted(MESSAGES))
def test_each_failure_the_client_reports_is_told_apart(kind):
    assert failure_kind(MESSAGES[kind]) == kind
    assert failure_kind("") == ""


@pytest.mark.parametrize("kind", sorted(MESSAGES))
def test_the_words_for_a_failure_are_danish_or_english_never_the_operator_message(kind):
    danish = failure_text(MESSAGES[kind])
    set_language("en")
    english = failure_text(MESSAGES[kind])
    for words in (danish, english):
        assert words and "cannot reach" not in words and "Error" not in words
    assert danish != english


def badge(**fields):
    values = {"last_sync_ok_at": None, "waiting": 3, "last_error": "", "stale": True}
    return SyncBadge(**(values | fields))


def test_the_home_badge_never_ticks_beside_an_error(frozen_now):
    text, warning = badge_text(
        badge(last_sync_ok_at=frozen_now, stale=False, last_error=MESSAGES["unreachable"])
    )
    assert warning and "✓" not in text and text.startswith("⚠")
    assert "kan ikke nås" in text and "3 venter" in text


def test_the_home_badge_says_in_words_when_the_last_good_sync_is_old(frozen_now):
    text, warning = badge_text(badge(last_sync_ok_at=frozen_now - timedelta(hours=30)))
    assert warning and "over 24 timer" in text
    text, warning = badge_text(badge(last_sync_ok_at=frozen_now, stale=False))
    assert not warning and text.startswith("✓")


def test_a_frozen_server_is_given_up_on_within_fifteen_seconds():
    worst_backoff = sum(0.25 * 2**n for n in range(INTERACTIVE_ATTEMPTS - 1))
    assert REQUEST_TIMEOUT_S * INTERACTIVE_ATTEMPTS + worst_backoff <= 15
    assert BACKGROUND_ATTEMPTS <= INTERACTIVE_ATTEMPTS


@pytest.fixture
def frozen_server():
    """A server that accepts connections and never answers (like one under SIGSTOP)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    listener.close()


async def test_a_frozen_server_is_reported_as_not_answering(
    demo_db, tmp_path, frozen_server, monkeypatch
):
    monkeypatch.setattr(sync_service, "REQUEST_TIMEOUT_S", 0.3)
    settings = Settings(home=tmp_path, sync_retry_base_seconds=0.01)
    Credential(frozen_server, KIOSK_DEVICE, "hornslet", "token").save(settings.credential_path)
    service = SyncService(settings, demo_db)
    outcome = await service.sync_now()
    assert not outcome.ok and outcome.failure == "timeout"
    status = service.status()
    assert failure_kind(status.last_error) == "timeout"
    assert "svarer ikke" in failure_text(status.last_error)


async def test_the_status_screen_says_what_went_wrong_in_danish(make_app, demo_db, frozen_now):
    record_outcome(demo_db, ok=False, error=MESSAGES["unreachable"], now=frozen_now)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        home_badge = str(app.screen.query_one("#sync", Static).render())
        assert "✓" not in home_badge and "kan ikke nås" in home_badge
        await pilot.press("f10")
        await settle(app, pilot)
        error = str(app.screen.query_one("#sync-error", Static).render())
        assert "Centralen kan ikke nås" in error and "cannot" not in error
        assert "aldrig" in str(app.screen.query_one("#sync-stale", Static).render()).lower()
