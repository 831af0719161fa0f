"""Regression: a compressed answer cut short (a proxy dropping the tail of a gzip body) is
retried like any transient failure instead of crashing the sync session."""

from __future__ import annotations

import gzip

import httpx

from sync.protocol import IntegritySummary
from sync.transport import RetryPolicy, SyncClient
from tests.sync.world import no_sleep


class CutGzipOnce(httpx.AsyncBaseTransport):
    def __init__(self) -> None:
        self.calls = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        body = gzip.compress(
            IntegritySummary(cursor=3, epoch="e", tables={}).model_dump_json().encode()
        )
        if self.calls == 1:
            body = body[: len(body) // 2][:1] + b"garbage"  # not a gzip stream any more
        headers = {"content-encoding": "gzip", "content-type": "application/json"}
        return httpx.Response(200, headers=headers, content=body)


async def test_a_cut_off_compressed_answer_is_retried():
    transport = CutGzipOnce()
    client = SyncClient(
        "http://central", "t", transport=transport, retry=RetryPolicy(attempts=3, sleep=no_sleep)
    )
    summary = await client.integrity()
    assert summary.cursor == 3
    assert transport.calls == 2
    await client.aclose()
