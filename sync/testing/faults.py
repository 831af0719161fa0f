"""Fault-injecting httpx transports: timeouts, 5xx, truncated bodies, duplicated and
replayed requests, responses lost after the server committed, and partitions.

Wrap any transport (``httpx.HTTPTransport`` to a real uvicorn, ``httpx.ASGITransport`` in
process, or their async forms). Faults are drawn from a seeded ``random.Random`` by one
``FaultDraw`` that both transports share, so a failing run replays.
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
    REPLAYED = "replayed"  # an earlier request is re-delivered first (out of order)
    PARTITION = "partition"  # every request fails until the partition heals


#: The faults of a chaos run: every kind, partitions included.
CHAOS_KINDS: tuple[Fault, ...] = (
    Fault.TIMEOUT_BEFORE,
    Fault.SERVER_ERROR,
    Fault.RESPONSE_LOST,
    Fault.TRUNCATED,
    Fault.DUPLICATED,
    Fault.REPLAYED,
    Fault.PARTITION,
)
#: How many earlier requests a transport keeps for ``Fault.REPLAYED``.
REPLAY_HISTORY = 20


@dataclass
class FaultPlan:
    """How often a fault happens (probability per request), which kinds are drawn, and how
    many further requests fail after the one that drew ``Fault.PARTITION``."""

    rate: float = 0.2
    kinds: tuple[Fault, ...] = (
        Fault.TIMEOUT_BEFORE,
        Fault.SERVER_ERROR,
        Fault.RESPONSE_LOST,
        Fault.TRUNCATED,
        Fault.DUPLICATED,
    )
    partition_requests: int = 0
    seed: int = 0
    injected: Counter[str] = field(default_factory=Counter)


@dataclass
class ChaosFaultPlan(FaultPlan):
    """A chaos run's plan: every kind of fault, partitions four requests long."""

    kinds: tuple[Fault, ...] = CHAOS_KINDS
    partition_requests: int = 3


class FaultDraw:
    """The seeded draw of one fault (or none) per request, with partitions and replays."""

    def __init__(self, plan: FaultPlan) -> None:
        self.plan = plan
        self.rng = random.Random(plan.seed)
        self.enabled = True
        self._partition_left = 0
        self._history: list[httpx.Request] = []

    def next(self) -> Fault | None:
        """The fault for the next request (counted in ``plan.injected``), or None."""
        fault = self._draw()
        if fault is not None:
            self.plan.injected[fault.value] += 1
        return fault

    def _draw(self) -> Fault | None:
        if not self.enabled:
            return None
        if self._partition_left > 0:
            self._partition_left -= 1
            return Fault.PARTITION
        if self.rng.random() >= self.plan.rate:
            return None
        fault = self.rng.choice(self.plan.kinds)
        if fault is Fault.PARTITION:
            self._partition_left = self.plan.partition_requests
        return fault

    def replay_of(self, fault: Fault | None, request: httpx.Request) -> httpx.Request | None:
        """A copy of an earlier request to deliver first (for ``REPLAYED``); remembers this one."""
        replaying = fault is Fault.REPLAYED and self._history
        earlier = self.rng.choice(self._history) if replaying else None
        self._history = [*self._history[1 - REPLAY_HISTORY :], request]
        if earlier is None:
            return None
        return httpx.Request(
            earlier.method, earlier.url, headers=earlier.headers, content=earlier.content
        )


def _fails_before_sending(fault: Fault | None, request: httpx.Request) -> httpx.Response | None:
    """The outcome of a fault that stops the request before the server sees it."""
    if fault in (Fault.TIMEOUT_BEFORE, Fault.PARTITION):
        raise httpx.ConnectError("injected fault: unreachable", request=request)
    if fault is Fault.SERVER_ERROR:
        return httpx.Response(503, text="injected fault", request=request)
    return None


def _after_answer(
    fault: Fault | None, response: httpx.Response, request: httpx.Request
) -> httpx.Response:
    """The answer as the client gets it: lost, cut short, or as sent (body already read)."""
    if fault is Fault.RESPONSE_LOST:
        raise httpx.ReadTimeout("injected fault: answer lost", request=request)
    if fault is not Fault.TRUNCATED:
        return response
    body = response.content
    return httpx.Response(
        response.status_code,
        headers={k: v for k, v in response.headers.items() if k.lower() != "content-length"},
        content=body[: max(0, len(body) // 2 - 1)],
        request=request,
    )


class FaultyTransport(httpx.BaseTransport):
    """A synchronous transport that injects faults per ``plan`` around ``inner``."""

    def __init__(self, inner: httpx.BaseTransport, plan: FaultPlan) -> None:
        self.inner, self.plan = inner, plan
        self.draw = FaultDraw(plan)

    @property
    def enabled(self) -> bool:
        return self.draw.enabled

    @enabled.setter
    def enabled(self, value: bool) -> None:
        self.draw.enabled = value

    def _deliver_and_drop(self, request: httpx.Request) -> None:
        response = self.inner.handle_request(request)
        response.read()
        response.close()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        request.read()
        fault = self.draw.next()
        stopped = _fails_before_sending(fault, request)
        if stopped is not None:
            return stopped
        replay = self.draw.replay_of(fault, request)
        if replay is not None:
            self._deliver_and_drop(replay)
        if fault is Fault.DUPLICATED:
            self._deliver_and_drop(request)
        response = self.inner.handle_request(request)
        if fault in (Fault.RESPONSE_LOST, Fault.TRUNCATED):
            response.read()
            response.close()
        return _after_answer(fault, response, request)

    def close(self) -> None:
        self.inner.close()


class AsyncFaultyTransport(httpx.AsyncBaseTransport):
    """The same faults around an ``httpx.AsyncBaseTransport`` (the async sync client's)."""

    def __init__(self, inner: httpx.AsyncBaseTransport, plan: FaultPlan) -> None:
        self.inner, self.plan = inner, plan
        self.draw = FaultDraw(plan)

    @property
    def enabled(self) -> bool:
        return self.draw.enabled

    @enabled.setter
    def enabled(self, value: bool) -> None:
        self.draw.enabled = value

    async def _deliver_and_drop(self, request: httpx.Request) -> None:
        response = await self.inner.handle_async_request(request)
        await response.aread()
        await response.aclose()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        await request.aread()
        fault = self.draw.next()
        stopped = _fails_before_sending(fault, request)
        if stopped is not None:
            return stopped
        replay = self.draw.replay_of(fault, request)
        if replay is not None:
            await self._deliver_and_drop(replay)
        if fault is Fault.DUPLICATED:
            await self._deliver_and_drop(request)
        response = await self.inner.handle_async_request(request)
        if fault in (Fault.RESPONSE_LOST, Fault.TRUNCATED):
            await response.aread()
            await response.aclose()
        return _after_answer(fault, response, request)

    async def aclose(self) -> None:
        await self.inner.aclose()
