"""HighLevel error bodies into the exception tree; retries, 429 pacing and the shared budget."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
import respx

from contacts_ui.crm.budget import Budget, MemoryStore, highlevel_specs
from contacts_ui.crm.errors import (
    APIConnectionError,
    AuthenticationError,
    BadRequestError,
    InternalServerError,
    NotFoundError,
    RateLimitError,
    UnprocessableEntityError,
)
from contacts_ui.crm.highlevel import HighLevelClient

from .conftest import TOKEN, contact_payload

ID = "c0000000000000000001"
CONTACT = f"/contacts/{ID}"
OK = httpx.Response(200, json={"contact": contact_payload()})


def test_a_422_message_list_is_joined_and_points_at_our_field(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    body = {
        "statusCode": 422,
        "message": ["email must be an email", "phone must be a valid phone number"],
        "error": "Unprocessable Entity",
    }
    api.put(CONTACT).mock(return_value=httpx.Response(422, json=body))

    with pytest.raises(UnprocessableEntityError) as caught:
        client.update_contact(ID, fields={"$email": "nope"})

    assert caught.value.message == "email must be an email; phone must be a valid phone number"
    assert caught.value.param == "fields.$email"


def test_a_property_that_should_not_exist_names_our_field(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    body = {"statusCode": 422, "message": ["property companyName should not exist"]}
    api.put(CONTACT).mock(return_value=httpx.Response(422, json=body))

    with pytest.raises(UnprocessableEntityError) as caught:
        client.update_contact(ID, fields={"$source": "x"})

    assert caught.value.param == "fields.$companyName"


def test_a_custom_field_complaint_names_the_custom_field_sent_at_that_index(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    body = {"statusCode": 422, "message": ["customFields.1.field_value must be a number"]}
    api.put(CONTACT).mock(return_value=httpx.Response(422, json=body))

    with pytest.raises(UnprocessableEntityError) as caught:
        client.update_contact(ID, fields={"cfText00000000000001": "a", "cfNumber000000000003": "b"})

    assert caught.value.param == "fields.cfNumber000000000003"


@pytest.mark.parametrize(
    ("status", "body", "error_class", "message"),
    [
        (400, {"statusCode": 400, "message": "Bad Request"}, BadRequestError, "Bad Request"),
        (
            401,
            {"statusCode": 401, "message": "Invalid token: access token is invalid",
             "error": "Unauthorized"},
            AuthenticationError,
            "Invalid token: access token is invalid",
        ),
        (404, {"statusCode": 404, "error": "Not Found"}, NotFoundError, "Not Found"),
        (502, "<html>bad gateway</html>", InternalServerError, "Bad Gateway"),
    ],
)  # fmt: skip
def test_error_bodies_are_read_defensively(
    make_client: Callable[..., HighLevelClient],
    api: respx.MockRouter,
    status: int,
    body: object,
    error_class: type[Exception],
    message: str,
) -> None:
    client = make_client(max_retries=0)
    response = (
        httpx.Response(status, json=body)
        if isinstance(body, dict)
        else httpx.Response(status, text=str(body))
    )
    api.get(CONTACT).mock(return_value=response)

    with pytest.raises(error_class) as caught:
        client.get_contact(ID)

    assert getattr(caught.value, "message", None) == message


def test_the_token_never_appears_in_an_error_message(
    make_client: Callable[..., HighLevelClient], api: respx.MockRouter
) -> None:
    client = make_client(max_retries=0)
    body = {"statusCode": 401, "message": f"token {TOKEN} is invalid"}
    api.get(CONTACT).mock(return_value=httpx.Response(401, json=body))

    with pytest.raises(AuthenticationError) as caught:
        client.get_contact(ID)

    assert TOKEN not in str(caught.value)


def test_reads_are_retried_after_a_5xx_and_a_dropped_connection(
    client: HighLevelClient, api: respx.MockRouter, sleeps: list[float]
) -> None:
    route = api.get(CONTACT).mock(
        side_effect=[httpx.Response(503), httpx.ConnectError("reset"), OK]
    )

    assert client.get_contact(ID).id == ID
    assert route.call_count == 3
    assert sleeps == [0.5, 1.0]


def test_reads_give_up_after_the_retries(client: HighLevelClient, api: respx.MockRouter) -> None:
    api.get(CONTACT).mock(side_effect=httpx.ConnectError("down"))

    with pytest.raises(APIConnectionError):
        client.get_contact(ID)


def test_a_429_without_retry_after_waits_out_the_burst_window(
    make_client: Callable[..., HighLevelClient], api: respx.MockRouter, sleeps: list[float]
) -> None:
    client = make_client(max_retry_after=15.0)
    limited = httpx.Response(
        429,
        headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Interval-Milliseconds": "10000"},
        json={"statusCode": 429, "message": "Too many requests"},
    )
    api.get(CONTACT).mock(side_effect=[limited, OK])

    client.get_contact(ID)

    assert sleeps == [10.0]


def test_a_429_longer_than_a_person_should_wait_is_raised_with_the_wait(
    client: HighLevelClient, api: respx.MockRouter, sleeps: list[float]
) -> None:
    limited = httpx.Response(
        429, headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Interval-Milliseconds": "10000"}
    )
    api.get(CONTACT).mock(return_value=limited)

    with pytest.raises(RateLimitError) as caught:
        client.get_contact(ID)

    assert caught.value.retry_after == 10.0
    assert sleeps == []


def test_a_create_is_retried_after_a_429_because_nothing_was_done(
    client: HighLevelClient, api: respx.MockRouter
) -> None:
    route = api.post("/contacts/").mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "1"}),
            httpx.Response(201, json={"contact": contact_payload()}),
        ]
    )

    client.create_contact(fields={"$email": "alex@customer.com"})

    assert route.call_count == 2


def test_every_attempt_takes_a_token_from_the_shared_budget_and_a_429_penalizes_it(
    make_client: Callable[..., HighLevelClient], api: respx.MockRouter
) -> None:
    now = [0.0]
    budget = Budget(
        MemoryStore(clock=lambda: now[0]),
        highlevel_specs(),
        scope="highlevel:test",
        clock=lambda: now[0],
        sleep=lambda s: now.__setitem__(0, now[0] + s),
    )
    client = make_client(budget=budget)
    api.get(CONTACT).mock(side_effect=[httpx.Response(429, headers={"Retry-After": "2"}), OK])

    client.get_contact(ID)

    # The retry waited for the penalty the 429 put on the bucket every process shares.
    assert now[0] >= 2.0
