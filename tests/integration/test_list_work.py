"""The work a warm list view does, counted rather than timed: reverse() calls, cache round trips.

A warm page must cost the same whatever its rows hold: these bounds do not grow with the rows,
so a template tag or a helper that starts reversing or reading the cache per row fails here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls.resolvers import URLResolver

from contacts_ui.crm.lightfield.client import LightfieldClient
from tests.counting_cache import KEYS_READ, ROUND_TRIPS

pytestmark = pytest.mark.django_db

# None, warm: every URL a list page links (the list itself, the contact URL prefix, the new
# contact form, the column chooser...) is worked out once per process (web/links.py
# reversed_url, and the builtin {% url %} that uses it).
MAX_REVERSES_PER_PAGE = 0
MAX_REVERSES_PER_RESULTS = 0
# Definitions, members (the owner filter), the list generation (read from the shared layer
# only) and the page's shared list answer, the page's related names (one get_many: the entry
# for the id set and the names generation), the page remembered for the contact page's
# previous/next (read, and written only when it changed) and the person's column choice (kept
# in the shared cache in front of the database). Both cache layers count (the local one in
# front of the shared one).
MAX_CACHE_ROUND_TRIPS_PER_PAGE = 7
# The same without members: the results region has no filter form.
MAX_CACHE_ROUND_TRIPS_PER_RESULTS = 6
# Keys read by the whole page: definitions, members, the list generation and the shared list
# answer, the names entry of the page's id set and the names generation it must match, the
# remembered page and the column choice; never one per related record.
MAX_CACHE_KEYS_READ_PER_PAGE = 8


@pytest.fixture
def counting_cache(settings: Any) -> Iterator[None]:
    """Serve both cache layers (shared, and this process's in front of it) from a backend that
    counts its round trips: a read the local layer answers is counted like a shared one."""
    settings.CACHES = {
        alias: {
            "BACKEND": "tests.counting_cache.CountingLocMemCache",
            "LOCATION": f"list-work-{alias}",
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
        for alias in ("default", "local")
    }
    yield
    for alias in ("default", "local"):
        caches[alias].clear()


@pytest.fixture
def reverses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the view name of every reverse(), however it is reached ({% url %} included)."""
    calls: list[str] = []
    original = URLResolver._reverse_with_prefix

    def counting(
        self: URLResolver, lookup_view: Any, _prefix: str, *args: Any, **kwargs: Any
    ) -> str:
        calls.append(str(lookup_view))
        return original(self, lookup_view, _prefix, *args, **kwargs)

    monkeypatch.setattr(URLResolver, "_reverse_with_prefix", counting)
    return calls


def _warm(client: Client, url: str, headers: dict[str, str]) -> None:
    for _ in range(2):
        assert client.get(url, headers=headers).status_code == 200


@pytest.mark.parametrize(
    ("headers", "max_reverses"),
    [({}, MAX_REVERSES_PER_PAGE), ({"HX-Request": "true"}, MAX_REVERSES_PER_RESULTS)],
    ids=["page", "htmx results"],
)
def test_a_warm_list_view_reverses_a_fixed_handful_of_urls(
    client: Client,
    crm: LightfieldClient,
    reverses: list[str],
    headers: dict[str, str],
    max_reverses: int,
) -> None:
    _warm(client, "/contacts/?page=3", headers)
    reverses.clear()
    html = client.get("/contacts/?page=3", headers=headers).content.decode()
    assert html.count('class="row-link"') == 25
    assert len(reverses) <= max_reverses, reverses


@pytest.mark.parametrize(
    ("headers", "max_round_trips"),
    [
        ({}, MAX_CACHE_ROUND_TRIPS_PER_PAGE),
        ({"HX-Request": "true"}, MAX_CACHE_ROUND_TRIPS_PER_RESULTS),
    ],
    ids=["page", "htmx results"],
)
def test_a_warm_list_view_makes_a_fixed_handful_of_cache_round_trips(
    client: Client,
    counting_cache: None,
    crm: LightfieldClient,
    headers: dict[str, str],
    max_round_trips: int,
) -> None:
    _warm(client, "/contacts/?page=3", headers)
    ROUND_TRIPS.clear()
    client.get("/contacts/?page=3", headers=headers)
    assert sum(ROUND_TRIPS.values()) <= max_round_trips, dict(ROUND_TRIPS)


@pytest.mark.parametrize(
    "url", ["/contacts/?page=3", "/contacts/{id}/"], ids=["list", "contact page"]
)
def test_a_warm_view_asks_the_database_nothing(
    client: Client,
    crm: LightfieldClient,
    url: str,
    django_assert_num_queries: Any,
) -> None:
    """Who is signed in, their columns and the contact's history come from memory or cache."""
    url = url.format(id=crm.list_contacts(limit=1).data[0].id)
    _warm(client, url, {})
    with django_assert_num_queries(0):
        assert client.get(url).status_code == 200


def test_a_warm_list_view_asks_the_crm_only_for_the_page(
    client: Client, counting_cache: None, crm: LightfieldClient
) -> None:
    _warm(client, "/contacts/?page=3", {})
    before = crm.request_count
    client.get("/contacts/?page=3")
    # At most the page itself (an identical page of the last moments is shared): no name
    # lookups, no definitions, no members.
    assert crm.request_count - before <= 1


def test_a_warm_list_view_reads_its_related_names_as_one_entry(
    client: Client, counting_cache: None, crm: LightfieldClient
) -> None:
    _warm(client, "/contacts/?page=3", {})
    KEYS_READ.clear()
    html = client.get("/contacts/?page=3").content.decode()
    assert html.count("f.%24account=") >= 10  # the page does show account names
    assert sum(KEYS_READ.values()) <= MAX_CACHE_KEYS_READ_PER_PAGE, dict(KEYS_READ)
