"""Contacts as the pages need them: one page of a list, one contact, duplicates, accounts.

Reads of one contact are cached briefly (people flip between the list and a contact, and the
whole team shares one rate limit); the page says how old what it shows is.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime

from django.core.cache import cache

from contacts_ui.crm.errors import CRMError, DuplicateContactError
from contacts_ui.crm.models import Filter, Page, Record
from contacts_ui.crm.port import Sort
from contacts_ui.services.backend import backend_name, cache_id, get_crm

CONTACT_CACHE_SECONDS = 60
# A merged search (a CRM without OR) asks this many per alternative and keeps at most this many.
MERGED_PER_QUERY = 25
MERGED_ACCOUNTS = 3
MERGED_MAX = 75
SEARCH_CACHE_SECONDS = 60
# How many addresses one duplicate check looks up, and how many matches it keeps per address.
MAX_DUPLICATE_EMAILS = 3
MAX_MATCHES = 3


class AccountLookupError(ValueError):
    """The account a person named does not exist, or is not unique."""


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
        return get_crm().list_contacts(
            limit=limit, offset=offset, filters=filters, search=search, sort=sort
        )
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


def page_size() -> int:
    """Return how many contacts a list page shows (25, or less if the CRM allows less)."""
    return min(25, get_crm().capabilities.max_page_size)


def get_contact(contact_id: str, *, refresh: bool = False) -> tuple[Record, datetime]:
    """Return a contact and when it was fetched, from a short-lived cache unless ``refresh``."""
    if not refresh:
        cached: tuple[Record, datetime] | None = cache.get(_contact_cache_key(contact_id))
        if cached is not None:
            return cached
    record = get_crm().get_contact(contact_id)
    return remember_contact(record)


def remember_contact(record: Record) -> tuple[Record, datetime]:
    """Cache a contact just read or written, so the next page view needs no upstream call."""
    entry = (record, datetime.now(UTC))
    cache.set(_contact_cache_key(record.id), entry, CONTACT_CACHE_SECONDS)
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


def resolve_account(lookup: str) -> str | None:
    """Return the id of the account a person named (by exact name or by id).

    Raises ``AccountLookupError`` with a sentence for the form when there is no such account or
    several share the name, and ``CRMError`` when the CRM cannot answer.
    """
    lookup = lookup.strip()
    if not lookup:
        return None
    if not _has_accounts():
        raise AccountLookupError(f"{crm_label()} has no accounts to link a contact to.")
    if lookup.startswith("acc_") and " " not in lookup:
        return lookup
    matches = get_crm().find_related_by_name("account", lookup, limit=2)
    if not matches:
        raise AccountLookupError(f"No account is called “{lookup}”. Pick one from the suggestions.")
    if len(matches) > 1:
        raise AccountLookupError(
            f"Several accounts are called “{lookup}”; enter the account's id (acc_…) instead."
        )
    return matches[0].id


def search_accounts(typed: str, *, limit: int) -> list[Record]:
    """Return accounts whose name starts with ``typed`` (the form's account suggestions)."""
    typed = typed.strip()
    if not typed or typed.startswith("acc_") or not _has_accounts():
        return []
    return get_crm().search_related("account", typed, limit=limit)


def crm_label() -> str:
    """Return the CRM's name as people know it ("Lightfield", "HighLevel")."""
    return get_crm().capabilities.label


def _has_accounts() -> bool:
    # Lightfield ids look like "acc_…" and accounts can be searched by name; HighLevel has none.
    return "account" in get_crm().capabilities.searchable_object_types
