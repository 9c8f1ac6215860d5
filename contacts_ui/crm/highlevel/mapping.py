"""Translate HighLevel contacts to neutral ``Record``s and our field values back to HighLevel.

Reads come in two shapes (HIGHLEVEL.md §3, §4): the full record (GET, PUT, create, duplicate
lookup) and the slimmer search item (``address`` instead of ``address1``, ``dateOfBirth`` in
epoch milliseconds, ``null`` for absent values). Both become the same ``Record``.

Writes go through an allow-list: only ``UpdateContactDto`` properties are ever built, because
HighLevel answers 422 to anything else, and ``locationId`` is added by the caller only on create.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from typing import Any, Final

from contacts_ui.crm.errors import UnprocessableEntityError
from contacts_ui.crm.highlevel import definitions as d
from contacts_ui.crm.highlevel.definitions import CustomField
from contacts_ui.crm.models import UNKNOWN_VALUE_TYPE, Record, ValueType

__all__ = [
    "contact_body",
    "name_of_tag",
    "record_from_contact",
    "record_from_tag",
    "record_from_user",
    "tag_id",
]

# A date-only value is shown as noon UTC, so it reads as the same day in every zone within
# ±12 h; writes take the date the person typed, whatever the zone.
_DATE_ONLY_TIME: Final = time(12, 0, tzinfo=UTC)
_TAG_PREFIX: Final = "tag_"
_ADDRESS_PARTS: Final = ("city", "state", "postalCode", "country")
_PLAIN_STRINGS: Final[Mapping[str, str]] = {
    d.EMAIL: "email",
    d.PHONE: "phone",
    d.WEBSITE: "website",
    d.TIMEZONE: "timezone",
    d.SOURCE: "source",
    d.COMPANY_NAME: "companyName",
}


# -- tags ----------------------------------------------------------------------------------------


def tag_id(name: str) -> str:
    """Return the id a tag goes by in the dashboard: its name, reversibly made id-safe.

    HighLevel links contacts to tags by name (``"hot lead"``); the dashboard's pickers and forms
    take ids of letters, digits, ``-`` and ``_``. Base64url of the name is both, and any process
    can turn it back without asking HighLevel.
    """
    encoded = base64.urlsafe_b64encode(name.encode("utf-8")).decode("ascii").rstrip("=")
    return f"{_TAG_PREFIX}{encoded}"


def name_of_tag(id: str) -> str:
    """Return the tag name behind a ``tag_id`` (raise ValueError for anything else)."""
    if not id.startswith(_TAG_PREFIX):
        raise ValueError(f"{id!r} is not a tag id.")
    encoded = id[len(_TAG_PREFIX) :]
    try:
        name = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValueError(f"{id!r} is not a tag id.") from None
    if not name or tag_id(name) != id:
        raise ValueError(f"{id!r} is not a tag id.")
    return name


def record_from_tag(name: str) -> Record:
    """Return a location tag as a Record named by ``$name``."""
    return Record.model_validate(
        {"id": tag_id(name), "fields": {d.NAME: {"valueType": "TEXT", "value": name}}}
    )


# -- reading -------------------------------------------------------------------------------------


def _text(value: object) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    return None


def _strings(value: object) -> list[str]:
    """Read a list of strings, or of ``{email|phone|value: …}`` objects (live shape UNCONFIRMED)."""
    if not isinstance(value, list):
        return []
    found = []
    for item in value:
        if isinstance(item, Mapping):
            item = item.get("email") or item.get("phone") or item.get("value")
        text = _text(item)
        if text:
            found.append(text)
    return found


def date_only(value: object) -> str | None:
    """Return a date as an ISO timestamp at noon UTC (from ``YYYY-MM-DD``, ISO or epoch ms)."""
    day: date | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        day = datetime.fromtimestamp(value / 1000, tz=UTC).date()
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        if text.isdigit():
            day = datetime.fromtimestamp(int(text) / 1000, tz=UTC).date()
        else:
            try:
                day = datetime.fromisoformat(text.replace("Z", "+00:00")).date()
            except ValueError:
                try:
                    day = date.fromisoformat(text[:10].replace("/", "-"))
                except ValueError:
                    return None
    return datetime.combine(day, _DATE_ONLY_TIME).isoformat() if day else None


def _address(contact: Mapping[str, Any]) -> dict[str, Any] | None:
    # Search items call the street `address`, everything else `address1` (HIGHLEVEL.md §3).
    street = contact.get("address1", contact.get("address"))
    parts = {"street": _text(street), **{k: _text(contact.get(k)) for k in _ADDRESS_PARTS}}
    return parts if any(parts.values()) else None


def _name(contact: Mapping[str, Any]) -> dict[str, Any] | None:
    first, last = _text(contact.get("firstName")), _text(contact.get("lastName"))
    if first is None and last is None:
        # Only a full name (search's contactName, or name): keep it whole as the first name.
        first = _text(contact.get("name")) or _text(contact.get("contactName"))
    return {"firstName": first, "lastName": last} if first or last else None


def _field(value_type: str, value: Any) -> dict[str, Any]:
    return {"valueType": value_type, "value": value}


def _custom_value(spec: CustomField, value: Any) -> Any:
    """Normalise one custom field value by its dataType (string-only reads included)."""
    if value is None or value == "" or value == []:
        return None
    data_type = spec.data_type
    if isinstance(value, str) and value[:1] in "[{":
        # The spec types every value as a string; arrays and objects then arrive as JSON text.
        with contextlib.suppress(ValueError):
            value = json.loads(value)
    if data_type == "DATE":
        return date_only(value)
    if data_type == "FILE_UPLOAD":
        files = value.values() if isinstance(value, Mapping) else value
        files = files if isinstance(files, list | type({}.values())) else []
        return [f["url"] for f in files if isinstance(f, Mapping) and isinstance(f.get("url"), str)]
    if data_type == "TEXTBOX_LIST":
        if isinstance(value, Mapping):
            return "; ".join(f"{k}: {v}" for k, v in value.items() if v not in (None, ""))
        return _text(value)
    if spec.value_type == ValueType.MULTI_SELECT:
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]
    if spec.value_type in (ValueType.NUMBER, ValueType.CURRENCY):
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        try:
            number = float(str(value))
        except ValueError:
            return None
        return int(number) if number.is_integer() else number
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return value if isinstance(value, str) else str(value)


def record_from_contact(
    contact: Mapping[str, Any], custom_fields: Mapping[str, CustomField]
) -> Record:
    """Return a HighLevel contact (full record or search item) as a neutral Record."""
    fields: dict[str, Any] = {
        d.NAME: _field(ValueType.FULL_NAME, _name(contact)),
        d.EMAIL: _field(ValueType.EMAIL, _text(contact.get("email"))),
        d.ADDITIONAL_EMAILS: _field(ValueType.EMAIL, _strings(contact.get("additionalEmails"))),
        d.PHONE: _field(ValueType.TELEPHONE, _text(contact.get("phone"))),
        d.COMPANY_NAME: _field(
            ValueType.TEXT, _text(contact.get("companyName")) or _text(contact.get("businessName"))
        ),
        d.ADDRESS: _field(ValueType.ADDRESS, _address(contact)),
        d.WEBSITE: _field(ValueType.URL, _text(contact.get("website"))),
        d.TIMEZONE: _field(ValueType.SINGLE_SELECT, _text(contact.get("timezone"))),
        d.DND: _field(ValueType.CHECKBOX, contact.get("dnd") is True),
        d.DATE_OF_BIRTH: _field(ValueType.DATETIME, date_only(contact.get("dateOfBirth"))),
        d.SOURCE: _field(ValueType.TEXT, _text(contact.get("source"))),
        d.TYPE: _field(ValueType.TEXT, _text(contact.get("type"))),
        d.DATE_ADDED: _field(ValueType.DATETIME, _text(contact.get("dateAdded"))),
    }
    items = contact.get("customFields")
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
            continue
        raw = item.get("value", item.get("field_value", item.get("fieldValue")))
        spec = custom_fields.get(item["id"])
        if spec is None:
            # A field created since the definitions were read: shown as read-only text.
            fields[item["id"]] = _field(UNKNOWN_VALUE_TYPE, raw)
        else:
            fields[spec.id] = _field(spec.value_type, _custom_value(spec, raw))
    owner = _text(contact.get("assignedTo"))
    tags = [tag_id(name) for name in _strings(contact.get("tags"))]
    relationships = {
        d.OWNER: {
            "cardinality": "has_one",
            "objectType": "member",
            "values": [owner] if owner else [],
        },
        d.FOLLOWERS: {
            "cardinality": "has_many",
            "objectType": "member",
            "values": _strings(contact.get("followers")),
        },
        d.TAGS: {"cardinality": "has_many", "objectType": "tag", "values": tags},
    }
    updated = _text(contact.get("dateUpdated"))
    return Record.model_validate(
        {
            "id": str(contact.get("id") or ""),
            "createdAt": _text(contact.get("dateAdded")),
            "updatedAt": updated,
            "updatedAtRaw": updated,
            "fields": fields,
            "relationships": relationships,
        }
    )


def record_from_user(user: Mapping[str, Any]) -> Record:
    """Return a location user as a member Record with ``$name`` and ``$email``."""
    name = _name(user)
    email = _text(user.get("email"))
    return Record.model_validate(
        {
            "id": str(user.get("id") or ""),
            "fields": {
                d.NAME: _field(ValueType.FULL_NAME, name),
                d.EMAIL: _field(ValueType.EMAIL, [email] if email else []),
            },
        }
    )


# -- writing -------------------------------------------------------------------------------------


def _refuse(key: str, message: str) -> UnprocessableEntityError:
    # Refused here, before sending: the form shows it on the field like a CRM complaint.
    return UnprocessableEntityError(
        message, status_code=422, code="unknown_field", param=f"fields.{key}"
    )


def _day(value: Any) -> str | None:
    """Return ``YYYY-MM-DD`` for a date, an ISO timestamp (its own local date) or None."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        return date.fromisoformat(text[:10]).isoformat()


