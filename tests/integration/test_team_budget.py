"""A whole team on one key: the shared rate budget, coalesced reads, busy pages that keep what
was typed, and the endpoints and logs IT runs the dashboard with."""

from __future__ import annotations

import io
import json
import logging
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from django.core.cache import caches
from django.test import Client, override_settings
from pydantic import SecretStr

from contacts_ui.crm.budget import Budget, Category, MemoryStore, lightfield_specs
from contacts_ui.crm.lightfield.client import LightfieldClient
from contacts_ui.observability.logs import JsonFormatter, RequestIdFilter
from contacts_ui.services import backend, related, shared_cache
from contacts_ui.services.backend import budget_scope
from tests.conftest import SANDBOX_KEY, SANDBOX_URL, install_client, no_sleep
from tests.integration.form_support import form_data, open_form

NEW = "/contacts/new/"
pytestmark = pytest.mark.django_db


def _client(app: object, budget: Budget | None = None, **options: Any) -> LightfieldClient:
    return LightfieldClient(
        api_key=SANDBOX_KEY,
        base_url=SANDBOX_URL,
        transport=httpx.WSGITransport(app=app),
        sleep=no_sleep,
        budget=budget,
        **options,
    )


# -- coalescing ------------------------------------------------------------------------------


def test_concurrent_identical_reads_make_one_upstream_call(
    make_sandbox: Callable[..., Any],
) -> None:
    gate = threading.Event()
    # The sandbox "sleeps" its latency on the gate: the first request stays in flight until
    # every other caller has joined it.
    app = make_sandbox(latency=1.0, sleep=lambda _seconds: gate.wait(10))
    client = _client(app)
    results: list[int] = []

    def read() -> None:
        results.append(client.list_contacts(limit=25, offset=50).total_count)

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for _ in range(1000):
        if client.coalesced_count == 7:
            break
        threading.Event().wait(0.01)
    gate.set()
    for thread in threads:
        thread.join(10)

    assert len(results) == 8
    assert len(set(results)) == 1
    assert len(app.request_log.matching("GET", "/v1/contacts")) == 1
    client.close()


def test_a_value_another_process_is_fetching_is_waited_for_not_fetched_again() -> None:
    shared = shared_cache.shared()
    shared.add("test:coalesce:lock", 1, 5)  # another process holds the lock...
    fetched: list[int] = []

    def other_process_finishes(_seconds: float) -> None:
        shared.set("test:coalesce", "from the other process", 60)  # ...and stores the value

    value = shared_cache.fetch_once(
        "test:coalesce", lambda: fetched.append(1) or "ours", 60, sleep=other_process_finishes
    )
    assert value == "from the other process"
    assert fetched == []
    shared.delete("test:coalesce:lock")
    shared_cache.delete("test:coalesce")


# -- busy: 503 with Retry-After, nothing typed lost --------------------------------------------


@pytest.fixture
def budget() -> Budget:
    return Budget(MemoryStore(), lightfield_specs(), scope="test:busy")


@pytest.fixture
def budgeted_crm(sandbox_app: object, budget: Budget) -> Iterator[LightfieldClient]:
    yield from install_client(_client(sandbox_app, budget))


def test_an_exhausted_budget_gives_a_busy_page_with_retry_after(
    client: Client, budgeted_crm: LightfieldClient, budget: Budget
) -> None:
    budget.penalize(Category.READ, 30)
    response = client.get("/contacts/")
    assert response.status_code == 503
    # The hold, plus the moment until the bucket's next token.
    assert 30 <= int(response["Retry-After"]) <= 31
    expected = f"The CRM is busy, try again in {response['Retry-After']} s."
    assert expected in response.content.decode()


def test_an_exhausted_budget_on_save_keeps_everything_typed(
    client: Client, budgeted_crm: LightfieldClient, budget: Budget
) -> None:
    data = open_form(client, NEW)
    data.update(
        {
            "fields.$name_firstName": ["Grace"],
            "fields.$name_lastName": ["Hopper"],
            "fields.$email": ["grace.busy@example.com"],
            "fields.$title": ["Rear admiral"],
            "create_anyway": ["1"],
        }
    )
    budget.penalize(Category.WRITE, 20)
    budget.penalize(Category.SEARCH, 20)  # the duplicate check is refused too
    response = client.post(NEW, data)
    html = response.content.decode()
    assert response.status_code == 503
    assert 20 <= int(response["Retry-After"]) <= 21
    assert f"The CRM is busy, try again in {response['Retry-After']} s." in html
    again = form_data(html)
    for name in ("fields.$name_firstName", "fields.$name_lastName", "fields.$title"):
        assert again[name] == data[name]
    assert "grace.busy@example.com" in again["fields.$email"]


# -- the deferred names, with and without JavaScript -------------------------------------------


def test_without_javascript_pending_ids_stay_readable_and_are_named_next_time(
    client: Client, crm: LightfieldClient
) -> None:
    first = client.get("/contacts/?page=7")
    assert first.status_code == 200
    assert re.search(r">acc_\w+ \(name pending\)<", first.content.decode())
    related.settle()
    second = client.get("/contacts/?page=7").content.decode()
    assert "(name pending)" not in second


