"""Token, Version header, error envelopes, rate-limit headers and 429, fault knobs."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from sandbox.highlevel import HighLevelSandboxApp
from tests.sandbox.helpers import FakeClock, FakeSleep
from tests.sandbox.highlevel.helpers import LOCATION, client_for, search


def test_a_missing_token_is_answered_401_in_highlevels_shape(hl_reader: httpx.Client) -> None:
    response = hl_reader.get(f"/locations/{LOCATION}/tags", headers={"Authorization": ""})
    assert response.status_code == 401
    assert response.json() == {
        "statusCode": 401,
        "message": "Invalid token: access token is invalid",
        "error": "Unauthorized",
    }


def test_a_wrong_token_is_answered_401(hl_reader: httpx.Client) -> None:
    response = hl_reader.get("/users/", headers={"Authorization": "Bearer pit-wrong"})
    assert response.status_code == 401


def test_a_missing_version_header_is_answered_400(hl_shared: HighLevelSandboxApp) -> None:
    with client_for(hl_shared) as http:
        del http.headers["Version"]
        response = http.get(f"/locations/{LOCATION}/tags")
    assert response.status_code == 400
    assert response.json() == {"statusCode": 400, "message": "Version header was not found"}


def test_a_wrong_version_header_is_answered_400(hl_reader: httpx.Client) -> None:
    response = hl_reader.get(f"/locations/{LOCATION}/tags", headers={"Version": "2021-04-15"})
    assert response.status_code == 400
    assert "2021-07-28" in response.json()["message"]


def test_an_unknown_contact_is_answered_404(hl_reader: httpx.Client) -> None:
    response = hl_reader.get("/contacts/NoSuchContact0000000")
    assert response.status_code == 404
    assert response.json()["statusCode"] == 404


def test_another_locations_resources_are_answered_403(hl_reader: httpx.Client) -> None:
    assert hl_reader.get("/locations/OtherLocation0000000/tags").status_code == 403
    assert (
        hl_reader.get("/users/", params={"locationId": "OtherLocation0000000"}).status_code == 403
    )
    response = search(hl_reader, locationId="OtherLocation0000000")
    assert response.status_code == 403
    assert response.json()["message"] == "The token does not have access to this location."


def test_a_body_that_is_not_json_is_answered_400(hl_reader: httpx.Client) -> None:
    response = hl_reader.post(
        "/contacts/search", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400


def test_the_request_log_records_every_request(hl_app: HighLevelSandboxApp) -> None:
    with client_for(hl_app) as http:
        search(http)
        http.get("/contacts/abc")
    assert len(hl_app.request_log.matching("POST", "/contacts/search")) == 1
    hl_app.request_log.reset()
    assert hl_app.request_log.matching() == []


@pytest.fixture
def limited(build_hl: Callable[..., HighLevelSandboxApp]) -> HighLevelSandboxApp:
    """Return a sandbox allowing a burst of 3 requests per 10 s and 5 a day."""
    return build_hl(rate_limit=3, daily_limit=5)


def test_every_response_carries_highlevels_rate_limit_headers(
    limited: HighLevelSandboxApp,
) -> None:
    with client_for(limited) as http:
        response = http.get(f"/locations/{LOCATION}/tags")
    assert {name: response.headers[name] for name in response.headers if "ratelimit" in name} == {
        "x-ratelimit-limit-daily": "5",
        "x-ratelimit-daily-remaining": "4",
        "x-ratelimit-interval-milliseconds": "10000",
        "x-ratelimit-max": "3",
        "x-ratelimit-remaining": "2",
    }


def test_error_responses_carry_the_headers_too(limited: HighLevelSandboxApp) -> None:
    with client_for(limited) as http:
        response = http.get("/contacts/NoSuchContact0000000")
    assert response.status_code == 404
    assert response.headers["X-RateLimit-Remaining"] == "2"


def test_the_fourth_request_in_ten_seconds_is_answered_429_without_retry_after(
    limited: HighLevelSandboxApp, clock: FakeClock
) -> None:
    with client_for(limited) as http:
        for _ in range(3):
            assert http.get("/users/", params={"locationId": LOCATION}).status_code == 200
        refused = http.get("/users/", params={"locationId": LOCATION})
        assert refused.status_code == 429
        assert "Retry-After" not in refused.headers
        assert refused.headers["X-RateLimit-Remaining"] == "0"
        assert refused.json()["statusCode"] == 429
        clock.advance(10)
        assert http.get("/users/", params={"locationId": LOCATION}).status_code == 200


def test_the_daily_allowance_is_counted_separately(
    limited: HighLevelSandboxApp, clock: FakeClock
) -> None:
    with client_for(limited) as http:
        for _ in range(5):
            clock.advance(10)
            assert http.get(f"/locations/{LOCATION}").status_code == 200
        clock.advance(10)
        response = http.get(f"/locations/{LOCATION}")
    assert response.status_code == 429
    assert response.headers["X-RateLimit-Daily-Remaining"] == "0"


def test_rate_limiting_off_sends_no_rate_limit_headers(hl_reader: httpx.Client) -> None:
    response = hl_reader.get(f"/locations/{LOCATION}")
    assert "X-RateLimit-Max" not in response.headers


def test_latency_sleeps_before_answering(
    build_hl: Callable[..., HighLevelSandboxApp], sleep: FakeSleep
) -> None:
    with client_for(build_hl(latency=0.25)) as http:
        assert http.get(f"/locations/{LOCATION}").status_code == 200
    assert sleep.calls == [0.25]


def test_error_rate_one_answers_every_request_with_a_5xx(
    build_hl: Callable[..., HighLevelSandboxApp],
) -> None:
    with client_for(build_hl(error_rate=1.0)) as http:
        responses = [http.get(f"/locations/{LOCATION}") for _ in range(6)]
    assert {response.status_code for response in responses} <= {500, 503}
    assert all(response.json()["statusCode"] >= 500 for response in responses)


def test_timeout_rate_hangs_for_timeout_seconds_then_answers(
    build_hl: Callable[..., HighLevelSandboxApp], sleep: FakeSleep
) -> None:
    with client_for(build_hl(timeout_rate=1.0, timeout_seconds=7)) as http:
        assert search(http).status_code == 200
    assert sleep.calls == [7]
