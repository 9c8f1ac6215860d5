"""Defaults for the HighLevel client, kept in one place so they are easy to review and tune."""

from __future__ import annotations

from typing import Final

import httpx

DEFAULT_BASE_URL: Final = "https://services.leadconnectorhq.com"
# HIGHLEVEL.md §1: the only value the contacts, locations, custom-fields and users APIs accept.
API_VERSION: Final = "2021-07-28"
USER_AGENT: Final = "contacts-dashboard/0.1.0"

# Writes: a save may take the CRM a while, and giving up early only to retry (or look up) a
# create costs the person more than waiting. Reads (GETs and search) follow the shorter read
# policy every client shares: contacts_ui/crm/calls.py.
DEFAULT_TIMEOUT: Final = httpx.Timeout(connect=3.0, read=10.0, write=10.0, pool=3.0)
DEFAULT_LIMITS: Final = httpx.Limits(
    max_connections=20, max_keepalive_connections=10, keepalive_expiry=30.0
)

DEFAULT_MAX_RETRIES: Final = 2
INITIAL_RETRY_DELAY: Final = 0.5
MAX_RETRY_DELAY: Final = 8.0
# The longest server-requested wait we sit through inside one request (HighLevel's burst window
# is 10 s, which is longer than a person should stare at a spinner: the page says "try again").
MAX_RETRY_AFTER: Final = 5.0

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
