"""Misbehaviour on demand: added latency, hung requests and random server errors.

Shared by both sandbox flavours: each passes its own config (anything with the knobs below) and
a factory that builds its own API's error for the injected 500/503.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from typing import Protocol

from sandbox.errors import ApiError

_SERVER_ERRORS = {
    500: "Internal Server Error (injected by the sandbox's error_rate).",
    503: "Service Unavailable (injected by the sandbox's error_rate).",
}


class FaultKnobs(Protocol):
    """Name the config attributes the fault knobs read (both sandbox configs have them)."""

    @property
    def latency(self) -> float: ...
    @property
    def error_rate(self) -> float: ...
    @property
    def timeout_rate(self) -> float: ...
    @property
    def timeout_seconds(self) -> float: ...
    @property
    def fault_seed(self) -> int: ...
    @property
    def sleep(self) -> Callable[[float], None]: ...


def _lightfield_error(status: int, message: str) -> Exception:
    return ApiError(status, message)


class Faults:
    """Apply the configured latency, timeouts and error rate to one request."""

    def __init__(
        self,
        config: FaultKnobs,
        error: Callable[[int, str], Exception] = _lightfield_error,
    ) -> None:
        self._config = config
        self._error = error
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
            raise self._error(status, _SERVER_ERRORS[status])
