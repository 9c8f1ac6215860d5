"""The CRM's field schema per object type, fetched once per TTL for the whole organisation.

Every process reads the same shared copy (``shared_cache``); when it expires, one caller
fetches it and the others wait for that copy. A last good copy is kept for a day, so a busy or
unreachable CRM never stops a form someone is filling in from rendering again with their data.
"""

from __future__ import annotations

import logging
from typing import Final

from django.conf import settings

from contacts_ui.crm.errors import CRMError
from contacts_ui.crm.models import Definitions
from contacts_ui.services import shared_cache
from contacts_ui.services.backend import backend_name, get_crm

logger = logging.getLogger(__name__)

OBJECT_TYPES = ("contacts", "accounts", "opportunities")
# How long the last good copy may stand in for a fresh one the CRM cannot give us now.
LAST_GOOD_SECONDS: Final = 24 * 60 * 60


def cache_key(object_type: str) -> str:
    """Return the shared cache key of an object type's definitions."""
    return f"crm:{backend_name()}:definitions:{object_type}:v1"


def _last_good_key(object_type: str) -> str:
    return f"{cache_key(object_type)}:last-good"


def get_definitions(object_type: str = "contacts") -> Definitions:
    """Return the field schema of an object type from the cache, fetching it when stale.

    Raises CRMError only when the CRM cannot answer and no copy from the last day exists.
    """
    try:
        return shared_cache.fetch_once(
            cache_key(object_type),
            lambda: _fetch(object_type),
            settings.DASHBOARD.DEFINITIONS_CACHE_SECONDS,
            kind="definitions",
        )
    except CRMError as exc:
        last_good: Definitions | None = shared_cache.get(
            _last_good_key(object_type), kind="definitions"
        )
        if last_good is None:
            raise
        logger.warning(
            "using the last good %s definitions: the CRM could not answer (%s)",
            object_type,
            type(exc).__name__,
        )
        return last_good


def refresh_definitions(object_type: str = "contacts") -> Definitions:
    """Fetch an object type's definitions now and store them for the configured TTL."""
    definitions = _fetch(object_type)
    shared_cache.set(
        cache_key(object_type), definitions, settings.DASHBOARD.DEFINITIONS_CACHE_SECONDS
    )
    return definitions


def _fetch(object_type: str) -> Definitions:
    definitions = get_crm().definitions(object_type)
    shared_cache.set(_last_good_key(object_type), definitions, LAST_GOOD_SECONDS)
    logger.info(
        "refreshed %s definitions (%d fields)", object_type, len(definitions.field_definitions)
    )
    return definitions
