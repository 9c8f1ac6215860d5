"""Every write to the CRM goes through here: views never call the client's write methods.

Each function sends one write with the caller's Idempotency-Key, records the attempt in the
audit log (who, what, before and after, the CRM's answer — failures too), caches the record the
CRM returns (so the contact page shows the saved values at once) and returns it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from contacts_ui.crm.budget import Priority, using_priority
from contacts_ui.crm.errors import CRMError
from contacts_ui.crm.models import Record
from contacts_ui.services import audit
from contacts_ui.services.audit import Actor, Change
from contacts_ui.services.backend import get_crm
from contacts_ui.services.contacts import forget_lists, remember_contact

logger = logging.getLogger(__name__)


def _send(
    actor: Actor,
    action: str,
    record_id: str | None,
    change: Change,
    idempotency_key: str,
    write: Callable[[], Record],
) -> Record:
    """Send one write, audit the attempt whatever happens, and cache the record it returns."""
    try:
        # A save goes first: it may take the budget's last token and waits longest for one.
        with using_priority(Priority.WRITE):
            record = write()
    except CRMError as exc:
        audit.record(actor, action, record_id, change, idempotency_key=idempotency_key, error=exc)
        raise
    audit.record(actor, action, record.id, change, idempotency_key=idempotency_key)
    remember_contact(record)
    forget_lists()
    return record


def create_contact(
    actor: Actor,
    fields: Mapping[str, Any],
    relationships: Mapping[str, Any] | None,
    idempotency_key: str,
) -> Record:
    """Create a contact and return it as the CRM stored it."""
    change = Change.of_fields({}, fields)
    change.relationships = dict(relationships or {})
    record = _send(
        actor,
        "create",
        None,
        change,
        idempotency_key,
        lambda: get_crm().create_contact(
            fields=fields, relationships=relationships, idempotency_key=idempotency_key
        ),
    )
    # Keys only: values are personal data and stay out of the logs (the audit log has them).
    logger.info(
        "%s created contact %s (fields: %s)", actor.username, record.id, ", ".join(sorted(fields))
    )
    return record


def update_contact(
    actor: Actor,
    contact_id: str,
    fields: Mapping[str, Any] | None,
    relationships: Mapping[str, Any] | None,
    idempotency_key: str,
    *,
    before: Mapping[str, Any] | None = None,
) -> Record:
    """Send only the given fields / relationship operations and return the updated contact.

    ``before`` holds the values of the sent fields as last read from the CRM, for the audit log.
    """
    change = Change.of_fields(before or {}, fields or {})
    change.relationships = dict(relationships or {})
    record = _send(
        actor,
        "update",
        contact_id,
        change,
        idempotency_key,
        lambda: get_crm().update_contact(
            contact_id, fields=fields, relationships=relationships, idempotency_key=idempotency_key
        ),
    )
    logger.info(
        "%s updated contact %s (fields: %s)",
        actor.username,
        contact_id,
        ", ".join(sorted(fields or {})),
    )
    return record


def update_relationships(
    actor: Actor,
    contact_id: str,
    key: str,
    operation: Mapping[str, Any],
    idempotency_key: str,
) -> Record:
    """Send one operation (``{"add": [...]}``, ``remove`` or ``replace``) on one relationship.

    ``operation`` is sent exactly as given, under ``relationships.<key>``; the caller keeps it
    within the CRM's 25-ids-per-request limit. Returns the contact as the CRM now has it.
    """
    record = _send(
        actor,
        "relationship",
        contact_id,
        Change(relationships={key: dict(operation)}),
        idempotency_key,
        lambda: get_crm().update_contact(
            contact_id, relationships={key: dict(operation)}, idempotency_key=idempotency_key
        ),
    )
    logger.info(
        "%s changed relationship %s of contact %s (%s)",
        actor.username,
        key,
        contact_id,
        ", ".join(operation),
    )
    return record
