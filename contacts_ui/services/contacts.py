"""Contacts as the pages need them: one page of a list, one contact, duplicates.

Reads of one contact are cached briefly (people flip between the list and a contact, and the
whole team shares one rate limit); the page says how old what it shows is. Identical list
pages asked for at the same moment by several processes are fetched once: the answer is shared
for a couple of seconds, and every save through the dashboard starts a new generation of list
answers, so nobody sees a list from before their own save.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Final

from django.core.cache import cache

from contacts_ui.crm.errors import CRMError, DuplicateContactError
from contacts_ui.crm.models import Filter, Page, Record
from contacts_ui.crm.port import Sort
from contacts_ui.services import shared_cache
from contacts_ui.services.backend import backend_name, cache_id, get_crm

CONTACT_CACHE_SECONDS = 60
# A merged search (a CRM without OR) asks this many per alternative and keeps at most this many.
MERGED_PER_QUERY = 25
MERGED_ACCOUNTS = 3
MERGED_MAX = 75
SEARCH_CACHE_SECONDS = 60
# Long enough to fold a burst of identical list requests into one, short enough that a change
# made in the CRM itself shows on the next click.
LIST_SHARE_SECONDS: Final = 3
# Each answer is kept up to half as long again, at random: pages first seen together (a team
# starting its day, a deploy) would otherwise all expire together and ask the CRM at once,
# a burst the shared rate budget would have to queue.
LIST_SHARE_JITTER: Final = 0.5
# How many addresses one duplicate check looks up, and how many matches it keeps per address.
MAX_DUPLICATE_EMAILS = 3
MAX_MATCHES = 3


def _contact_cache_key(contact_id: str) -> str:
    return f"crm:{backend_name()}:contact:{cache_id(contact_id)}"


def list_contacts(
    *,
    limit: int,
    offset: int,
    filters: Sequence[Filter] = (),
    search: str | None = None,
    sort: Sort | None = None,
    any_of: Sequence[Sequence[Filter]] = (),
    account_prefix: str | None = None,
    account_filter: str | None = None,
) -> Page:
    """Return one page of contacts from the CRM.

    With ``any_of`` (or an account prefix) the CRM cannot answer in one query: each
    alternative is asked for on its own, the answers are merged without duplicates (in the
    order given: names, then emails, then accounts) and paged here.
    """
    if not any_of and not account_prefix:
        return _shared_page(limit, offset, filters, search, sort)
    merged = merged_search(filters, any_of, account_prefix, account_filter)
    return Page(
        data=tuple(merged[offset : offset + limit]),
        total_count=len(merged),
        limit=limit,
        offset=offset,
    )


def merged_search(
    filters: Sequence[Filter],
    any_of: Sequence[Sequence[Filter]],
    account_prefix: str | None,
    account_filter: str | None,
) -> list[Record]:
    """Return the contacts matching any alternative (and every filter), merged, cached briefly.

    Every query spends the team's shared rate budget, so a search typed, paged and reopened
    within ``SEARCH_CACHE_SECONDS`` is answered from the cache.
    """
    key = _search_cache_key(filters, any_of, account_prefix, account_filter)
    cached: list[Record] | None = cache.get(key)
    if cached is not None:
        return cached
    crm = get_crm()
    per_query = min(MERGED_PER_QUERY, crm.capabilities.max_page_size)
    found: dict[str, Record] = {}
    for alternative in any_of:
        page = crm.list_contacts(limit=per_query, offset=0, filters=[*filters, *alternative])
        for record in page.data:
            found.setdefault(record.id, record)
    if account_prefix and account_filter:
        for account in crm.search_related("account", account_prefix, limit=MERGED_ACCOUNTS):
            account_match = Filter(account_filter, "contains", account.id)
            page = crm.list_contacts(limit=per_query, offset=0, filters=[*filters, account_match])
            for record in page.data:
                found.setdefault(record.id, record)
    merged = list(found.values())[:MERGED_MAX]
    cache.set(key, merged, SEARCH_CACHE_SECONDS)
    return merged


def _search_cache_key(
    filters: Sequence[Filter],
    any_of: Sequence[Sequence[Filter]],
    account_prefix: str | None,
    account_filter: str | None,
) -> str:
    parts = [
        [f.to_query() for f in filters],
        [[f.to_query() for f in alternative] for alternative in any_of],
        account_prefix,
        account_filter,
    ]
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:32]
    return f"crm:{backend_name()}:search:{digest}"


def _shared_page(
    limit: int, offset: int, filters: Sequence[Filter], search: str | None, sort: Sort | None
) -> Page:
    """Return one page from the CRM, shared with identical requests of the last moments."""
    shape = repr((limit, offset, [f.to_query() for f in filters], search, sort))
    digest = hashlib.sha256(shape.encode()).hexdigest()[:32]
    key = f"crm:{backend_name()}:list:{_list_generation()}:{digest}"
    return shared_cache.fetch_once(
        key,
        lambda: get_crm().list_contacts(
            limit=limit, offset=offset, filters=filters, search=search, sort=sort
        ),
        LIST_SHARE_SECONDS * (1 + random.uniform(0, LIST_SHARE_JITTER)),
        kind="list",
    )


def _generation_key() -> str:
    return f"crm:{backend_name()}:list-generation"


def _list_generation() -> int:
    # Read from the shared layer only: a local copy could hide another process's save.
    return int(shared_cache.shared().get(_generation_key(), 0))


def forget_lists() -> None:
    """Start a new generation of shared list answers (after a save changed what lists show)."""
    shared = shared_cache.shared()
    if not shared.add(_generation_key(), 1, None):
        try:
            shared.incr(_generation_key())
        except ValueError:  # expired between add and incr
            shared.set(_generation_key(), 1, None)


def page_size() -> int:
    """Return how many contacts a list page shows (25, or less if the CRM allows less)."""
    return min(25, get_crm().capabilities.max_page_size)


def get_contact(contact_id: str, *, refresh: bool = False) -> tuple[Record, datetime]:
    """Return a contact and when it was fetched, from a short-lived cache unless ``refresh``."""
    if refresh:
        return remember_contact(get_crm().get_contact(contact_id))
    return shared_cache.fetch_once(
        _contact_cache_key(contact_id),
        lambda: (get_crm().get_contact(contact_id), datetime.now(UTC)),
        CONTACT_CACHE_SECONDS,
        kind="contact",
        local=False,
    )


def remember_contact(record: Record) -> tuple[Record, datetime]:
    """Cache a contact just read or written, so the next page view needs no upstream call."""
    entry = (record, datetime.now(UTC))
    shared_cache.set(_contact_cache_key(record.id), entry, CONTACT_CACHE_SECONDS, local=False)
    return entry


def find_duplicates(emails: Sequence[str]) -> list[tuple[str, Record]]:
    """Return (email, contact) for every contact in the CRM that already has one of ``emails``."""
    crm = get_crm()
    found: list[tuple[str, Record]] = []
    seen: set[str] = set()
    for email in emails[:MAX_DUPLICATE_EMAILS]:
        for record in crm.find_contacts_by_email(email, limit=MAX_MATCHES):
            if record.id not in seen:
                seen.add(record.id)
                found.append((email, record))
    return found


def existing_duplicate(exc: DuplicateContactError) -> tuple[str, Record] | None:
    """Return (what matched, the contact) a create was refused for, or None if unknown."""
    if not exc.existing_id:
        return None
    try:
        record, _ = get_contact(exc.existing_id)
    except CRMError:
        return None
    matched = "phone" if exc.param == "fields.$phone" else "email"
    value = record.value(f"${matched}")
    shown = value[0] if isinstance(value, list) and value else value
    return (str(shown or matched), record)


def crm_label() -> str:
    """Return the CRM's name as people know it ("Lightfield", "HighLevel")."""
    return get_crm().capabilities.label
