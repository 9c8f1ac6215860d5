"""The two cache backends: objects kept by reference (per process), files culled now and then."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from contacts_ui.services import cache_backends
from contacts_ui.services.cache_backends import CULL_EVERY, FileCache, ObjectCache


def object_cache(max_entries: int = 100) -> ObjectCache:
    return ObjectCache("test", {"OPTIONS": {"MAX_ENTRIES": max_entries}})


def test_it_keeps_the_object_itself_not_a_copy() -> None:
    cache = object_cache()
    value = ("frozen", ("values",))
    cache.set("k", value, 60)
    assert cache.get("k") is value


def test_entries_expire_and_missing_keys_give_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    cache = object_cache()
    clock = [1_000.0]
    monkeypatch.setattr(cache_backends.time, "time", lambda: clock[0])
    monkeypatch.setattr("django.core.cache.backends.base.time.time", lambda: clock[0])
    cache.set("short", 1, 5)
    cache.set("forever", 2, None)
    assert cache.get("short") == 1
    clock[0] += 5
    assert cache.get("short", "gone") == "gone"
    assert cache.get("forever") == 2
    assert not cache.has_key("short")
    cache.set("zero", 3, 0)  # Django's meaning: expire at once
    assert cache.get("zero") is None


def test_it_holds_at_most_max_entries_dropping_the_least_recently_used() -> None:
    cache = object_cache(max_entries=3)
    for key in "abc":
        cache.set(key, key, 60)
    assert cache.get("a") == "a"  # now the most recently used
    cache.set("d", "d", 60)
    assert cache.get("b") is None
    assert [cache.get(k) for k in "acd"] == ["a", "c", "d"]


def test_add_touch_delete_incr_and_the_many_forms() -> None:
    cache = object_cache()
    assert cache.add("k", 1, 60)
    assert not cache.add("k", 2, 60)
    assert cache.get("k") == 1
    assert cache.incr("k") == 2
    assert cache.touch("k", None)
    assert not cache.touch("missing", 60)
    assert cache.delete("k")
    assert not cache.delete("k")
    cache.set_many({"x": 1, "y": 2}, 60)
    assert cache.get_many(["x", "y", "z"]) == {"x": 1, "y": 2}
    cache.clear()
    assert cache.get_many(["x", "y"]) == {}


def test_threads_sharing_it_never_see_a_torn_state() -> None:
    cache = object_cache(max_entries=50)
    errors: list[BaseException] = []

    def hammer(offset: int) -> None:
        try:
            for n in range(2_000):
                key = f"k{(n + offset) % 80}"
                cache.set(key, n, 60)
                cache.get(key)
                cache.get_many([key, "k1"])
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=hammer, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(cache._entries) <= 50


def file_cache(tmp_path: Path, max_entries: int) -> FileCache:
    return FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": max_entries, "CULL_FREQUENCY": 2}})


def test_the_file_cache_lists_its_directory_once_every_cull_every_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = file_cache(tmp_path, max_entries=10_000)
    listings: list[str] = []
    original = cache_backends.os.scandir

    def counting(path: str) -> Any:
        listings.append(path)
        return original(path)

    monkeypatch.setattr(cache_backends.os, "scandir", counting)
    for n in range(3 * CULL_EVERY):
        cache.set(f"k{n}", n, 60)
    assert len(listings) == 3
    assert cache.get("k5") == 5


def test_the_file_cache_still_culls_down_to_its_bound(tmp_path: Path) -> None:
    cache = file_cache(tmp_path, max_entries=20)
    for n in range(4 * CULL_EVERY):
        cache.set(f"k{n}", n, 60)
    files = [p for p in tmp_path.iterdir() if p.suffix == ".djcache"]
    # Between looks the directory may outgrow the bound by at most CULL_EVERY entries.
    assert len(files) <= 20 + CULL_EVERY
