"""Fixtures for the HighLevel client: respx on its base URL and payloads shaped as HIGHLEVEL.md."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
import respx

from contacts_ui.crm.highlevel import HighLevelClient
from contacts_ui.crm.highlevel.constants import DEFAULT_BASE_URL

TOKEN = "pit-0123456789abcdef"
LOCATION = "ve9EPM428h8vShlRW1KT"
CUSTOM_FIELDS_PATH = f"/locations/{LOCATION}/customFields"
LOCATION_PATH = f"/locations/{LOCATION}"
LOCATION_PAYLOAD: dict[str, Any] = {
    "id": LOCATION,
    "name": "Acme Sales",
    "timezone": "America/Los_Angeles",
    "settings": {"allowDuplicateContact": False},
}

# One custom field per dataType HIGHLEVEL.md §6 lists (ids are HighLevel-shaped, made up).
CUSTOM_FIELDS: list[dict[str, Any]] = [
    {"id": "cfText00000000000001", "name": "Job Title", "dataType": "TEXT", "position": 0},
    {"id": "cfLarge0000000000002", "name": "Background", "dataType": "LARGE_TEXT", "position": 1},
    {"id": "cfNumber000000000003", "name": "Lead Score", "dataType": "NUMERICAL", "position": 2},
    {"id": "cfPhone0000000000004", "name": "Assistant", "dataType": "PHONE", "position": 3},
    {"id": "cfMoney0000000000005", "name": "Deal Size", "dataType": "MONETORY", "position": 4},
    {
        "id": "cfCheck0000000000006",
        "name": "Interests",
        "dataType": "CHECKBOX",
        "picklistOptions": ["Analytics", "Security"],
        "position": 5,
    },
    {
        "id": "cfSingle000000000007",
        "name": "Stage",
        "dataType": "SINGLE_OPTIONS",
        "picklistOptions": ["Lead", "Customer"],
        "position": 6,
    },
    {
        "id": "cfRadio0000000000008",
        "name": "Channel",
        "dataType": "RADIO",
        "picklistOptions": ["Email", "Phone"],
        "position": 7,
    },
    {
        "id": "cfMulti0000000000009",
        "name": "Products",
        "dataType": "MULTIPLE_OPTIONS",
        "picklistOptions": ["Starter", "Growth"],
        "position": 8,
    },
    {"id": "cfDate00000000000010", "name": "Last Contacted", "dataType": "DATE", "position": 9},
    {"id": "cfEmail0000000000011", "name": "Billing Email", "dataType": "EMAIL", "position": 10},
    {
        "id": "cfList00000000000012",
        "name": "Profiles",
        "dataType": "TEXTBOX_LIST",
        "textBoxListOptions": [{"label": "LinkedIn", "prefillValue": ""}],
        "position": 11,
    },
    {"id": "cfFile00000000000013", "name": "NDA", "dataType": "FILE_UPLOAD", "position": 12},
]


def contact_payload(id: str = "c0000000000000000001", **overrides: Any) -> dict[str, Any]:
    """Return a full contact as GET /contacts/{id} documents it, top-level keys overridden."""
    payload: dict[str, Any] = {
        "id": id,
        "locationId": LOCATION,
        "firstName": "Alex",
        "lastName": "Rivera",
        "firstNameLowerCase": "alex",
        "email": "alex@customer.com",
        "emailLowerCase": "alex@customer.com",
        "phone": "+14155550123",
        "address1": "500 Market St",
        "city": "San Francisco",
        "state": "CA",
        "postalCode": "94105",
        "country": "US",
        "timezone": "America/Los_Angeles",
        "dnd": False,
        "source": "public api",
        "type": "lead",
        "dateOfBirth": "1990-09-25",
        "assignedTo": "user0000000000000001",
        "followers": ["user0000000000000002"],
        "tags": ["vip", "hot lead"],
        "dateAdded": "2026-05-01T16:00:00.000Z",
        "dateUpdated": "2026-05-02T09:12:00.000Z",
        "customFields": [{"id": "cfText00000000000001", "value": "Head of Sales"}],
    }
    payload.update(overrides)
    return payload


def body_of(route: respx.Route, index: int = -1) -> Any:
    """Return the JSON body of one call a route received."""
    return json.loads(route.calls[index].request.content)


@pytest.fixture
def sleeps() -> list[float]:
    """Collect every delay the client asks to sleep for, instead of sleeping."""
    return []


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    """Intercept every request to HighLevel's base URL; the custom fields are always served."""
    with respx.mock(base_url=DEFAULT_BASE_URL, assert_all_called=False) as router:
        router.get(CUSTOM_FIELDS_PATH).mock(
            return_value=httpx.Response(200, json={"customFields": CUSTOM_FIELDS})
        )
        router.get(LOCATION_PATH).mock(
            return_value=httpx.Response(200, json={"location": LOCATION_PAYLOAD})
        )
        yield router


@pytest.fixture
def make_client(sleeps: list[float]) -> Iterator[Callable[..., HighLevelClient]]:
    """Build clients that record sleeps and use no jitter unless told otherwise."""
    clients: list[HighLevelClient] = []

    def build(**kwargs: Any) -> HighLevelClient:
        kwargs.setdefault("token", TOKEN)
        kwargs.setdefault("location_id", LOCATION)
        kwargs.setdefault("sleep", sleeps.append)
        kwargs.setdefault("random", lambda: 0.0)
        # The retry tests drive the general policy through GETs; the shorter read policy
        # (one retry within ~3 s) has its own tests, which turn it on explicitly.
        kwargs.setdefault("read_retries", None)
        kwargs.setdefault("read_deadline", None)
        client = HighLevelClient(**kwargs)
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client: Callable[..., HighLevelClient]) -> HighLevelClient:
    """Return a client with the default policy."""
    return make_client()
