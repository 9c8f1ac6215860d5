"""Prometheus metrics: upstream calls, the rate budget, caches, and the dashboard's own answers.

Under gunicorn every worker writes its samples to PROMETHEUS_MULTIPROC_DIR (set by
dashboard/gunicorn.conf.py before the workers start) and ``/metrics`` merges them; without it
the metrics live in this process only (runserver, tests).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Final

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as _multiprocess

from contacts_ui.crm.budget import Priority

_MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
if _MULTIPROC_DIR:
    # gunicorn.conf.py creates it; a manage.py command run with the same environment must not
    # fail every request because it was not started through gunicorn.
    os.makedirs(_MULTIPROC_DIR, exist_ok=True)

__all__ = [
    "BUDGET_EVENTS",
    "BUDGET_WAIT_SECONDS",
    "CACHE_LOOKUPS",
    "CONTENT_TYPE_LATEST",
    "RESPONSES",
    "UPSTREAM_CALLS",
    "UPSTREAM_SECONDS",
    "VIEW_SECONDS",
    "budget_hook",
    "exposition",
    "upstream_observer",
]

_LATENCY_BUCKETS: Final = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)

UPSTREAM_CALLS = Counter(
    "dashboard_crm_calls_total",
    "HTTP attempts sent to the CRM, by backend, rate category and outcome (status or error).",
    ["backend", "category", "status"],
)
UPSTREAM_SECONDS = Histogram(
    "dashboard_crm_call_seconds",
    "Duration of one HTTP attempt to the CRM.",
    ["backend", "category"],
    buckets=_LATENCY_BUCKETS,
)
BUDGET_EVENTS = Counter(
    "dashboard_rate_budget_events_total",
    "Rate budget events: granted, waited, refused (BudgetExhausted), penalized (after a 429), "
    "learned, lowered, store_error.",
    ["event", "category", "priority"],
)
BUDGET_WAIT_SECONDS = Counter(
    "dashboard_rate_budget_wait_seconds_total",
    "Seconds spent waiting for a token of the shared rate budget.",
    ["category", "priority"],
)
CACHE_LOOKUPS = Counter(
    "dashboard_cache_lookups_total",
    "Shared-data cache lookups by kind (names, definitions, members, …) and result "
    "(local hit, shared hit, miss, coalesced).",
    ["kind", "result"],
)
VIEW_SECONDS = Histogram(
    "dashboard_view_seconds",
    "Time to answer a page, by URL name.",
    ["view"],
    buckets=_LATENCY_BUCKETS,
)
RESPONSES = Counter(
    "dashboard_responses_total",
    "Answers by outcome: ok, redirect, client_error, busy (503 + Retry-After: the rate budget "
    "or the CRM's limit), crm_error (502/503 from CRM trouble), error (the dashboard's own 5xx).",
    ["outcome"],
)


def upstream_observer(backend: str) -> Callable[[str, str, float], None]:
    """Return a client ``observer`` that counts and times each attempt for ``backend``."""

    def observe(category: str, outcome: str, seconds: float) -> None:
        UPSTREAM_CALLS.labels(backend, category, outcome).inc()
        UPSTREAM_SECONDS.labels(backend, category).observe(seconds)

    return observe


def budget_hook(name: str, category: str, priority: Priority | None, value: float) -> None:
    """Count one rate budget event (the Budget's ``on_event``)."""
    label = priority.value if priority is not None else ""
    if name == "granted" and value <= 0:
        # A grant without waiting is the common case; counting it would double every call.
        return
    BUDGET_EVENTS.labels(name, category, label).inc()
    if name == "waited":
        BUDGET_WAIT_SECONDS.labels(category, label).inc(value)


def exposition() -> bytes:
    """Return every metric in Prometheus' text format, merged over gunicorn's workers."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        _multiprocess.MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)
