"""The shared rate budget: refill math, priorities, bounded waits, learning and the stores."""

from __future__ import annotations

import multiprocessing
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from contacts_ui.crm.budget import (
    DEFAULT_MAX_WAIT,
    BucketOp,
    BucketSpec,
    BucketStore,
    Budget,
    BudgetCounters,
    BudgetExhausted,
    Category,
    MemoryStore,
    Outcome,
    Priority,
    SQLiteStore,
    StoreError,
    current_priority,
    highlevel_specs,
    lightfield_specs,
    make_store,
    parse_rate_headers,
    using_priority,
)
from contacts_ui.crm.budget.redis_store import RedisStore
from contacts_ui.crm.errors import CRMError

START = 1_780_000_000.0
READ = Category.READ
NO_WAIT = dict.fromkeys(Priority, 0.0)


class FakeClock:
    """Stand in for both the clock and sleep: sleeping moves time on, instantly."""

    def __init__(self, now: float = START) -> None:
        self.now = now
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def spec(
    rate: float = 10.0, burst: float = 5.0, interactive: float = 1.0, background: float = 2.0
) -> dict[Category, BucketSpec]:
    """Return one separate bucket per category with these numbers."""
    return {
        c: BucketSpec(
            c.value, rate, burst, reserve_interactive=interactive, reserve_background=background
        )
        for c in Category
    }


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(params=["memory", "sqlite"])
def store(
    request: pytest.FixtureRequest, clock: FakeClock, tmp_path: Path
) -> Iterator[BucketStore]:
    """Run each test against the in-process store and the one-host SQLite store."""
    built: BucketStore
    if request.param == "memory":
        built = MemoryStore(clock=clock)
    else:
        built = SQLiteStore(tmp_path, clock=clock)
    yield built
    built.close()


@pytest.fixture
def make_budget(store: BucketStore, clock: FakeClock) -> Callable[..., Budget]:
    def build(**kwargs: Any) -> Budget:
        kwargs.setdefault("specs", spec())
        kwargs.setdefault("scope", "lightfield:test")
        return Budget(store, clock=clock, sleep=clock.sleep, wall_clock=clock, **kwargs)

    return build


def tokens(budget: Budget, category: Category = READ) -> float:
    outcome = budget.peek(category)
    assert outcome is not None
    return outcome.tokens


def drain(budget: Budget, category: Category = READ) -> None:
    """Take every token with write priority (which may take the last one)."""
    while tokens(budget, category) >= 1:
        budget.acquire(category, Priority.WRITE)


def take_until_refused(budget: Budget, priority: Priority) -> int:
    """Return how many tokens ``priority`` gets before the budget refuses it."""
    granted = 0
    while True:
        try:
            budget.acquire(READ, priority)
        except BudgetExhausted:
            return granted
        granted += 1


# -- refill math ---------------------------------------------------------------------------------


def test_a_new_bucket_starts_full_and_grants_its_burst_at_once(
    make_budget: Callable[..., Budget],
) -> None:
    budget = make_budget(max_wait=NO_WAIT)

    waits = [budget.acquire(READ, Priority.WRITE) for _ in range(5)]

    assert waits == [0.0] * 5
    with pytest.raises(BudgetExhausted):
        budget.acquire(READ, Priority.WRITE)


def test_tokens_refill_at_the_configured_rate(
    make_budget: Callable[..., Budget], clock: FakeClock
) -> None:
    budget = make_budget()
    drain(budget)

    clock.now += 0.25

    assert tokens(budget) == pytest.approx(2.5)


def test_refill_stops_at_the_burst(make_budget: Callable[..., Budget], clock: FakeClock) -> None:
    budget = make_budget()
    drain(budget)

    clock.now += 3600

    assert tokens(budget) == pytest.approx(5.0)


def test_a_clock_stepping_backwards_neither_adds_nor_removes_tokens(
    make_budget: Callable[..., Budget], clock: FakeClock
) -> None:
    budget = make_budget()
    budget.acquire(READ, Priority.WRITE)

    clock.now -= 10

    assert tokens(budget) == pytest.approx(4.0)


