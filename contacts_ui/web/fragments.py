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
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Any

from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

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


# Filter inputs and column pickers (a few per result set) and the contact pages' fields.
_fragments = ExpiringLRU(2048)
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
    template_name: str,
    context: Mapping[str, Any] | Callable[[], Mapping[str, Any]],
    key: Hashable,
    *,
    now: float = 0.0,
    valid_until: float = FOREVER,
) -> SafeString:
    """Return a template (or ``template#partial``) rendered with ``context``, reused by ``key``.

    ``context`` may be a function, so that a hit does not even build it. The fragment is
    rendered without a request: it must not use context processors, CSRF tokens or the user.
    A fragment that shows relative times passes ``valid_until`` (POSIX time) and the readers
    their ``now``.
    """
    cache_key = (template_name, key)
    html: SafeString | None = _fragments.get(cache_key, now)
    if html is None:
        values = context() if callable(context) else context
        # Django templates escape as they render and return a SafeString.
        html = render_to_string(template_name, dict(values))
        _fragments.put(cache_key, html, valid_until)
    return html


# Marks a kept fragment leaves where each request's own values go (a CSRF token, a form key).
# Letters and digits only, so escaping leaves them as they are; random per process, so no CRM
# value can contain one.
_HOLE_MARK = f"hole{secrets.token_hex(12)}"


def _hole(name: str) -> str:
    return f"{_HOLE_MARK}{name}x"


def render_fragment_with_holes(
    template_name: str,
    context: Callable[[], Mapping[str, Any]],
    key: Hashable,
    holes: Mapping[str, str],
) -> SafeString:
    """Like ``render_fragment``, for fragments that show a few values of their own request.

    The context variables named in ``holes`` are rendered as marks, kept so, and replaced by
    this request's values (escaped, as the template would) on the way out. A hole must be a
    plain ``{{ name }}`` (or ``{% csrf_token %}`` for ``csrf_token``) in the template, never
    an argument of a filter or a condition.
    """

    def marked() -> Mapping[str, Any]:
        return {**context(), **{name: _hole(name) for name in holes}}

    html = str(render_fragment(template_name, marked, (key, tuple(sorted(holes)))))
    for name, value in holes.items():
        html = html.replace(_hole(name), str(conditional_escape(value)))
    return mark_safe(html)  # noqa: S308 - rendered (escaped) by the template, values escaped


def clear() -> None:
    """Forget every kept fragment and plan (tests that change templates in place)."""
    _fragments.clear()
    with _plans_lock:
        _plans.clear()
