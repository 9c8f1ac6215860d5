"""Columns of the contacts list: what can be shown, the defaults, and each person's choice."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User

from contacts_ui.crm.models import Definitions
from contacts_ui.models import ListPreference
from contacts_ui.services import shared_cache

NAME_COLUMN = "$name"
# Relationship and record-metadata columns get a prefix so they can never clash with a field key.
REL_PREFIX = "rel:"
META_PREFIX = "meta:"
META_COLUMNS = {f"{META_PREFIX}updatedAt": "Updated", f"{META_PREFIX}createdAt": "Created"}
DEFAULT_COLUMNS = (
    "$email",
    "$phone",
    "$title",
    f"{REL_PREFIX}$account",
    f"{REL_PREFIX}$owner",
    f"{META_PREFIX}updatedAt",
)
MAX_COLUMNS = 12
# A person's choice is read on every list view: it is kept in the shared cache (never only in
# one process: a choice saved through one worker must show on the next page, whichever worker
# serves it), written through on every save.
CHOICE_CACHE_SECONDS = 3600


@dataclass(frozen=True)
class Column:
    """One column the list can show."""

    key: str
    label: str
    kind: str  # "field" | "relationship" | "meta"

    @property
    def source_key(self) -> str:
        """Return the field/relationship key (or record attribute) behind the column."""
        return self.key.split(":", 1)[1] if self.kind != "field" else self.key


def available_columns(definitions: Definitions) -> list[Column]:
    """List every column the definitions allow, the name column excepted (always shown)."""
    columns = [
        Column(key, definition.label, "field")
        for key, definition in definitions.field_definitions.items()
        if key != NAME_COLUMN
    ]
    columns += [
        Column(f"{REL_PREFIX}{key}", relationship.label, "relationship")
        for key, relationship in definitions.relationship_definitions.items()
    ]
    columns += [Column(key, label, "meta") for key, label in META_COLUMNS.items()]
    return columns


def _pick(keys: Sequence[str], definitions: Definitions) -> list[Column]:
    by_key = {column.key: column for column in available_columns(definitions)}
    picked: list[Column] = []
    for key in keys:
        if key in by_key and by_key[key] not in picked:
            picked.append(by_key[key])
    return picked[:MAX_COLUMNS]


def _choice_key(user: User) -> str:
    return f"prefs:columns:{user.pk}"


def chosen_keys(user: object) -> list[str] | None:
    """Return the column keys a person saved, or None if they never chose."""
    if not isinstance(user, User) or not user.is_authenticated:
        return None
    cached: tuple[str, ...] | None = shared_cache.get(_choice_key(user), kind="prefs", local=False)
    if cached is None:
        # One column of one row by its unique key: no ordering, no model instance to build.
        saved = ListPreference.objects.filter(user_id=user.pk).values_list("columns", flat=True)
        cached = next((tuple(str(k) for k in columns) for columns in saved[:1]), ())
        shared_cache.set(_choice_key(user), cached, CHOICE_CACHE_SECONDS, local=False)
    # An empty choice is "never chose" (saving one keeps at least the valid columns).
    return list(cached) or None


def columns_for(user: object, definitions: Definitions) -> list[Column]:
    """Return the columns to show this person: their saved choice, or the defaults."""
    keys = chosen_keys(user)
    # A saved choice whose fields all vanished from the CRM falls back to the defaults.
    return _pick(keys, definitions) if keys else _pick(DEFAULT_COLUMNS, definitions)


def save_columns(user: object, keys: Sequence[str], definitions: Definitions) -> list[Column]:
    """Keep the valid columns of ``keys`` in order and remember them for this person."""
    columns = _pick(keys, definitions)
    if not isinstance(user, User):  # nobody signed in: nothing to remember it for
        return columns
    keys = [column.key for column in columns]
    ListPreference.objects.update_or_create(user=user, defaults={"columns": keys})
    shared_cache.set(_choice_key(user), tuple(keys), CHOICE_CACHE_SECONDS, local=False)
    return columns


def reset_columns(user: object) -> None:
    """Forget a person's column choice, so the defaults apply again."""
    if not isinstance(user, User):
        return
    ListPreference.objects.filter(user=user).delete()
    shared_cache.set(_choice_key(user), (), CHOICE_CACHE_SECONDS, local=False)
