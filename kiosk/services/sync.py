"""Sync for the kiosk app: status for the sync screen, and one session on demand or in the
background. Returns plain dataclasses; the screens never see httpx or the database."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy.engine import Engine

from kiosk.services.sync_pace import SyncPace
from models import SyncState
from models.config import Settings
from models.db import read_session
from models.timeutil import Clock, utcnow
from sync.credential import Credential, CredentialMissing

if TYPE_CHECKING:
    from sync.client import Progress

#: The badge and the status screen warn when the last good sync is older than this.
STALE_AFTER_HOURS = 24
#: Seconds one request may take. A frozen server (it accepts connections but never
#: answers) is reported after ``REQUEST_TIMEOUT_S × INTERACTIVE_ATTEMPTS`` plus the short
#: backoff between them: about 13 s, not the minutes 30 s × 6 attempts took.
REQUEST_TIMEOUT_S = 4.0
INTERACTIVE_ATTEMPTS = 3
BACKGROUND_ATTEMPTS = 2

#: What went wrong, in the words of an error message (the client's messages are for
#: operators, in English): checked in this order, the first match wins.
_FAILURE_PATTERNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("not_enrolled", ("not enrolled",)),
    ("busy", ("already running",)),
    ("certificate", ("certificate", "ssl", "tls")),
    ("timeout", ("timeout", "timed out")),
    ("credential", ("credential", "not allowed", "revoked", "unauthori")),
    ("clock", ("clock is",)),
    ("unreachable", ("cannot reach", "connect", "http 50", "http 429", "unreachable",
                     "incomplete or garbled", "name or service", "network")),
)  # fmt: skip


def failure_kind(error: str) -> str:
    """The kind of a sync failure from its message: ``unreachable``, ``timeout``,
    ``credential``, ``certificate``, ``clock``, ``busy``, ``not_enrolled`` or ``other``
    ("" when there is no error). Screens say it as ``t("sync.failure.<kind>")``."""
    text = error.lower()
    if not text.strip():
        return ""
    for kind, needles in _FAILURE_PATTERNS:
        if any(needle in text for needle in needles):
            return kind
    return "other"


@dataclass(frozen=True)
class RejectedItem:
    seq: int
    kind: str
    reason: str
    rejected_at: datetime


@dataclass(frozen=True)
class SyncStatusView:
    enrolled: bool
    server_url: str
    site_id: str
    last_sync_ok_at: datetime | None
    last_attempt_at: datetime | None
    waiting: int
    last_error: str
    stale: bool
    rejected: list[RejectedItem]


@dataclass(frozen=True)
class SyncOutcome:
    ok: bool
    message: str
    pushed: int = 0
    pulled: int = 0
    rejected: int = 0

    @property
    def failure(self) -> str:
        """What went wrong (``failure_kind``), "" after a good session."""
        return "" if self.ok else failure_kind(self.message)


class SyncService:
    """Everything the kiosk UI needs from sync."""

    def __init__(
        self,
        settings: Settings,
        engine: Engine,
        *,
        clock: Clock = utcnow,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings, self.engine, self.clock = settings, engine, clock
        self.monotonic = monotonic
        self.pace = SyncPace(
            after_write_s=settings.sync_after_write_seconds,
            poll_s=settings.sync_poll_seconds,
            offline_s=max(settings.sync_interval_seconds, settings.sync_poll_seconds),
        )
        # The first background session half a minute after start (the first poll).
        self.pace.last_run_at = monotonic() - self.pace.offline_s + self.pace.poll_s

    def write_marker(self) -> int:
        """Changes with every local write (the outbox's next sequence number)."""
        with read_session(self.engine) as session:
            state = session.get(SyncState, 1)
            return state.next_seq if state else 0

    def background_due(self) -> bool:
        """Whether a background session is due now (see ``SyncPace``)."""
        now = self.monotonic()
        self.pace.noticed(now, self.write_marker())
        return self.pace.due(now)

    def credential(self) -> Credential | None:
        try:
            return Credential.load(self.settings.credential_path)
        except CredentialMissing:
            return None

    def status(self) -> SyncStatusView:
        # sync.local loads the whole schema and the wire protocol: first F10, not start-up.
        from sync.local import local_rejections, local_status

        local = local_status(self.engine)
        last = local.last_sync_ok_at
        stale = last is None or (self.clock() - last).total_seconds() > STALE_AFTER_HOURS * 3600
        credential = self.credential()
        return SyncStatusView(
            enrolled=credential is not None,
            server_url=credential.server_url if credential else "",
            site_id=local.site_id,
            last_sync_ok_at=last,
            last_attempt_at=local.last_attempt_at,
            waiting=local.waiting,
            last_error=local.last_error,
            stale=stale,
            rejected=[
                RejectedItem(r.seq, r.kind, r.reason, r.rejected_at)
                for r in local_rejections(self.engine)
            ],
        )

    async def sync_now(
        self, *, background: bool = False, progress: Callable[[Progress], None] | None = None
    ) -> SyncOutcome:
        """One session. In the background a dead server is given up on quickly; the next
        interval (or "sync now") tries again — no new local write is needed for that."""
        # The sync client (httpx, the protocol) loads on the first session, not at kiosk start.
        from sync.client import run_sync_session
        from sync.tls import InsecureServerUrl, server_url_for
        from sync.transport import RetryPolicy, SyncClient, SyncError

        self.pace.started(self.monotonic(), self.write_marker())
        credential = self.credential()
        if credential is None:
            self.pace.finished(reached_central=False)
            return SyncOutcome(False, "not enrolled")
        attempts = BACKGROUND_ATTEMPTS if background else INTERACTIVE_ATTEMPTS
        retry = RetryPolicy(
            attempts=min(attempts, self.settings.sync_retries),
            base_s=self.settings.sync_retry_base_seconds,
        )
        try:
            url = server_url_for(credential.server_url, self.settings.server_url)
            client = SyncClient(url, credential.token, retry=retry, timeout_s=REQUEST_TIMEOUT_S)
        except (InsecureServerUrl, SyncError) as err:
            return SyncOutcome(False, str(err))
        try:
            report = await run_sync_session(
                self.engine,
                client,
                now=self.clock,
                progress=progress,
                lock_path=self.settings.home / "sync.lock",
                max_clock_skew_s=self.settings.max_clock_skew_seconds,
                retention=self.settings,
            )
        except SyncError as err:
            self.pace.finished(reached_central=False)
            return SyncOutcome(False, str(err))
        finally:
            await client.aclose()
        self.pace.finished(reached_central=True)
        return SyncOutcome(True, "", report.pushed, report.pulled, report.rejected)
