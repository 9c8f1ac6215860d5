"""List filters: `?{key}[{operator}]={value}`, AND-ed, with `-` negating an operator.

Choices where Lightfield's docs are silent:

* String comparisons (`equal`, `startsWith`, `contains`) ignore case and Unicode normalisation
  form (NFC, then casefold), as a search index would: `$name[startsWith]=zoe` does not match
  "Zoë", but `$name[startsWith]=ZOË` does.
* FULL_NAME compares against "first last" (the parts that are set, joined by one space).
* ADDRESS matches when any one part (street, street2, city, state, postalCode, country) matches,
  so `$address[equal]=Berlin` and `$address[equal]=DE` both work.
* TELEPHONE `contains` compares digits only when the value has digits (`+1 (415)` finds
  `+14155550123`); EMAIL and URL `contains` are plain substring tests on any element.
* CHECKBOX treats an unset box as `false`. Every other operator never matches an unset field, so
  a negated filter (`[-equal]`) does match records where the field is unset.
* SINGLE_SELECT accepts an option id or, case-insensitively, an option label.
* DATETIME values may carry an offset, be naive (read as UTC) or be a bare date (midnight UTC).
* Relationship filters (by definition slug) accept `equal` and `contains`, both meaning "is linked
  to this id".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from sandbox import errors
from sandbox.definitions import FieldDef, ObjectSchema, RelationshipDef, ValueType
from sandbox.errors import ApiError
from sandbox.records import Record, format_timestamp, to_millis

Predicate = Callable[[Record], bool]

EQUAL = "equal"
GREATER_THAN = "greaterThan"
GREATER_THAN_OR_EQUAL = "greaterThanOrEqual"
LESS_THAN = "lessThan"
LESS_THAN_OR_EQUAL = "lessThanOrEqual"
STARTS_WITH = "startsWith"
CONTAINS = "contains"
OPERATORS = frozenset(
    {
        EQUAL,
        GREATER_THAN,
        GREATER_THAN_OR_EQUAL,
        LESS_THAN,
        LESS_THAN_OR_EQUAL,
        STARTS_WITH,
        CONTAINS,
    }
)
_RANGE = frozenset({EQUAL, GREATER_THAN, GREATER_THAN_OR_EQUAL, LESS_THAN, LESS_THAN_OR_EQUAL})
_STRING = frozenset({EQUAL, STARTS_WITH})

# Lightfield's operator table (LIGHTFIELD.md §8); MULTI_SELECT and MARKDOWN are not filterable.
ALLOWED_OPERATORS: dict[ValueType, frozenset[str]] = {
    ValueType.NUMBER: _RANGE,
    ValueType.CURRENCY: _RANGE,
    ValueType.DATETIME: _RANGE,
    ValueType.TEXT: _STRING,
    ValueType.FULL_NAME: _STRING,
    ValueType.SOCIAL_HANDLE: _STRING,
    ValueType.ADDRESS: _STRING,
    ValueType.CHECKBOX: frozenset({EQUAL}),
    ValueType.SINGLE_SELECT: frozenset({EQUAL}),
    ValueType.EMAIL: frozenset({CONTAINS}),
    ValueType.TELEPHONE: frozenset({CONTAINS}),
    ValueType.URL: frozenset({CONTAINS}),
    ValueType.MULTI_SELECT: frozenset(),
    ValueType.MARKDOWN: frozenset(),
}
RELATIONSHIP_OPERATORS = frozenset({EQUAL, CONTAINS})

# Query parameters that are pagination, not filters.
PAGINATION_PARAMS = frozenset({"limit", "offset"})

_PARAM = re.compile(r"^(?P<key>[^\[\]]+)(?:\[(?P<negated>-?)(?P<operator>[^\[\]]*)\])?$")


# (record id, field key, view): one field can be folded differently by different filters.
_FoldKey = tuple[str, str, Callable[..., Any]]


class FoldCache:
    """Remember the folded strings of each record snapshot's fields between requests.

    Folding dominates filter time; snapshots are immutable, so an entry stays valid for as long
    as the store holds the very same record object.
    """

    def __init__(self) -> None:
        self._entries: dict[_FoldKey, tuple[Record, tuple[str, ...]]] = {}

    def strings(
        self, record: Record, key: str, view: Callable[[Any], Iterable[str]]
    ) -> tuple[str, ...]:
        """Return the folded strings `view` finds in the record's `key` field."""
        entry = (record.id, key, view)
        cached = self._entries.get(entry)
        if cached is not None and cached[0] is record:
            return cached[1]
        folded = tuple(fold(s) for s in view(record.fields.get(key)))
        self._entries[entry] = (record, folded)
        return folded


