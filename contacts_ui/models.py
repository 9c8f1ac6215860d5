"""What the dashboard itself stores: per-user preferences (the CRM owns the contacts)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any, Self

from django.conf import settings
from django.db import models

from contacts_ui.crm.safety import scrub


class ListPreference(models.Model):
    """Remember which list columns a person chose, in which order, across sessions."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="list_preference"
    )
    columns = models.JSONField(default=list)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"list columns of {self.user}"


class AuditEntry(models.Model):
    """One write attempt through the dashboard: who, when, what, and what the CRM answered.

    Everyone shares one CRM API key, so this is the only record of which person made a change.
    """

    class Action(models.TextChoices):
        CREATE = "create", "Create"
        UPDATE = "update", "Update"
        RELATIONSHIP = "relationship", "Relationship"

    class Result(models.TextChoices):
        OK = "ok", "Saved"
        FAILED = "failed", "Failed"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too, so the trail survives the user record and reads without joins.
    username = models.CharField(max_length=254, db_index=True)
    groups = models.JSONField(default=list)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=40, default="contact")
    record_id = models.CharField(max_length=100, blank=True, db_index=True)
    # {"field key": {"before": …, "after": …}} for field writes.
    changes = models.JSONField(default=dict, blank=True)
    # {"relationship key": {"add"|"remove"|"replace": [ids]}} as sent to the CRM.
    relationships = models.JSONField(default=dict, blank=True)
    result = models.CharField(max_length=10, choices=Result.choices)
    crm_status = models.PositiveSmallIntegerField(null=True, blank=True)
    error_code = models.CharField(max_length=100, blank=True)
    error_message = models.CharField(max_length=500, blank=True)
    idempotency_key = models.CharField(max_length=255, blank=True)
    request_id = models.CharField(max_length=128, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["record_id", "-at"])]

    def __str__(self) -> str:
        return f"{self.username} {self.action} {self.record_id} {self.result}"

    @classmethod
    def from_db(
        cls,
        db: str | None,
        field_names: Collection[str],
        values: Collection[Any],
        **kwargs: Any,
    ) -> Self:
        """Load an entry with lone surrogates replaced: rows written before the CRM boundary
        cleaned them would otherwise fail every page (and CSV) that shows them."""
        entry = super().from_db(db, field_names, values, **kwargs)
        for name in ("username", "record_id", "changes", "relationships", "error_message"):
            if name in entry.__dict__:
                entry.__dict__[name] = scrub(entry.__dict__[name])
        return entry
