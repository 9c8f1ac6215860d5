"""The read policy, request ids and call observers, kept alike by every CRM client.

A person waits on every read, so a hung CRM costs a page at most ~3 s: short attempts, one
retry, and a deadline a retry must fit in. Writes keep their longer timeout and retries. Each
test runs against Lightfield and HighLevel (respx at the httpx boundary, time from a fake
clock that only sleeping and the fake CRM move).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import respx

from contacts_ui.crm import APITimeoutError, InternalServerError, RateLimitError, Record
from contacts_ui.crm.calls import DEFAULT_TIMEOUT, READ_DEADLINE, READ_TIMEOUT
from contacts_ui.crm.context import using_request_id
from contacts_ui.crm.highlevel import HighLevelClient
from contacts_ui.crm.highlevel import constants as highlevel
from contacts_ui.crm.lightfield import LightfieldClient
from contacts_ui.crm.lightfield import constants as lightfield
from contacts_ui.crm.port import CRM
from tests.conftest import FakeClock

from .conftest import API_KEY, page_payload, record_payload
from .highlevel.conftest import (
    CUSTOM_FIELDS,
    CUSTOM_FIELDS_PATH,
    LOCATION,
    LOCATION_PATH,
    LOCATION_PAYLOAD,
    TOKEN,
    contact_payload,
)

Observed = list[tuple[str, str]]


@dataclass
class Backend:
    """One CRM behind respx: its client, and the routes of a read, a list and a write."""

    name: str
    make: Callable[..., CRM]
    contact_id: str
    routes: dict[str, respx.Route]
    ok: dict[str, httpx.Response]
    write_timeout: httpx.Timeout
    client: CRM = field(init=False)

    def __post_init__(self) -> None:
        self.client = self.make()

    def call(self, what: str, client: CRM | None = None) -> object:
        """Make one call of kind ``what``: contact (GET), list (a search) or write."""
        crm = client or self.client
        if what == "contact":
            return crm.get_contact(self.contact_id)
        if what == "list":
            return crm.list_contacts(limit=25)
        return crm.update_contact(
            self.contact_id, fields={"$source": "Referral"}, idempotency_key="form-1"
        )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def observed() -> Observed:
    """Collect (category, outcome) of every attempt the client tells its observer about."""
    return []


def _lightfield(clock: FakeClock, observer: Callable[[str, str, float], None]) -> Iterator[Backend]:
    with respx.mock(base_url=lightfield.DEFAULT_BASE_URL, assert_all_called=False) as router:
        clients: list[LightfieldClient] = []

        def make(**overrides: Any) -> LightfieldClient:
            options: dict[str, Any] = {
                "api_key": API_KEY,
                "sleep": clock.sleep,
                "monotonic": clock,
                "random": lambda: 0.0,
                "observer": observer,
            }
            clients.append(LightfieldClient(**(options | overrides)))
            return clients[-1]

        yield Backend(
            "lightfield",
            make,
            "con_1",
            routes={
                "contact": router.get("/v1/contacts/con_1"),
                "list": router.get("/v1/contacts"),
                "write": router.post("/v1/contacts/con_1"),
            },
            ok={
                "contact": httpx.Response(200, json=record_payload()),
                "list": httpx.Response(200, json=page_payload(record_payload())),
                "write": httpx.Response(200, json=record_payload()),
            },
            write_timeout=DEFAULT_TIMEOUT,
        )
        for client in clients:
            client.close()


def _highlevel(
    clock: FakeClock, observer: Callable[[str, str, float], None], observed: Observed
) -> Iterator[Backend]:
    with respx.mock(base_url=highlevel.DEFAULT_BASE_URL, assert_all_called=False) as router:
        router.get(CUSTOM_FIELDS_PATH).mock(
            return_value=httpx.Response(200, json={"customFields": CUSTOM_FIELDS})
        )
        router.get(LOCATION_PATH).mock(
            return_value=httpx.Response(200, json={"location": LOCATION_PAYLOAD})
        )
        clients: list[HighLevelClient] = []

        def make(**overrides: Any) -> HighLevelClient:
            options: dict[str, Any] = {
                "token": TOKEN,
                "location_id": LOCATION,
                "sleep": clock.sleep,
                "monotonic": clock,
                "random": lambda: 0.0,
                "observer": observer,
            }
            client = HighLevelClient(**(options | overrides))
            clients.append(client)
            # The schema is read once and kept: the tests look at the calls after it.
            client.custom_fields()
            observed.clear()
            return client

        contact = contact_payload()
        yield Backend(
            "highlevel",
            make,
            contact["id"],
            routes={
                "contact": router.get(f"/contacts/{contact['id']}"),
                "list": router.post("/contacts/search"),
                "write": router.put(f"/contacts/{contact['id']}"),
            },
            ok={
                "contact": httpx.Response(200, json={"contact": contact}),
                "list": httpx.Response(200, json={"contacts": [contact], "total": 1}),
                "write": httpx.Response(200, json={"succeded": True, "contact": contact}),
            },
            write_timeout=DEFAULT_TIMEOUT,
        )
        for client in clients:
            client.close()


@pytest.fixture(params=["lightfield", "highlevel"])
def backend(
    request: pytest.FixtureRequest, clock: FakeClock, observed: Observed
) -> Iterator[Backend]:
    """Run the test against each CRM client, with the production read policy."""

    def observer(category: str, outcome: str, seconds: float) -> None:
        assert seconds >= 0
        observed.append((category, outcome))

    if request.param == "lightfield":
        yield from _lightfield(clock, observer)
    else:
        yield from _highlevel(clock, observer, observed)


def _read_timeout(call: respx.models.Call) -> float:
    timeout: dict[str, float] = call.request.extensions["timeout"]
    return timeout["read"]


def test_reads_use_short_attempts_of_about_a_second() -> None:
    assert READ_TIMEOUT.read is not None
    assert READ_TIMEOUT.read <= 1.5
    assert READ_TIMEOUT.connect is not None
    assert READ_TIMEOUT.connect <= 1.0
    assert READ_DEADLINE <= 3.0


@pytest.mark.parametrize("what", ["contact", "list"])
def test_a_failed_read_is_retried_once_with_a_short_timeout(backend: Backend, what: str) -> None:
    route = backend.routes[what].mock(side_effect=[httpx.Response(503), backend.ok[what]])

    backend.call(what)

    assert route.call_count == 2
    assert {_read_timeout(call) for call in route.calls} == {READ_TIMEOUT.read}


@pytest.mark.parametrize("what", ["contact", "list"])
def test_a_read_gives_up_after_its_one_retry(backend: Backend, what: str) -> None:
    route = backend.routes[what].mock(return_value=httpx.Response(500))

    with pytest.raises(InternalServerError):
        backend.call(what)
    assert route.call_count == 2


@pytest.mark.parametrize("what", ["contact", "list"])
def test_a_read_that_never_answers_fails_within_the_deadline(
    backend: Backend, clock: FakeClock, what: str
) -> None:
    def hang(request: httpx.Request) -> httpx.Response:
        clock.now += request.extensions["timeout"]["read"]  # waited out the whole attempt
        raise httpx.ReadTimeout("no answer", request=request)

    route = backend.routes[what].mock(side_effect=hang)

    with pytest.raises(APITimeoutError):
        backend.call(what)
    assert route.call_count == 2
    assert clock.now <= READ_DEADLINE


def test_a_retry_gets_only_what_is_left_of_the_deadline(backend: Backend, clock: FakeClock) -> None:
    def slow_failure(request: httpx.Request) -> httpx.Response:
        clock.now += 2.0
        return httpx.Response(503)

    route = backend.routes["contact"].mock(side_effect=[slow_failure, backend.ok["contact"]])

    backend.call("contact")

    # 2 s for the first attempt, 0.5 s of backoff: 0.5 s of the 3 s are left for the retry.
    assert _read_timeout(route.calls[1]) == pytest.approx(READ_DEADLINE - 2.5)


def test_a_hung_read_is_not_retried_when_its_deadline_has_no_room_left(
    backend: Backend, clock: FakeClock
) -> None:
    def hang(request: httpx.Request) -> httpx.Response:
        clock.now += 2.9  # the attempt used almost the whole budget before timing out
        raise httpx.ReadTimeout("hung", request=request)

    route = backend.routes["contact"].mock(side_effect=hang)

    with pytest.raises(APITimeoutError):
        backend.call("contact")
    assert route.call_count == 1
    assert clock.now <= READ_DEADLINE


def test_a_retry_after_longer_than_the_read_deadline_is_not_waited_for(
    backend: Backend, clock: FakeClock
) -> None:
    route = backend.routes["contact"].mock(
        side_effect=[httpx.Response(429, headers={"Retry-After": "4"}), backend.ok["contact"]]
    )

    with pytest.raises(RateLimitError):
        backend.call("contact")
    assert route.call_count == 1
    assert clock.now == 0


def test_writes_keep_their_two_retries_and_their_long_timeout(
    backend: Backend, clock: FakeClock
) -> None:
    def slow_failure(request: httpx.Request) -> httpx.Response:
        clock.now += 2.0
        return httpx.Response(503)

    route = backend.routes["write"].mock(
        side_effect=[slow_failure, slow_failure, backend.ok["write"]]
    )

    assert isinstance(backend.call("write"), Record)

    assert route.call_count == 3
    assert {_read_timeout(call) for call in route.calls} == {backend.write_timeout.read}
    assert clock.now > READ_DEADLINE  # no read deadline cut the write short


def test_the_request_id_of_the_page_goes_upstream_on_reads_and_writes(
    backend: Backend,
) -> None:
    for what in ("contact", "list", "write"):
        backend.routes[what].mock(return_value=backend.ok[what])

    with using_request_id("req-0123456789"):
        for what in ("contact", "list", "write"):
            backend.call(what)
    backend.call("contact")

    tagged = [route.calls[0].request for route in backend.routes.values()]
    assert [request.headers.get("X-Request-Id") for request in tagged] == ["req-0123456789"] * 3
    assert "X-Request-Id" not in backend.routes["contact"].calls[-1].request.headers


@pytest.mark.parametrize(
    ("failure", "outcome"),
    [
        (httpx.Response(429, headers={"Retry-After": "1"}), "429"),
        (httpx.Response(503), "503"),
        (httpx.ReadTimeout("no answer"), "timeout"),
        (httpx.ConnectError("refused"), "connection_error"),
    ],
)
@pytest.mark.parametrize(("what", "category"), [("contact", "read"), ("list", "search")])
def test_the_observer_is_told_about_every_read_attempt(
    backend: Backend,
    observed: Observed,
    what: str,
    category: str,
    failure: httpx.Response | Exception,
    outcome: str,
) -> None:
    backend.routes[what].mock(side_effect=[failure, backend.ok[what]])

    backend.call(what)

    assert observed == [(category, outcome), (category, "200")]


def test_the_observer_is_told_about_every_write_attempt(
    backend: Backend, observed: Observed
) -> None:
    backend.routes["write"].mock(side_effect=[httpx.Response(502), backend.ok["write"]])

    backend.call("write")

    assert observed == [("write", "502"), ("write", "200")]


def test_an_observer_that_fails_never_fails_the_call(backend: Backend) -> None:
    def broken(category: str, outcome: str, seconds: float) -> None:
        raise RuntimeError("metrics are down")

    backend.routes["contact"].mock(return_value=backend.ok["contact"])

    record = backend.call("contact", backend.make(observer=broken))

    assert isinstance(record, Record)
