"""The read policy: a person waits on every GET, so a hung CRM costs a page at most ~3 s."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
import respx

from contacts_ui.crm import APITimeoutError, InternalServerError, LightfieldClient, Record
from contacts_ui.crm.calls import READ_DEADLINE, READ_TIMEOUT
from contacts_ui.crm.context import using_request_id

from .conftest import record_payload

PATH = "/v1/contacts/con_1"
OK = httpx.Response(200, json=record_payload())


class FakeClock:
    """Stand in for time.monotonic: moves only when the client sleeps or a test says so."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def reader(make_client: Callable[..., LightfieldClient], clock: FakeClock) -> LightfieldClient:
    """Return a client with the production read policy and a clock that sleeping advances."""
    return make_client(
        read_retries=1, read_deadline=READ_DEADLINE, monotonic=clock, sleep=clock.sleep
    )


def test_reads_use_short_attempts_of_about_a_second() -> None:
    assert READ_TIMEOUT.read is not None
    assert READ_TIMEOUT.read <= 1.5
    assert READ_TIMEOUT.connect is not None
    assert READ_TIMEOUT.connect <= 1.0
    assert READ_DEADLINE <= 3.0


def test_a_failed_read_is_retried_once(reader: LightfieldClient, api: respx.MockRouter) -> None:
    route = api.get(PATH).mock(side_effect=[httpx.Response(503), OK])

    assert isinstance(reader.get_contact("con_1"), Record)
    assert route.call_count == 2


def test_a_read_gives_up_after_its_one_retry(
    reader: LightfieldClient, api: respx.MockRouter
) -> None:
    route = api.get(PATH).mock(return_value=httpx.Response(500))

    with pytest.raises(InternalServerError):
        reader.get_contact("con_1")
    assert route.call_count == 2


def test_a_hung_read_is_not_retried_when_its_deadline_has_no_room_left(
    reader: LightfieldClient, api: respx.MockRouter, clock: FakeClock
) -> None:
    def hang(request: httpx.Request) -> httpx.Response:
        clock.now += 2.9  # the attempt used almost the whole budget before timing out
        raise httpx.ReadTimeout("hung", request=request)

    route = api.get(PATH).mock(side_effect=hang)

    with pytest.raises(APITimeoutError):
        reader.get_contact("con_1")
    assert route.call_count == 1
    assert clock.now <= READ_DEADLINE


def test_a_retry_after_longer_than_the_read_deadline_is_not_waited_for(
    reader: LightfieldClient, api: respx.MockRouter, clock: FakeClock
) -> None:
    api.get(PATH).mock(side_effect=[httpx.Response(429, headers={"Retry-After": "4"}), OK])

    with pytest.raises(Exception, match="429"):
        reader.get_contact("con_1")
    assert clock.now == 0


def test_writes_keep_their_two_retries(reader: LightfieldClient, api: respx.MockRouter) -> None:
    route = api.post(PATH).mock(side_effect=[httpx.Response(503), httpx.Response(503), OK])

    reader.update_contact("con_1", fields={"$title": "CTO"}, idempotency_key="k-1")

    assert route.call_count == 3
    assert len({call.request.headers["Idempotency-Key"] for call in route.calls}) == 1


def test_the_request_id_of_the_page_goes_upstream(
    reader: LightfieldClient, api: respx.MockRouter
) -> None:
    route = api.get(PATH).mock(return_value=OK)

    with using_request_id("req-0123456789"):
        reader.get_contact("con_1")
    reader.get_contact("con_1")

    assert route.calls[0].request.headers["X-Request-Id"] == "req-0123456789"
    assert "X-Request-Id" not in route.calls[1].request.headers
