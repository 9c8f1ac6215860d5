"""The Redis rate-budget store against a real Redis: atomic, shared, expiring, server-timed.

These tests use database 13 only, and flush only that one. They skip when no Redis answers
(CI starts one). ``REDIS_URL`` picks the server; its database number is ignored.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import redis

from contacts_ui.crm.budget import (
    BucketSpec,
    Budget,
    BudgetExhausted,
    Category,
    Priority,
    lightfield_specs,
)
from contacts_ui.crm.budget.redis_store import RedisStore

TEST_DB = 13
READ = Category.READ
NO_WAIT = dict.fromkeys(Priority, 0.0)


def redis_url() -> str:
    """Return REDIS_URL (or the local default) pointed at the tests' own database."""
    parts = urlsplit(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0")
    return urlunsplit(parts._replace(path=f"/{TEST_DB}"))


@pytest.fixture
def server() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(redis_url(), socket_timeout=1, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        client.close()
        pytest.skip(f"no Redis at {redis_url()} ({type(exc).__name__}); CI starts one")
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def store(server: redis.Redis) -> Iterator[RedisStore]:
    built = RedisStore.from_url(redis_url())
    yield built
    built.close()


def spec(rate: float = 10.0, burst: float = 5.0) -> dict[Category, BucketSpec]:
    return {c: BucketSpec(c.value, rate, burst) for c in Category}


def slow(store: RedisStore) -> Budget:
    """Return a budget whose buckets refill so slowly that real time cannot disturb a test."""
    return Budget(store, spec(rate=1e-6), scope="lightfield:test", max_wait=NO_WAIT)


def test_a_new_bucket_grants_its_burst_then_refuses(store: RedisStore) -> None:
    budget = slow(store)

    for _ in range(5):
        budget.acquire(READ, Priority.WRITE)

    with pytest.raises(BudgetExhausted):
        budget.acquire(READ, Priority.WRITE)


def test_a_refusal_says_how_long_until_the_next_token(store: RedisStore) -> None:
    budget = Budget(store, spec(rate=0.5), scope="s", max_wait=NO_WAIT)
    for _ in range(5):
        budget.acquire(READ, Priority.WRITE)

    with pytest.raises(BudgetExhausted) as caught:
        budget.acquire(READ, Priority.WRITE)

    assert 1.9 < caught.value.retry_after <= 2.0


def test_background_is_refused_while_interactive_is_still_served(store: RedisStore) -> None:
    budget = slow(store)
    for _ in range(3):
        budget.acquire(READ, Priority.WRITE)

    with pytest.raises(BudgetExhausted):
        budget.acquire(READ, Priority.BACKGROUND)
    budget.acquire(READ, Priority.INTERACTIVE)
    with pytest.raises(BudgetExhausted):
        budget.acquire(READ, Priority.INTERACTIVE)
    budget.acquire(READ, Priority.WRITE)


def test_headers_lower_the_tokens_and_teach_the_rate_to_every_store(
    server: redis.Redis, store: RedisStore
) -> None:
    other_host = RedisStore(redis.Redis.from_url(redis_url()))
    budget = Budget(store, lightfield_specs(), scope="s")

    budget.observe(READ, {"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "2"})

    seen = Budget(other_host, lightfield_specs(), scope="s").peek(READ)
    other_host.close()
    assert seen is not None
    assert seen.rate == pytest.approx(9.0)
    assert 2.0 <= seen.tokens < 2.5  # plus what 9/s refilled in the few ms since


def test_a_penalty_blocks_the_bucket_for_every_store(store: RedisStore) -> None:
    other_host = RedisStore.from_url(redis_url())
    Budget(store, spec(), scope="s").penalize(READ, 30.0)

    with pytest.raises(BudgetExhausted) as caught:
        Budget(other_host, spec(), scope="s", max_wait=NO_WAIT).acquire(READ, Priority.WRITE)

    other_host.close()
    assert 30.0 < caught.value.retry_after <= 30.1


def test_bucket_keys_expire(server: redis.Redis, store: RedisStore) -> None:
    Budget(store, spec(), scope="s").acquire(READ, Priority.WRITE)

    ttl = server.pttl("crm-budget:s:read")

    assert isinstance(ttl, int)
    assert 60_000 < ttl <= 61_000


def test_a_server_that_forgot_the_script_gets_it_again(
    server: redis.Redis, store: RedisStore
) -> None:
    budget = slow(store)
    budget.acquire(READ, Priority.WRITE)

    server.script_flush()

    budget.acquire(READ, Priority.WRITE)
    outcome = budget.peek(READ)
    assert outcome is not None
    assert outcome.tokens == pytest.approx(3.0, abs=0.01)


def test_an_unreachable_redis_lets_calls_through() -> None:
    store = RedisStore.from_url("redis://127.0.0.1:1/13", timeout=0.05)
    budget = Budget(store, spec(), scope="s", max_wait=NO_WAIT)

    assert budget.acquire(READ, Priority.BACKGROUND) == 0.0
    store.close()


def take_tokens(url: str, attempts: int, start: Any, results: Any) -> None:
    """Try ``attempts`` times to take a token from a 20-token bucket that never refills."""
    store = RedisStore.from_url(url)
    specs = {c: BucketSpec(c.value, 1e-9, 20.0, 0.0, 0.0) for c in Category}
    budget = Budget(store, specs, scope="shared", max_wait=NO_WAIT)
    start.wait(10)
    granted = 0
    for _ in range(attempts):
        try:
            budget.acquire(READ, Priority.WRITE)
        except BudgetExhausted:
            continue
        granted += 1
    store.close()
    results.put(granted)


def test_two_processes_share_one_redis_bucket(server: redis.Redis) -> None:
    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    workers = [
        context.Process(target=take_tokens, args=(redis_url(), 30, start, results))
        for _ in range(2)
    ]
    for worker in workers:
        worker.start()
    start.set()
    granted = [results.get(timeout=30) for _ in workers]
    for worker in workers:
        worker.join(timeout=10)

    assert sum(granted) == 20
    assert all(worker.exitcode == 0 for worker in workers)
