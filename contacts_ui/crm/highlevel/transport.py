"""One HighLevel HTTP call: headers, the shared rate budget, retries and typed errors.

Retries follow what is safe on HighLevel, which has no idempotency keys (HIGHLEVEL.md §7):
a 429 was refused before any work, so anything may be sent again; connection errors and 5xx
are retried only for calls whose repetition changes nothing (reads, search, PUT, tag and
follower sets). A create is never re-sent here: the client checks whether it landed first.

Reads (GETs, and ``POST /contacts/search``, which a person waits on like any read) follow the
read policy every client shares (``crm/calls.py``): short attempts, one retry, ~3 s in all.
Every call carries the page's request id (``X-Request-Id``), and every attempt is told to the
``observer`` (metrics), as Lightfield's are.
"""

from __future__ import annotations

import logging
import random as _random
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import quote

import httpx
from pydantic import SecretStr

from contacts_ui.crm.budget import Budget, Category, current_priority
from contacts_ui.crm.calls import (
    DEFAULT_LIMITS,
    READ_DEADLINE,
    READ_MAX_RETRIES,
    READ_TIMEOUT,
    CallObserver,
    Deadline,
    backoff_delay,
    log_attempt,
    observe,
    outcome_of,
)
from contacts_ui.crm.context import current_request_id
from contacts_ui.crm.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    CRMResponseError,
)
from contacts_ui.crm.highlevel.constants import (
    API_VERSION,
    LOGGER_NAME,
    USER_AGENT,
)
from contacts_ui.crm.highlevel.errors import highlevel_status_error
from contacts_ui.crm.models import RateLimit
from contacts_ui.crm.safety import scrub

__all__ = [
    "NO_CONTEXT",
    "ErrorContext",
    "HighLevelTransport",
    "category_for",
    "is_read",
    "parse_json",
    "path_segment",
]

logger = logging.getLogger(LOGGER_NAME)

_RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class ErrorContext:
    """Say how to read an error of one call: which custom fields it sent, whether it creates."""

    custom_field_ids: Sequence[str] = ()
    creating: bool = False


NO_CONTEXT: Final = ErrorContext()


def category_for(method: str, path: str) -> Category:
    """Return the budget category of a call (HighLevel counts them all in one bucket anyway)."""
    if path.rstrip("/") == "/contacts/search":
        return Category.SEARCH
    return Category.READ if method.upper() in {"GET", "HEAD"} else Category.WRITE


def is_read(category: Category) -> bool:
    """Tell whether a call of ``category`` is a read a person waits on (search included)."""
    return category is not Category.WRITE


