"""HTTP side of the sync client: one method per endpoint, typed errors, and retries with
exponential backoff and full jitter for transient failures (never waiting for a new write)."""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel

from sync.protocol import (
    OUTBOX_HEADER,
    SERVER_TIME_HEADER,
    EnrolResponse,
    GapDetail,
    IntegritySummary,
    PullPage,
    PushBatch,
    PushResult,
    SnapshotPage,
    VerifiedAck,
    VerifiedReport,
    VerifyRequest,
    VerifyResult,
)
from sync.tls import InsecureServerUrl, require_secure_url

Answer = TypeVar("Answer", bound=BaseModel)
TRANSIENT_STATUS = {429, 502, 503, 504}
# httpx logs every request at INFO; a sync session makes hundreds. Our progress says enough.
logging.getLogger("httpx").setLevel(logging.WARNING)


class SyncError(Exception):
    """A sync session could not finish; the message is meant for the operator."""


class ServerUnreachable(SyncError):
    pass


class CredentialRejected(SyncError):
    pass


class ClockSkew(SyncError):
    pass


class ResyncRequired(SyncError):
    """410: the cursor cannot be continued; resync from a snapshot."""


class InsecureServer(SyncError):
    """Plain http to a host other than this machine (``sync.tls``)."""


class PayloadTooLarge(SyncError):
    pass


class SeqGap(SyncError):
    def __init__(self, expected_seq: int, lineage: str = "") -> None:
        super().__init__(f"central expects seq {expected_seq}")
        self.expected_seq = expected_seq
        self.lineage = lineage


class SeqRewound(SeqGap):
    """409 ``rewound``: re-base the outbox onto central's lineage from ``expected_seq``."""


class DeviceCloned(SyncError):
    """409 ``cloned``: central refuses this credential's pushes until it is enrolled anew."""


@dataclass
class RetryPolicy:
    """Exponential backoff with full jitter: sleep U(0, min(cap, base·2^n))."""

    attempts: int = 6
    base_s: float = 0.25
    cap_s: float = 8.0
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    rand: Callable[[], float] = field(default=random.random)

    def delay(self, attempt: int) -> float:
        return float(self.rand() * min(self.cap_s, self.base_s * (2**attempt)))


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
        return str(body.get("message") or body.get("detail") or response.text)
    except ValueError:
        return response.text[:200]


class SyncClient:
    """Talks to one central server on behalf of one device."""

    def __init__(
        self,
        base_url: str,
        token: str = "",
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout_s: float = 30.0,
        retry: RetryPolicy | None = None,
    ) -> None:
        if transport is None or isinstance(transport, httpx.AsyncHTTPTransport):
            try:  # over the network: TLS unless it stays on this machine
                require_secure_url(base_url)
            except InsecureServerUrl as err:
                raise InsecureServer(str(err)) from None
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.AsyncClient(
            base_url=base_url.rstrip("/"), headers=headers, transport=transport, timeout=timeout_s
        )
        self.retry = retry or RetryPolicy()
        self.clock_offset_ms: int | None = None  # server time minus local time, last seen

    def report_waiting(self, rows: int) -> None:
        """Send ``rows`` (the outbox size) with every later request, for central's health."""
        self.http.headers[OUTBOX_HEADER] = str(max(0, rows))

    async def aclose(self) -> None:
        await self.http.aclose()

    async def call(self, method: str, path: str, answer: type[Answer], **kwargs: Any) -> Answer:
        """Send with retries on transient failures (including a cut-off or garbled answer,
        which is resent: every endpoint is idempotent); map final answers to typed errors."""
        last_error = ""
        for attempt in range(self.retry.attempts):
            if attempt:
                await self.retry.sleep(self.retry.delay(attempt - 1))
            try:
                response = await self.http.request(method, path, **kwargs)
            except httpx.RequestError as err:  # unreachable, timed out, cut off, undecodable
                last_error = f"{type(err).__name__}: {err}".strip()
                continue
            self._note_clock(response)
            if response.status_code in TRANSIENT_STATUS:
                last_error = f"HTTP {response.status_code}: {_message(response)}"
                continue
            self._check(response)
            try:
                return answer.model_validate_json(response.content)
            except (ValueError, httpx.DecodingError):  # pydantic's ValidationError included
                last_error = "the answer arrived incomplete or garbled"
        raise ServerUnreachable(
            f"cannot reach the central server at {self.http.base_url} ({last_error})"
        )

    def _note_clock(self, response: httpx.Response) -> None:
        server_ms = response.headers.get(SERVER_TIME_HEADER)
        if server_ms and server_ms.isdigit():
            self.clock_offset_ms = int(server_ms) - time.time_ns() // 1_000_000

    def _check(self, response: httpx.Response) -> None:
        status = response.status_code
        if status == 401:
            raise CredentialRejected(
                f"the server refused this device's credential: {_message(response)}"
            )
        if status == 403:
            raise CredentialRejected(f"this device is not allowed: {_message(response)}")
        if status == 409:
            detail = GapDetail.model_validate(response.json())
            if detail.error == "cloned":
                raise DeviceCloned(detail.message)
            if detail.error == "rewound":
                raise SeqRewound(detail.expected_seq, detail.lineage)
            raise SeqGap(detail.expected_seq, detail.lineage)
        if status == 410:
            raise ResyncRequired(_message(response))
        if status == 413:
            raise PayloadTooLarge(_message(response))
        if status >= 400:
            raise SyncError(f"the server answered {status}: {_message(response)}")

    async def push(self, batch: PushBatch) -> PushResult:
        body = batch.model_dump(mode="json")
        return await self.call("POST", "/v1/sync/push", PushResult, json=body)

    async def pull(self, *, cursor: int, epoch: str, limit: int, acked: int = -1) -> PullPage:
        params = {"cursor": cursor, "epoch": epoch, "limit": limit, "acked": acked}
        return await self.call("GET", "/v1/sync/pull", PullPage, params=params)

    async def snapshot(self, table: str, *, after: str | None, limit: int) -> SnapshotPage:
        params: dict[str, Any] = {"table": table, "limit": limit}
        if after is not None:
            params["after"] = after
        return await self.call("GET", "/v1/sync/snapshot", SnapshotPage, params=params)

    async def verify(self, tables: dict[str, list[str]]) -> VerifyResult:
        body = VerifyRequest(tables=tables).model_dump(mode="json")
        return await self.call("POST", "/v1/sync/verify", VerifyResult, json=body)

    async def verified(self, *, cursor: int, epoch: str) -> VerifiedAck:
        body = VerifiedReport(cursor=cursor, epoch=epoch).model_dump(mode="json")
        return await self.call("POST", "/v1/sync/verified", VerifiedAck, json=body)

    async def integrity(self) -> IntegritySummary:
        return await self.call("GET", "/v1/sync/integrity", IntegritySummary)

    async def enrol(self, code: str, name: str) -> EnrolResponse:
        body = {"code": code, "name": name}
        return await self.call("POST", "/v1/enrol", EnrolResponse, json=body)
