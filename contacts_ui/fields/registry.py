"""The value-type registry: one entry per Lightfield value type.

Modelled on Django admin's FORMFIELD_FOR_DBFIELD_DEFAULTS: one table maps a type to everything
the dashboard does with it. Unknown types fall back to plain, read-only text, never sent back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.html import format_html
from django.utils.safestring import SafeString

from contacts_ui.crm.models import FieldDefinition, ValueType
from contacts_ui.fields.convert import CONVERTERS, FROM_API_ONLY, FromApi, ToApi
from contacts_ui.fields.display import (
    DEFAULT_CONTEXT,
    EMPTY,
    FALLBACK,
    RENDERERS,
    DisplayContext,
    Renderer,
    is_empty,
)
from contacts_ui.fields.formfields import FORM_FIELDS, FormFieldFactory


@dataclass(frozen=True)
class ValueTypeEntry:
    value_type: ValueType | None
    renderer: Renderer
    # Types the dashboard shows but never writes back (CRM-generated content, unknown types).
    read_only: bool = False
    # The form side: a field factory (definition, viewer context) and the two converters.
    form_field: FormFieldFactory | None = None
    to_api: ToApi | None = None
    from_api: FromApi | None = None

    @property
    def writable(self) -> bool:
        """Tell whether the form may offer an input for this type and send its value."""
        return not self.read_only and None not in (self.form_field, self.to_api, self.from_api)


# CRM-generated content: the contract lists MARKDOWN as read-only ("do not send"), and HTML
# (email bodies) has no writer at all.
READ_ONLY_TYPES = frozenset({ValueType.MARKDOWN, ValueType.HTML})

REGISTRY: dict[ValueType, ValueTypeEntry] = {
    value_type: ValueTypeEntry(
        value_type,
        RENDERERS[value_type.value],
        read_only=value_type in READ_ONLY_TYPES,
        form_field=FORM_FIELDS.get(value_type),
        to_api=CONVERTERS[value_type].to_api if value_type in CONVERTERS else None,
        from_api=(
            CONVERTERS[value_type].from_api
            if value_type in CONVERTERS
            else FROM_API_ONLY.get(value_type)
        ),
    )
    for value_type in ValueType
}

_FALLBACK_ENTRY = ValueTypeEntry(None, FALLBACK, read_only=True)


def entry_for(value_type: str) -> ValueTypeEntry:
    """Return the registry entry of a value type, or read-only text for an unknown one."""
    try:
        return REGISTRY[ValueType(value_type)]
    except ValueError:
        return _FALLBACK_ENTRY


def display_text(value_type: str, value: Any, definition: FieldDefinition | None = None) -> str:
    """Render any field value as one line of plain text, with one marker for empty."""
    if is_empty(value):
        return EMPTY
    try:
        text = entry_for(value_type).renderer.text(value, definition)
    except Exception:
        text = str(value)
    return text or EMPTY


def display_html(
    value_type: str,
    value: Any,
    definition: FieldDefinition | None = None,
    context: DisplayContext = DEFAULT_CONTEXT,
) -> SafeString:
    """Render any field value as safe HTML, with one marker for empty."""
    if is_empty(value):
        return format_html('<span class="empty">{}</span>', EMPTY)
    try:
        return entry_for(value_type).renderer.html(value, definition, context)
    except Exception:
        return format_html("{}", value)
