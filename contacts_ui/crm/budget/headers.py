"""Read the rate-limit headers of Lightfield and HighLevel responses."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["Observation", "parse_rate_headers"]


@dataclass(frozen=True, slots=True)
class Observation:
    """Hold what a response's rate-limit headers said; ``None`` where a header was absent."""

    limit: float | None = None
    remaining: float | None = None
    reset_in: float | None = None
    window: float | None = None


def parse_rate_headers(headers: Mapping[str, str], *, now: float) -> Observation:
    """Read Lightfield's ``X-RateLimit-Limit/Remaining/Reset`` or HighLevel's ``Max/Interval``.

    Lightfield documents Reset as the Unix time at which the bucket is full again; a small value
    is read as seconds from now instead, and a value in milliseconds since the epoch as such,
    so either reading works. ``now`` is this host's wall clock.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    limit = _number(lowered.get("x-ratelimit-max")) or _number(lowered.get("x-ratelimit-limit"))
    interval_ms = _number(lowered.get("x-ratelimit-interval-milliseconds"))
    reset = _number(lowered.get("x-ratelimit-reset"))
    reset_in: float | None = None
    if reset is not None:
        if reset > 1e12:  # epoch milliseconds
            reset = reset / 1000
        reset_in = max(0.0, reset - now) if reset > 1e9 else reset
    return Observation(
        limit=limit if limit else None,
        remaining=_number(lowered.get("x-ratelimit-remaining")),
        reset_in=reset_in,
        window=interval_ms / 1000 if interval_ms else None,
    )


def _number(raw: str | None) -> float | None:
    try:
        value = float(raw) if raw is not None else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) and value >= 0 else None
