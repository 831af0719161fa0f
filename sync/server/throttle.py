"""Token buckets that throttle enrolment attempts per client address and overall.

They live in each process's memory; with several central processes each holds its share of
the limits (``EnrolThrottle.shared_by``), so the limits hold for all of them together."""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

Monotonic = Callable[[], float]


class Throttled(Exception):
    """Too many attempts (429); ``retry_after`` is whole seconds until the next is allowed."""

    def __init__(self, retry_after: int, scope: str) -> None:
        super().__init__(f"too many enrolment attempts; retry in {retry_after} s")
        self.retry_after = retry_after
        self.scope = scope  # "address" or "global": which bucket ran dry


@dataclass(frozen=True)
class Rate:
    """``burst`` attempts at once, then one every ``every_s`` seconds."""

    burst: int
    every_s: float

    def share(self, processes: int) -> Rate:
        """This rate split over ``processes`` (at least one attempt at once each)."""
        if processes <= 1:
            return self
        return Rate(burst=max(1, self.burst // processes), every_s=self.every_s * processes)


@dataclass
class TokenBucket:
    rate: Rate
    tokens: float
    stamp: float

    @classmethod
    def full(cls, rate: Rate, now: float) -> TokenBucket:
        return cls(rate=rate, tokens=float(rate.burst), stamp=now)

    def _refill(self, now: float) -> None:
        gained = max(0.0, now - self.stamp) / self.rate.every_s
        self.tokens = min(float(self.rate.burst), self.tokens + gained)
        self.stamp = max(self.stamp, now)

    def wait_s(self, now: float) -> float:
        """Seconds until one attempt is allowed (0 when it is now)."""
        self._refill(now)
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) * self.rate.every_s

    def take(self) -> None:
        self.tokens -= 1


#: Defaults: a kiosk enrols once; an administrator enrolling a whole site stays well inside.
PER_ADDRESS = Rate(burst=5, every_s=10.0)
OVERALL = Rate(burst=20, every_s=1.0)
MAX_ADDRESSES = 4096  # least recently seen addresses are forgotten (their bucket refills)


class EnrolThrottle:
    """Allows an attempt only when both the caller's address bucket and the global bucket
    hold a token; a refused attempt takes no token from either."""

    def __init__(
        self,
        *,
        per_address: Rate = PER_ADDRESS,
        overall: Rate = OVERALL,
        clock: Monotonic = time.monotonic,
        max_addresses: int = MAX_ADDRESSES,
    ) -> None:
        self.per_address, self.clock, self.max_addresses = per_address, clock, max_addresses
        self.overall = TokenBucket.full(overall, clock())
        self.addresses: OrderedDict[str, TokenBucket] = OrderedDict()
        self._lock = threading.Lock()

    @classmethod
    def shared_by(
        cls, processes: int, *, per_address: Rate = PER_ADDRESS, overall: Rate = OVERALL
    ) -> EnrolThrottle:
        """One process's share when ``processes`` serve the same database: each gets
        ``1/processes`` of every burst and rate, so all of them together allow no more
        than the limits (the rates exactly; a burst smaller than ``processes`` becomes one
        attempt per process). A client may be refused a little early when its requests
        spread unevenly; enrolment happens once per kiosk, guessing is what is bounded."""
        return cls(per_address=per_address.share(processes), overall=overall.share(processes))

    def check(self, address: str) -> None:
        """Count one attempt from ``address``, or raise ``Throttled``."""
        with self._lock:
            now = self.clock()
            bucket = self._bucket(address, now)
            for scope, which in (("address", bucket), ("global", self.overall)):
                wait = which.wait_s(now)
                if wait > 0:
                    raise Throttled(max(1, math.ceil(wait)), scope)
            bucket.take()
            self.overall.take()

    def _bucket(self, address: str, now: float) -> TokenBucket:
        bucket = self.addresses.get(address)
        if bucket is None:
            bucket = self.addresses[address] = TokenBucket.full(self.per_address, now)
            while len(self.addresses) > self.max_addresses:
                self.addresses.popitem(last=False)
        self.addresses.move_to_end(address)
        return bucket
