"""The token-bucket arithmetic every store applies atomically, and the in-memory store.

A bucket is four numbers: ``tokens``, ``updated`` (the time they were counted; a time in the
future means the bucket is held empty until then), and a rate learned from the CRM with the time
it expires. Every store runs :func:`apply` (the Redis store runs its Lua twin) inside one atomic
step, so the decision "is there a token?" and the spending of it can never be split by another
process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

__all__ = [
    "BucketOp",
    "BucketState",
    "BucketStore",
    "MemoryStore",
    "Outcome",
    "StoreError",
    "apply",
    "capacity",
]

# Unix timestamps near 1.8e9 resolve only to ~2e-7 s, so refills leave crumbs such as 0.99999;
# a ten-thousandth of a token is never noticed.
EPSILON = 1e-4

OpKind = Literal["take", "update", "peek"]


class StoreError(Exception):
    """Raise when a store cannot be reached or stays locked; the budget then fails open."""


@dataclass(frozen=True, slots=True)
class BucketOp:
    """Describe one atomic operation on a bucket.

    ``take`` spends ``cost`` tokens if at least ``cost + reserve`` are there. ``update`` learns
    a rate (``learned_rate`` for ``learned_ttl`` seconds), lowers the tokens to ``remaining``
    and holds the bucket empty for ``hold`` seconds, each only when given. ``peek`` changes
    nothing. ``rate`` and ``burst`` are the configured values, used while nothing was learned.
    """

    kind: OpKind
    rate: float
    burst: float
    cost: float = 0.0
    reserve: float = 0.0
    remaining: float | None = None
    learned_rate: float | None = None
    learned_ttl: float = 0.0
    hold: float = 0.0


@dataclass(frozen=True, slots=True)
class Outcome:
    """Report what an operation did: granted or the seconds to wait, and the bucket after it."""

    granted: bool
    wait: float
    tokens: float
    rate: float
    blocked_for: float = 0.0


@dataclass(frozen=True, slots=True)
class BucketState:
    """Hold what a store keeps per bucket."""

    tokens: float
    updated: float
    learned_rate: float = 0.0
    learned_until: float = 0.0


class BucketStore(Protocol):
    """Apply bucket operations atomically, for every process that shares the store."""

    def apply(self, key: str, op: BucketOp) -> Outcome:
        """Run ``op`` on the bucket ``key`` as one atomic step; raise ``StoreError`` if down."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...


def capacity(burst: float, learned_rate: float) -> float:
    """Return how many tokens a bucket may hold: the burst, but at most 1 s of a learned rate.

    The cap keeps a bucket safe when the CRM announces a lower limit than configured: a burst
    sized for 25 req/s would overrun a limit that dropped to 2 req/s. A configured rate is
    trusted as it is, burst included.
    """
    return min(burst, max(1.0, learned_rate)) if learned_rate > 0 else burst


def apply(state: BucketState | None, op: BucketOp, now: float) -> tuple[BucketState, Outcome]:
    """Return the bucket after ``op`` at time ``now`` and what happened; ``state`` is not changed.

    An unknown bucket starts full. Keep this in step with ``redis_store.SCRIPT``.
    """
    rate, learned_rate, learned_until = op.rate, 0.0, 0.0
    if state is not None and state.learned_rate > 0 and state.learned_until > now:
        rate = learned_rate = state.learned_rate
        learned_until = state.learned_until
    cap = capacity(op.burst, learned_rate)
    tokens, updated = (cap, now) if state is None else (state.tokens, state.updated)
    if now > updated:
        tokens = min(cap, tokens + (now - updated) * rate)
        updated = now
    if op.kind == "update" and op.learned_rate is not None and op.learned_rate > 0:
        rate = learned_rate = op.learned_rate
        learned_until = now + op.learned_ttl
        cap = capacity(op.burst, learned_rate)
    tokens = min(tokens, cap)

    granted, wait = False, 0.0
    if op.kind == "take":
        cost = min(op.cost, cap)
        need = max(cost, min(cost + op.reserve, cap))
        if updated <= now and tokens + EPSILON >= need:
            tokens -= cost
            granted = True
        else:
            wait = max(0.0, updated - now) + max(0.0, need - tokens) / rate
    elif op.kind == "update":
        if op.remaining is not None:
            tokens = min(tokens, max(0.0, op.remaining))
        if op.hold > 0:
            tokens = 0.0
            updated = max(updated, now + op.hold)

    after = BucketState(max(0.0, tokens), updated, learned_rate, learned_until)
    outcome = Outcome(granted, wait, after.tokens, rate, max(0.0, updated - now))
    return after, outcome


class MemoryStore:
    """Keep buckets in this process only: for tests and single-process servers."""

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, BucketState] = {}

    def apply(self, key: str, op: BucketOp) -> Outcome:
        """Run ``op`` on the bucket ``key`` under this store's lock."""
        with self._lock:
            state, outcome = apply(self._buckets.get(key), op, self._clock())
            if op.kind != "peek":
                self._buckets[key] = state
            return outcome

    def close(self) -> None:
        """Do nothing: there is no connection to release."""
