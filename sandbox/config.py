"""Configuration of one sandbox instance: where it keeps data, and how badly it behaves."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

API_VERSION = "2026-03-01"
# A public demo key, not a secret: the sandbox holds nothing worth protecting.
DEFAULT_API_KEY = "sk_sandbox_demo"
DEFAULT_SEED = 2026


@dataclass(frozen=True)
class SandboxConfig:
    """Hold every knob of a sandbox instance; all defaults give a well-behaved API.

    `clock` and `sleep` are injected so that tests can drive rate limits, idempotency expiry,
    list lag and the fault knobs without real waiting. `fault_seed` makes the random fault
    knobs (`error_rate`, `timeout_rate`) reproducible.
    """

    db_path: str | Path = ":memory:"
    api_key: str = DEFAULT_API_KEY
    # Requests per second per Lightfield rate-limit category (Read, Search, Write).
    # None or 0 switches limiting off, and with it the X-RateLimit-* headers.
    rate_limit: float | None = 25.0
    latency: float = 0.0
    error_rate: float = 0.0
    timeout_rate: float = 0.0
    timeout_seconds: float = 30.0
    list_lag: float = 0.0
    wrapped_errors: bool = False
    seed: int = DEFAULT_SEED
    # Seed the hostile fixture set too (sandbox/hostile.py): odd data to browse.
    hostile: bool = False
    link_base: str = "https://crm.lightfield.app"
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], None] = time.sleep
    fault_seed: int = 0

    def __post_init__(self) -> None:
        for name in ("latency", "timeout_seconds", "list_lag"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must not be negative")
        for name in ("error_rate", "timeout_rate"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1")
        if self.rate_limit is not None and self.rate_limit < 0:
            raise ValueError("rate_limit must not be negative")

    @property
    def rate_limiting(self) -> bool:
        """Tell whether requests are rate limited at all."""
        return bool(self.rate_limit)