def test_a_write_on_an_empty_bucket_sleeps_exactly_until_its_token_is_due(
    make_budget: Callable[..., Budget], clock: FakeClock
) -> None:
    budget = make_budget()
    drain(budget)

    waited = budget.acquire(READ, Priority.WRITE)

    assert clock.sleeps == [pytest.approx(0.1)]
    assert waited == pytest.approx(0.1)


def test_categories_have_separate_buckets(make_budget: Callable[..., Budget]) -> None:
    budget = make_budget()
    drain(budget, Category.READ)

    assert tokens(budget, Category.SEARCH) == pytest.approx(5.0)


def test_budgets_with_different_scopes_do_not_share_tokens(
    make_budget: Callable[..., Budget],
) -> None:
    first, second = make_budget(scope="lightfield:org_a"), make_budget(scope="lightfield:org_b")
    drain(first)

    assert tokens(second) == pytest.approx(5.0)


# -- priorities ----------------------------------------------------------------------------------


def test_background_is_refused_while_interactive_is_still_served(
    make_budget: Callable[..., Budget],
) -> None:
    budget = make_budget(max_wait=NO_WAIT)
    for _ in range(3):
        budget.acquire(READ, Priority.WRITE)  # 2 tokens left: background's reserve

    with pytest.raises(BudgetExhausted):
        budget.acquire(READ, Priority.BACKGROUND)
    budget.acquire(READ, Priority.INTERACTIVE)

    assert tokens(budget) == pytest.approx(1.0)


def test_interactive_leaves_the_last_token_to_writes(make_budget: Callable[..., Budget]) -> None:
    budget = make_budget(max_wait=NO_WAIT)

    granted = take_until_refused(budget, Priority.INTERACTIVE)
    budget.acquire(READ, Priority.WRITE)

    assert granted == 4
    assert tokens(budget) == pytest.approx(0.0)


def test_background_must_wait_longer_than_a_write_for_the_same_empty_bucket(
    make_budget: Callable[..., Budget],
) -> None:
    budget = make_budget(max_wait=NO_WAIT)
    drain(budget)

    retry_after = {}
    for priority in Priority:
        with pytest.raises(BudgetExhausted) as caught:
            budget.acquire(READ, priority)
        retry_after[priority] = caught.value.retry_after

    assert retry_after == {
        Priority.WRITE: pytest.approx(0.1),
        Priority.INTERACTIVE: pytest.approx(0.2),
        Priority.BACKGROUND: pytest.approx(0.3),
    }


def test_the_default_lightfield_reserves_keep_two_tokens_from_background(
    store: BucketStore, clock: FakeClock
) -> None:
    budget = Budget(store, lightfield_specs(), scope="s", clock=clock, max_wait=NO_WAIT)

    granted = take_until_refused(budget, Priority.BACKGROUND)

    assert granted == 3
    assert tokens(budget) == pytest.approx(2.0)


# -- bounded waits -------------------------------------------------------------------------------


def test_a_wait_beyond_the_bound_raises_at_once_with_the_time_until_a_token(
    make_budget: Callable[..., Budget], clock: FakeClock
) -> None:
    budget = make_budget(specs=spec(rate=0.1), max_wait=dict.fromkeys(Priority, 3.0))
    drain(budget)

    with pytest.raises(BudgetExhausted) as caught:
        budget.acquire(READ, Priority.WRITE)

    assert caught.value.retry_after == pytest.approx(10.0)
    assert caught.value.category == "read"
    assert caught.value.priority == "write"
    assert clock.sleeps == []


def test_budget_exhausted_is_a_crm_error_that_says_when_to_try_again() -> None:
    error = BudgetExhausted("search", 2.2, priority="interactive")

    assert isinstance(error, CRMError)
    assert str(error) == "The CRM is busy (search requests); try again in 3 s."


def test_the_default_bounds_let_writes_wait_longest_and_background_least() -> None:
    assert DEFAULT_MAX_WAIT == {
        Priority.WRITE: 5.0,
        Priority.INTERACTIVE: 3.0,
        Priority.BACKGROUND: 0.5,
    }


def test_a_background_call_gives_up_where_a_write_waits(
    make_budget: Callable[..., Budget], clock: FakeClock
) -> None:
    budget = make_budget(specs=spec(rate=1.0))
    drain(budget)

    with pytest.raises(BudgetExhausted):
        budget.acquire(READ, Priority.BACKGROUND)  # needs 3 s, may wait 0.5 s
    waited = budget.acquire(READ, Priority.WRITE)  # needs 1 s, may wait 5 s

    assert waited == pytest.approx(1.0)


