"""Shared fixtures: a client whose sleeps are recorded, and respx mounted on its base URL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import respx

from contacts_ui.crm import LightfieldClient
from contacts_ui.crm.lightfield.constants import DEFAULT_BASE_URL

API_KEY = "sk_lf_test_0123456789abcdef"


def record_payload(id: str = "con_1", **overrides: Any) -> dict[str, Any]:
    """Return a contact as the API documents it, with top-level keys overridden."""
    payload: dict[str, Any] = {
        "id": id,
        "createdAt": "2026-05-01T16:00:00.000Z",
        "updatedAt": "2026-05-02T09:12:00.000Z",
        "httpLink": f"https://crm.lightfield.app/contacts/{id}",
        "externalId": None,
        "fields": {
            "$name": {
                "valueType": "FULL_NAME",
                "value": {"firstName": "Alex", "lastName": "Rivera"},
            },
            "$email": {"valueType": "EMAIL", "value": ["alex@customer.com"]},
        },
        "relationships": {
            "$account": {"cardinality": "has_many", "objectType": "account", "values": ["acc_1"]},
        },
    }
    payload.update(overrides)
    return payload


def page_payload(*records: dict[str, Any], total: int | None = None) -> dict[str, Any]:
    """Return a list envelope holding ``records``."""
    return {
        "object": "list",
        "data": list(records),
        "totalCount": len(records) if total is None else total,
    }


@pytest.fixture
def sleeps() -> list[float]:
    """Collect every delay the client asks to sleep for, instead of sleeping."""
    return []


@pytest.fixture
def make_client(sleeps: list[float]) -> Iterator[Callable[..., LightfieldClient]]:
    """Build clients that record sleeps and use no jitter unless told otherwise."""
    clients: list[LightfieldClient] = []

    def build(**kwargs: Any) -> LightfieldClient:
        kwargs.setdefault("api_key", API_KEY)
        kwargs.setdefault("sleep", sleeps.append)
        kwargs.setdefault("random", lambda: 0.0)
        # The retry tests drive the general policy through GETs; the shorter read policy
        # (one retry within ~3 s) has its own tests, which turn it on explicitly.
        kwargs.setdefault("read_retries", None)
        kwargs.setdefault("read_deadline", None)
        client = LightfieldClient(**kwargs)
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client: Callable[..., LightfieldClient]) -> LightfieldClient:
    """Return a client with the default policy (2 retries, 5 s Retry-After cap)."""
    return make_client()


@pytest.fixture
def api() -> Iterator[respx.MockRouter]:
    """Intercept every request to the Lightfield base URL; nothing reaches the network."""
    with respx.mock(base_url=DEFAULT_BASE_URL, assert_all_called=False) as router:
        yield router
