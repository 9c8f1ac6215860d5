"""Defaults for the Lightfield client, kept in one place so they are easy to review and tune."""

from __future__ import annotations

from typing import Final

DEFAULT_BASE_URL: Final = "https://api.lightfield.app"
API_VERSION: Final = "2026-03-01"
USER_AGENT: Final = "contacts-dashboard/0.1.0"

# Write timeout, pool, retries and backoff are the ones every client shares
# (contacts_ui/crm/calls.py); so is the read policy.

PAGE_SIZE_MAX: Final = 25
IDEMPOTENCY_KEY_MAX: Final = 255

LOGGER_NAME: Final = "contacts_ui.crm"
