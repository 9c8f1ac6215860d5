"""A local-memory cache that counts its round trips, for tests that assert the work per view."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache

# One count per call that would be one round trip to a shared cache (Redis): get_many is one.
ROUND_TRIPS: Counter[str] = Counter()
# One count per key read (each found value is one unpickle).
KEYS_READ: Counter[str] = Counter()


class CountingLocMemCache(LocMemCache):
    """Count every call that would reach a shared cache, by method name."""

    def add(self, *args: Any, **kwargs: Any) -> bool:
        ROUND_TRIPS["add"] += 1
        return super().add(*args, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        ROUND_TRIPS["get"] += 1
        KEYS_READ["get"] += 1
        return super().get(*args, **kwargs)

    def set(self, *args: Any, **kwargs: Any) -> None:
        ROUND_TRIPS["set"] += 1
        super().set(*args, **kwargs)

    def touch(self, *args: Any, **kwargs: Any) -> bool:
        ROUND_TRIPS["touch"] += 1
        return super().touch(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> bool:
        ROUND_TRIPS["delete"] += 1
        return super().delete(*args, **kwargs)

    def incr(self, *args: Any, **kwargs: Any) -> int:
        ROUND_TRIPS["incr"] += 1
        return super().incr(*args, **kwargs)

    def has_key(self, *args: Any, **kwargs: Any) -> bool:
        ROUND_TRIPS["has_key"] += 1
        return super().has_key(*args, **kwargs)

    def clear(self) -> None:
        ROUND_TRIPS["clear"] += 1
        super().clear()

    # LocMemCache's get_many/set_many/delete_many loop over the single-key methods above; a
    # shared cache answers each in one round trip, so count them once and do the work uncounted.
    def get_many(self, keys: Any, version: int | None = None) -> dict[str, Any]:
        ROUND_TRIPS["get_many"] += 1
        KEYS_READ["get_many"] += len(keys)
        found = {}
        for key in keys:
            value = LocMemCache.get(self, key, self._missing, version=version)
            if value is not self._missing:
                found[key] = value
        return found

    def set_many(
        self, data: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> list[str]:
        ROUND_TRIPS["set_many"] += 1
        for key, value in data.items():
            LocMemCache.set(self, key, value, timeout=timeout, version=version)
        return []

    def delete_many(self, keys: Any, version: int | None = None) -> None:
        ROUND_TRIPS["delete_many"] += 1
        for key in keys:
            LocMemCache.delete(self, key, version=version)

    _missing = object()
