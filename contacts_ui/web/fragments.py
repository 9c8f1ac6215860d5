"""Rendered HTML kept per process, by a key that holds everything it was drawn from.

Parts of a page that are the same for many requests (a list row, the filter inputs, the column
picker) are rendered once and reused while their key matches. The caller builds the key; the
rule for every caller is the same: if a change to something would change the HTML, that
something is in the key (or bounds the entry's life through ``valid_until``).

Per process on purpose: a hit costs a dict lookup, where a shared cache would cost a round
trip and an unpickle, and a miss only costs the rendering the page did before.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

FOREVER = float("inf")


class ExpiringLRU:
    """Keep values by key, least recently used out first, each until its own expiry."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._entries: OrderedDict[Hashable, tuple[Any, float]] = OrderedDict()
        # Gunicorn threads share the process, and OrderedDict reordering is not atomic.
        self._lock = threading.Lock()

    def get(self, key: Hashable, now: float = 0.0) -> Any | None:
        """Return the value under ``key`` if it is still valid at POSIX time ``now``."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[1] <= now:
                del self._entries[key]
                return None
            self._entries.move_to_end(key)
            return entry[0]

    def put(self, key: Hashable, value: Any, valid_until: float = FOREVER) -> None:
        """Keep ``value`` under ``key`` until POSIX time ``valid_until``."""
        with self._lock:
            self._entries[key] = (value, valid_until)
            self._entries.move_to_end(key)
            while len(self._entries) > self._size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


_fragments = ExpiringLRU(256)
# Distinct plans (column sets, zones, locales, definitions) kept at once; a plan is small.
MAX_PLANS = 256
_plans: dict[Hashable, int] = {}
_plans_lock = threading.Lock()
_serials = itertools.count(1)


def serial_for(plan: Hashable) -> int:
    """Return a small number standing for ``plan`` (equal plans, equal numbers).

    A plan (what every entry of one request shares: columns with their definitions, the zone,
    the locale) is compared once per request here, so cache keys can carry an int instead.
    """
    with _plans_lock:
        serial = _plans.get(plan)
        if serial is None:
            if len(_plans) >= MAX_PLANS:
                # Serials are never reused, so entries kept under old ones just stop matching.
                _plans.clear()
            serial = _plans[plan] = next(_serials)
        return serial


def render_fragment(
    template_name: str, context: Mapping[str, Any] | Callable[[], Mapping[str, Any]], key: Hashable
) -> SafeString:
    """Return a template (or ``template#partial``) rendered with ``context``, reused by ``key``.

    ``context`` may be a function, so that a hit does not even build it. The fragment is
    rendered without a request: it must not use context processors, CSRF tokens or the user.
    """
    cache_key = (template_name, key)
    html: SafeString | None = _fragments.get(cache_key)
    if html is None:
        values = context() if callable(context) else context
        # Django templates escape as they render and return a SafeString.
        html = render_to_string(template_name, dict(values))
        _fragments.put(cache_key, html)
    return html


def clear() -> None:
    """Forget every kept fragment and plan (tests that change templates in place)."""
    _fragments.clear()
    with _plans_lock:
        _plans.clear()