def parse_filters(
    schema: ObjectSchema, params: Iterable[tuple[str, str]], cache: FoldCache | None = None
) -> list[Predicate]:
    """Turn the filter query parameters of a list request into predicates to AND together."""
    if cache is None:
        cache = FoldCache()
    predicates: list[Predicate] = []
    for name, value in params:
        if name in PAGINATION_PARAMS:
            continue
        match = _PARAM.match(name)
        if match is None:
            raise errors.bad_request(
                f"Unknown filter {name!r}.", code=errors.UNKNOWN_FIELD, param=name
            )
        key, operator = match["key"], match["operator"]
        negated = bool(match["negated"])
        if key in schema.fields:
            predicate = _field_predicate(schema.fields[key], operator, value, cache)
        elif key in schema.slugs:
            predicate = _relationship_predicate(schema.slugs[key], operator, value)
        else:
            raise errors.bad_request(
                f"Unknown field {key!r} on {schema.object_type}.",
                code=errors.UNKNOWN_FIELD,
                param=key,
            )
        predicates.append(_negate(predicate) if negated else predicate)
    return predicates


def apply_filters(records: list[Record], predicates: list[Predicate]) -> list[Record]:
    """Return the records that satisfy every predicate, in their original order."""
    if not predicates:
        return records
    if len(predicates) == 1:
        (only,) = predicates
        return [record for record in records if only(record)]
    return [record for record in records if all(p(record) for p in predicates)]


def _negate(predicate: Predicate) -> Predicate:
    return lambda record: not predicate(record)


def _choose_operator(key: str, operator: str | None, allowed: frozenset[str], kind: str) -> str:
    if not allowed:
        raise errors.bad_request(
            f"{key} is a {kind} field, which cannot be filtered.",
            code=errors.INVALID_FILTER,
            param=key,
        )
    if operator is None:
        # A bare `?key=value` means equal where the type allows it, else contains.
        return EQUAL if EQUAL in allowed else CONTAINS
    if operator not in allowed:
        expected = ", ".join(sorted(allowed))
        raise errors.bad_request(
            f"Operator {operator!r} is not supported for {key} ({kind}); use one of: {expected}.",
            code=errors.INVALID_FILTER,
            param=key,
        )
    return operator


def _relationship_predicate(rel: RelationshipDef, operator: str | None, value: str) -> Predicate:
    _choose_operator(rel.slug, operator, RELATIONSHIP_OPERATORS, "relationship")
    key = rel.key
    return lambda record: value in record.links.get(key, ())


def _field_predicate(
    field: FieldDef, operator: str | None, value: str, cache: FoldCache
) -> Predicate:
    vt = field.value_type
    operator = _choose_operator(field.key, operator, ALLOWED_OPERATORS[vt], vt.value)
    key = field.key
    if vt in (ValueType.NUMBER, ValueType.CURRENCY):
        return _compare(key, operator, _parse_number(field, value), _as_number)
    if vt is ValueType.DATETIME:
        # Stored date-times share one canonical UTC format, so text order is time order.
        return _compare(key, operator, _parse_datetime(field, value), _as_datetime_text)
    if vt is ValueType.CHECKBOX:
        wanted = _parse_bool(field, value)
        return lambda record: bool(record.fields.get(key)) is wanted
    if vt is ValueType.SINGLE_SELECT:
        option_id = _resolve_option(field, value)
        if option_id is None:
            return lambda record: False
        return lambda record: record.fields.get(key) == option_id
    if vt in (ValueType.EMAIL, ValueType.URL, ValueType.TELEPHONE):
        return _contains(key, value, cache, digits_only=vt is ValueType.TELEPHONE)
    return _string_match(key, operator, value, _STRING_VIEWS[vt], cache)


