"""The CRM's field schema per object type, cached for everyone for DEFINITIONS_CACHE_SECONDS."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import cache

from contacts_ui.crm.models import Definitions
from contacts_ui.services.backend import backend_name, get_crm

logger = logging.getLogger(__name__)

OBJECT_TYPES = ("contacts", "accounts", "opportunities")


def cache_key(object_type: str) -> str:
    return f"crm:{backend_name()}:definitions:{object_type}:v1"


def get_definitions(object_type: str = "contacts") -> Definitions:
    """Return the field schema of an object type from the cache, fetching it when stale."""
    definitions: Definitions | None = cache.get(cache_key(object_type))
    if definitions is None:
        definitions = refresh_definitions(object_type)
    return definitions


def refresh_definitions(object_type: str = "contacts") -> Definitions:
    """Fetch an object type's definitions now and store them for the configured TTL."""
    definitions = get_crm().definitions(object_type)
    cache.set(cache_key(object_type), definitions, settings.DASHBOARD.DEFINITIONS_CACHE_SECONDS)
    logger.info(
        "refreshed %s definitions (%d fields)", object_type, len(definitions.field_definitions)
    )
    return definitions
