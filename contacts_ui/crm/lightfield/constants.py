"""Defaults for the Lightfield client, kept in one place so they are easy to review and tune."""

from __future__ import annotations

from typing import Final

import httpx

DEFAULT_BASE_URL: Final = "https://api.lightfield.app"
API_VERSION: Final = "2026-03-01"
USER_AGENT: Final = "contacts-dashboard/0.1.0"

# Writes: a save may take the CRM a while, and giving up early only to retry it costs the
# person more than waiting; still far from SDK-style minute-long timeouts.
DEFAULT_TIMEOUT: Final = httpx.Timeout(connect=3.0, read=10.0, write=10.0, pool=3.0)

# Reads follow the read policy every CRM client shares: contacts_ui/crm/calls.py.

# Sized for one web process serving a handful of threads; Lightfield allows 25 req/s per org.
DEFAULT_LIMITS: Final = httpx.Limits(
    max_connections=20, max_keepalive_connections=10, keepalive_expiry=30.0
)

DEFAULT_MAX_RETRIES: Final = 2
INITIAL_RETRY_DELAY: Final = 0.5
MAX_RETRY_DELAY: Final = 8.0
# The longest Retry-After we sit through inside one request. Anything longer is raised at once
# so the page can tell the user when to try again instead of hanging.
MAX_RETRY_AFTER: Final = 5.0

PAGE_SIZE_MAX: Final = 25
IDEMPOTENCY_KEY_MAX: Final = 255

LOGGER_NAME: Final = "contacts_ui.crm"
