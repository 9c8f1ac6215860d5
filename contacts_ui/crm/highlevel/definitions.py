"""The contact schema of a HighLevel location, in the neutral ``Definitions`` shape.

Two sources (HIGHLEVEL.md §3, §6): the fixed contact properties, which get Lightfield-style
``$`` keys so the UI treats them like any CRM's system fields, and the location's custom fields
(``GET /locations/{id}/customFields?model=contact``), keyed by their HighLevel id.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, Final

from contacts_ui.crm.models import (
    UNKNOWN_VALUE_TYPE,
    Definitions,
    FieldDefinition,
    RelationshipDefinition,
    SelectOption,
    TypeConfiguration,
    ValueType,
)

__all__ = [
    "CUSTOM_VALUE_TYPES",
    "CustomField",
    "build_definitions",
    "custom_fields_from",
    "system_field_definitions",
    "with_unique_keys",
]

NAME, EMAIL, ADDITIONAL_EMAILS, PHONE, ADDRESS = (
    "$name",
    "$email",
    "$additionalEmails",
    "$phone",
    "$address",
)
WEBSITE, TIMEZONE, DND, DATE_OF_BIRTH = "$website", "$timezone", "$dnd", "$dateOfBirth"
SOURCE, COMPANY_NAME, TYPE, DATE_ADDED = "$source", "$companyName", "$type", "$dateAdded"
OWNER, FOLLOWERS, TAGS = "$owner", "$followers", "$tags"

# HIGHLEVEL.md §6 dataType → our value type. CHECKBOX fields in HighLevel are a set of
# tick-boxes, one per option (values are string arrays), so they are MULTI_SELECT here.
CUSTOM_VALUE_TYPES: Final[Mapping[str, ValueType]] = {
    "TEXT": ValueType.TEXT,
    "LARGE_TEXT": ValueType.TEXT,
    "NUMERICAL": ValueType.NUMBER,
    "PHONE": ValueType.TELEPHONE,
    "MONETORY": ValueType.CURRENCY,  # sic: HighLevel's spelling
    "MONETARY": ValueType.CURRENCY,  # in case HighLevel ever fixes it
    "CHECKBOX": ValueType.MULTI_SELECT,
    "SINGLE_OPTIONS": ValueType.SINGLE_SELECT,
    "RADIO": ValueType.SINGLE_SELECT,
    "MULTIPLE_OPTIONS": ValueType.MULTI_SELECT,
    "DATE": ValueType.DATETIME,
    "EMAIL": ValueType.EMAIL,
    # Shown, never written: the TEXTBOX_LIST value shape is UNCONFIRMED and FILE_UPLOAD values
    # are uploads, which this dashboard does not make.
    "TEXTBOX_LIST": ValueType.TEXT,
    "FILE_UPLOAD": ValueType.URL,
}
READ_ONLY_DATA_TYPES: Final = frozenset({"TEXTBOX_LIST", "FILE_UPLOAD"})
_DESCRIPTIONS: Final[Mapping[str, str]] = {
    "LARGE_TEXT": "Multi-line text.",
    "TEXTBOX_LIST": "A list of labelled text boxes; edit it in HighLevel.",
    "FILE_UPLOAD": "Uploaded files; manage them in HighLevel.",
    "DATE": "A date (no time of day).",
}


@dataclass(frozen=True)
class CustomField:
    """Remember what the client needs to read and write one custom field's values."""

    id: str
    data_type: str
    value_type: str
    read_only: bool


@cache
def _timezone_options() -> tuple[SelectOption, ...]:
    # HighLevel takes any IANA name (HIGHLEVEL.md §3); the option id is the name itself.
    return tuple(
        SelectOption(id=zone, label=zone) for zone in sorted(zoneinfo.available_timezones())
    )


def _field(
    label: str,
    value_type: ValueType,
    *,
    read_only: bool = False,
    description: str | None = None,
    multiple: bool = False,
    options: Sequence[SelectOption] = (),
    currency: str | None = None,
) -> FieldDefinition:
    return FieldDefinition(
        label=label,
        value_type=value_type,
        read_only=read_only,
        description=description,
        system=True,
        type_configuration=TypeConfiguration(
            multiple_values=multiple, options=tuple(options), currency=currency
        ),
    )


