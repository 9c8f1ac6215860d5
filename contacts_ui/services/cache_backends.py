"""The two cache backends behind ``services.shared_cache``, each cheaper than Django's own here.

``ObjectCache`` is the per-process layer (``caches["local"]``). Django's local-memory cache
pickles every value on the way in and unpickles it on the way out, so that callers cannot
change what is cached; a warm list page paid that for its 25 records on every view (about a
fifth of its CPU). This one keeps the object itself. That is safe because what the dashboard
caches is immutable: the CRM models are frozen pydantic models, and the other values (names,
rows of ids and names, health checks) are strings, tuples and dicts that nothing changes after
caching; callers must keep it so (tests/integration/test_process_cache.py checks the pages).

``FileCache`` is the embedded shared layer (``caches["default"]`` without Redis). Django's
file cache lists the whole cache directory on every ``set`` to decide whether to cull; with
thousands of small entries that listing cost more than the write. This one looks at most once
every ``CULL_EVERY`` writes of a process, so the directory may outgrow ``MAX_ENTRIES`` by that
many entries per process before a random cull trims it back under the bound.
"""

from __future__ import annotations

import contextlib
import os
import random
import threading
import time
from collections import OrderedDict
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.filebased import FileBasedCache

__all__ = ["CULL_EVERY", "FileCache", "ObjectCache"]

CULL_EVERY = 64


class ObjectCache(BaseCache):
    """A bounded, expiring, thread-safe in-process cache that keeps objects, not pickles."""

    def __init__(self, location: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        self._entries: OrderedDict[str, tuple[Any, float | None]] = OrderedDict()
        self._lock = threading.Lock()

    def _expiry(self, timeout: Any) -> float | None:
        expiry = self.get_backend_timeout(timeout)
        return None if expiry is None else float(expiry)

    def _live(self, key: str, now: float) -> tuple[Any, float | None] | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry[1] is not None and entry[1] <= now:
            del self._entries[key]
            return None
        return entry

    def _put(self, key: str, value: Any, expiry: float | None) -> None:
        self._entries[key] = (value, expiry)
        self._entries.move_to_end(key)
        while len(self._entries) > self._max_entries:
            self._entries.popitem(last=False)

    def add(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._live(key, time.time()) is not None:
                return False
            self._put(key, value, self._expiry(timeout))
            return True

    def get(self, key: str, default: Any = None, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            entry = self._live(key, time.time())
            if entry is None:
                return default
            self._entries.move_to_end(key)
            return entry[0]

    def get_many(self, keys: Any, version: int | None = None) -> dict[str, Any]:
        found: dict[str, Any] = {}
        now = time.time()
        with self._lock:
            for key in keys:
                made = self.make_and_validate_key(key, version=version)
                entry = self._live(made, now)
                if entry is not None:
                    self._entries.move_to_end(made)
                    found[key] = entry[0]
        return found

    def set(
        self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            self._put(key, value, self._expiry(timeout))

    def set_many(
        self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[str]:
        expiry = self._expiry(timeout)
        with self._lock:
            for key, value in data.items():
                self._put(self.make_and_validate_key(key, version=version), value, expiry)
        return []

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            entry = self._live(key, time.time())
            if entry is None:
                return False
            self._entries[key] = (entry[0], self._expiry(timeout))
            return True

    def delete(self, key: str, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            return self._entries.pop(key, None) is not None

    def has_key(self, key: str, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            return self._live(key, time.time()) is not None

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class FileCache(FileBasedCache):
    """Django's file cache, looking at the directory's size once every ``CULL_EVERY`` writes."""

    def __init__(self, dir: str, params: dict[str, Any]) -> None:
        super().__init__(dir, params)
        self._directory = os.path.abspath(dir)
        self._writes = 0
        self._writes_lock = threading.Lock()

    def _cull(self) -> None:
        with self._writes_lock:
            self._writes += 1
            due = self._writes % CULL_EVERY == 1  # the first write of a process looks, too
        if not due:
            return
        try:
            with os.scandir(self._directory) as entries:
                files = [e.path for e in entries if e.name.endswith(self.cache_suffix)]
        except FileNotFoundError:
            return
        if len(files) < self._max_entries:
            return
        if self._cull_frequency == 0:
            self.clear()
            return
        # Back under the bound, then the usual fraction of it on top (Django's rule).
        excess = len(files) - self._max_entries + self._max_entries // self._cull_frequency
        for path in random.sample(files, min(len(files), excess)):
            with contextlib.suppress(FileNotFoundError):  # another process culled it first
                os.remove(path)
