"""The dashboard's door to the CRM: one backend per process, chosen by CRM_BACKEND.

Services call ``get_crm()`` and receive the port (``crm.port.CRM``), never a concrete client;
views call services and receive typed models or a typed ``CRMError``. Every client gets the
team's shared rate budget: a Redis store with REDIS_URL (all hosts), else a SQLite file under
BUDGET_DIR (all processes of this host).
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Mapping
from typing import Final

from django.conf import settings

from contacts_ui.crm.budget import (
    DEFAULT_MAX_WAIT,
    BucketSpec,
    Budget,
    Category,
    Priority,
    lightfield_specs,
    make_store,
)
from contacts_ui.crm.port import CRM, Capabilities
from contacts_ui.observability.metrics import budget_hook, upstream_observer
from dashboard.config import AppSettings, CRMBackend

# The embedded sandboxes are reached through an in-process transport; the host is never resolved.
SANDBOX_BASE_URL = "http://sandbox.local"

# Background name lookups fill in a page that is already shown, so they may wait longer than
# the budget's default for a token; the page a person waits on and saves keep the defaults.
MAX_WAIT: Final[Mapping[Priority, float]] = {**DEFAULT_MAX_WAIT, Priority.BACKGROUND: 2.0}

_lock = threading.Lock()
_crm: CRM | None = None
# Bumped whenever another backend is installed, so what was derived from the old one (rendered
# list rows keyed by record id and updatedAt) cannot be mistaken for the new one's.
_generation = 0


def budget_scope(backend: str, base_url: str, credential: str) -> str:
    """Name what the CRM counts a rate limit against, without the credential in the name.

    The scope becomes part of Redis key names and file contents: a hash of the base URL and
    the key tells organisations apart without revealing either.
    """
    digest = hashlib.sha256(f"{base_url}\0{credential}".encode()).hexdigest()[:16]
    return f"{backend}:{digest}"


def build_budget(
    app_settings: AppSettings, scope: str, specs: Mapping[Category, BucketSpec] | None = None
) -> Budget:
    """Return the team's shared rate budget for ``scope`` (Redis, else a file on this host)."""
    if not app_settings.REDIS_URL:
        app_settings.BUDGET_DIR.mkdir(parents=True, exist_ok=True)
    store = make_store(redis_url=app_settings.REDIS_URL, directory=app_settings.BUDGET_DIR)
    return Budget(
        store,
        specs or lightfield_specs(headroom=app_settings.CRM_RATE_HEADROOM),
        scope=scope,
        max_wait=MAX_WAIT,
        on_event=budget_hook,
    )


def build_crm(app_settings: AppSettings) -> CRM:
    """Build the CRM backend the configuration asks for, with the shared rate budget."""
    from contacts_ui.crm.lightfield import LightfieldClient

    backend = app_settings.CRM_BACKEND
    if backend is CRMBackend.SANDBOX:
        from sandbox.app import make_app
        from sandbox.config import SandboxConfig

        app_settings.SANDBOX_DB_PATH.parent.mkdir(parents=True, exist_ok=True)
        sandbox_config = SandboxConfig(db_path=app_settings.SANDBOX_DB_PATH)
        # Each process embeds its own sandbox, but they share one database: budget them as one.
        scope = budget_scope("sandbox", str(app_settings.SANDBOX_DB_PATH), sandbox_config.api_key)
        return LightfieldClient(
            api_key=sandbox_config.api_key,
            base_url=SANDBOX_BASE_URL,
            wsgi_app=make_app(sandbox_config),
            budget=build_budget(app_settings, scope),
            observer=upstream_observer("sandbox"),
        )
    if backend is CRMBackend.LIGHTFIELD:
        assert app_settings.LIGHTFIELD_API_KEY is not None  # enforced by AppSettings
        api_key = app_settings.LIGHTFIELD_API_KEY.get_secret_value()
        scope = budget_scope("lightfield", app_settings.LIGHTFIELD_BASE_URL, api_key)
        return LightfieldClient(
            api_key=api_key,
            base_url=app_settings.LIGHTFIELD_BASE_URL,
            budget=build_budget(app_settings, scope),
            observer=upstream_observer("lightfield"),
        )
    if backend is CRMBackend.HIGHLEVEL:
        return _highlevel(app_settings)
    if backend is CRMBackend.HIGHLEVEL_SANDBOX:
        return _highlevel_sandbox(app_settings)
    raise NotImplementedError(f"CRM_BACKEND={backend} is not available yet")


def _highlevel(app_settings: AppSettings) -> CRM:
    """Build the HighLevel client for one location, paced by the budget its processes share."""
    from contacts_ui.crm.budget import highlevel_specs
    from contacts_ui.crm.highlevel import HighLevelClient

    assert app_settings.HIGHLEVEL_TOKEN is not None  # enforced by AppSettings
    assert app_settings.HIGHLEVEL_LOCATION_ID is not None
    location_id = app_settings.HIGHLEVEL_LOCATION_ID
    # HighLevel counts every call of an app against its location: one bucket per location.
    budget = build_budget(
        app_settings,
        f"highlevel:{location_id}",
        highlevel_specs(headroom=app_settings.CRM_RATE_HEADROOM),
    )
    return HighLevelClient(
        token=app_settings.HIGHLEVEL_TOKEN.get_secret_value(),
        location_id=location_id,
        base_url=app_settings.HIGHLEVEL_BASE_URL,
        budget=budget,
        observer=upstream_observer(CRMBackend.HIGHLEVEL.value),
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
        observer=upstream_observer(CRMBackend.HIGHLEVEL_SANDBOX.value),
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
