"""What every CRM client does around one HTTP call, whichever CRM it speaks to.

**The read policy.** A person waits on every read, so a hung CRM must cost a page at most a
few seconds: a read's attempts are short (``READ_TIMEOUT``), it is retried at most
``READ_MAX_RETRIES`` times, and all of it fits in ``READ_DEADLINE``: a retry gets only what is
left of the deadline, and a retry that cannot fit is not attempted (``Deadline``). Writes keep
their client's longer timeout and retry rules.

**Observers.** A client's ``observer`` is told about every attempt (metrics); ``observe`` makes
sure a failing observer never fails the call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Final

import httpx

__all__ = [
    "MIN_ATTEMPT_SECONDS",
    "READ_DEADLINE",
    "READ_MAX_RETRIES",
    "READ_TIMEOUT",
    "CallObserver",
    "Deadline",
    "longest",
    "observe",
    "outcome_of",
]

# (category, outcome, seconds): outcome is the HTTP status, or "timeout" / "connection_error".
CallObserver = Callable[[str, str, float], None]

# Reads: a person is waiting on the page, so a hung CRM call must cost them at most ~3 s in
# all — one attempt, one retry, then the banner. A healthy CRM answers in well under a
# second; an attempt that has not answered in 1.2 s is more likely hung than slow.
READ_TIMEOUT: Final = httpx.Timeout(connect=1.0, read=1.2, write=1.2, pool=1.0)
READ_MAX_RETRIES: Final = 1
READ_DEADLINE: Final = 3.0
# The shortest attempt worth making inside a read's deadline.
MIN_ATTEMPT_SECONDS: Final = 0.3


def longest(timeout: httpx.Timeout | float) -> float:
    """Return the longest single phase of a timeout (for capping a retry's timeout)."""
    if isinstance(timeout, httpx.Timeout):
        phases = [t for t in (timeout.connect, timeout.read, timeout.write, timeout.pool) if t]
        return max(phases, default=READ_DEADLINE)
    return float(timeout)


def outcome_of(exc: httpx.RequestError) -> str:
    """Return the observer's outcome for an attempt that got no answer."""
    return "timeout" if isinstance(exc, httpx.TimeoutException) else "connection_error"


class Deadline:
    """Bound the attempts of one call by ``seconds`` from its start (None: no bound).

    ``monotonic`` is injected so tests drive time without waiting.
    """

    def __init__(self, seconds: float | None, monotonic: Callable[[], float]) -> None:
        self._seconds = seconds
        self._monotonic = monotonic
        self._started = monotonic()

    def fits(self, delay: float) -> bool:
        """Tell whether a retry after ``delay`` still leaves time for an answer."""
        if self._seconds is None:
            return True
        # Leave at least a short attempt's worth after the sleep, else the retry is pointless.
        elapsed = self._monotonic() - self._started
        return elapsed + delay + MIN_ATTEMPT_SECONDS <= self._seconds

    def timeout_for(self, attempt: int, timeout: httpx.Timeout | float) -> httpx.Timeout | float:
        """Return attempt ``attempt``'s timeout: the full one first, then what is left."""
        if self._seconds is None or attempt == 0:
            return timeout
        # A retry gets what is left of the deadline, never a fresh full timeout.
        left = max(0.1, self._seconds - (self._monotonic() - self._started))
        return httpx.Timeout(min(left, longest(timeout)))


def observe(
    observer: CallObserver | None,
    category: str,
    outcome: str,
    seconds: float,
    logger: logging.Logger,
) -> None:
    """Tell ``observer`` about one attempt; an observer that fails is logged, never raised."""
    if observer is None:
        return
    try:
        observer(category, outcome, seconds)
    except Exception:
        # Metrics must never fail a CRM call.
        logger.exception("CRM call observer failed")
