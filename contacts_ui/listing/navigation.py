"""Previous/next on the contact page, within the result set the person came from.

The list remembers, per person and result set, the ids and names of each page it showed (in
the cache, briefly). The contact page reads that to link its neighbours without asking the CRM;
stepping over a page boundary fetches the neighbouring page once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from urllib.parse import urlencode

from django.http import QueryDict

from contacts_ui.listing.search import PAGE_PARAM
from contacts_ui.services import shared_cache

RESULTS_CACHE_SECONDS = 1800


@dataclass(frozen=True)
class Neighbour:
    id: str
    name: str
    from_query: str


@dataclass(frozen=True)
class ResultPosition:
    """Where a contact sits in the list the person came from."""

    back_query: str
    previous: Neighbour | None
    next: Neighbour | None
    step_previous: bool  # previous lies on the page before: needs a step through the CRM
    step_next: bool


def _key(user_id: object, state_key: str, page: int) -> str:
    digest = hashlib.sha256(state_key.encode()).hexdigest()[:24]
    return f"results:{user_id}:{digest}:{page}"


def remember_page(
    user_id: object, state_key: str, page: int, last_page: int, rows: list[tuple[str, str]]
) -> None:
    """Remember the ids and names a list page showed to this person.

    The same page seen again is not written again: the read (usually answered by this
    process's layer) costs less than the write (a pickle, and a file or a round trip).
    """
    key = _key(user_id, state_key, page)
    value = (last_page, tuple(rows))
    if shared_cache.get(key, kind="results") != value:
        shared_cache.set(key, value, RESULTS_CACHE_SECONDS)


def recall_page(
    user_id: object, state_key: str, page: int
) -> tuple[int, list[tuple[str, str]]] | None:
    """Return (last page, rows) of a remembered list page, or None."""
    remembered = shared_cache.get(_key(user_id, state_key, page), kind="results")
    if remembered is None:
        return None
    last_page, rows = remembered
    return last_page, list(rows)


def split_from(from_query: str) -> tuple[str, int]:
    """Split a list query string into its result-set key and its page number."""
    params = QueryDict(from_query, mutable=True)
    try:
        page = max(1, int(params.pop(PAGE_PARAM, ["1"])[-1]))
    except ValueError:
        page = 1
    state_key = urlencode(sorted((k, v) for k, v in params.items()))
    return state_key, page


def with_page(state_key: str, page: int) -> str:
    """Return the list query string of a result set at a given page (keys sorted, as the list)."""
    params = QueryDict(state_key, mutable=True)
    params[PAGE_PARAM] = str(page)
    return urlencode(sorted((k, v) for k, v in params.items()))


def position(user_id: object, from_query: str, contact_id: str) -> ResultPosition | None:
    """Locate a contact in the remembered list it was opened from, or None if unknown."""
    state_key, page = split_from(from_query)
    remembered = recall_page(user_id, state_key, page)
    if remembered is None:
        return None
    last_page, rows = remembered
    ids = [row_id for row_id, _ in rows]
    if contact_id not in ids:
        return None
    index = ids.index(contact_id)
    here = with_page(state_key, page)
    previous = Neighbour(*rows[index - 1], here) if index > 0 else None
    following = Neighbour(*rows[index + 1], here) if index + 1 < len(rows) else None
    return ResultPosition(
        back_query=here,
        previous=previous,
        next=following,
        step_previous=previous is None and page > 1,
        step_next=following is None and page < last_page,
    )
