"""A fault-injecting async link for chaos runs (ASGI in process): the faults of
``sync.testing.faults`` plus stale re-deliveries of earlier requests (reordering)."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

import httpx

from sync.testing.faults import Fault

#: Re-deliver a request seen earlier (a delayed duplicate arriving out of order).
REPLAYED = "replayed"


@dataclass
class AsyncFaultPlan:
    """Per-request fault probability, the kinds drawn, and partition length in requests."""

    rate: float = 0.2
    kinds: tuple[str, ...] = (
        Fault.TIMEOUT_BEFORE,
        Fault.SERVER_ERROR,
        Fault.RESPONSE_LOST,
        Fault.TRUNCATED,
        Fault.DUPLICATED,
        REPLAYED,
        Fault.PARTITION,
    )
    partition_requests: int = 4
    seed: int = 0
    injected: Counter[str] = field(default_factory=Counter)


async def _send_copy(inner: httpx.AsyncBaseTransport, request: httpx.Request) -> None:
    copy = httpx.Request(
        request.method, request.url, headers=request.headers, content=request.content
    )
    response = await inner.handle_async_request(copy)
    await response.aread()
    await response.aclose()


class AsyncFaultyTransport(httpx.AsyncBaseTransport):
    """Wraps ``inner`` (e.g. ``httpx.ASGITransport``); ``enabled = False`` turns faults off."""

    def __init__(self, inner: httpx.AsyncBaseTransport, plan: AsyncFaultPlan) -> None:
        self.inner, self.plan = inner, plan
        self._rng = random.Random(plan.seed)
        self._partition_left = 0
        self._history: list[httpx.Request] = []
        self.enabled = True

    def _draw(self) -> str | None:
        if not self.enabled:
            return None
        if self._partition_left > 0:
            self._partition_left -= 1
            return Fault.PARTITION
        if self._rng.random() >= self.plan.rate:
            return None
        fault = self._rng.choice(self.plan.kinds)
        if fault == Fault.PARTITION:
            self._partition_left = max(0, self.plan.partition_requests - 1)
        return fault

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        fault = self._draw()
        if fault is not None:
            self.plan.injected[str(fault)] += 1
        if fault in (Fault.TIMEOUT_BEFORE, Fault.PARTITION):
            raise httpx.ConnectError("injected fault: unreachable", request=request)
        if fault == Fault.SERVER_ERROR:
            return httpx.Response(503, text="injected fault", request=request)
        if fault == Fault.DUPLICATED:
            await _send_copy(self.inner, request)
        if fault == REPLAYED and self._history:
            await _send_copy(self.inner, self._rng.choice(self._history))
        self._history = [*self._history[-19:], request]
        response = await self.inner.handle_async_request(request)
        if fault in (Fault.RESPONSE_LOST, Fault.TRUNCATED):
            body = await response.aread()
            await response.aclose()
            if fault == Fault.RESPONSE_LOST:
                raise httpx.ReadTimeout("injected fault: answer lost", request=request)
            headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
            cut = body[: max(0, len(body) // 2 - 1)]
            return httpx.Response(response.status_code, headers=headers, content=cut)
        return response