def fold(text: str) -> str:
    """Normalise text for case-insensitive comparison."""
    return unicodedata.normalize("NFC", text).casefold()


def full_name_text(value: Any) -> str:
    """Return a FULL_NAME value as the "first last" string filters compare against."""
    if not isinstance(value, dict):
        return ""
    return " ".join(part for part in (value.get("firstName"), value.get("lastName")) if part)


_ADDRESS_PARTS = ("street", "street2", "city", "state", "postalCode", "country")


def _elements(value: Any) -> list[str]:
    if isinstance(value, list):
        return value
    return [value] if isinstance(value, str) else []


# How each string-like type presents itself to equal/startsWith.
_STRING_VIEWS: dict[ValueType, Callable[[Any], list[str]]] = {
    ValueType.TEXT: lambda v: [v] if isinstance(v, str) else [],
    ValueType.SOCIAL_HANDLE: lambda v: [v] if isinstance(v, str) else [],
    ValueType.FULL_NAME: lambda v: [full_name_text(v)],
    ValueType.ADDRESS: lambda v: (
        [v[p] for p in _ADDRESS_PARTS if v.get(p)] if isinstance(v, dict) else []
    ),
}


def _string_match(
    key: str,
    operator: str,
    value: str,
    view: Callable[[Any], list[str]],
    cache: FoldCache,
) -> Predicate:
    wanted = fold(value)
    if operator == STARTS_WITH and not wanted:
        # An empty startsWith asks whether the field is set at all.
        return lambda record: any(s.strip() for s in cache.strings(record, key, view))
    if operator == STARTS_WITH:
        return lambda record: any(s.startswith(wanted) for s in cache.strings(record, key, view))
    return lambda record: wanted in cache.strings(record, key, view)


def _digits(value: Any) -> list[str]:
    return [re.sub(r"\D", "", item) for item in _elements(value)]


def _contains(key: str, value: str, cache: FoldCache, *, digits_only: bool) -> Predicate:
    digits = re.sub(r"\D", "", value)
    if digits_only and digits:
        # Phone numbers: compare digits, so "+1 (415)" finds "+14155550123".
        return lambda record: any(digits in s for s in cache.strings(record, key, _digits))
    wanted = fold(value)
    return lambda record: any(wanted in s for s in cache.strings(record, key, _elements))


def _compare(key: str, operator: str, wanted: Any, read: Callable[[Any], Any]) -> Predicate:
    test: Callable[[Any], bool] = {
        EQUAL: lambda v: v == wanted,
        GREATER_THAN: lambda v: v > wanted,
        GREATER_THAN_OR_EQUAL: lambda v: v >= wanted,
        LESS_THAN: lambda v: v < wanted,
        LESS_THAN_OR_EQUAL: lambda v: v <= wanted,
    }[operator]

    def matches(record: Record) -> bool:
        stored = read(record.fields.get(key))
        return stored is not None and test(stored)

    return matches


def _as_number(value: Any) -> float | None:
    return value if isinstance(value, int | float) and not isinstance(value, bool) else None


def _as_datetime_text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _invalid_value(field: FieldDef, message: str) -> ApiError:
    return errors.bad_request(message, code=errors.INVALID_TYPE, param=field.key)


def _parse_number(field: FieldDef, value: str) -> float:
    try:
        number = float(value)
    except ValueError:
        raise _invalid_value(field, f"{field.key} filters need a number, got {value!r}.") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise _invalid_value(field, f"{field.key} filters need a finite number.")
    return number


def _parse_datetime(field: FieldDef, value: str) -> str:
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise _invalid_value(
            field, f"{field.key} filters need an ISO-8601 date-time, got {value!r}."
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return format_timestamp(to_millis(moment))
    except OverflowError:
        raise _invalid_value(field, f"{field.key} filter date-time is out of range.") from None


def _parse_bool(field: FieldDef, value: str) -> bool:
    lowered = value.strip().lower()
    if lowered not in ("true", "false"):
        raise _invalid_value(field, f"{field.key} filters need true or false, got {value!r}.")
    return lowered == "true"


def _resolve_option(field: FieldDef, value: str) -> str | None:
    if value in field.option_by_id():
        return value
    for option in field.options:
        if option.label.casefold() == value.casefold():
            return option.id
    return None
