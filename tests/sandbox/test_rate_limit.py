"""Token-bucket rate limits per category, their headers and the 429."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from sandbox.app import SandboxApp
from tests.sandbox.helpers import START, FakeClock, client_for


@pytest.fixture
def limited(build_sandbox: Callable[..., SandboxApp]) -> Iterator[httpx.Client]:
    """Return a client for a sandbox allowing 3 requests per second per category."""
    with client_for(build_sandbox(rate_limit=3)) as http:
        yield http


def exhaust(http: httpx.Client, path: str, times: int = 3) -> None:
    for _ in range(times):
        assert http.get(path).status_code == 200


def test_every_response_carries_rate_limit_headers(limited: httpx.Client) -> None:
    response = limited.get("/v1/contacts")
    assert response.headers["X-RateLimit-Limit"] == "3"
    assert response.headers["X-RateLimit-Remaining"] == "2"
    assert response.headers["X-RateLimit-Reset"] == str(int(START) + 1)


def test_remaining_counts_down_with_each_request(limited: httpx.Client) -> None:
    remaining = [limited.get("/v1/members").headers["X-RateLimit-Remaining"] for _ in range(3)]
    assert remaining == ["2", "1", "0"]


def test_a_request_over_the_limit_is_answered_429_with_retry_after(limited: httpx.Client) -> None:
    exhaust(limited, "/v1/contacts")
    response = limited.get("/v1/contacts")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "1"
    assert response.headers["X-RateLimit-Remaining"] == "0"
    assert response.json() == {
        "type": "too_many_requests",
        "message": "Rate limit exceeded. Please try again later.",
    }


def test_categories_have_separate_buckets(limited: httpx.Client) -> None:
    exhaust(limited, "/v1/contacts")
    assert limited.get("/v1/contacts").status_code == 429
    assert limited.get("/v1/contacts/definitions").status_code == 200
    assert limited.post("/v1/contacts", json={"fields": {}}).status_code == 200


def test_retrieve_definitions_and_auth_share_the_read_bucket(limited: httpx.Client) -> None:
    limited.get("/v1/auth/validate")
    limited.get("/v1/contacts/definitions")
    limited.get("/v1/members/mem_unknown")
    assert limited.get("/v1/auth/validate").status_code == 429


def test_member_list_counts_as_search(limited: httpx.Client) -> None:
    exhaust(limited, "/v1/members")
    assert limited.get("/v1/accounts").status_code == 429


def test_the_bucket_refills_as_time_passes(limited: httpx.Client, clock: FakeClock) -> None:
    exhaust(limited, "/v1/contacts")
    clock.advance(1 / 3)
    assert limited.get("/v1/contacts").status_code == 200
    assert limited.get("/v1/contacts").status_code == 429


def test_the_bucket_never_holds_more_than_its_capacity(
    limited: httpx.Client, clock: FakeClock
) -> None:
    clock.advance(3600)
    assert limited.get("/v1/contacts").headers["X-RateLimit-Remaining"] == "2"


def test_retry_after_is_whole_seconds_and_at_least_one(
    build_sandbox: Callable[..., SandboxApp],
) -> None:
    with client_for(build_sandbox(rate_limit=0.25)) as http:
        http.get("/v1/contacts")
        assert http.get("/v1/contacts").headers["Retry-After"] == "4"


def test_rejected_requests_also_carry_the_headers(limited: httpx.Client) -> None:
    response = limited.get("/v1/contacts", headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401
    assert response.headers["X-RateLimit-Limit"] == "3"


def test_rate_limit_none_switches_limiting_and_headers_off(client: httpx.Client) -> None:
    responses = [client.get("/v1/contacts") for _ in range(30)]
    assert {r.status_code for r in responses} == {200}
    assert "X-RateLimit-Limit" not in responses[-1].headers


def test_the_default_config_allows_25_requests_per_second(
    build_sandbox: Callable[..., SandboxApp],
) -> None:
    with client_for(build_sandbox(rate_limit=25.0)) as http:
        statuses = [http.get("/v1/contacts/definitions").status_code for _ in range(26)]
    assert statuses.count(200) == 25
    assert statuses[-1] == 429