def test_a_name_that_cannot_be_fetched_is_marked_unavailable_with_one_log_line(
    client: Client, crm: LightfieldClient, make_sandbox: Callable[..., Any]
) -> None:
    page = client.get("/contacts/?page=9")  # definitions and members come from the healthy CRM
    names_url = re.search(r'hx-get="(/contacts/names/\?[^"]+)"', page.content.decode())
    assert names_url is not None
    related.settle()
    shared_cache.shared().clear()  # forget the names the page's background fill found
    caches["local"].clear()
    failing = _client(make_sandbox(error_rate=1.0), read_retries=0)
    previous = backend.use_crm(failing)
    log = io.StringIO()
    handler = logging.StreamHandler(log)
    related_logger = logging.getLogger("contacts_ui.services.related")
    related_logger.addHandler(handler)
    try:
        answer = client.get(names_url.group(1).replace("&amp;", "&")).content.decode()
    finally:
        related_logger.removeHandler(handler)
        backend.use_crm(previous)
        failing.close()
    assert "(name unavailable)" in answer
    lines = log.getvalue().splitlines()
    assert lines
    assert all(line.startswith("could not fetch the name of acc_") for line in lines)
    assert "Traceback" not in log.getvalue()


# -- healthz, readyz, metrics ------------------------------------------------------------------


def test_healthz_answers_without_the_database_or_the_crm(client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "alive"}


def test_readyz_checks_database_cache_and_crm_and_shares_the_crm_check(
    client: Client, crm: LightfieldClient
) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "cache": "ok", "crm": "ok"},
    }
    before = crm.request_count
    assert client.get("/readyz").status_code == 200
    assert crm.request_count == before
    assert SANDBOX_KEY not in response.content.decode()


def test_readyz_says_which_check_failed(client: Client, make_sandbox: Callable[..., Any]) -> None:
    unreachable = LightfieldClient(
        api_key=SANDBOX_KEY,
        base_url="http://127.0.0.1:9",
        read_retries=0,
        sleep=no_sleep,
    )
    for _ in install_client(unreachable):
        response = client.get("/readyz")
        assert response.status_code == 503
        assert response.json()["checks"]["crm"] == "unreachable"


def test_metrics_count_upstream_calls_and_answers(client: Client, crm: LightfieldClient) -> None:
    client.get("/contacts/")
    response = client.get("/metrics")
    text = response.content.decode()
    assert response.status_code == 200
    assert "dashboard_responses_total" in text
    assert "dashboard_view_seconds_bucket" in text
    assert "dashboard_cache_lookups_total" in text


def test_metrics_are_refused_to_other_addresses(client: Client) -> None:
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 403


def test_metrics_are_served_to_a_holder_of_the_token(client: Client) -> None:
    from django.conf import settings

    app = settings.DASHBOARD.model_copy(update={"METRICS_TOKEN": SecretStr("t0ken-for-scrapers")})
    with override_settings(DASHBOARD=app):
        allowed = client.get(
            "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer t0ken-for-scrapers"
        )
        refused = client.get(
            "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer wrong"
        )
    assert allowed.status_code == 200
    assert refused.status_code == 403


# -- JSON logs ---------------------------------------------------------------------------------


def test_json_log_lines_carry_the_request_id_and_never_the_api_key(
    client: Client, sandbox_app: object
) -> None:
    seen_upstream: list[str | None] = []

    def recording(environ: dict[str, Any], start_response: Any) -> Any:
        seen_upstream.append(environ.get("HTTP_X_REQUEST_ID"))
        return sandbox_app(environ, start_response)  # type: ignore[operator]

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    crm_logger = logging.getLogger("contacts_ui.crm")
    crm_logger.addHandler(handler)
    level = crm_logger.level
    crm_logger.setLevel(logging.INFO)
    try:
        for _ in install_client(_client(recording)):
            response = client.get("/contacts/?page=2", HTTP_X_REQUEST_ID="req-abcdef123456")
    finally:
        crm_logger.removeHandler(handler)
        crm_logger.setLevel(level)
    assert response["X-Request-Id"] == "req-abcdef123456"
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    page_lines = [line for line in lines if line["request_id"] == "req-abcdef123456"]
    assert page_lines
    assert all(line["logger"] == "contacts_ui.crm" for line in page_lines)
    assert "req-abcdef123456" in seen_upstream
    assert SANDBOX_KEY not in stream.getvalue()


# -- the budget's scope ------------------------------------------------------------------------


def test_the_budget_scope_never_contains_the_key() -> None:
    scope = budget_scope("lightfield", "https://api.lightfield.app", "sk_lf_secret_0123")
    assert scope.startswith("lightfield:")
    assert "sk_lf" not in scope
    assert "secret" not in scope
    assert scope != budget_scope("lightfield", "https://api.lightfield.app", "sk_lf_other")


# -- every host through Redis (database 12, this file's own) ------------------------------------

REDIS_TEST_URL = "redis://127.0.0.1:6379/12"


@pytest.fixture
def redis_db() -> Iterator[None]:
    import redis

    server = redis.Redis.from_url(REDIS_TEST_URL, socket_timeout=1, socket_connect_timeout=1)
    try:
        server.ping()
    except redis.RedisError as exc:
        pytest.skip(f"no Redis at {REDIS_TEST_URL} ({type(exc).__name__})")
    server.flushdb()
    yield
    server.flushdb()
    server.close()


def test_two_hosts_with_redis_spend_one_budget(redis_db: None) -> None:
    from django.conf import settings

    from contacts_ui.crm.budget import Priority
    from contacts_ui.services.backend import build_budget

    app = settings.DASHBOARD.model_copy(update={"REDIS_URL": REDIS_TEST_URL})
    scope = budget_scope("lightfield", "https://api.lightfield.app", "sk_lf_shared")
    first, second = build_budget(app, scope), build_budget(app, scope)
    burst = first.specs[Category.SEARCH].burst
    for _ in range(int(burst)):
        first.acquire(Category.SEARCH, Priority.WRITE)
    seen = second.peek(Category.SEARCH)
    assert seen is not None
    assert seen.tokens < 1