def test_a_clock_that_never_moves_still_ends_the_wait() -> None:
    frozen = FakeClock()
    slept: list[float] = []
    budget = Budget(MemoryStore(clock=frozen), spec(), scope="s", clock=frozen, sleep=slept.append)
    for _ in range(5):
        budget.acquire(READ, Priority.WRITE)

    # Time never passes, so no token ever comes; the budget counts its own sleeps instead.
    with pytest.raises(BudgetExhausted):
        budget.acquire(READ, Priority.WRITE)

    assert 4.8 <= sum(slept) <= DEFAULT_MAX_WAIT[Priority.WRITE]


# -- learning from the CRM -----------------------------------------------------------------------


def test_fewer_remaining_tokens_at_the_crm_lower_the_bucket(
    make_budget: Callable[..., Budget],
) -> None:
    budget = make_budget()

    budget.observe(READ, {"X-RateLimit-Limit": "11", "X-RateLimit-Remaining": "1"})

    assert tokens(budget) == pytest.approx(1.0)


def test_more_remaining_tokens_at_the_crm_never_raise_the_bucket(
    make_budget: Callable[..., Budget],
) -> None:
    budget = make_budget()
    drain(budget)

    budget.observe(READ, {"X-RateLimit-Remaining": "3"})

    assert tokens(budget) == pytest.approx(0.0)


def test_a_different_limit_is_adopted_a_little_under_it(
    make_budget: Callable[..., Budget],
) -> None:
    budget = make_budget(specs=lightfield_specs())

    budget.observe(READ, {"X-RateLimit-Limit": "10", "X-RateLimit-Remaining": "9"})

    outcome = budget.peek(READ)
    assert outcome is not None
    assert outcome.rate == pytest.approx(9.0)
    assert budget.peek(Category.SEARCH) == Outcome(False, 0.0, 5.0, 22.5)


def test_a_lower_limit_also_shrinks_the_burst_to_one_second_of_it(
    make_budget: Callable[..., Budget],
) -> None:
    budget = make_budget(specs=lightfield_specs())

    budget.observe(READ, {"X-RateLimit-Limit": "2"})

    assert tokens(budget) == pytest.approx(1.8)


def test_a_learned_limit_is_forgotten_when_the_crm_stops_announcing_it(
    make_budget: Callable[..., Budget], clock: FakeClock
) -> None:
    budget = make_budget(specs=lightfield_specs(), learned_rate_ttl=60)
    budget.observe(READ, {"X-RateLimit-Limit": "10"})

    clock.now += 61

    outcome = budget.peek(READ)
    assert outcome is not None
    assert outcome.rate == pytest.approx(22.5)


def test_highlevel_headers_set_the_rate_from_max_per_interval(
    make_budget: Callable[..., Budget],
) -> None:
    budget = make_budget(specs=highlevel_specs())
    headers = {
        "X-RateLimit-Max": "50",
        "X-RateLimit-Remaining": "49",
        "X-RateLimit-Interval-Milliseconds": "10000",
    }

    budget.observe(Category.WRITE, headers)

    outcome = budget.peek(Category.READ)  # HighLevel has one bucket for every call
    assert outcome is not None
    assert outcome.rate == pytest.approx(4.5)


def test_the_configured_limit_in_the_headers_costs_no_store_round_trip(clock: FakeClock) -> None:
    calls: list[BucketOp] = []

    class Recording(MemoryStore):
        def apply(self, key: str, op: BucketOp) -> Outcome:
            calls.append(op)
            return super().apply(key, op)

    budget = Budget(Recording(clock=clock), lightfield_specs(), scope="s", clock=clock)

    budget.observe(READ, {"X-RateLimit-Limit": "25", "X-RateLimit-Remaining": "24"})

    assert calls == []


