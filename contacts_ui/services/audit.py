"""The audit log: every write attempt, recorded before the page answers.

contacts_ui.services.writes calls ``record`` once per attempt (success or failure). The trail stores
field values before and after, never secrets: the API key is not part of any write.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, transaction
from django.http import HttpRequest
from django.utils import timezone

from contacts_ui.crm.errors import APIStatusError, CRMError
from contacts_ui.models import AuditEntry
from contacts_ui.services import shared_cache
from contacts_ui.services.backend import cache_id

logger = logging.getLogger(__name__)

MAX_VALUE_CHARS = 2_000
# A contact's history is read on every view of its page and changes only through ``record``,
# which forgets it: kept in the shared cache (one process's write shows in every other's next
# view). Entries pruned for age may show until this runs out.
HISTORY_CACHE_SECONDS = 600
HISTORY_LIMIT = 20


@dataclass(frozen=True)
class Actor:
    """Who is writing: the person, their SSO groups, and the request that carried it."""

    user: Any
    username: str
    groups: tuple[str, ...] = ()
    request_id: str = ""

    @classmethod
    def from_request(cls, request: HttpRequest) -> Actor:
        user = request.user if request.user.is_authenticated else None
        username = (user.email or user.get_username()) if user is not None else "anonymous"
        return cls(
            user=user,
            username=username,
            groups=tuple(getattr(request, "sso_groups", ())),
            request_id=getattr(request, "id", ""),
        )


@dataclass
class Change:
    """What a write attempt did: the field changes and relationship operations it sent."""

    fields: dict[str, dict[str, Any]] = field(default_factory=dict)
    relationships: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of_fields(cls, before: Mapping[str, Any], after: Mapping[str, Any]) -> Change:
        """Pair each sent field's value before the write with the value sent."""
        return cls(
            fields={
                key: {"before": _clip(before.get(key)), "after": _clip(after[key])} for key in after
            }
        )


def _clip(value: Any) -> Any:
    """Keep audit rows small: very long text values are cut (the CRM keeps the full value)."""
    if isinstance(value, str) and len(value) > MAX_VALUE_CHARS:
        return value[:MAX_VALUE_CHARS] + "…"
    return value


def record(
    actor: Actor,
    action: str,
    record_id: str | None,
    change: Change,
    *,
    idempotency_key: str = "",
    error: CRMError | None = None,
    object_type: str = "contact",
) -> AuditEntry | None:
    """Store one write attempt; a failure to store it is logged, never shown as the write's."""
    status = error.status_code if isinstance(error, APIStatusError) else (None if error else 200)
    try:
        entry = AuditEntry.objects.create(
            user=actor.user,
            username=actor.username[:254],
            groups=list(actor.groups),
            action=action,
            object_type=object_type,
            record_id=record_id or "",
            changes=change.fields,
            relationships=change.relationships,
            result=AuditEntry.Result.FAILED if error else AuditEntry.Result.OK,
            crm_status=status,
            error_code=_error_code(error),
            error_message=(getattr(error, "message", None) or str(error))[:500] if error else "",
            idempotency_key=idempotency_key[:255],
            request_id=actor.request_id[:128],
        )
    except DatabaseError:
        logger.exception("could not write the audit entry for %s %s", action, record_id)
        return None
    if record_id:
        # Now, for readers in this transaction, and again once the entry is committed: a page
        # read in between would have cached the old history again.
        key = _history_key(record_id)
        shared_cache.delete(key)
        transaction.on_commit(lambda: shared_cache.delete(key))
    return entry


def _error_code(error: CRMError | None) -> str:
    if error is None:
        return ""
    code = getattr(error, "code", None) or getattr(error, "type", None)
    return str(code or type(error).__name__)[:100]


def _history_key(record_id: str) -> str:
    return f"audit:history:{cache_id(record_id)}"


def history(record_id: str) -> list[AuditEntry]:
    """Return the latest audit entries of one record (``HISTORY_LIMIT``), newest first."""
    key = _history_key(record_id)
    entries: list[AuditEntry] | None = shared_cache.get(key, kind="history", local=False)
    if entries is None:
        entries = list(AuditEntry.objects.filter(record_id=record_id)[:HISTORY_LIMIT])
        shared_cache.set(key, entries, HISTORY_CACHE_SECONDS, local=False)
    return entries


def prune(now: Any = None) -> int:
    """Delete entries older than AUDIT_RETENTION_DAYS; return how many were deleted."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.DASHBOARD.AUDIT_RETENTION_DAYS)
    deleted, _ = AuditEntry.objects.filter(at__lt=cutoff).delete()
    return deleted
