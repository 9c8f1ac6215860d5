"""Contacts as the pages need them: one page of a list, one contact, duplicates, accounts.

Reads of one contact are cached briefly (people flip between the list and a contact, and the
whole team shares one rate limit); the page says how old what it shows is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from django.core.cache import cache

from contacts_ui.crm.models import Filter, Page, Record
from contacts_ui.crm.port import Sort
from contacts_ui.services.backend import backend_name, get_crm

CONTACT_CACHE_SECONDS = 60
# How many addresses one duplicate check looks up, and how many matches it keeps per address.
MAX_DUPLICATE_EMAILS = 3
MAX_MATCHES = 3


class AccountLookupError(ValueError):
    """The account a person named does not exist, or is not unique."""


def _contact_cache_key(contact_id: str) -> str:
    return f"crm:{backend_name()}:contact:{contact_id}"


def list_contacts(
    *,
    limit: int,
    offset: int,
    filters: Sequence[Filter] = (),
    search: str | None = None,
    sort: Sort | None = None,
) -> Page:
    """Return one page of contacts from the CRM."""
    return get_crm().list_contacts(
        limit=limit, offset=offset, filters=filters, search=search, sort=sort
    )


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


def resolve_account(lookup: str) -> str | None:
    """Return the id of the account a person named (by exact name or by id).

    Raises ``AccountLookupError`` with a sentence for the form when there is no such account or
    several share the name, and ``CRMError`` when the CRM cannot answer.
    """
    lookup = lookup.strip()
    if not lookup:
        return None
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
    if not typed or typed.startswith("acc_"):
        return []
    return get_crm().search_related("account", typed, limit=limit)