@pytest.mark.parametrize(
    ("reset", "expected"),
    [
        (str(int(START) + 3), 3.0),  # Unix seconds, as Lightfield documents
        (str(int(START * 1000) + 1500), 1.5),  # Unix milliseconds
        ("2", 2.0),  # seconds from now
        (str(int(START) - 5), 0.0),  # already past
        ("soon", None),
    ],
)
def test_reset_is_read_as_epoch_or_as_seconds_from_now(reset: str, expected: float | None) -> None:
    seen = parse_rate_headers({"x-ratelimit-reset": reset}, now=START)

    assert seen.reset_in == (pytest.approx(expected) if expected is not None else None)


def test_nothing_remaining_holds_the_bucket_until_the_crm_has_its_next_token(
    make_budget: Callable[..., Budget],
) -> None:
    budget = make_budget(specs=lightfield_specs(), max_wait=NO_WAIT)
    headers = {
        "X-RateLimit-Limit": "25",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": str(int(START) + 1),
    }

    budget.observe(READ, headers)

    with pytest.raises(BudgetExhausted) as caught:
        budget.acquire(READ, Priority.WRITE)
    assert caught.value.retry_after == pytest.approx(1 / 25 + 1 / 22.5)


# -- penalties -----------------------------------------------------------------------------------


def test_a_429_empties_the_bucket_and_blocks_it_for_retry_after(
    make_budget: Callable[..., Budget], clock: FakeClock
) -> None:
    budget = make_budget(max_wait=NO_WAIT)

    budget.penalize(READ, 2.0)

    with pytest.raises(BudgetExhausted) as caught:
        budget.acquire(READ, Priority.WRITE)
    assert caught.value.retry_after == pytest.approx(2.1)
    clock.now += 2.1
    budget.acquire(READ, Priority.WRITE)


def test_a_penalty_reaches_every_budget_on_the_same_store(
    make_budget: Callable[..., Budget],
) -> None:
    penalized, other_worker = make_budget(), make_budget(max_wait=NO_WAIT)

    penalized.penalize(READ, 4.0)

    with pytest.raises(BudgetExhausted):
        other_worker.acquire(READ, Priority.WRITE)


def test_a_429_without_retry_after_blocks_for_one_second(
    make_budget: Callable[..., Budget],
) -> None:
    budget = make_budget()

    budget.penalize(READ, None)

    outcome = budget.peek(READ)
    assert outcome is not None
    assert outcome.blocked_for == pytest.approx(1.0)


def test_a_highlevel_429_without_retry_after_waits_out_its_ten_second_window(
    make_budget: Callable[..., Budget],
) -> None:
    budget = make_budget(specs=highlevel_specs())

    budget.penalize(READ, None)

    outcome = budget.peek(READ)
    assert outcome is not None
    assert outcome.blocked_for == pytest.approx(10.0)


def test_a_garbled_retry_after_holds_the_bucket_five_minutes_at_most(
    make_budget: Callable[..., Budget],
) -> None:
    budget = make_budget()

    budget.penalize(READ, 86_400.0)

    outcome = budget.peek(READ)
    assert outcome is not None
    assert outcome.blocked_for == pytest.approx(300.0)


# -- events and failures -------------------------------------------------------------------------


def test_counters_count_waits_and_refusals_per_category_and_priority(
    make_budget: Callable[..., Budget],
) -> None:
    counters = BudgetCounters()
    budget = make_budget(specs=spec(rate=1.0), on_event=counters)
    drain(budget)

    budget.acquire(READ, Priority.WRITE)
    with pytest.raises(BudgetExhausted):
        budget.acquire(READ, Priority.BACKGROUND)

    assert counters.counts[("waited", "read", "write")] == 1
    assert counters.totals[("waited", "read", "write")] == pytest.approx(1.0)
    assert counters.counts[("refused", "read", "background")] == 1
    assert counters.counts[("granted", "read", "write")] == 6


def test_a_failing_event_hook_never_fails_the_call(make_budget: Callable[..., Budget]) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("metrics are down")

    budget = make_budget(on_event=broken)

    assert budget.acquire(READ, Priority.WRITE) == 0.0


def test_an_unreachable_store_lets_calls_through_and_says_so(clock: FakeClock) -> None:
    class Down:
        def apply(self, key: str, op: BucketOp) -> Outcome:
            raise StoreError("connection refused")

        def close(self) -> None:
            pass

    counters = BudgetCounters()
    budget = Budget(Down(), spec(), scope="s", clock=clock, on_event=counters)

    assert budget.acquire(READ, Priority.BACKGROUND) == 0.0
    budget.observe(READ, {"X-RateLimit-Remaining": "0"})
    budget.penalize(READ, 1.0)
    assert counters.counts[("store_error", "read", "background")] == 1


