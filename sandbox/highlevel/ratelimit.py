"""HighLevel's rate limits: a burst allowance per 10-second window and a daily allowance.

Headers on every response while limiting is on: `X-RateLimit-Limit-Daily`,
`X-RateLimit-Daily-Remaining`, `X-RateLimit-Interval-Milliseconds`, `X-RateLimit-Max`,
`X-RateLimit-Remaining`. A refused request gets `429` without `Retry-After` (HIGHLEVEL.md
cannot confirm HighLevel sends one, so clients must cope without it).
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

from sandbox.highlevel.errors import HighLevelError

DAY_SECONDS = 86_400


class BurstLimiter:
    """Count requests in a sliding window of `window` seconds, and per UTC day."""

    def __init__(self, burst: int, daily: int, window: float, clock: Callable[[], float]) -> None:
        self._burst = burst
        self._daily = daily
        self._window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._recent: deque[float] = deque()
        self._day = -1
        self._today = 0

    def take(self) -> dict[str, str]:
        """Count one request and return the headers; raise a 429 when a limit is spent."""
        with self._lock:
            now = self._advance()
            if len(self._recent) >= self._burst or self._today >= self._daily:
                raise HighLevelError(
                    429,
                    "Too many requests. Please slow down and retry after the rate-limit window.",
                    error="Too Many Requests",
                    headers=self._headers(),
                )
            self._recent.append(now)
            self._today += 1
            return self._headers()

    def peek(self) -> dict[str, str]:
        """Return the headers without counting a request."""
        with self._lock:
            self._advance()
            return self._headers()

    def _advance(self) -> float:
        now = self._clock()
        while self._recent and self._recent[0] <= now - self._window:
            self._recent.popleft()
        day = int(now // DAY_SECONDS)
        if day != self._day:
            self._day, self._today = day, 0
        return now

    def _headers(self) -> dict[str, str]:
        return {
            "X-RateLimit-Limit-Daily": str(self._daily),
            "X-RateLimit-Daily-Remaining": str(max(0, self._daily - self._today)),
            "X-RateLimit-Interval-Milliseconds": str(int(self._window * 1000)),
            "X-RateLimit-Max": str(self._burst),
            "X-RateLimit-Remaining": str(max(0, self._burst - len(self._recent))),
        }
