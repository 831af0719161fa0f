"""The fault-injecting transport for the async sync client (``sync.transport.SyncClient``):
the same seeded ``FaultPlan`` as ``FaultyTransport``, around an ``httpx.AsyncBaseTransport``
(``httpx.ASGITransport`` in process or ``httpx.AsyncHTTPTransport`` to a real uvicorn)."""

from __future__ import annotations

import httpx

from sync.testing.faults import Fault, FaultPlan, FaultyTransport, _timeout, _truncate


class AsyncFaultyTransport(httpx.AsyncBaseTransport):
    """Injects faults per ``plan`` around ``inner``; see ``sync.testing.faults.Fault``."""

    def __init__(self, inner: httpx.AsyncBaseTransport, plan: FaultPlan) -> None:
        self.inner = inner
        self.plan = plan
        # The draw logic (rates, partitions, seed) is shared with the synchronous transport.
        self._drawer = FaultyTransport(httpx.MockTransport(lambda _r: httpx.Response(200)), plan)

    @property
    def enabled(self) -> bool:
        return self._drawer.enabled

    @enabled.setter
    def enabled(self, value: bool) -> None:
        self._drawer.enabled = value

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        fault = self._drawer._draw()
        if fault is not None:
            self.plan.injected[fault.value] += 1
        if fault in (Fault.TIMEOUT_BEFORE, Fault.PARTITION):
            raise httpx.ConnectError("injected fault: unreachable", request=request)
        if fault is Fault.SERVER_ERROR:
            return httpx.Response(503, text="injected fault", request=request)
        if fault is Fault.DUPLICATED:
            await request.aread()
            first = await self.inner.handle_async_request(request)
            await first.aread()
            await first.aclose()
        response = await self.inner.handle_async_request(request)
        if fault is Fault.RESPONSE_LOST:
            await response.aread()
            await response.aclose()
            raise _timeout(request)
        if fault is Fault.TRUNCATED:
            await response.aread()
            response.request = request  # an ASGI answer does not carry its request
            return _truncate(response)
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()
