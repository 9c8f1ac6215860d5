"""LightfieldClient with a rate budget: it paces itself so the CRM never has to answer 429."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

import httpx
import pytest
import respx

from contacts_ui.crm import LightfieldClient, RateLimitError
from contacts_ui.crm.budget import (
    Budget,
    BudgetExhausted,
    Category,
    MemoryStore,
    Priority,
    lightfield_specs,
    using_priority,
)
from contacts_ui.crm.lightfield.client import category_for
from sandbox.app import CATEGORIES, URL_MAP
from tests.conftest import SANDBOX_KEY, SANDBOX_URL

from .conftest import API_KEY, record_payload

START = 1_780_000_000.0


class FakeClock:
    """Stand in for the clock and sleep of the client, the budget and the sandbox alike."""

    def __init__(self) -> None:
        self.now = START
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sandbox_client(
    make_sandbox: Callable[..., object], clock: FakeClock
) -> Iterator[Callable[[Budget | None], LightfieldClient]]:
    """Build clients of one sandbox limited to 5 requests/s per category, on the fake clock."""
    app = make_sandbox(rate_limit=5.0, clock=clock, sleep=clock.sleep)
    clients: list[LightfieldClient] = []

    def build(budget: Budget | None) -> LightfieldClient:
        client = LightfieldClient(
            api_key=SANDBOX_KEY,
            base_url=SANDBOX_URL,
            transport=httpx.WSGITransport(app=app),  # type: ignore[arg-type]
            sleep=clock.sleep,
            clock=clock,
            budget=budget,
        )
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()


def budget_on(clock: FakeClock, **kwargs: float) -> Budget:
    return Budget(
        MemoryStore(clock=clock),
        lightfield_specs(**kwargs),
        scope="lightfield:test",
        clock=clock,
        sleep=clock.sleep,
        wall_clock=clock,
    )


@pytest.mark.parametrize(
    ("method", "path", "category"),
    [
        ("GET", "/v1/auth/validate", Category.READ),
        ("GET", "/v1/contacts/definitions", Category.READ),
        ("GET", "/v1/contacts/con_1", Category.READ),
        ("GET", "/v1/members/mem_1", Category.READ),
        ("GET", "/v1/contacts", Category.SEARCH),
        ("GET", "/v1/members?limit=25", Category.SEARCH),
        ("GET", "https://api.lightfield.app/v1/accounts", Category.SEARCH),
        ("POST", "/v1/contacts", Category.WRITE),
        ("POST", "/v1/contacts/con_1", Category.WRITE),
    ],
)
def test_each_call_counts_against_its_lightfield_category(
    method: str, path: str, category: Category
) -> None:
    assert category_for(method, path) is category

    endpoint, _ = URL_MAP.bind("sandbox.local").match(urlsplit(path).path, method=method)
    assert CATEGORIES[str(endpoint)].value == category.value  # the sandbox agrees


def test_without_a_budget_a_burst_of_reads_provokes_429s(
    sandbox_client: Callable[[Budget | None], LightfieldClient],
) -> None:
    client = sandbox_client(None)

    for _ in range(30):
        client.contact_definitions()

    assert client.request_count > 30  # some answers were 429 and had to be retried


def test_with_a_budget_the_client_paces_itself_and_is_never_refused(
    sandbox_client: Callable[[Budget | None], LightfieldClient], clock: FakeClock
) -> None:
    client = sandbox_client(budget_on(clock, limit=5.0))

    for _ in range(30):
        client.contact_definitions()

    assert client.request_count == 30
    # 5 at once, then 4.5/s: the budget waited instead of the CRM refusing.
    assert clock.now - START >= 25 / 4.5


def test_a_budget_learns_a_lower_limit_from_the_headers_and_is_never_refused(
    sandbox_client: Callable[[Budget | None], LightfieldClient], clock: FakeClock
) -> None:
    budget = budget_on(clock)  # configured for Lightfield's 25/s; the sandbox allows 5/s
    client = sandbox_client(budget)

    for _ in range(30):
        client.list_contacts(limit=1)

    assert client.request_count == 30
    outcome = budget.peek(Category.SEARCH)
    assert outcome is not None
    assert outcome.rate == pytest.approx(4.5)


def test_a_429_holds_the_shared_bucket_for_its_retry_after(
    make_client: Callable[..., LightfieldClient], api: respx.MockRouter, clock: FakeClock
) -> None:
    budget = budget_on(clock)
    client = make_client(budget=budget, max_retries=0)
    api.get("/v1/contacts/con_1").mock(
        return_value=httpx.Response(429, headers={"Retry-After": "2"})
    )

    with pytest.raises(RateLimitError):
        client.get_contact("con_1")

    outcome = budget.peek(Category.READ)
    assert outcome is not None
    assert outcome.blocked_for == pytest.approx(2.0)


def test_an_exhausted_budget_raises_before_anything_is_sent(
    make_client: Callable[..., LightfieldClient], api: respx.MockRouter, clock: FakeClock
) -> None:
    budget = budget_on(clock)
    budget.penalize(Category.READ, 30.0)
    client = make_client(budget=budget)
    route = api.get("/v1/contacts/con_1").mock(return_value=httpx.Response(200))

    with pytest.raises(BudgetExhausted) as caught:
        client.get_contact("con_1")

    assert caught.value.retry_after > 29
    assert route.call_count == 0


def test_background_calls_leave_the_reserve_to_the_page_a_person_waits_on(
    make_client: Callable[..., LightfieldClient], api: respx.MockRouter, clock: FakeClock
) -> None:
    budget = budget_on(clock, limit=1 / 0.9)  # 1/s, so background could only wait 0.5 s
    client = make_client(budget=budget)
    api.get("/v1/contacts/con_1").mock(return_value=httpx.Response(200, json=record_payload()))
    for _ in range(3):
        client.get_contact("con_1")  # interactive: 2 tokens left, background's reserve

    with using_priority(Priority.BACKGROUND), pytest.raises(BudgetExhausted):
        client.get_contact("con_1")
    client.get_contact("con_1")


def test_saves_spend_the_write_bucket(
    make_client: Callable[..., LightfieldClient], api: respx.MockRouter, clock: FakeClock
) -> None:
    budget = budget_on(clock)
    client = make_client(api_key=API_KEY, budget=budget)
    api.post("/v1/contacts").mock(return_value=httpx.Response(200, json=record_payload()))

    client.create_contact(fields={"$name": {"firstName": "Ada"}})

    write, read = budget.peek(Category.WRITE), budget.peek(Category.READ)
    assert write is not None
    assert read is not None
    assert write.tokens == pytest.approx(4.0)
    assert read.tokens == pytest.approx(5.0)
