"""Misbehaviour on demand: added latency, hung requests and random server errors."""

from __future__ import annotations

import random
import threading

from sandbox.config import SandboxConfig
from sandbox.errors import ApiError

_SERVER_ERRORS = {
    500: "Internal Server Error (injected by the sandbox's error_rate).",
    503: "Service Unavailable (injected by the sandbox's error_rate).",
}


class Faults:
    """Apply the configured latency, timeouts and error rate to one request."""

    def __init__(self, config: SandboxConfig) -> None:
        self._config = config
        self._random = random.Random(config.fault_seed)
        self._lock = threading.Lock()

    def _draw(self) -> float:
        with self._lock:
            return self._random.random()

    def apply(self) -> None:
        """Sleep as configured, then raise a 500/503 for the configured share of requests."""
        config = self._config
        if config.latency:
            config.sleep(config.latency)
        if config.timeout_rate and self._draw() < config.timeout_rate:
            # Hang, then answer normally: a client with a shorter timeout has given up by then.
            config.sleep(config.timeout_seconds)
        if config.error_rate and self._draw() < config.error_rate:
            status = 500 if self._draw() < 0.5 else 503
            raise ApiError(status, _SERVER_ERRORS[status])