def test_a_locked_sqlite_file_lets_calls_through(tmp_path: Path, clock: FakeClock) -> None:
    store = SQLiteStore(tmp_path, clock=clock, busy_timeout=0.01)
    counters = BudgetCounters()
    budget = Budget(store, spec(), scope="s", clock=clock, on_event=counters)
    budget.acquire(READ, Priority.WRITE)  # creates the file
    holder = sqlite3.connect(store.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process stuck inside a write

    try:
        assert budget.acquire(READ, Priority.WRITE) == 0.0
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    assert counters.counts[("store_error", "read", "write")] == 1
    budget.acquire(READ, Priority.WRITE)  # and the store recovers once the lock is gone
    assert tokens(budget) == pytest.approx(3.0)
    store.close()


# -- configuration -------------------------------------------------------------------------------


def test_lightfield_runs_each_category_at_ninety_percent_in_its_own_bucket() -> None:
    specs = lightfield_specs()

    assert [(c, s.name, round(s.rate, 6), s.burst) for c, s in specs.items()] == [
        (Category.READ, "read", 22.5, 5.0),
        (Category.SEARCH, "search", 22.5, 5.0),
        (Category.WRITE, "write", 22.5, 5.0),
    ]


def test_highlevel_shares_one_bucket_at_ninety_per_ten_seconds() -> None:
    specs = highlevel_specs()

    assert {s.name for s in specs.values()} == {"burst"}
    assert specs[READ].rate * 10 == pytest.approx(90.0)
    # A window counter, not a bucket: rate·window + burst must stay under the limit of 100.
    assert specs[READ].rate * 10 + specs[READ].burst < 100


@pytest.mark.parametrize(
    "kwargs",
    [
        {"rate": 0.0, "burst": 5.0},
        {"rate": 1.0, "burst": 0.5},
        {"rate": 1.0, "burst": 5.0, "reserve_background": 5.0},
        {"rate": 1.0, "burst": 5.0, "reserve_interactive": 3.0, "reserve_background": 2.0},
    ],
)
def test_a_spec_that_could_never_grant_is_refused(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="Bucket 'x'"):
        BucketSpec("x", **kwargs)


def test_reads_default_to_interactive_and_writes_to_write() -> None:
    assert current_priority("GET") is Priority.INTERACTIVE
    assert current_priority("POST") is Priority.WRITE


def test_using_priority_marks_the_calls_inside_it() -> None:
    with using_priority(Priority.BACKGROUND):
        assert current_priority("GET") is Priority.BACKGROUND
    assert current_priority("GET") is Priority.INTERACTIVE


def test_the_store_follows_the_configuration(tmp_path: Path) -> None:
    assert isinstance(make_store(), MemoryStore)
    assert isinstance(make_store(directory=tmp_path), SQLiteStore)
    # Connecting is lazy, so this needs no running Redis.
    assert isinstance(make_store(redis_url="redis://127.0.0.1:6379/13"), RedisStore)


# -- one host, many processes --------------------------------------------------------------------


def take_tokens(directory: str, attempts: int, start: Any, results: Any) -> None:
    """Try ``attempts`` times to take a token from a 20-token bucket that never refills."""
    store = SQLiteStore(directory)
    specs = spec(rate=1e-9, burst=20.0, interactive=0.0, background=0.0)
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


def test_two_processes_share_one_sqlite_bucket(tmp_path: Path) -> None:
    context = multiprocessing.get_context("spawn")
    start, results = context.Event(), context.Queue()
    workers = [
        context.Process(target=take_tokens, args=(str(tmp_path), 30, start, results))
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


def test_sqlite_buckets_survive_a_new_store_on_the_same_file(
    tmp_path: Path, clock: FakeClock
) -> None:
    first = Budget(SQLiteStore(tmp_path, clock=clock), spec(), scope="s", clock=clock)
    first.acquire(READ, Priority.WRITE)

    second = Budget(SQLiteStore(tmp_path, clock=clock), spec(), scope="s", clock=clock)

    assert tokens(second) == pytest.approx(4.0)
