"""The rate budget: priorities, bucket specs per CRM, bounded waits and learning from headers."""

from __future__ import annotations

import contextvars
import logging
import math
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from ..errors import BudgetExhausted
from .bucket import BucketOp, BucketStore, Outcome, StoreError
from .headers import parse_rate_headers

__all__ = [
    "DEFAULT_HEADROOM",
    "DEFAULT_MAX_WAIT",
    "DEFAULT_RESERVE_SHARE",
    "HIGHLEVEL_LIMIT",
    "HIGHLEVEL_WINDOW",
    "LEARNED_RATE_TTL",
    "LIGHTFIELD_LIMIT",
    "BucketSpec",
    "Budget",
    "BudgetCounters",
    "Category",
    "EventHook",
    "Priority",
    "current_priority",
    "highlevel_specs",
    "lightfield_specs",
    "using_priority",
]

logger = logging.getLogger("contacts_ui.crm.budget")


class Category(StrEnum):
    """Name a rate-limit category (Lightfield's three; HighLevel maps all three to one bucket)."""

    READ = "read"  # retrieve, definitions, auth/validate
    SEARCH = "search"  # list
    WRITE = "write"  # create, update, delete


class Priority(StrEnum):
    """Rank callers: a save beats the page a person waits on, which beats background lookups."""

    WRITE = "write"
    INTERACTIVE = "interactive"
    BACKGROUND = "background"


# Published limits, kept here so a change in the CRM's docs is a one-line change.
LIGHTFIELD_LIMIT: Final = 25.0  # requests per second, per category, per organisation
HIGHLEVEL_LIMIT: Final = 100.0  # requests per window, per location
HIGHLEVEL_WINDOW: Final = 10.0  # seconds
# Run a little under the published limit: our clocks, the CRM's and network jitter never agree
# exactly, and a refused save costs far more than a 10 % slower page.
DEFAULT_HEADROOM: Final = 0.9
DEFAULT_BURST: Final = 5.0
# Share of the burst each priority must leave in the bucket; writes may take the last token.
DEFAULT_RESERVE_SHARE: Final[Mapping[Priority, float]] = {
    Priority.WRITE: 0.0,
    Priority.INTERACTIVE: 0.2,
    Priority.BACKGROUND: 0.4,
}
# Longest wait for a token, in seconds: a background lookup can simply be skipped, a save should
# rather be a little late than lost.
DEFAULT_MAX_WAIT: Final[Mapping[Priority, float]] = {
    Priority.WRITE: 5.0,
    Priority.INTERACTIVE: 3.0,
    Priority.BACKGROUND: 0.5,
}
# How long a limit read from the CRM's headers overrides the configured one; every response
# that repeats it renews it, so a limit the CRM stops announcing is forgotten.
LEARNED_RATE_TTL: Final = 600.0
# With Remaining 0 and no Limit header, never hold a bucket longer than this on Reset's word.
MAX_RESET_HOLD: Final = 5.0
# Shortest sleep between tries, so a wait computed as a few nanoseconds cannot spin.
MIN_SLEEP: Final = 0.001
# The longest a 429 may hold a bucket: a garbled Retry-After must not stop every worker for
# a day.
MAX_PENALTY: Final = 300.0

# (event name, category, priority or None, value): seconds for waits, tokens or rates otherwise.
EventHook = Callable[[str, str, Priority | None, float], None]

_priority: contextvars.ContextVar[Priority | None] = contextvars.ContextVar(
    "crm_budget_priority", default=None
)


@contextmanager
def using_priority(value: Priority) -> Iterator[None]:
    """Run the enclosed CRM calls at ``value`` (e.g. background name lookups)."""
    token = _priority.set(value)
    try:
        yield
    finally:
        _priority.reset(token)


def current_priority(method: str) -> Priority:
    """Return the priority set by :func:`using_priority`, else WRITE for writes and INTERACTIVE."""
    chosen = _priority.get()
    if chosen is not None:
        return chosen
    return Priority.INTERACTIVE if method.upper() in {"GET", "HEAD"} else Priority.WRITE


