"""Converters between the CRM's values and the form's, one pair per value type.

``from_api`` turns a value as read (``record.fields[key].value``) into the Python value its form
field shows; it raises ``ValueError`` for a payload it cannot represent, and the form then shows
that field read-only instead of risking a lossy write. ``to_api`` turns a cleaned form value into
the bare value a write sends; an empty value becomes ``None``, which clears the field.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from contacts_ui.crm.models import FieldDefinition
from contacts_ui.fields.compound import AddressField
from contacts_ui.fields.display import parse_datetime
from contacts_ui.fields.formfields import FormContext

ToApi = Callable[[Any, FieldDefinition | None], Any]
FromApi = Callable[[Any, FieldDefinition | None, FormContext], Any]


@dataclass(frozen=True)
class Converter:
    """Pair the two directions for one value type."""

    to_api: ToApi
    from_api: FromApi


def _multiple(definition: FieldDefinition | None) -> bool:
    return bool(definition and definition.type_configuration.multiple_values)


# --- from the API -------------------------------------------------------------------------------


def _string_from_api(value: Any, _definition: FieldDefinition | None, _ctx: FormContext) -> Any:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("expected a string")
    return value


def _number_from_api(value: Any, _definition: FieldDefinition | None, _ctx: FormContext) -> Any:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError("expected a number")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise ValueError("expected a number") from None
    if not number.is_finite():
        raise ValueError("expected a finite number")
    return number


def _checkbox_from_api(value: Any, _definition: FieldDefinition | None, _ctx: FormContext) -> Any:
    if value is None or isinstance(value, bool):
        return value
    raise ValueError("expected true or false")


def _datetime_from_api(value: Any, _definition: FieldDefinition | None, ctx: FormContext) -> Any:
    if value is None:
        return None
    moment = parse_datetime(value)
    if moment is None:
        raise ValueError("expected an ISO-8601 date-time")
    return moment.astimezone(ctx.tz)


def _strings_from_api(value: Any, definition: FieldDefinition | None, _ctx: FormContext) -> Any:
    """Read EMAIL/TELEPHONE/URL as a list or one string, per ``multipleValues``."""
    if value is None:
        return [] if _multiple(definition) else None
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise ValueError("expected a string or a list of strings")
    if _multiple(definition):
        return list(items)
    if len(items) > 1:
        raise ValueError("several values in a single-value field")
    return items[0] if items else None


def _full_name_from_api(value: Any, _definition: FieldDefinition | None, _ctx: FormContext) -> Any:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ValueError("expected {firstName, lastName}")
    name = {key: value.get(key) for key in ("firstName", "lastName")}
    if not all(part is None or isinstance(part, str) for part in name.values()):
        raise ValueError("expected text name parts")
    return name


def _address_from_api(value: Any, _definition: FieldDefinition | None, _ctx: FormContext) -> Any:
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise ValueError("expected an address object")
    address: dict[str, Any] = {}
    for key in AddressField.KEYS:
        part = value.get(key)
        if key in ("latitude", "longitude"):
            if part is not None and (isinstance(part, bool) or not isinstance(part, int | float)):
                raise ValueError(f"expected a number for {key}")
            address[key] = float(part) if part is not None else None
        else:
            if part is not None and not isinstance(part, str):
                raise ValueError(f"expected text for {key}")
            address[key] = part
    return address


def _multi_select_from_api(
    value: Any, _definition: FieldDefinition | None, _ctx: FormContext
) -> Any:
    if value is None:
        return []
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
        raise ValueError("expected a list of option ids")
    return list(items)


def _identity_from_api(value: Any, _definition: FieldDefinition | None, _ctx: FormContext) -> Any:
    return value


# --- to the API ---------------------------------------------------------------------------------


def _string_to_api(value: Any, _definition: FieldDefinition | None) -> Any:
    return value or None


def _number_to_api(value: Any, _definition: FieldDefinition | None) -> Any:
    if value is None:
        return None
    number = Decimal(value)
    # JSON has one number type; an integral amount goes as an integer, the rest as a float
    # (at most two decimals, so the float's shortest form is exactly what was typed).
    return int(number) if number == number.to_integral_value() else float(number)


def _checkbox_to_api(value: Any, _definition: FieldDefinition | None) -> Any:
    return bool(value)


def _datetime_to_api(value: Any, _definition: FieldDefinition | None) -> Any:
    if not isinstance(value, datetime):
        return None
    offset = value.utcoffset()
    if offset is None or offset.seconds % 60:
        # Historical local mean times have offsets in seconds, which ISO 8601 cannot write.
        value = value.astimezone(UTC)
    # ISO 8601 with the viewer's offset, e.g. 2026-03-16T14:30:00+01:00.
    return value.isoformat()


def _strings_to_api(value: Any, definition: FieldDefinition | None) -> Any:
    if _multiple(definition):
        items = [value] if isinstance(value, str) else list(value or ())
        return items or None
    return value or None


def _object_to_api(value: Any, _definition: FieldDefinition | None) -> Any:
    # Whole objects: the CRM's merge of partial ADDRESS/FULL_NAME objects is unconfirmed.
    return dict(value) if value else None


def _list_to_api(value: Any, _definition: FieldDefinition | None) -> Any:
    return list(value) if value else None


# One converter per shape of value; the registry (fields/registry.py) says which type uses which.
STRING = Converter(_string_to_api, _string_from_api)
NUMBER = Converter(_number_to_api, _number_from_api)
CHECKBOX = Converter(_checkbox_to_api, _checkbox_from_api)
DATETIME = Converter(_datetime_to_api, _datetime_from_api)
STRINGS = Converter(_strings_to_api, _strings_from_api)
ADDRESS = Converter(_object_to_api, _address_from_api)
FULL_NAME = Converter(_object_to_api, _full_name_from_api)
MULTI_SELECT = Converter(_list_to_api, _multi_select_from_api)
# Shown as stored and never written back (read-only types): a reader with no writer.
READ_AS_IS: FromApi = _identity_from_api
