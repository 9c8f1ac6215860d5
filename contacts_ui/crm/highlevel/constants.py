"""Defaults for the HighLevel client, kept in one place so they are easy to review and tune."""

from __future__ import annotations

from typing import Final

DEFAULT_BASE_URL: Final = "https://services.leadconnectorhq.com"
# HIGHLEVEL.md §1: the only value the contacts, locations, custom-fields and users APIs accept.
API_VERSION: Final = "2021-07-28"
USER_AGENT: Final = "contacts-dashboard/0.1.0"

# Write timeout, pool, retries and backoff are the ones every client shares
# (contacts_ui/crm/calls.py); so is the read policy.

# HIGHLEVEL.md §4: search takes at most 500 per page and pages through 10,000 records at most.
PAGE_SIZE_MAX: Final = 500
RESULT_WINDOW: Final = 10_000
# Search string values (query and filter values) are limited to 75 characters.
MAX_SEARCH_STRING: Final = 75

# How long the location's tags and users stay cached in the client: pickers ask for them on every
# keystroke, and both change rarely.
LOOKUP_CACHE_SECONDS: Final = 60.0
# How many create idempotency keys the client remembers (per process), and for how long.
CREATED_MEMORY_SIZE: Final = 2_000
CREATED_MEMORY_SECONDS: Final = 24 * 60 * 60.0

# HIGHLEVEL.md §6: the 2021-07-28 spec names the value key ``field_value``; users report
# ``fieldValue`` working too. Configurable on the client.
CUSTOM_FIELD_VALUE_KEY: Final = "field_value"
DEFAULT_CURRENCY: Final = "USD"

LOGGER_NAME: Final = "contacts_ui.crm.highlevel"