@dataclass(frozen=True, slots=True)
class BucketSpec:
    """Configure one bucket: refill ``rate`` per second, hold at most ``burst`` tokens.

    ``name`` is the bucket's key inside its scope: categories that share a name share a bucket
    (HighLevel has one limit for every call). ``window`` and ``headroom`` say how to turn a
    limit announced in the CRM's headers into a rate: ``limit / window * headroom``; a 429
    without Retry-After holds the bucket for one ``window``.
    ``reserve_interactive`` and ``reserve_background`` are the tokens each must leave behind.
    """

    name: str
    rate: float
    burst: float
    reserve_interactive: float = 1.0
    reserve_background: float = 2.0
    window: float = 1.0
    headroom: float = DEFAULT_HEADROOM

    def __post_init__(self) -> None:
        if not (self.rate > 0 and math.isfinite(self.rate)):
            raise ValueError(f"Bucket {self.name!r}: rate must be a positive number.")
        if self.burst < 1:
            raise ValueError(f"Bucket {self.name!r}: burst must hold at least one token.")
        if not 0 <= self.reserve_interactive <= self.reserve_background < self.burst:
            raise ValueError(
                f"Bucket {self.name!r}: reserves must satisfy 0 <= interactive <= background"
                " < burst."
            )

    def reserve(self, priority: Priority) -> float:
        """Return the tokens a caller of ``priority`` must leave in the bucket."""
        if priority is Priority.BACKGROUND:
            return self.reserve_background
        if priority is Priority.INTERACTIVE:
            return self.reserve_interactive
        return 0.0


def _spec(name: str, limit: float, window: float, headroom: float, burst: float) -> BucketSpec:
    return BucketSpec(
        name=name,
        rate=limit / window * headroom,
        burst=burst,
        reserve_interactive=burst * DEFAULT_RESERVE_SHARE[Priority.INTERACTIVE],
        reserve_background=burst * DEFAULT_RESERVE_SHARE[Priority.BACKGROUND],
        window=window,
        headroom=headroom,
    )


def lightfield_specs(
    *,
    limit: float = LIGHTFIELD_LIMIT,
    headroom: float = DEFAULT_HEADROOM,
    burst: float = DEFAULT_BURST,
) -> dict[Category, BucketSpec]:
    """Return one bucket per Lightfield category at ``headroom`` of ``limit`` requests/s."""
    return {category: _spec(category.value, limit, 1.0, headroom, burst) for category in Category}


def highlevel_specs(
    *,
    limit: float = HIGHLEVEL_LIMIT,
    window: float = HIGHLEVEL_WINDOW,
    headroom: float = DEFAULT_HEADROOM,
    burst: float = DEFAULT_BURST,
) -> dict[Category, BucketSpec]:
    """Return HighLevel's one burst bucket (``limit`` per ``window`` s) for every category.

    HighLevel counts in a window rather than a bucket, so ``rate·window + burst`` must stay
    under the limit: 9/s with a burst of 5 allows at most 95 calls in any 10 s.
    """
    spec = _spec("burst", limit, window, headroom, burst)
    return dict.fromkeys(Category, spec)


