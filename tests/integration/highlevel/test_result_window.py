"""The list past HighLevel's 10,000-record window says so instead of failing (respx stands in)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
import respx
from django.test import Client

from contacts_ui.crm.highlevel import HighLevelClient
from contacts_ui.crm.highlevel.constants import DEFAULT_BASE_URL
from tests.conftest import install_client, no_sleep

pytestmark = pytest.mark.django_db

LOCATION = "ve9EPM428h8vShlRW1KT"


def _item(n: int) -> dict[str, object]:
    return {"id": f"c{n:019d}", "firstName": f"Person {n}", "dateUpdated": "2026-05-02T09:12:00Z"}


@pytest.fixture
def big_location() -> Iterator[respx.MockRouter]:
    """Serve a location of 12,345 contacts whose search pages are all alike."""
    with respx.mock(base_url=DEFAULT_BASE_URL, assert_all_called=False) as api:
        api.get(f"/locations/{LOCATION}/customFields").mock(
            return_value=httpx.Response(200, json={"customFields": []})
        )
        api.get(f"/locations/{LOCATION}").mock(return_value=httpx.Response(200, json={}))
        api.get("/users/").mock(return_value=httpx.Response(200, json={"users": []}))
        api.post("/contacts/search").mock(
            return_value=httpx.Response(
                200, json={"contacts": [_item(n) for n in range(25)], "total": 12_345}
            )
        )
        client = HighLevelClient(token="pit-test", location_id=LOCATION, sleep=no_sleep)
        for _ in install_client(client):  # type: ignore[arg-type]
            yield api


def test_the_list_links_no_page_beyond_the_window_and_says_why(
    client: Client, big_location: respx.MockRouter
) -> None:
    html = client.get("/contacts/", {"page": "400"}).content.decode()

    assert "first 10,000 of 12,345 contacts" in html
    assert "?page=401" not in html
    assert "9,976–10,000 of 12,345" in html


def test_a_page_beyond_the_window_redirects_to_the_last_reachable_page(
    client: Client, big_location: respx.MockRouter
) -> None:
    response = client.get("/contacts/", {"page": "450"})

    assert response.status_code == 302
    assert response["Location"].endswith("?page=400")
