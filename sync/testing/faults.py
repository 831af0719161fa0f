"""A fault-injecting httpx transport: timeouts, 5xx, truncated bodies, duplicated requests,
responses lost after the server committed, and partitions.

Wrap any transport (``httpx.HTTPTransport`` to a real uvicorn, or ``httpx.ASGITransport``
in process). Faults are drawn from a seeded ``random.Random`` so a failing run replays.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

import httpx


class Fault(StrEnum):
    TIMEOUT_BEFORE = "timeout_before"  # the request never reached the server
    SERVER_ERROR = "server_error"  # a 503 from a proxy; the server never saw it
    RESPONSE_LOST = "response_lost"  # the server handled it; the answer never arrived
    TRUNCATED = "truncated"  # the server handled it; the body arrived cut short
    DUPLICATED = "duplicated"  # the request was delivered twice
    PARTITION = "partition"  # every request fails until the partition heals


@dataclass
class FaultPlan:
    """How often each fault happens (probabilities per request) and how long partitions last."""

    rate: float = 0.2
    kinds: tuple[Fault, ...] = (
        Fault.TIMEOUT_BEFORE,
        Fault.SERVER_ERROR,
        Fault.RESPONSE_LOST,
        Fault.TRUNCATED,
        Fault.DUPLICATED,
    )
    partition_requests: int = 0  # when PARTITION is drawn, this many requests fail
    seed: int = 0
    injected: Counter[str] = field(default_factory=Counter)


def _timeout(request: httpx.Request) -> httpx.ReadTimeout:
    return httpx.ReadTimeout("injected fault: no answer", request=request)


def _truncate(response: httpx.Response) -> httpx.Response:
    body = response.content
    return httpx.Response(
        response.status_code,
        headers={k: v for k, v in response.headers.items() if k.lower() != "content-length"},
        content=body[: max(0, len(body) // 2 - 1)],
        request=response.request,
    )


class FaultyTransport(httpx.BaseTransport):
    """A synchronous transport that injects faults per ``plan`` around ``inner``."""

    def __init__(self, inner: httpx.BaseTransport, plan: FaultPlan) -> None:
        self.inner = inner
        self.plan = plan
        self._rng = random.Random(plan.seed)
        self._partition_left = 0
        self.enabled = True

    def _draw(self) -> Fault | None:
        if not self.enabled:
            return None
        if self._partition_left > 0:
            self._partition_left -= 1
            return Fault.PARTITION
        if self._rng.random() >= self.plan.rate:
            return None
        fault = self._rng.choice(self.plan.kinds)
        if fault is Fault.PARTITION:
            self._partition_left = self.plan.partition_requests
        return fault

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        fault = self._draw()
        if fault is not None:
            self.plan.injected[fault.value] += 1
        if fault in (Fault.TIMEOUT_BEFORE, Fault.PARTITION):
            raise httpx.ConnectError("injected fault: unreachable", request=request)
        if fault is Fault.SERVER_ERROR:
            return httpx.Response(503, text="injected fault", request=request)
        if fault is Fault.DUPLICATED:
            request.read()
            first = self.inner.handle_request(request)
            first.read()
            first.close()
        response = self.inner.handle_request(request)
        if fault is Fault.RESPONSE_LOST:
            response.read()
            response.close()
            raise _timeout(request)
        if fault is Fault.TRUNCATED:
            response.read()
            return _truncate(response)
        return response

    def close(self) -> None:
        self.inner.close()
