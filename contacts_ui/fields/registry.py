"""The value-type registry: one entry per Lightfield value type.

Modelled on Django admin's FORMFIELD_FOR_DBFIELD_DEFAULTS: one table maps a type to everything
the dashboard does with it. Unknown types fall back to plain, read-only text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from contacts_ui.crm.models import FieldDefinition, ValueType

EMPTY = "—"

DisplayFn = Callable[[Any, FieldDefinition | None], str]


@dataclass(frozen=True)
class ValueTypeEntry:
    value_type: ValueType
    display: DisplayFn
    # Types the dashboard can show but never writes back (CRM-generated content).
    read_only: bool = False


def _is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _join(values: Any) -> str:
    if isinstance(values, list | tuple):
        return ", ".join(str(item) for item in values if not _is_empty(item))
    return str(values)


def _text(value: Any, _definition: FieldDefinition | None) -> str:
    return _join(value)


def _number(value: Any, _definition: FieldDefinition | None) -> str:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if number == number.to_integral_value():
        return f"{number:,.0f}"
    return f"{number:,.2f}"


def _currency(value: Any, definition: FieldDefinition | None) -> str:
    amount = _number(value, definition)
    code = definition.type_configuration.currency if definition else None
    return f"{amount} {code}" if code else amount


def _checkbox(value: Any, _definition: FieldDefinition | None) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def _datetime(value: Any, _definition: FieldDefinition | None) -> str:
    if not isinstance(value, str):
        return str(value)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if moment.tzinfo is None:
        return moment.strftime("%Y-%m-%d %H:%M")
    return moment.strftime("%Y-%m-%d %H:%M %Z").replace("UTC+00:00", "UTC")


def _full_name(value: Any, _definition: FieldDefinition | None) -> str:
    if isinstance(value, Mapping):
        parts = [value.get("firstName"), value.get("lastName")]
        return " ".join(str(part) for part in parts if part)
    return str(value)


_ADDRESS_PARTS = ("street", "street2", "city", "state", "postalCode", "country")


def _address(value: Any, _definition: FieldDefinition | None) -> str:
    if isinstance(value, Mapping):
        return ", ".join(str(value[part]) for part in _ADDRESS_PARTS if value.get(part))
    return str(value)


def _option_label(option_id: Any, definition: FieldDefinition | None) -> str:
    if definition is not None:
        for option in definition.type_configuration.options:
            if option.id == option_id:
                return option.label
    return str(option_id)


def _single_select(value: Any, definition: FieldDefinition | None) -> str:
    return _option_label(value, definition)


def _multi_select(value: Any, definition: FieldDefinition | None) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_option_label(item, definition) for item in value)
    return _option_label(value, definition)


REGISTRY: dict[ValueType, ValueTypeEntry] = {
    entry.value_type: entry
    for entry in (
        ValueTypeEntry(ValueType.TEXT, _text),
        ValueTypeEntry(ValueType.NUMBER, _number),
        ValueTypeEntry(ValueType.CURRENCY, _currency),
        ValueTypeEntry(ValueType.CHECKBOX, _checkbox),
        ValueTypeEntry(ValueType.DATETIME, _datetime),
        ValueTypeEntry(ValueType.EMAIL, _text),
        ValueTypeEntry(ValueType.TELEPHONE, _text),
        ValueTypeEntry(ValueType.URL, _text),
        ValueTypeEntry(ValueType.ADDRESS, _address),
        ValueTypeEntry(ValueType.FULL_NAME, _full_name),
        ValueTypeEntry(ValueType.SOCIAL_HANDLE, _text),
        ValueTypeEntry(ValueType.SINGLE_SELECT, _single_select),
        ValueTypeEntry(ValueType.MULTI_SELECT, _multi_select),
        ValueTypeEntry(ValueType.MARKDOWN, _text, read_only=True),
        ValueTypeEntry(ValueType.HTML, _text, read_only=True),
    )
}

_FALLBACK = ValueTypeEntry(ValueType.TEXT, _text, read_only=True)


def entry_for(value_type: str) -> ValueTypeEntry:
    """Return the registry entry of a value type, or read-only text for an unknown one."""
    try:
        return REGISTRY[ValueType(value_type)]
    except ValueError:
        return _FALLBACK


def display_text(value_type: str, value: Any, definition: FieldDefinition | None = None) -> str:
    """Render any field value as one line of plain text, with one marker for empty."""
    if _is_empty(value):
        return EMPTY
    try:
        text = entry_for(value_type).display(value, definition)
    except Exception:  # noqa: BLE001 — odd CRM payloads degrade to text, never a 500.
        text = str(value)
    return text or EMPTY
