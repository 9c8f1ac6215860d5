"""Configuration of one HighLevel sandbox instance: its location, token and how badly it behaves."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

API_VERSION = "2021-07-28"
# A public demo token, not a secret: shaped like a Private Integration Token, guarding nothing.
DEFAULT_API_KEY = "pit-sandbox-demo"
# Twenty characters like HighLevel's own location ids, and obviously not a real one.
DEFAULT_LOCATION_ID = "SandboxDemoLocation1"
DEFAULT_SEED = 2026
# HighLevel's documented marketplace limits: a burst of 100 requests per 10 s and 200,000 a day,
# per app and location.
DEFAULT_BURST = 100
BURST_WINDOW_SECONDS = 10.0
DEFAULT_DAILY_LIMIT = 200_000


@dataclass(frozen=True)
class HighLevelSandboxConfig:
    """Hold every knob of a HighLevel sandbox; all defaults give a well-behaved API.

    `rate_limit` is the burst allowance per 10-second window (None or 0 switches limiting off,
    and with it the X-RateLimit-* headers); `daily_limit` is the per-day allowance. `clock` and
    `sleep` are injected so tests drive time; `fault_seed` makes `error_rate` and
    `timeout_rate` reproducible. `string_custom_values` renders every custom field value on
    GET/create/update as a string, as the spec's `CustomFieldSchema` declares, instead of the
    typed values live reports show (numbers, arrays, objects).
    """

    db_path: str | Path = ":memory:"
    api_key: str = DEFAULT_API_KEY
    location_id: str = DEFAULT_LOCATION_ID
    rate_limit: int | None = DEFAULT_BURST
    daily_limit: int = DEFAULT_DAILY_LIMIT
    latency: float = 0.0
    error_rate: float = 0.0
    timeout_rate: float = 0.0
    timeout_seconds: float = 30.0
    seed: int = DEFAULT_SEED
    string_custom_values: bool = False
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
    fault_seed: int = 0

    def __post_init__(self) -> None:
        for name in ("latency", "timeout_seconds"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        for name in ("error_rate", "timeout_rate"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1")
        if self.rate_limit is not None and self.rate_limit < 0:
            raise ValueError("rate_limit must not be negative")
        if self.daily_limit < 1:
            raise ValueError("daily_limit must be at least 1")
        if not self.location_id or not self.api_key:
            raise ValueError("location_id and api_key must not be empty")

    @property
    def rate_limiting(self) -> bool:
        """Tell whether requests are rate limited at all."""
        return bool(self.rate_limit)