def system_field_definitions(*, company_name_writable: bool = False) -> dict[str, FieldDefinition]:
    """Return the fixed contact properties as field definitions, in the order forms show them.

    HighLevel keeps one primary email (writable) and ``additionalEmails`` that no documented
    write accepts, so the latter is a separate read-only field. ``companyName`` is missing from
    ``UpdateContactDto`` and its PUT support is UNCONFIRMED: read-only unless told otherwise.
    """
    return {
        NAME: _field("Name", ValueType.FULL_NAME),
        EMAIL: _field("Email", ValueType.EMAIL),
        ADDITIONAL_EMAILS: _field(
            "Additional emails",
            ValueType.EMAIL,
            read_only=True,
            multiple=True,
            description="Kept by HighLevel; the API cannot change them.",
        ),
        PHONE: _field("Phone", ValueType.TELEPHONE),
        COMPANY_NAME: _field(
            "Company name",
            ValueType.TEXT,
            read_only=not company_name_writable,
            description=None if company_name_writable else "Change it in HighLevel.",
        ),
        ADDRESS: _field("Address", ValueType.ADDRESS),
        WEBSITE: _field("Website", ValueType.URL),
        TIMEZONE: _field("Time zone", ValueType.SINGLE_SELECT, options=_timezone_options()),
        DND: _field(
            "Do not contact", ValueType.CHECKBOX, description="HighLevel's do-not-disturb flag."
        ),
        DATE_OF_BIRTH: _field("Date of birth", ValueType.DATETIME, description="A date."),
        SOURCE: _field("Source", ValueType.TEXT),
        TYPE: _field("Type", ValueType.TEXT, read_only=True),
        DATE_ADDED: _field("Added", ValueType.DATETIME, read_only=True),
    }


def relationship_definitions() -> dict[str, RelationshipDefinition]:
    """Return the owner, followers and tags as relationships (slugs make them filterable)."""
    return {
        OWNER: RelationshipDefinition(
            label="Owner", cardinality="has_one", object_type="member", slug=OWNER
        ),
        FOLLOWERS: RelationshipDefinition(
            label="Followers", cardinality="has_many", object_type="member", slug=FOLLOWERS
        ),
        TAGS: RelationshipDefinition(
            label="Tags", cardinality="has_many", object_type="tag", slug=TAGS
        ),
    }


def custom_fields_from(payload: object) -> list[Mapping[str, Any]]:
    """Return the contact custom field definitions of a ``customFields`` response."""
    items = payload.get("customFields") if isinstance(payload, Mapping) else None
    if not isinstance(items, list):
        return []
    fields = [item for item in items if isinstance(item, Mapping) and item.get("id")]
    # ?model=contact should have filtered already; a location may still answer with "all".
    fields = [item for item in fields if item.get("model", "contact") == "contact"]
    return sorted(fields, key=lambda item: _position(item.get("position")))


def _position(raw: object) -> float:
    return float(raw) if isinstance(raw, int | float) and not isinstance(raw, bool) else 1e9


def _custom_definition(
    raw: Mapping[str, Any], currency: str
) -> tuple[FieldDefinition, CustomField]:
    data_type = str(raw.get("dataType") or "")
    value_type = CUSTOM_VALUE_TYPES.get(data_type)
    read_only = value_type is None or data_type in READ_ONLY_DATA_TYPES
    options: tuple[SelectOption, ...] = ()
    if value_type in (ValueType.SINGLE_SELECT, ValueType.MULTI_SELECT):
        # HighLevel stores (and expects) the option texts themselves: they are the option ids.
        picklist = raw.get("picklistOptions")
        texts = (
            [str(o) for o in picklist if isinstance(o, str | int | float)]
            if isinstance(picklist, list)
            else []
        )
        options = tuple(SelectOption(id=text, label=text) for text in dict.fromkeys(texts))
    placeholder = raw.get("placeholder")
    description = _DESCRIPTIONS.get(data_type) or (
        str(placeholder) if isinstance(placeholder, str) and placeholder else None
    )
    definition = FieldDefinition(
        id=str(raw["id"]),
        label=str(raw.get("name") or raw.get("fieldKey") or raw["id"]),
        description=description,
        value_type=value_type or UNKNOWN_VALUE_TYPE,
        read_only=read_only,
        slug=str(raw["fieldKey"]) if raw.get("fieldKey") else None,
        system=False,
        type_configuration=TypeConfiguration(
            options=options,
            currency=currency if value_type is ValueType.CURRENCY else None,
            multiple_values=data_type == "FILE_UPLOAD",
        ),
    )
    spec = CustomField(
        id=str(raw["id"]),
        data_type=data_type,
        value_type=definition.value_type,
        read_only=read_only,
    )
    return definition, spec


def build_definitions(
    custom_fields: Sequence[Mapping[str, Any]],
    *,
    currency: str,
    company_name_writable: bool = False,
) -> tuple[Definitions, dict[str, CustomField]]:
    """Return the contact definitions and, per custom field id, how its values are typed."""
    fields = system_field_definitions(company_name_writable=company_name_writable)
    specs: dict[str, CustomField] = {}
    for raw in custom_fields:
        definition, spec = _custom_definition(raw, currency)
        fields[spec.id] = definition
        specs[spec.id] = spec
    definitions = Definitions(
        object_type="contacts",
        field_definitions=fields,
        relationship_definitions=relationship_definitions(),
    )
    return definitions, specs


def with_unique_keys(definitions: Definitions) -> Definitions:
    """Return ``definitions`` with email and phone marked unique (duplicates are refused)."""
    fields = dict(definitions.field_definitions)
    for key in (EMAIL, PHONE):
        field = fields[key]
        configuration = field.type_configuration.model_copy(update={"unique": True})
        fields[key] = field.model_copy(update={"type_configuration": configuration})
    return definitions.model_copy(update={"field_definitions": fields})