class HighLevelTransport:
    """Send requests to HighLevel with its headers, pacing and retry rules."""

    def __init__(
        self,
        *,
        token: str,
        base_url: str,
        transport: httpx.BaseTransport | None,
        wsgi_app: Callable[..., Any] | None,
        timeout: httpx.Timeout | float,
        max_retries: int,
        max_retry_after: float,
        sleep: Callable[[float], None],
        random: Callable[[], float] = _random.random,
        clock: Callable[[], float] = time.time,
        budget: Budget | None = None,
        user_agent: str | None = None,
        read_timeout: httpx.Timeout | float | None = READ_TIMEOUT,
        read_retries: int | None = READ_MAX_RETRIES,
        read_deadline: float | None = READ_DEADLINE,
        monotonic: Callable[[], float] = time.monotonic,
        observer: CallObserver | None = None,
    ) -> None:
        """Configure the transport.

        ``timeout`` and ``max_retries`` govern writes (and reads when the read policy is off);
        ``read_timeout``, ``read_retries`` and ``read_deadline`` bound what a read may cost the
        person waiting on it (None: same as writes / no deadline). ``observer`` is told about
        every attempt (metrics).
        """
        self._token = SecretStr(token)
        self.max_retries = max(0, max_retries)
        self._timeout = timeout
        self._read_timeout = read_timeout if read_timeout is not None else timeout
        self._read_retries = self.max_retries if read_retries is None else max(0, read_retries)
        self._read_deadline = read_deadline
        self._monotonic = monotonic
        self._observer = observer
        self._max_retry_after = max_retry_after
        self._sleep = sleep
        self._random = random
        self._clock = clock
        self._budget = budget
        self._user_agent = user_agent or f"{USER_AGENT} httpx/{httpx.__version__}"
        if transport is None:
            transport = (
                httpx.WSGITransport(app=wsgi_app)
                if wsgi_app is not None
                else httpx.HTTPTransport(limits=DEFAULT_LIMITS, retries=0)
            )
        self._http = httpx.Client(
            base_url=base_url.rstrip("/"),
            transport=transport,
            timeout=timeout,
            follow_redirects=False,
        )
        self._lock = threading.Lock()
        self.request_count = 0
        self.rate_limit: RateLimit | None = None

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        json: Any = None,
        repeatable: bool = True,
        context: ErrorContext = NO_CONTEXT,
    ) -> httpx.Response:
        """Send one call and return its successful response, or raise a ``CRMError``.

        ``repeatable=False`` (a create) retries only 429s; a lost answer is raised as
        ``APIConnectionError``/``APITimeoutError``/5xx for the caller to check. Reads get the
        read policy: short attempts, fewer retries, and a deadline a retry must fit in.
        """
        headers = {
            "Authorization": f"Bearer {self._token.get_secret_value()}",
            "Version": API_VERSION,
            "Accept": "application/json",
            "User-Agent": self._user_agent,
        }
        request_id = current_request_id()
        if request_id:
            headers["X-Request-Id"] = request_id
        if json is not None:
            headers["Content-Type"] = "application/json"
        category = category_for(method, path)
        reading = is_read(category)
        # Search is a POST but a person is waiting on it like on any read.
        priority = current_priority("GET" if reading else method)
        max_retries = self._read_retries if reading else self.max_retries
        deadline = Deadline(self._read_deadline if reading else None, self._monotonic)
        timeout = self._read_timeout if reading else self._timeout
        for attempt in range(max_retries + 1):
            retries_left = attempt < max_retries
            if self._budget is not None:
                self._budget.acquire(category, priority)
            with self._lock:
                self.request_count += 1
            attempt_timeout = deadline.timeout_for(attempt, timeout)
            started = time.perf_counter()
            try:
                # httpx.Client.request sends a JSON body on DELETE too (tags/followers need it).
                response = self._http.request(
                    method, path, params=params, json=json, headers=headers, timeout=attempt_timeout
                )
            except httpx.TransportError as exc:
                log_attempt(logger, method, path, type(exc).__name__, started, attempt, max_retries)
                self._observe(category, outcome_of(exc), started)
                delay = backoff_delay(attempt, self._random)
                if retries_left and repeatable and deadline.fits(delay):
                    self._sleep(delay)
                    continue
                raise _connection_error(exc, method, path) from exc
            except httpx.RequestError as exc:
                log_attempt(logger, method, path, type(exc).__name__, started, attempt, max_retries)
                self._observe(category, outcome_of(exc), started)
                raise _connection_error(exc, method, path) from exc

            log_attempt(logger, method, path, response.status_code, started, attempt, max_retries)
            self._observe(category, str(response.status_code), started)
            self._remember_rate_limit(response.headers)
            if self._budget is not None:
                self._budget.observe(category, response.headers)
            if response.is_success:
                return response
            error = self._error(response, context)
            if response.status_code == 429 and self._budget is not None:
                # Every process holds off until HighLevel takes requests again.
                self._budget.penalize(category, error.retry_after)
            retryable = response.status_code == 429 or (
                repeatable and response.status_code in _RETRYABLE_STATUSES
            )
            if not (retries_left and retryable):
                raise error
            if error.retry_after is not None and error.retry_after > self._max_retry_after:
                raise error
            delay = (
                error.retry_after
                if error.retry_after is not None
                else backoff_delay(attempt, self._random)
            )
            if not deadline.fits(delay):
                # The read's deadline would pass before the retry could answer: say so now.
                raise error
            self._sleep(delay)
        raise AssertionError("unreachable: the loop returns or raises")  # pragma: no cover

    def _observe(self, category: Category, outcome: str, started: float) -> None:
        observe(self._observer, category.value, outcome, time.perf_counter() - started, logger)

    def _error(self, response: httpx.Response, context: ErrorContext) -> APIStatusError:
        error = highlevel_status_error(
            response.status_code,
            response.content,
            response.headers,
            secrets=(self._token.get_secret_value(),),
            now=self._clock(),
            custom_field_ids=context.custom_field_ids,
            creating=context.creating,
        )
        if response.status_code == 429 and error.retry_after is None:
            error.retry_after = _window_wait(response.headers, self._random)
        return error

    def _remember_rate_limit(self, headers: httpx.Headers) -> None:
        limit = _int_or_none(headers.get("x-ratelimit-max"))
        remaining = _int_or_none(headers.get("x-ratelimit-remaining"))
        interval = _int_or_none(headers.get("x-ratelimit-interval-milliseconds"))
        if limit is not None or remaining is not None:
            reset = interval / 1000 if interval is not None else None
            self.rate_limit = RateLimit(limit=limit, remaining=remaining, reset=reset)


def parse_json(response: httpx.Response) -> Mapping[str, Any]:
    """Return a JSON object body, or raise ``CRMResponseError`` for anything else."""
    try:
        # The same boundary as Lightfield's: lone surrogates never get past the client.
        payload = scrub(response.json())
    except ValueError as exc:
        raise CRMResponseError(
            f"The CRM API answered {response.status_code} with a body that is not JSON.",
            status_code=response.status_code,
        ) from exc
    if not isinstance(payload, Mapping):
        raise CRMResponseError(
            f"The CRM API answered {response.status_code} with an unexpected body.",
            status_code=response.status_code,
        )
    return payload


def path_segment(id: str) -> str:
    """Return ``id`` encoded as one path segment (it can never climb or add a level)."""
    if not id or id in {".", ".."}:
        raise ValueError(f"Invalid record id {id!r}.")
    return quote(id, safe="")


def _window_wait(headers: Mapping[str, str], random: Callable[[], float]) -> float | None:
    """Return how long to wait after a 429 without Retry-After: the burst window, jittered.

    HIGHLEVEL.md §8: Retry-After is UNCONFIRMED; ``X-RateLimit-Interval-Milliseconds`` names the
    burst window. With requests left in the window the 429 was the daily limit or a fluke:
    a short backoff is then the better guess.
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    interval = _int_or_none(lowered.get("x-ratelimit-interval-milliseconds"))
    remaining = _int_or_none(lowered.get("x-ratelimit-remaining"))
    if interval is None or (remaining is not None and remaining > 0):
        return None
    return interval / 1000 * (1 + 0.1 * random())


def _connection_error(exc: httpx.RequestError, method: str, path: str) -> APIConnectionError:
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(f"The CRM API did not respond in time ({method} {path}).")
    return APIConnectionError(
        f"Could not reach the CRM API ({method} {path}: {type(exc).__name__})."
    )


def _int_or_none(raw: str | None) -> int | None:
    try:
        return int(float(raw)) if raw is not None else None
    except ValueError:
        return None
