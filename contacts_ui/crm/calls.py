"""What every CRM client does around one HTTP call, whichever CRM it speaks to.

**The read policy.** A person waits on every read, so a hung CRM must cost a page at most a
few seconds: a read's attempts are short (``READ_TIMEOUT``), it is retried at most
``READ_MAX_RETRIES`` times, and all of it fits in ``READ_DEADLINE``: a retry gets only what is
left of the deadline, and a retry that cannot fit is not attempted (``Deadline``). Writes keep
their client's longer timeout and retry rules.

**Writes and retries.** Both CRMs get the same write timeout, pool, retry count and backoff
(0.5·2ⁿ s, capped, minus up to a quarter at random), and every attempt is logged alike
(``log_attempt``).

**Observers.** A client's ``observer`` is told about every attempt (metrics); ``observe`` makes
sure a failing observer never fails the call.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Final

import httpx

__all__ = [
    "DEFAULT_LIMITS",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "INITIAL_RETRY_DELAY",
    "MAX_RETRY_AFTER",
    "MAX_RETRY_DELAY",
    "MIN_ATTEMPT_SECONDS",
    "READ_DEADLINE",
    "READ_MAX_RETRIES",
    "READ_TIMEOUT",
    "CallObserver",
    "Deadline",
    "backoff_delay",
    "log_attempt",
    "longest",
    "observe",
    "outcome_of",
]

# (category, outcome, seconds): outcome is the HTTP status, or "timeout" / "connection_error".
CallObserver = Callable[[str, str, float], None]

# Writes: a save may take the CRM a while, and giving up early only to retry it (or look a
# create up) costs the person more than waiting; still far from SDK-style minute-long timeouts.
DEFAULT_TIMEOUT: Final = httpx.Timeout(connect=3.0, read=10.0, write=10.0, pool=3.0)
# Sized for one web process serving a handful of threads.
DEFAULT_LIMITS: Final = httpx.Limits(
    max_connections=20, max_keepalive_connections=10, keepalive_expiry=30.0
)
DEFAULT_MAX_RETRIES: Final = 2
INITIAL_RETRY_DELAY: Final = 0.5
MAX_RETRY_DELAY: Final = 8.0
# The longest server-requested wait sat through inside one request; anything longer is raised
# at once so the page can say when to try again instead of hanging.
MAX_RETRY_AFTER: Final = 5.0

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


def backoff_delay(attempt: int, random: Callable[[], float]) -> float:
    """Return the delay before retry ``attempt + 1``: 0.5·2ⁿ s, capped, minus ≤25 %."""
    delay = min(INITIAL_RETRY_DELAY * 2.0**attempt, MAX_RETRY_DELAY)
    return delay * (1 - 0.25 * random())


def log_attempt(
    logger: logging.Logger,
    method: str,
    path: str,
    outcome: int | str,
    started: float,
    attempt: int,
    max_retries: int,
) -> None:
    """Log one attempt: a warning when it got no answer or a 5xx, else info."""
    elapsed_ms = (time.perf_counter() - started) * 1000
    level = logging.INFO if isinstance(outcome, int) and outcome < 500 else logging.WARNING
    logger.log(
        level,
        "%s %s -> %s in %.0f ms (attempt %d/%d)",
        method,
        path,
        outcome,
        elapsed_ms,
        attempt + 1,
        max_retries + 1,
    )