def _single(value: Any) -> Any:
    # Single-value fields may still arrive as one-item lists from multi-value widgets.
    if isinstance(value, list | tuple):
        return value[0] if value else None
    return value


def _custom_write(spec: CustomField, value: Any) -> Any:
    if value is None or value == [] or value == "":
        return None  # clearing: null vs "" is UNCONFIRMED (HIGHLEVEL.md §6); null is typed
    if spec.data_type == "DATE":
        return _day(value)
    if spec.value_type == ValueType.MULTI_SELECT:
        return [str(v) for v in (value if isinstance(value, list | tuple) else [value])]
    return _single(value)


def contact_body(
    fields: Mapping[str, Any],
    custom_fields: Mapping[str, CustomField],
    *,
    value_key: str,
    company_name_writable: bool,
) -> tuple[dict[str, Any], list[str]]:
    """Return the HighLevel body for our field values, and the custom field ids in send order.

    Raises ``UnprocessableEntityError`` (``param`` = the field) for read-only or unknown keys.
    """
    body: dict[str, Any] = {}
    custom: list[dict[str, Any]] = []
    for key, value in fields.items():
        if key == d.NAME:
            name = value if isinstance(value, Mapping) else {}
            body["firstName"] = _text(name.get("firstName"))
            body["lastName"] = _text(name.get("lastName"))
        elif key == d.ADDRESS:
            address = value if isinstance(value, Mapping) else {}
            street = ", ".join(
                p for p in (_text(address.get("street")), _text(address.get("street2"))) if p
            )
            # postalCode and country are not nullable in the DTOs: "" clears them all alike.
            body["address1"] = street
            body.update({part: _text(address.get(part)) or "" for part in _ADDRESS_PARTS})
        elif key == d.COMPANY_NAME and not company_name_writable:
            raise _refuse(key, "HighLevel's API does not document changing the company name.")
        elif key in _PLAIN_STRINGS:
            body[_PLAIN_STRINGS[key]] = _text(_single(value))
        elif key == d.DND:
            body["dnd"] = bool(value)
        elif key == d.DATE_OF_BIRTH:
            body["dateOfBirth"] = _day(value)
        elif key in custom_fields and not custom_fields[key].read_only:
            spec = custom_fields[key]
            custom.append({"id": spec.id, value_key: _custom_write(spec, value)})
        else:
            raise _refuse(key, f"HighLevel cannot change the field {key!r}.")
    if custom:
        body["customFields"] = custom
    return body, [str(item["id"]) for item in custom]
