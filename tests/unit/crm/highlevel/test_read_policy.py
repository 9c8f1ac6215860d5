"""What counts as a read on HighLevel: search is a POST a person waits on, a create is not.

The policy itself (short attempts, one retry, ~3 s in all) is tested for both CRMs in
tests/unit/crm/test_client_read_policy.py; these are the HighLevel-only cases.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest
import respx

from contacts_ui.crm.calls import (
    DEFAULT_TIMEOUT,
    READ_DEADLINE,
    READ_MAX_RETRIES,
    READ_TIMEOUT,
)
from contacts_ui.crm.highlevel import HighLevelClient
from contacts_ui.crm.highlevel.mapping import tag_id
from tests.conftest import FakeClock

from .conftest import contact_payload

ID = "c0000000000000000001"
FIELDS = {"$name": {"firstName": "Alex", "lastName": "Rivera"}, "$email": "alex@customer.com"}
FOUND = httpx.Response(200, json={"contact": contact_payload()})


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def observed() -> list[tuple[str, str]]:
    return []


@pytest.fixture
def reader(
    make_client: Callable[..., HighLevelClient],
    api: respx.MockRouter,
    clock: FakeClock,
    observed: list[tuple[str, str]],
) -> HighLevelClient:
    """Return a client with the production read policy, time from ``clock``, calls observed."""
    client = make_client(
        read_retries=READ_MAX_RETRIES,
        read_deadline=READ_DEADLINE,
        monotonic=clock,
        sleep=clock.sleep,
        observer=lambda category, outcome, _seconds: observed.append((category, outcome)),
    )
    client.custom_fields()  # the schema, read once and kept
    observed.clear()
    return client


def _read_timeout(call: respx.models.Call) -> float:
    timeout: dict[str, float] = call.request.extensions["timeout"]
    return timeout["read"]


def test_search_is_a_post_bounded_like_a_read_while_other_posts_are_writes(
    reader: HighLevelClient, api: respx.MockRouter, observed: list[tuple[str, str]]
) -> None:
    search = api.post("/contacts/search").mock(
        return_value=httpx.Response(200, json={"contacts": [contact_payload()], "total": 1})
    )
    tags = api.post(f"/contacts/{ID}/tags").mock(return_value=httpx.Response(201, json={}))
    api.get(f"/contacts/{ID}").mock(return_value=FOUND)

    reader.list_contacts(limit=25)
    reader.update_contact(ID, relationships={"$tags": {"add": [tag_id("vip")]}})

    assert _read_timeout(search.calls[0]) == READ_TIMEOUT.read
    assert _read_timeout(tags.calls[0]) == DEFAULT_TIMEOUT.read
    assert observed[0] == ("search", "200")
    assert ("write", "201") in observed


@pytest.mark.parametrize(
    ("lost", "outcome"),
    [
        (httpx.ReadTimeout("answer lost"), "timeout"),
        (httpx.ConnectError("connection dropped"), "connection_error"),
        (httpx.Response(503), "503"),
    ],
)
def test_a_create_whose_answer_was_lost_is_not_resent_but_looked_up(
    reader: HighLevelClient,
    api: respx.MockRouter,
    clock: FakeClock,
    observed: list[tuple[str, str]],
    lost: httpx.Response | Exception,
    outcome: str,
) -> None:
    def slow_loss(request: httpx.Request) -> httpx.Response:
        clock.now += 8.0  # longer than any read may take: a create is not held to that
        if isinstance(lost, Exception):
            raise lost
        return lost

    create = api.post("/contacts/").mock(side_effect=slow_loss)
    lookup = api.get("/contacts/search/duplicate").mock(return_value=FOUND)

    record = reader.create_contact(fields=FIELDS, idempotency_key="form-1")

    assert record.id == ID
    assert create.call_count == 1
    assert _read_timeout(create.calls[0]) == DEFAULT_TIMEOUT.read
    # The lookup is a read of its own: short, with its own deadline.
    assert _read_timeout(lookup.calls[0]) == READ_TIMEOUT.read
    assert observed == [("write", outcome), ("read", "200")]


def test_a_create_refused_with_a_429_is_still_sent_again(
    reader: HighLevelClient, api: respx.MockRouter, observed: list[tuple[str, str]]
) -> None:
    create = api.post("/contacts/").mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "1"}),
            httpx.Response(201, json={"contact": contact_payload()}),
        ]
    )

    reader.create_contact(fields=FIELDS, idempotency_key="form-1")

    assert create.call_count == 2
    assert observed == [("write", "429"), ("write", "201")]
