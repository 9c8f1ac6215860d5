"""Data every process must see alike, behind a small per-process layer.

The ``default`` cache is shared by every process of the host (a file cache under var/) or by
every host (Redis when REDIS_URL is set); the ``local`` cache is this process's memory, read
first and kept only briefly so a change made elsewhere shows within seconds.

``fetch_once`` is how a value the CRM must be asked for is filled: one caller per process
(single-flight) and one per organisation (a short lock in the shared cache) asks, everyone else
waits briefly for the value instead of spending the team's rate budget on the same request.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, TypeVar, cast

from django.core.cache import caches

from contacts_ui.crm.coalesce import SingleFlight
from contacts_ui.observability.metrics import CACHE_LOOKUPS

__all__ = [
    "LOCAL_SECONDS",
    "delete",
    "fetch_once",
    "get",
    "get_many",
    "set",
    "set_many",
    "shared",
]

logger = logging.getLogger(__name__)

T = TypeVar("T")

# How long this process trusts its own copy: short, so invalidations elsewhere show quickly.
LOCAL_SECONDS: Final = 10
# How long the first asker holds the lock; a crashed asker's lock must not outlive a retry.
LOCK_SECONDS: Final = 5
# How long the others wait for the first asker's value before asking the CRM themselves.
LOCK_WAIT_SECONDS: Final = 2.0
# How often they look: a waiter gets the value at most this long after it lands (a CRM call
# takes tens of milliseconds; each look is one shared-cache read).
LOCK_POLL_SECONDS: Final = 0.01
_MISSING: Final = object()

_flights: SingleFlight[Any] = SingleFlight()


def _local() -> Any:
    return caches["local"]


def _shared() -> Any:
    return caches["default"]


def shared() -> Any:
    """Return the cache every process sees (for locks that must hold across processes)."""
    return _shared()


def get(key: str, *, kind: str = "other", local: bool = True) -> Any | None:
    """Return the value under ``key`` from this process's layer, else the shared one.

    ``local=False`` skips this process's layer, for values another process may have just
    replaced (a contact someone saved).
    """
    value = _local().get(key, _MISSING) if local else _MISSING
    if value is not _MISSING:
        CACHE_LOOKUPS.labels(kind, "local_hit").inc()
        return value
    value = _shared().get(key, _MISSING)
    if value is _MISSING:
        CACHE_LOOKUPS.labels(kind, "miss").inc()
        return None
    CACHE_LOOKUPS.labels(kind, "shared_hit").inc()
    if local:
        _local().set(key, value, LOCAL_SECONDS)
    return value


def get_many(keys: Iterable[str], *, kind: str = "other") -> dict[str, Any]:
    """Return the values found under ``keys`` (local layer first), as one shared round trip."""
    wanted = list(keys)
    found: dict[str, Any] = _local().get_many(wanted)
    rest = [key for key in wanted if key not in found]
    if rest:
        fresh = _shared().get_many(rest)
        if fresh:
            _local().set_many(fresh, LOCAL_SECONDS)
        found.update(fresh)
        CACHE_LOOKUPS.labels(kind, "shared_hit").inc(len(fresh))
        CACHE_LOOKUPS.labels(kind, "miss").inc(len(rest) - len(fresh))
    CACHE_LOOKUPS.labels(kind, "local_hit").inc(len(wanted) - len(rest))
    return found


def set(key: str, value: Any, seconds: float | None, *, local: bool = True) -> None:
    """Store ``value`` for every process for ``seconds`` (None: no expiry), and in this
    process's layer (briefly)."""
    _shared().set(key, value, seconds)
    if local:
        _local().set(key, value, LOCAL_SECONDS if seconds is None else min(seconds, LOCAL_SECONDS))


def set_many(values: Mapping[str, Any], seconds: float) -> None:
    """Store several values for every process for ``seconds``."""
    if not values:
        return
    _shared().set_many(dict(values), seconds)
    _local().set_many(dict(values), min(seconds, LOCAL_SECONDS))


def delete(key: str) -> None:
    """Forget ``key`` everywhere (other processes' local copies expire within seconds)."""
    _shared().delete(key)
    _local().delete(key)


def fetch_once(
    key: str,
    fetch: Callable[[], T],
    seconds: float,
    *,
    kind: str = "other",
    local: bool = True,
    wait: float = LOCK_WAIT_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Return the cached value under ``key``, else ``fetch()`` it once for everyone.

    Within this process concurrent callers share one fetch; across processes the first to take
    the lock fetches and the rest poll the shared cache for up to ``wait`` seconds, then fetch
    themselves (a lost lock must never block a page). Exceptions from ``fetch`` propagate.
    """
    cached = get(key, kind=kind, local=local)
    if cached is not None:
        return cast(T, cached)
    return cast(
        T, _flights.do(key, lambda: _fetch_shared(key, fetch, seconds, kind, local, wait, sleep))
    )


def _fetch_shared(
    key: str,
    fetch: Callable[[], T],
    seconds: float,
    kind: str,
    local: bool,
    wait: float,
    sleep: Callable[[float], None],
) -> T:
    lock = f"{key}:lock"
    shared = _shared()
    if not shared.add(lock, 1, LOCK_SECONDS):
        waited = 0.0
        while waited < wait:
            sleep(LOCK_POLL_SECONDS)
            waited += LOCK_POLL_SECONDS
            value = shared.get(key, _MISSING)
            if value is not _MISSING:
                CACHE_LOOKUPS.labels(kind, "coalesced").inc()
                if local:
                    _local().set(key, value, min(seconds, LOCAL_SECONDS))
                return cast(T, value)
            if not shared.has_key(lock):
                break  # the first asker failed: try ourselves rather than wait out the clock
        logger.info("no value for %s after waiting %.1f s; fetching it here", key, waited)
    try:
        value = fetch()
        set(key, value, seconds, local=local)
        return value
    finally:
        shared.delete(lock)
