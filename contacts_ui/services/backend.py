"""The dashboard's door to the CRM: one pooled client per process and cached definitions.

Views call these functions and get typed models or a typed CRMError back; nothing outside
contacts_ui.crm touches httpx.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

from django.core.cache import cache

from contacts_ui.crm.lightfield.client import LightfieldClient
from contacts_ui.crm.models import Definitions, Record
from dashboard.config import AppSettings, CRMBackend, get_settings

logger = logging.getLogger(__name__)

# The embedded sandbox is reached through an in-process transport; the host is never resolved.
SANDBOX_BASE_URL = "http://sandbox.local"
OBJECT_TYPES = ("contacts", "accounts", "opportunities")

_lock = threading.Lock()
_client: LightfieldClient | None = None


def build_client(app_settings: AppSettings) -> LightfieldClient:
    """Build the CRM client the configuration asks for."""
    if app_settings.CRM_BACKEND is CRMBackend.SANDBOX:
        from sandbox.app import make_app
        from sandbox.config import SandboxConfig

        app_settings.SANDBOX_DB_PATH.parent.mkdir(parents=True, exist_ok=True)
        sandbox_config = SandboxConfig(db_path=app_settings.SANDBOX_DB_PATH)
        return LightfieldClient(
            api_key=sandbox_config.api_key,
            base_url=SANDBOX_BASE_URL,
            wsgi_app=make_app(sandbox_config),
        )
    if app_settings.CRM_BACKEND is CRMBackend.LIGHTFIELD:
        assert app_settings.LIGHTFIELD_API_KEY is not None  # enforced by AppSettings
        return LightfieldClient(
            api_key=app_settings.LIGHTFIELD_API_KEY.get_secret_value(),
            base_url=app_settings.LIGHTFIELD_BASE_URL,
        )
    raise NotImplementedError(f"CRM_BACKEND={app_settings.CRM_BACKEND} is not available yet")


def get_client() -> LightfieldClient:
    """Return the process-wide client, building it on first use."""
    global _client
    if _client is None:
        with _lock:
            if _client is None:
                _client = build_client(get_settings())
    return _client


def use_client(client: LightfieldClient | None) -> LightfieldClient | None:
    """Install another client for this process (tests, benchmarks) and return the previous one."""
    global _client
    with _lock:
        previous, _client = _client, client
    return previous


def backend_name() -> str:
    """Return the configured backend's name, to keep cache keys of different CRMs apart."""
    return str(get_settings().CRM_BACKEND)


def _definitions_cache_key(object_type: str) -> str:
    return f"crm:{backend_name()}:definitions:{object_type}:v1"


def _fetch_definitions(object_type: str) -> Definitions:
    client = get_client()
    fetch = {
        "contacts": client.contact_definitions,
        "accounts": client.account_definitions,
        "opportunities": client.opportunity_definitions,
    }[object_type]
    return fetch()


def get_definitions(object_type: str = "contacts") -> Definitions:
    """Return the field schema of an object type from the cache, fetching it when stale."""
    key = _definitions_cache_key(object_type)
    definitions = cache.get(key)
    if definitions is None:
        definitions = refresh_definitions(object_type)
    return definitions


def refresh_definitions(object_type: str = "contacts") -> Definitions:
    """Fetch an object type's definitions now and store them for the configured TTL."""
    definitions = _fetch_definitions(object_type)
    cache.set(
        _definitions_cache_key(object_type), definitions, get_settings().DEFINITIONS_CACHE_SECONDS
    )
    logger.info(
        "refreshed %s definitions (%d fields)", object_type, len(definitions.field_definitions)
    )
    return definitions


# A contact page read twice within this window is served from the cache: people flip between
# the list and a contact, and the whole team shares one rate limit. The page says how old it is.
CONTACT_CACHE_SECONDS = 60


def _contact_cache_key(contact_id: str) -> str:
    return f"crm:{backend_name()}:contact:{contact_id}"


def get_contact(contact_id: str, *, refresh: bool = False) -> tuple[Record, datetime]:
    """Return a contact and when it was fetched, from a short-lived cache unless ``refresh``."""
    if not refresh:
        cached = cache.get(_contact_cache_key(contact_id))
        if cached is not None:
            return cached
    record = get_client().get_contact(contact_id)
    return remember_contact(record)


def remember_contact(record: Record) -> tuple[Record, datetime]:
    """Cache a contact just read or written, so the next page view needs no upstream call."""
    entry = (record, datetime.now(UTC))
    cache.set(_contact_cache_key(record.id), entry, CONTACT_CACHE_SECONDS)
    return entry
