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
from contacts_ui.fields import convert, display
from contacts_ui.fields import factories as formfields
from contacts_ui.fields.convert import Converter, FromApi, ToApi
from contacts_ui.fields.display import (
    DEFAULT_CONTEXT,
    EMPTY,
    FALLBACK,
    DisplayContext,
    Renderer,
    is_empty,
)
from contacts_ui.fields.factories import FormFieldFactory


@dataclass(frozen=True)
class ValueTypeEntry:
    """Say everything the dashboard does with one value type: show it, edit it, send it."""

    value_type: ValueType | None
    renderer: Renderer
    # Types the dashboard shows but never writes back (CRM-generated content, unknown types).
    read_only: bool = False
    # The form side: a field factory (definition, viewer context; it picks the widget) and
    # the two converters between the CRM's values and the form's.
    form_field: FormFieldFactory | None = None
    to_api: ToApi | None = None
    from_api: FromApi | None = None

    @property
    def writable(self) -> bool:
        """Tell whether the form may offer an input for this type and send its value."""
        return not self.read_only and None not in (self.form_field, self.to_api, self.from_api)


def _entry(
    value_type: ValueType,
    renderer: Renderer,
    form_field: FormFieldFactory | None = None,
    converter: Converter | None = None,
    *,
    read_only: bool = False,
    from_api: FromApi | None = None,
) -> ValueTypeEntry:
    return ValueTypeEntry(
        value_type,
        renderer,
        read_only=read_only,
        form_field=form_field,
        to_api=converter.to_api if converter else None,
        from_api=converter.from_api if converter else from_api,
    )


_T = ValueType
# THE table: one row per value type of the CRM's contract (a test fails when the contract's enum
# has a member missing here). MARKDOWN is read-only in the contract ("do not send"); HTML (email
# bodies) has no writer at all.
REGISTRY: dict[ValueType, ValueTypeEntry] = {
    _T.TEXT: _entry(_T.TEXT, display.TEXT, formfields.text_field, convert.STRING),
    _T.NUMBER: _entry(_T.NUMBER, display.NUMBER, formfields.number_field, convert.NUMBER),
    _T.CURRENCY: _entry(_T.CURRENCY, display.CURRENCY, formfields.currency_field, convert.NUMBER),
    _T.CHECKBOX: _entry(_T.CHECKBOX, display.CHECKBOX, formfields.checkbox_field, convert.CHECKBOX),
    _T.DATETIME: _entry(_T.DATETIME, display.DATETIME, formfields.datetime_field, convert.DATETIME),
    _T.EMAIL: _entry(_T.EMAIL, display.EMAIL, formfields.email_field, convert.STRINGS),
    _T.TELEPHONE: _entry(
        _T.TELEPHONE, display.TELEPHONE, formfields.telephone_field, convert.STRINGS
    ),
    _T.URL: _entry(_T.URL, display.URL, formfields.url_field, convert.STRINGS),
    _T.ADDRESS: _entry(_T.ADDRESS, display.ADDRESS, formfields.address_field, convert.ADDRESS),
    _T.FULL_NAME: _entry(
        _T.FULL_NAME, display.FULL_NAME, formfields.full_name_field, convert.FULL_NAME
    ),
    _T.SOCIAL_HANDLE: _entry(
        _T.SOCIAL_HANDLE, display.SOCIAL_HANDLE, formfields.social_handle_field, convert.STRING
    ),
    _T.SINGLE_SELECT: _entry(
        _T.SINGLE_SELECT, display.SELECT, formfields.single_select_field, convert.STRING
    ),
    _T.MULTI_SELECT: _entry(
        _T.MULTI_SELECT, display.SELECT, formfields.multi_select_field, convert.MULTI_SELECT
    ),
    _T.MARKDOWN: _entry(
        _T.MARKDOWN, display.MARKDOWN, formfields.markdown_field, convert.STRING, read_only=True
    ),
    _T.HTML: _entry(_T.HTML, display.HTML, read_only=True, from_api=convert.READ_AS_IS),
}
READ_ONLY_TYPES = frozenset(t for t, entry in REGISTRY.items() if entry.read_only)
# Fields shown their own way, by key, when they hold the value type they are known by: the
# contact's photo is a URL that becomes a picture. Everything else about them (form field,
# converters) is their value type's. Nothing else is special-cased by key.
BY_FIELD_KEY: dict[str, tuple[ValueType, Renderer]] = {
    display.PROFILE_PHOTO_KEY: (ValueType.URL, display.PHOTO),
}

_FALLBACK_ENTRY = ValueTypeEntry(None, FALLBACK, read_only=True)
# By the API's spelling, so a lookup per value needs no enum construction (lists render many).
_BY_NAME: dict[str, ValueTypeEntry] = {
    value_type.value: entry for value_type, entry in REGISTRY.items()
}
EMPTY_HTML = format_html('<span class="empty">{}</span>', EMPTY)


def entry_for(value_type: str) -> ValueTypeEntry:
    """Return the registry entry of a value type, or read-only text for an unknown one."""
    return _BY_NAME.get(value_type, _FALLBACK_ENTRY)


def display_text(value_type: str, value: Any, definition: FieldDefinition | None = None) -> str:
    """Render any field value as one line of plain text, with one marker for empty."""
    if is_empty(value):
        return EMPTY
    try:
        text = entry_for(value_type).renderer.text(value, definition)
    except Exception:
        text = str(value)
    return text or EMPTY


def renderer_for(value_type: str, key: str | None = None) -> Renderer:
    """Return how field ``key`` of ``value_type`` is shown: by key if listed, else by type."""
    special = BY_FIELD_KEY.get(key) if key is not None else None
    if special is not None and special[0].value == value_type:
        return special[1]
    return entry_for(value_type).renderer


def display_html(
    value_type: str,
    value: Any,
    definition: FieldDefinition | None = None,
    context: DisplayContext = DEFAULT_CONTEXT,
    *,
    key: str | None = None,
) -> SafeString:
    """Render any field value as safe HTML, with one marker for empty.

    With the field's ``key``, a field the registry shows by key (the contact's photo) is.
    """
    if is_empty(value):
        return EMPTY_HTML
    try:
        return renderer_for(value_type, key).html(value, definition, context)
    except Exception:
        return format_html("{}", value)
