"""LightfieldClient retry policy: which failures retry, how long it waits, and idempotency."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
import respx

from contacts_ui.crm import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    BadRequestError,
    InternalServerError,
    LightfieldClient,
    RateLimitError,
    Record,
    ServiceUnavailableError,
)

from .conftest import record_payload

PATH = "/v1/contacts/con_1"
OK = httpx.Response(200, json=record_payload())


def idempotency_keys(route: respx.Route) -> list[str | None]:
    return [call.request.headers.get("Idempotency-Key") for call in route.calls]


def test_a_429_with_retry_after_waits_that_long_then_retries(
    client: LightfieldClient, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.get(PATH).mock(side_effect=[httpx.Response(429, headers={"Retry-After": "2"}), OK])

    assert isinstance(client.get_contact("con_1"), Record)
    assert sleeps == [2.0]
    assert route.call_count == 2


def test_a_fractional_retry_after_is_honoured(
    client: LightfieldClient, api: respx.MockRouter, sleeps: list[float]
) -> None:
    api.get(PATH).mock(side_effect=[httpx.Response(503, headers={"Retry-After": "0.25"}), OK])

    client.get_contact("con_1")

    assert sleeps == [0.25]


def test_retry_after_ms_is_honoured_before_retry_after(
    client: LightfieldClient, api: respx.MockRouter, sleeps: list[float]
) -> None:
    headers = {"Retry-After-Ms": "1500", "Retry-After": "4"}
    api.get(PATH).mock(side_effect=[httpx.Response(429, headers=headers), OK])

    client.get_contact("con_1")

    assert sleeps == [1.5]


def test_a_retry_after_http_date_waits_until_that_moment(
    make_client: Callable[..., LightfieldClient], api: respx.MockRouter, sleeps: list[float]
) -> None:
    client = make_client(clock=lambda: 1_780_000_000.0)  # 2026-05-28T20:26:40Z
    headers = {"Retry-After": "Thu, 28 May 2026 20:26:43 GMT"}
    api.get(PATH).mock(side_effect=[httpx.Response(429, headers=headers), OK])

    client.get_contact("con_1")

    assert sleeps == [3.0]


def test_a_retry_after_above_the_cap_raises_at_once_without_sleeping(
    client: LightfieldClient, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.get(PATH).mock(return_value=httpx.Response(429, headers={"Retry-After": "30"}))

    with pytest.raises(RateLimitError) as caught:
        client.get_contact("con_1")

    assert caught.value.retry_after == 30.0
    assert sleeps == []
    assert route.call_count == 1


def test_the_retry_after_cap_is_configurable(
    make_client: Callable[..., LightfieldClient], api: respx.MockRouter, sleeps: list[float]
) -> None:
    client = make_client(max_retry_after=60)
    api.get(PATH).mock(side_effect=[httpx.Response(429, headers={"Retry-After": "30"}), OK])

    client.get_contact("con_1")

    assert sleeps == [30.0]


def test_without_retry_after_the_backoff_doubles_from_half_a_second(
    client: LightfieldClient, api: respx.MockRouter, sleeps: list[float]
) -> None:
    api.get(PATH).mock(side_effect=[httpx.Response(500), httpx.Response(500), OK])

    client.get_contact("con_1")

    assert sleeps == [0.5, 1.0]


def test_the_backoff_is_capped_at_eight_seconds(
    make_client: Callable[..., LightfieldClient], api: respx.MockRouter, sleeps: list[float]
) -> None:
    client = make_client(max_retries=6)
    api.get(PATH).mock(return_value=httpx.Response(500))

    with pytest.raises(InternalServerError):
        client.get_contact("con_1")

    assert sleeps == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]


def test_jitter_shortens_each_delay_by_at_most_a_quarter(
    make_client: Callable[..., LightfieldClient], api: respx.MockRouter, sleeps: list[float]
) -> None:
    client = make_client(random=lambda: 1.0)  # the largest jitter random.random() approaches
    api.get(PATH).mock(return_value=httpx.Response(500))

    with pytest.raises(InternalServerError):
        client.get_contact("con_1")

    assert sleeps == [0.375, 0.75]


def test_jitter_scales_with_the_random_draw(
    make_client: Callable[..., LightfieldClient], api: respx.MockRouter, sleeps: list[float]
) -> None:
    client = make_client(random=lambda: 0.5)
    api.get(PATH).mock(side_effect=[httpx.Response(502), OK])

    client.get_contact("con_1")

    assert sleeps == [pytest.approx(0.5 * (1 - 0.125))]


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504])
def test_retries_exhausted_raise_the_last_error_after_max_retries_plus_one_attempts(
    client: LightfieldClient, api: respx.MockRouter, sleeps: list[float], status: int
) -> None:
    route = api.get(PATH).mock(
        side_effect=[
            httpx.Response(status, json={"message": "first"}),
            httpx.Response(status, json={"message": "second"}),
            httpx.Response(status, json={"message": "last"}),
        ]
    )

    with pytest.raises(APIStatusError) as caught:
        client.get_contact("con_1")

    assert caught.value.status_code == status
    assert caught.value.message == "last"
    assert route.call_count == 3
    assert len(sleeps) == 2


@pytest.mark.parametrize("status", [400, 401, 403, 404, 415, 422])
def test_a_client_error_is_raised_after_exactly_one_attempt(
    client: LightfieldClient, api: respx.MockRouter, sleeps: list[float], status: int
) -> None:
    route = api.get(PATH).mock(return_value=httpx.Response(status))

    with pytest.raises(APIStatusError):
        client.get_contact("con_1")

    assert route.call_count == 1
    assert sleeps == []


@pytest.mark.parametrize("status", [400, 404, 422])
def test_a_failed_write_with_a_client_error_is_not_retried(
    client: LightfieldClient, api: respx.MockRouter, status: int
) -> None:
    route = api.post("/v1/contacts").mock(return_value=httpx.Response(status))

    with pytest.raises(APIStatusError):
        client.create_contact(fields={"bogus": 1})

    assert route.call_count == 1


def test_x_should_retry_false_stops_a_retry_the_status_would_allow(
    client: LightfieldClient, api: respx.MockRouter
) -> None:
    route = api.get(PATH).mock(
        return_value=httpx.Response(503, headers={"x-should-retry": "false"})
    )

    with pytest.raises(ServiceUnavailableError):
        client.get_contact("con_1")

    assert route.call_count == 1


def test_x_should_retry_true_retries_a_status_that_normally_is_final(
    client: LightfieldClient, api: respx.MockRouter
) -> None:
    route = api.get(PATH).mock(
        side_effect=[httpx.Response(400, headers={"x-should-retry": "true"}), OK]
    )

    client.get_contact("con_1")

    assert route.call_count == 2


def test_zero_max_retries_makes_a_single_attempt(
    make_client: Callable[..., LightfieldClient], api: respx.MockRouter
) -> None:
    client = make_client(max_retries=0)
    route = api.get(PATH).mock(return_value=httpx.Response(503))

    with pytest.raises(ServiceUnavailableError):
        client.get_contact("con_1")

    assert route.call_count == 1


def test_a_connection_error_is_retried_then_raised_as_api_connection_error(
    client: LightfieldClient, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.get(PATH).mock(side_effect=httpx.ConnectError("refused"))

    with pytest.raises(APIConnectionError) as caught:
        client.get_contact("con_1")

    assert not isinstance(caught.value, APITimeoutError)
    assert route.call_count == 3
    assert sleeps == [0.5, 1.0]


def test_a_timeout_is_retried_then_raised_as_api_timeout_error(
    client: LightfieldClient, api: respx.MockRouter
) -> None:
    route = api.get(PATH).mock(side_effect=httpx.ReadTimeout("slow"))

    with pytest.raises(APITimeoutError):
        client.get_contact("con_1")

    assert route.call_count == 3


def test_a_connection_error_followed_by_success_returns_the_record(
    client: LightfieldClient, api: respx.MockRouter
) -> None:
    api.get(PATH).mock(side_effect=[httpx.ConnectError("reset"), OK])

    assert client.get_contact("con_1").id == "con_1"


def test_a_write_carries_the_same_idempotency_key_on_every_retry(
    client: LightfieldClient, api: respx.MockRouter
) -> None:
    route = api.post("/v1/contacts").mock(
        side_effect=[
            httpx.ReadTimeout("slow"),
            httpx.Response(503),
            httpx.Response(200, json=record_payload()),
        ]
    )

    client.create_contact(fields={"$title": "CTO"})

    keys = idempotency_keys(route)
    assert len(keys) == 3
    assert keys[0]
    assert len(set(keys)) == 1


def test_two_logical_writes_get_different_idempotency_keys(
    client: LightfieldClient, api: respx.MockRouter
) -> None:
    route = api.post("/v1/contacts/con_1").respond(json=record_payload())

    client.update_contact("con_1", fields={"$title": "CTO"})
    client.update_contact("con_1", fields={"$title": "CTO"})

    first, second = idempotency_keys(route)
    assert first != second


def test_a_caller_given_idempotency_key_is_sent_verbatim_on_every_attempt(
    client: LightfieldClient, api: respx.MockRouter
) -> None:
    route = api.post("/v1/contacts").mock(
        side_effect=[httpx.Response(409), httpx.Response(200, json=record_payload())]
    )

    client.create_contact(fields={}, idempotency_key="form-token-123")

    assert idempotency_keys(route) == ["form-token-123", "form-token-123"]


def test_the_idempotency_key_is_kept_on_the_raised_error(
    client: LightfieldClient, api: respx.MockRouter
) -> None:
    api.post("/v1/contacts/con_1").mock(return_value=httpx.Response(422))

    with pytest.raises(APIStatusError) as caught:
        client.update_contact("con_1", fields={"$title": "x"}, idempotency_key="save-7")

    assert caught.value.idempotency_key == "save-7"


def test_an_overlong_idempotency_key_is_refused_before_sending(
    client: LightfieldClient, api: respx.MockRouter
) -> None:
    with pytest.raises(ValueError, match="Idempotency"):
        client.create_contact(fields={}, idempotency_key="k" * 256)

    assert client.request_count == 0


def test_a_bad_request_is_raised_with_its_code_and_param(
    client: LightfieldClient, api: respx.MockRouter
) -> None:
    body = {
        "error": {
            "type": "bad_request",
            "message": "nope",
            "code": "unknown_field",
            "param": "fields.x",
        }
    }
    api.post("/v1/contacts").respond(400, json=body)

    with pytest.raises(BadRequestError) as caught:
        client.create_contact(fields={"x": 1})

    assert (caught.value.code, caught.value.param) == ("unknown_field", "fields.x")


def test_each_attempt_numbers_itself_in_the_retry_count_header(
    client: LightfieldClient, api: respx.MockRouter
) -> None:
    route = api.get(PATH).mock(side_effect=[httpx.Response(500), httpx.Response(500), OK])

    client.get_contact("con_1")

    counts = [call.request.headers["X-Stainless-Retry-Count"] for call in route.calls]
    assert counts == ["0", "1", "2"]