class Budget:
    """Share a CRM's rate limit among every process that uses the same store and scope.

    ``scope`` names what the CRM counts against (``lightfield:<org>``,
    ``highlevel:<location>``); buckets are keyed ``<scope>:<spec name>``. ``clock`` and
    ``sleep`` time the waits (inject fakes in tests); ``wall_clock`` reads epoch Reset headers.
    """

    def __init__(
        self,
        store: BucketStore,
        specs: Mapping[Category, BucketSpec],
        *,
        scope: str,
        max_wait: Mapping[Priority, float] = DEFAULT_MAX_WAIT,
        learned_rate_ttl: float = LEARNED_RATE_TTL,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        wall_clock: Callable[[], float] = time.time,
        on_event: EventHook | None = None,
    ) -> None:
        self.store = store
        self.specs = dict(specs)
        self.scope = scope
        self._max_wait = {p: max_wait.get(p, DEFAULT_MAX_WAIT[p]) for p in Priority}
        self._learned_rate_ttl = learned_rate_ttl
        self._clock = clock
        self._sleep = sleep
        self._wall_clock = wall_clock
        self._on_event = on_event

    def acquire(
        self, category: Category, priority: Priority = Priority.INTERACTIVE, cost: float = 1.0
    ) -> float:
        """Take ``cost`` tokens, sleeping until they are there; return the seconds waited.

        Raise ``BudgetExhausted`` at once when the wait needed would exceed the priority's
        maximum. If the store is unreachable, let the call through (the client still honours
        429s): a Redis outage must not take the dashboard down with it.
        """
        spec = self.specs[category]
        op = BucketOp("take", spec.rate, spec.burst, cost=cost, reserve=spec.reserve(priority))
        started = self._clock()
        waited = 0.0
        while True:
            outcome = self._apply(category, spec, op, priority)
            if outcome is None or outcome.granted:
                self._emit("granted", category, priority, waited)
                return waited
            # Count our own sleeps too, so a clock that does not move cannot wait forever.
            spent = max(self._clock() - started, waited)
            if spent + outcome.wait > self._max_wait[priority] + 1e-9:
                self._emit("refused", category, priority, outcome.wait)
                raise BudgetExhausted(category.value, outcome.wait, priority=priority.value)
            delay = max(outcome.wait, MIN_SLEEP)
            self._emit("waited", category, priority, delay)
            self._sleep(delay)
            waited += delay

    def observe(self, category: Category, headers: Mapping[str, str]) -> None:
        """Align the shared bucket with a response's rate-limit headers.

        Lower the tokens when the CRM has fewer left than the bucket holds, adopt a limit that
        differs from the configured one (at the spec's headroom), and when nothing is left hold
        the bucket until the CRM has a token again. Does nothing when the headers change nothing,
        so the common response costs no round trip to the store.
        """
        spec = self.specs[category]
        seen = parse_rate_headers(headers, now=self._wall_clock())
        learned: float | None = None
        if seen.limit is not None:
            target = seen.limit / (seen.window or spec.window) * spec.headroom
            if not math.isclose(target, spec.rate, rel_tol=0.01):
                learned = target
        # The bucket never holds more than its burst, so a larger Remaining cannot lower it.
        remaining = seen.remaining
        if remaining is not None and remaining >= spec.burst:
            remaining = None
        hold = 0.0
        if seen.remaining == 0 and seen.reset_in:
            # Reset is when the CRM's bucket is *full*; its next token comes one interval sooner.
            next_token = (seen.window or spec.window) / seen.limit if seen.limit else MAX_RESET_HOLD
            hold = min(seen.reset_in, next_token)
        if learned is None and remaining is None and hold == 0:
            return
        op = BucketOp(
            "update",
            spec.rate,
            spec.burst,
            remaining=remaining,
            learned_rate=learned,
            learned_ttl=self._learned_rate_ttl,
            hold=hold,
        )
        if self._apply(category, spec, op, None) is None:
            return
        if learned is not None:
            self._emit("learned", category, None, learned)
        if remaining is not None:
            self._emit("lowered", category, None, remaining)

    def penalize(self, category: Category, retry_after: float | None) -> None:
        """Empty the shared bucket and hold it for ``retry_after`` seconds after a 429.

        Without a usable Retry-After, hold it for one window of the CRM's limit (HighLevel may
        send none); never longer than ``MAX_PENALTY``.
        """
        spec = self.specs[category]
        wanted = retry_after if retry_after is not None and retry_after > 0 else spec.window
        seconds = min(wanted, MAX_PENALTY)
        op = BucketOp("update", spec.rate, spec.burst, remaining=0.0, hold=seconds)
        if self._apply(category, spec, op, None) is not None:
            self._emit("penalized", category, None, seconds)

    def peek(self, category: Category) -> Outcome | None:
        """Return the bucket's state without changing it, or None if the store is down."""
        spec = self.specs[category]
        return self._apply(category, spec, BucketOp("peek", spec.rate, spec.burst), None)

    def _apply(
        self, category: Category, spec: BucketSpec, op: BucketOp, priority: Priority | None
    ) -> Outcome | None:
        try:
            return self.store.apply(f"{self.scope}:{spec.name}", op)
        except StoreError:
            logger.warning("rate budget store failed; letting %s calls through", category.value)
            self._emit("store_error", category, priority, 0.0)
            return None

    def _emit(self, name: str, category: Category, priority: Priority | None, value: float) -> None:
        if self._on_event is None:
            return
        try:
            self._on_event(name, category.value, priority, value)
        except Exception:
            # A broken metrics hook must never fail a save.
            logger.exception("rate budget event hook failed on %s", name)


class BudgetCounters:
    """Count budget events per (name, category, priority) and sum their values.

    Pass an instance as ``on_event``; read ``counts`` and ``totals`` (e.g. from a Prometheus
    collector) at any time.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.counts: Counter[tuple[str, str, str | None]] = Counter()
        self.totals: defaultdict[tuple[str, str, str | None], float] = defaultdict(float)

    def __call__(self, name: str, category: str, priority: Priority | None, value: float) -> None:
        """Record one event."""
        key = (name, category, priority.value if priority is not None else None)
        with self._lock:
            self.counts[key] += 1
            self.totals[key] += value
