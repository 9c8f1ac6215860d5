"""One rate budget per CRM category, shared by every worker and host on the same API key.

Every user of the dashboard spends the same CRM limit (Lightfield: 25 req/s per category for
the whole organisation; HighLevel: 100 per 10 s per location). Each process takes a token from a
shared bucket before it sends a request, so together they stay a little under the limit and the
CRM never has to refuse us. Saves go first, then the page a person waits on, then background
name lookups: lower priorities must leave a reserve in the bucket and give up sooner.

Choosing a store (the caller decides; :func:`make_store` does the usual thing):

* ``RedisStore.from_url(REDIS_URL)`` — all hosts; atomic Lua, the server's clock, keys expire.
* ``SQLiteStore(directory)`` — all processes of one host, without Redis.
* ``MemoryStore()`` — one process (tests, ``runserver``).

How to wire it (the settings and views are not wired yet, while the layout is refactored)::

    budget = Budget(make_store(redis_url=settings.REDIS_URL, directory=var_dir),
                    lightfield_specs(), scope=f"lightfield:{org_or_key_hash}")
    client = LightfieldClient(api_key=..., budget=budget)   # one per process, like the client

``LightfieldClient`` already does this per HTTP attempt when given a budget; a HighLevel
client (``highlevel_specs()``, ``scope=f"highlevel:{location_id}"``) should do the same::

    budget.acquire(category, priority)          # may sleep; raises BudgetExhausted
    response = http.request(...)
    budget.observe(category, response.headers)  # learn Remaining / Limit
    if response.status_code == 429:
        budget.penalize(category, retry_after)  # every process holds off, not just this one

Background work marks itself with ``with using_priority(Priority.BACKGROUND): ...``; GETs
default to INTERACTIVE and writes to WRITE. ``BudgetExhausted.retry_after`` lets the page say
"the CRM is busy, try again in N s". Pass ``on_event`` (e.g. a :class:`BudgetCounters`) to
count waits and refusals per category and priority. Never put the API key itself in ``scope``:
it becomes part of Redis key names.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import BudgetExhausted
from .bucket import BucketOp, BucketState, BucketStore, MemoryStore, Outcome, StoreError
from .core import (
    DEFAULT_HEADROOM,
    DEFAULT_MAX_WAIT,
    DEFAULT_RESERVE_SHARE,
    HIGHLEVEL_LIMIT,
    HIGHLEVEL_WINDOW,
    LEARNED_RATE_TTL,
    LIGHTFIELD_LIMIT,
    BucketSpec,
    Budget,
    BudgetCounters,
    Category,
    EventHook,
    Priority,
    current_priority,
    highlevel_specs,
    lightfield_specs,
    using_priority,
)
from .headers import Observation, parse_rate_headers
from .sqlite_store import SQLiteStore

__all__ = [
    "DEFAULT_HEADROOM",
    "DEFAULT_MAX_WAIT",
    "DEFAULT_RESERVE_SHARE",
    "HIGHLEVEL_LIMIT",
    "HIGHLEVEL_WINDOW",
    "LEARNED_RATE_TTL",
    "LIGHTFIELD_LIMIT",
    "BucketOp",
    "BucketSpec",
    "BucketState",
    "BucketStore",
    "Budget",
    "BudgetCounters",
    "BudgetExhausted",
    "Category",
    "EventHook",
    "MemoryStore",
    "Observation",
    "Outcome",
    "Priority",
    "SQLiteStore",
    "StoreError",
    "current_priority",
    "highlevel_specs",
    "lightfield_specs",
    "make_store",
    "parse_rate_headers",
    "using_priority",
]


def make_store(
    *, redis_url: str | None = None, directory: str | os.PathLike[str] | None = None
) -> BucketStore:
    """Return a Redis store if ``redis_url`` is set, else a SQLite store in ``directory``.

    Without either, return a store private to this process, which only protects a
    single-process server.
    """
    if redis_url:
        # Imported here so that hosts without Redis configured never open a connection pool.
        from .redis_store import RedisStore

        return RedisStore.from_url(redis_url)
    if directory is not None:
        return SQLiteStore(Path(directory))
    return MemoryStore()
