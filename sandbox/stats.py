"""Traffic statistics for benchmarks: GET /_sandbox/stats (DELETE resets). Not part of the API.

Counts every API request by category, status and wall-clock second, so a load test can report
the 429s it provoked and the busiest second per category without parsing the request log.
"""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

PATH = "/_sandbox/stats"


class TrafficStats:
    """Count requests per (second, category) and per status, thread-safely."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._per_second: Counter[tuple[int, str]] = Counter()
        self._by_status: Counter[int] = Counter()
        self._by_category: Counter[str] = Counter()

    def record(self, category: str, status: int) -> None:
        """Count one answered request."""
        second = math.floor(self._clock())
        with self._lock:
            self._per_second[(second, category)] += 1
            self._by_status[status] += 1
            self._by_category[category] += 1

    def reset(self) -> None:
        """Forget everything counted so far."""
        with self._lock:
            self._per_second.clear()
            self._by_status.clear()
            self._by_category.clear()

    def snapshot(self) -> dict[str, Any]:
        """Return totals, statuses, and the peak one-second count per category."""
        with self._lock:
            peaks: dict[str, int] = {}
            for (_, category), count in self._per_second.items():
                peaks[category] = max(peaks.get(category, 0), count)
            return {
                "requests": sum(self._by_status.values()),
                "by_status": {str(k): v for k, v in sorted(self._by_status.items())},
                "by_category": dict(self._by_category),
                "peak_per_second": peaks,
                "rate_limited": self._by_status.get(429, 0),
            }
