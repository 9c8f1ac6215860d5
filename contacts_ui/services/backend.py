"""The dashboard's door to the CRM: one backend per process, chosen by CRM_BACKEND.

Services call ``get_crm()`` and receive the port (``crm.port.CRM``), never a concrete client;
views call services and receive typed models or a typed ``CRMError``.
"""

from __future__ import annotations

import hashlib
import re
import threading

from django.conf import settings

from contacts_ui.crm.port import CRM, Capabilities
from dashboard.config import AppSettings, CRMBackend

# The embedded sandboxes are reached through an in-process transport; the host is never resolved.
SANDBOX_BASE_URL = "http://sandbox.local"

_lock = threading.Lock()
_crm: CRM | None = None
# Bumped whenever another backend is installed, so what was derived from the old one (rendered
# list rows keyed by record id and updatedAt) cannot be mistaken for the new one's.
_generation = 0


def build_crm(app_settings: AppSettings) -> CRM:
    """Build the CRM backend the configuration asks for."""
    from contacts_ui.crm.lightfield import LightfieldClient

    backend = app_settings.CRM_BACKEND
    if backend is CRMBackend.SANDBOX:
        from sandbox.app import make_app
        from sandbox.config import SandboxConfig

        app_settings.SANDBOX_DB_PATH.parent.mkdir(parents=True, exist_ok=True)
        sandbox_config = SandboxConfig(db_path=app_settings.SANDBOX_DB_PATH)
        return LightfieldClient(
            api_key=sandbox_config.api_key,
            base_url=SANDBOX_BASE_URL,
            wsgi_app=make_app(sandbox_config),
        )
    if backend is CRMBackend.LIGHTFIELD:
        assert app_settings.LIGHTFIELD_API_KEY is not None  # enforced by AppSettings
        return LightfieldClient(
            api_key=app_settings.LIGHTFIELD_API_KEY.get_secret_value(),
            base_url=app_settings.LIGHTFIELD_BASE_URL,
        )
    if backend is CRMBackend.HIGHLEVEL:
        return _highlevel(app_settings)
    if backend is CRMBackend.HIGHLEVEL_SANDBOX:
        return _highlevel_sandbox(app_settings)
    raise NotImplementedError(f"CRM_BACKEND={backend} is not available yet")


def _highlevel(app_settings: AppSettings) -> CRM:
    """Build the HighLevel client for one location, paced by the budget its processes share."""
    from contacts_ui.crm.budget import Budget, highlevel_specs, make_store
    from contacts_ui.crm.highlevel import HighLevelClient

    assert app_settings.HIGHLEVEL_TOKEN is not None  # enforced by AppSettings
    assert app_settings.HIGHLEVEL_LOCATION_ID is not None
    location_id = app_settings.HIGHLEVEL_LOCATION_ID
    if not app_settings.REDIS_URL:
        app_settings.BUDGET_DIR.mkdir(parents=True, exist_ok=True)
    store = make_store(redis_url=app_settings.REDIS_URL, directory=app_settings.BUDGET_DIR)
    # HighLevel counts every call of an app against its location: one bucket per location.
    budget = Budget(store, highlevel_specs(), scope=f"highlevel:{location_id}")
    return HighLevelClient(
        token=app_settings.HIGHLEVEL_TOKEN.get_secret_value(),
        location_id=location_id,
        base_url=app_settings.HIGHLEVEL_BASE_URL,
        budget=budget,
    )


def _highlevel_sandbox(app_settings: AppSettings) -> CRM:
    """Build a HighLevel client wired in-process to the embedded HighLevel sandbox."""
    from contacts_ui.crm.highlevel import HighLevelClient
    from sandbox.highlevel import (
        DEFAULT_API_KEY,
        DEFAULT_LOCATION_ID,
        HighLevelSandboxConfig,
        make_app,
    )

    app_settings.HIGHLEVEL_SANDBOX_DB_PATH.parent.mkdir(parents=True, exist_ok=True)
    config = HighLevelSandboxConfig(
        db_path=app_settings.HIGHLEVEL_SANDBOX_DB_PATH,
        api_key=DEFAULT_API_KEY,
        # The demo location the database was seeded for, whatever HIGHLEVEL_LOCATION_ID says.
        location_id=DEFAULT_LOCATION_ID,
    )
    return HighLevelClient(
        token=config.api_key,
        location_id=config.location_id,
        base_url=SANDBOX_BASE_URL,
        wsgi_app=make_app(config),
    )


def get_crm() -> CRM:
    """Return the process-wide CRM backend, building it on first use."""
    global _crm
    if _crm is None:
        with _lock:
            if _crm is None:
                _crm = build_crm(settings.DASHBOARD)
    return _crm


def use_crm(crm: CRM | None) -> CRM | None:
    """Install another backend for this process (tests, benchmarks); return the previous one."""
    global _crm, _generation
    with _lock:
        previous, _crm = _crm, crm
        _generation += 1
    return previous


def generation() -> tuple[str, int]:
    """Return which backend serves this process: its name and how many times it was swapped."""
    return backend_name(), _generation


def capabilities() -> Capabilities:
    """Return what the configured CRM can do."""
    return get_crm().capabilities


def backend_name() -> str:
    """Return the configured backend's name, to keep cache keys of different CRMs apart."""
    return str(settings.DASHBOARD.CRM_BACKEND)


_PLAIN_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")


def cache_id(record_id: str) -> str:
    """Return a CRM id as a cache-key part: as it is when plain, else as a digest.

    The CRM's ids are opaque: spaces, control characters or a great length would make a key
    memcached refuses (and Django warns about), and a digest keeps two ids apart all the same.
    """
    if _PLAIN_ID.fullmatch(record_id):
        return record_id
    return "sha256-" + hashlib.sha256(record_id.encode("utf-8", "surrogatepass")).hexdigest()
