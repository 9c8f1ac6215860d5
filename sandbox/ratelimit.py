"""Token buckets per Lightfield rate-limit category, with the headers Lightfield sends."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from enum import StrEnum

from sandbox.errors import ApiError

RATE_LIMITED_MESSAGE = "Rate limit exceeded. Please try again later."


class Category(StrEnum):
    READ = "read"  # retrieve, definitions, auth/validate
    SEARCH = "search"  # list
    WRITE = "write"  # create, update


# Unix timestamps near 1.8e9 have a resolution of ~2e-7 s, so refills carry float error; a
# ten-thousandth of a token is far below anything a client could notice.
_EPSILON = 1e-4


class RateLimiter:
    """Refill each category's bucket continuously at `rate` tokens per second.

    The bucket holds `rate` tokens (at least one, so that fractional rates such as 0.5/s still
    let a request through every two seconds).
    """

    def __init__(self, rate: float, clock: Callable[[], float]) -> None:
        self._rate = rate
        self._capacity = max(1.0, float(rate))
        self._clock = clock
        self._lock = threading.Lock()
        now = clock()
        self._buckets = {category: (self._capacity, now) for category in Category}

    def take(self, category: Category) -> dict[str, str]:
        """Spend one token and return the X-RateLimit-* headers; raise a 429 when empty."""
        with self._lock:
            tokens, now = self._refill(category)
            if tokens + _EPSILON < 1:
                self._buckets[category] = (tokens, now)
                retry_after = max(1, math.ceil((1 - tokens) / self._rate))
                headers = self._headers(tokens, now) | {"Retry-After": str(retry_after)}
                raise ApiError(429, RATE_LIMITED_MESSAGE, headers=headers)
            tokens -= 1
            self._buckets[category] = (tokens, now)
            return self._headers(tokens, now)

    def peek(self, category: Category) -> dict[str, str]:
        """Return the headers for a category without spending a token."""
        with self._lock:
            tokens, now = self._refill(category)
            return self._headers(tokens, now)

    def _refill(self, category: Category) -> tuple[float, float]:
        tokens, updated = self._buckets[category]
        now = self._clock()
        # A clock that steps backwards (tests, NTP) must not drain the bucket.
        elapsed = max(0.0, now - updated)
        return min(self._capacity, tokens + elapsed * self._rate), max(now, updated)

    def _headers(self, tokens: float, now: float) -> dict[str, str]:
        full_at = now + (self._capacity - tokens) / self._rate
        limit = int(self._rate) if float(self._rate).is_integer() else self._rate
        return {
            "X-RateLimit-Limit": str(limit),
            "X-RateLimit-Remaining": str(max(0, math.floor(tokens + _EPSILON))),
            "X-RateLimit-Reset": str(math.ceil(full_at)),
        }
