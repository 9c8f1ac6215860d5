"""Typed, frozen views of Lightfield payloads that tolerate keys and values they do not know."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Annotated, Any, Final, Literal, get_args

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)
from pydantic.alias_generators import to_camel

from contacts_ui.crm.safety import representable, safe_http_url

__all__ = [
    "AuthInfo",
    "Definitions",
    "FieldDefinition",
    "FieldValue",
    "Filter",
    "FilterOperator",
    "Page",
    "RateLimit",
    "Record",
    "Relationship",
    "RelationshipDefinition",
    "SelectOption",
    "TypeConfiguration",
    "ValueType",
]

UNKNOWN_VALUE_TYPE: Final = "UNKNOWN"


class ValueType(StrEnum):
    """Name the value types a Lightfield field can have (the spec's ``valueType`` enum)."""

    ADDRESS = "ADDRESS"
    CHECKBOX = "CHECKBOX"
    CURRENCY = "CURRENCY"
    DATETIME = "DATETIME"
    EMAIL = "EMAIL"
    FULL_NAME = "FULL_NAME"
    MARKDOWN = "MARKDOWN"
    MULTI_SELECT = "MULTI_SELECT"
    NUMBER = "NUMBER"
    SINGLE_SELECT = "SINGLE_SELECT"
    SOCIAL_HANDLE = "SOCIAL_HANDLE"
    TELEPHONE = "TELEPHONE"
    TEXT = "TEXT"
    URL = "URL"
    HTML = "HTML"


def _known_type(value_type: str) -> ValueType | None:
    try:
        return ValueType(value_type)
    except ValueError:
        return None


def _lenient_datetime(value: object) -> datetime | None:
    """Parse an ISO-8601 timestamp, returning None instead of failing the whole record."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            return None
    else:
        return None
    # Lightfield stores UTC; a timestamp without an offset is read as UTC so comparisons work.
    aware = parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    # A moment at the edge of the calendar cannot be shown in the viewer's zone: treat as unknown.
    return representable(aware)


def _lowercase(value: object) -> str:
    return value.lower() if isinstance(value, str) else ""


def _string_tuple(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, (list, tuple)):
        return tuple(str(item) for item in value if item is not None)
    return ()


def _mapping_or_empty(value: object) -> object:
    return value if isinstance(value, Mapping) else {}


def _none_as(default: object) -> BeforeValidator:
    """Build a validator that reads an explicit JSON null as ``default``."""
    return BeforeValidator(lambda value: default if value is None else value)


_AS_MAPPING = BeforeValidator(_mapping_or_empty)


# Unions tried in order: a value validates as the first (strict) type and falls back to the
# second (a tolerant Python conversion) only when that fails. A list page validates ~500 field
# entries; the well-formed ones (nearly all) then never leave pydantic-core.
_FIRST_THAT_FITS = Field(union_mode="left_to_right")

LenientDatetime = Annotated[datetime | None, BeforeValidator(_lenient_datetime)]
# Links from the CRM end up in href attributes: anything but absolute http(s) is dropped here.
HttpUrl = Annotated[str | None, BeforeValidator(safe_http_url)]
LowercaseStr = Annotated[
    Annotated[str, StringConstraints(to_lower=True)] | Annotated[str, BeforeValidator(_lowercase)],
    _FIRST_THAT_FITS,
]
StringTuple = Annotated[
    tuple[str, ...] | Annotated[tuple[str, ...], BeforeValidator(_string_tuple)],
    _FIRST_THAT_FITS,
]


class _Model(BaseModel):
    model_config = ConfigDict(
        frozen=True,
        extra="ignore",
        populate_by_name=True,
        alias_generator=to_camel,
    )


class FieldValue(_Model):
    """Hold one field of a record as read: its ``valueType`` and raw ``value``."""

    value_type: str = UNKNOWN_VALUE_TYPE
    value: Any = None

    @property
    def known_type(self) -> ValueType | None:
        """Return the value type as a ``ValueType``, or None when this client does not know it."""
        return _known_type(self.value_type)


def _odd_field_entry(data: object) -> object:
    """Keep what an odd field entry holds, with its type unknown.

    One malformed field must not make the whole record unreadable: the UI renders an unknown
    type read-only and never sends it back.
    """
    if not isinstance(data, Mapping):
        return {"valueType": UNKNOWN_VALUE_TYPE, "value": data}
    value_type = data.get("valueType", data.get("value_type"))
    return {
        "valueType": value_type if isinstance(value_type, str) else UNKNOWN_VALUE_TYPE,
        "value": data.get("value"),
    }


FieldEntry = Annotated[
    FieldValue | Annotated[FieldValue, BeforeValidator(_odd_field_entry)], _FIRST_THAT_FITS
]


class Relationship(_Model):
    """Hold the ids a record links to under one relationship key."""

    cardinality: LowercaseStr = ""
    object_type: str | None = None
    values: StringTuple = ()

    @property
    def is_many(self) -> bool:
        """Return whether the relationship holds several ids (``has_many``)."""
        return self.cardinality == "has_many"


def _bare_values(data: object) -> object:
    """Read a relationship given as bare ids (a list, or one id) as its values."""
    if isinstance(data, (Relationship, Mapping)):
        return data
    return {"values": data}


RelationshipEntry = Annotated[
    Relationship | Annotated[Relationship, BeforeValidator(_bare_values)], _FIRST_THAT_FITS
]


def _raw_timestamp(value: object) -> str | None:
    return (
        value.isoformat()
        if isinstance(value, datetime)
        else value
        if isinstance(value, str)
        else None
    )


class Record(_Model):
    """Hold one contact, account, opportunity or member as returned by the API."""

    id: str
    created_at: LenientDatetime = None
    updated_at: LenientDatetime = None
    # The edit form compares this verbatim to detect a concurrent update, so keep the exact
    # string the API sent rather than a re-serialised datetime.
    # An explicit updatedAtRaw (a record rebuilt from a dump) wins over updatedAt.
    updated_at_raw: Annotated[str | None, BeforeValidator(_raw_timestamp)] = Field(
        default=None,
        validation_alias=AliasChoices("updatedAtRaw", "updated_at_raw", "updatedAt", "updated_at"),
    )
    http_link: HttpUrl = None
    external_id: str | None = None
    fields: Annotated[
        dict[str, FieldEntry] | Annotated[dict[str, FieldEntry], _AS_MAPPING], _FIRST_THAT_FITS
    ] = Field(default_factory=dict)
    relationships: Annotated[
        dict[str, RelationshipEntry] | Annotated[dict[str, RelationshipEntry], _AS_MAPPING],
        _FIRST_THAT_FITS,
    ] = Field(default_factory=dict)

    def value(self, key: str, default: Any = None) -> Any:
        """Return the value of field ``key``, or ``default`` when it is missing or unset."""
        field = self.fields.get(key)
        return default if field is None or field.value is None else field.value

    def related_ids(self, key: str) -> tuple[str, ...]:
        """Return the ids linked under relationship ``key`` (empty when there are none)."""
        relationship = self.relationships.get(key)
        return relationship.values if relationship is not None else ()

    @property
    def display_name(self) -> str:
        """Return a human label: the ``$name`` field, else the first email, else the id."""
        name = self.value("$name")
        if isinstance(name, Mapping):
            parts = (name.get("firstName"), name.get("lastName"))
            joined = " ".join(str(part).strip() for part in parts if part)
            if joined.strip():
                return joined.strip()
        elif isinstance(name, str) and name.strip():
            return name.strip()
        email = self.value("$email")
        if isinstance(email, list) and email:
            return str(email[0])
        if isinstance(email, str) and email:
            return email
        return self.id


class SelectOption(_Model):
    """Describe one option of a SINGLE_SELECT or MULTI_SELECT field."""

    id: str
    label: str
    description: str | None = None
    parent_id: str | None = None


class TypeConfiguration(_Model):
    """Hold the type-specific settings of a field definition (options, currency, …)."""

    options: Annotated[tuple[SelectOption, ...], _none_as(())] = ()
    currency: str | None = None
    unique: bool | None = None
    multiple_values: Annotated[bool, _none_as(False)] = False
    handle_service: str | None = None
    parent_field_key: str | None = None


class FieldDefinition(_Model):
    """Describe one field of an object type, as the definitions endpoint returns it."""

    id: str | None = None
    label: str
    description: str | None = None
    value_type: str = UNKNOWN_VALUE_TYPE
    read_only: Annotated[bool, _none_as(False)] = False
    type_configuration: Annotated[TypeConfiguration, _none_as({})] = TypeConfiguration()
    slug: str | None = None
    system: bool | None = None

    @property
    def known_type(self) -> ValueType | None:
        """Return the value type as a ``ValueType``, or None when this client does not know it."""
        return _known_type(self.value_type)

    def option_label(self, option_id: str) -> str | None:
        """Return the label of select option ``option_id``, or None if there is no such option."""
        return next((o.label for o in self.type_configuration.options if o.id == option_id), None)


class RelationshipDefinition(_Model):
    """Describe one relationship of an object type."""

    id: str | None = None
    label: str
    description: str | None = None
    cardinality: LowercaseStr = ""
    object_type: str | None = None
    slug: str | None = None


class Definitions(_Model):
    """Hold the field and relationship schema of one object type."""

    object_type: str
    field_definitions: Annotated[dict[str, FieldDefinition], _AS_MAPPING] = Field(
        default_factory=dict
    )
    relationship_definitions: Annotated[dict[str, RelationshipDefinition], _AS_MAPPING] = Field(
        default_factory=dict
    )

    def option_label(self, field_key: str, option_id: str) -> str | None:
        """Return the label of option ``option_id`` of field ``field_key``, or None."""
        definition = self.field_definitions.get(field_key)
        return definition.option_label(option_id) if definition is not None else None


class Page(_Model):
    """Hold one page of a list endpoint, plus the ``limit``/``offset`` that produced it."""

    object: str = "list"
    data: tuple[Record, ...] = ()
    total_count: int = 0
    limit: int | None = None
    offset: int | None = None

    @property
    def has_next(self) -> bool:
        """Return whether another page probably follows (a full page, and fewer than the total)."""
        if self.limit is None or self.offset is None:
            return False
        # totalCount can drift between pages; a short page is the reliable end marker.
        return len(self.data) >= self.limit and self.offset + len(self.data) < self.total_count


class AuthInfo(_Model):
    """Describe the API key in use, as ``GET /v1/auth/validate`` reports it."""

    active: bool
    token_type: str | None = None
    subject_type: str | None = None
    scopes: StringTuple = ()

    @property
    def full_access(self) -> bool:
        """Return whether the key is unrestricted (the API reports that as no scopes)."""
        return not self.scopes


@dataclass(frozen=True)
class RateLimit:
    """Hold the last ``X-RateLimit-*`` values the API reported."""

    limit: int | None
    remaining: int | None
    reset: float | None


FilterOperator = Literal[
    "equal",
    "greaterThan",
    "greaterThanOrEqual",
    "lessThan",
    "lessThanOrEqual",
    "startsWith",
    "contains",
]
_FILTER_OPERATORS: Final = frozenset(get_args(FilterOperator))


@dataclass(frozen=True)
class Filter:
    """Express one list filter, sent as ``key[operator]=value`` (``key[-operator]`` to negate)."""

    key: str
    operator: FilterOperator
    value: str
    negate: bool = False

    def __post_init__(self) -> None:
        if self.operator not in _FILTER_OPERATORS:
            allowed = ", ".join(sorted(_FILTER_OPERATORS))
            raise ValueError(f"Unknown filter operator {self.operator!r}; use one of {allowed}.")
        if not self.key or any(c in self.key for c in "[]"):
            raise ValueError(f"Invalid filter key {self.key!r}.")

    def to_query(self) -> tuple[str, str]:
        """Return the query parameter as a ``(name, value)`` pair."""
        sign = "-" if self.negate else ""
        return f"{self.key}[{sign}{self.operator}]", self.value
