"""Readiness: can this process serve pages — its database, its shared cache, the CRM?

The CRM check is cached for everyone for ``CRM_CHECK_SECONDS``, so load balancers probing every
few seconds from every host never spend the team's rate budget on it.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Final

from django.db import DatabaseError, connections

from contacts_ui.crm.budget import Priority, using_priority
from contacts_ui.crm.errors import (
    AuthenticationError,
    BudgetExhausted,
    CRMError,
    PermissionDeniedError,
    RateLimitError,
)
from contacts_ui.services import shared_cache
from contacts_ui.services.backend import backend_name, get_crm

logger = logging.getLogger(__name__)

CRM_CHECK_SECONDS: Final = 30
# A failed check is retried sooner: the CRM coming back should make us ready quickly.
CRM_FAILED_CHECK_SECONDS: Final = 10


@dataclass(frozen=True)
class Check:
    """Hold one readiness check's result: passed or not, and a short word on why (no secrets)."""

    ok: bool
    detail: str


def check_database() -> Check:
    """Run a trivial query on the default database."""
    try:
        with connections["default"].cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        logger.warning("readiness: database check failed: %s", type(exc).__name__)
        return Check(False, "unreachable")
    return Check(True, "ok")


def check_cache() -> Check:
    """Write and read back a value in the shared cache."""
    key = f"health:probe:{uuid.uuid4().hex}"
    try:
        cache = shared_cache.shared()
        cache.set(key, 1, 10)
        found = cache.get(key)
        cache.delete(key)
    except Exception as exc:
        # Cache backends raise their client's own errors (redis, OSError for files).
        logger.warning("readiness: cache check failed: %s", type(exc).__name__)
        return Check(False, "unreachable")
    return Check(found == 1, "ok" if found == 1 else "did not keep a value")


def check_crm() -> Check:
    """Tell whether the CRM answers with our key, from a result shared for ~30 s."""
    key = f"health:crm:{backend_name()}"
    cached: Check | None = shared_cache.get(key, kind="health")
    if cached is not None:
        return cached
    result = _probe_crm()
    shared_cache.set(key, result, CRM_CHECK_SECONDS if result.ok else CRM_FAILED_CHECK_SECONDS)
    return result


def _probe_crm() -> Check:
    try:
        with using_priority(Priority.BACKGROUND):
            get_crm().validate_auth()
    except (BudgetExhausted, RateLimitError):
        # Reachable, just busy: taking this host out of rotation would only make it worse.
        return Check(True, "busy")
    except (AuthenticationError, PermissionDeniedError):
        return Check(False, "refused the API key")
    except CRMError as exc:
        logger.warning("readiness: CRM check failed: %s", type(exc).__name__)
        return Check(False, "unreachable")
    return Check(True, "ok")
