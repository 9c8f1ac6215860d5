"""What HighLevel's contact search can do, and our neutral filters in its syntax.

HIGHLEVEL.md §4: ``POST /contacts/search`` takes ``{field, operator, value}`` filters (operators
``eq``, ``not_eq``, ``contains``, ``not_contains``, ``exists``, ``not_exists``, ``range``), OR
groups, a sort list, a free-text ``query`` and ``page``/``pageLimit`` up to 10,000 records.
The full list of filterable and sortable fields is in a guide HIGHLEVEL.md could not read: the
fields below are the ones seen working plus the contact's plain properties (UNCONFIRMED).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from contacts_ui.crm.highlevel import definitions as d
from contacts_ui.crm.highlevel.constants import MAX_SEARCH_STRING, PAGE_SIZE_MAX, RESULT_WINDOW
from contacts_ui.crm.highlevel.definitions import CustomField
from contacts_ui.crm.highlevel.mapping import name_of_tag
from contacts_ui.crm.models import Filter, FilterOperator, ValueType
from contacts_ui.crm.port import Capabilities, RateCategory, Sort

__all__ = ["CAPABILITIES", "filter_items", "sort_items"]

_Ops = frozenset[FilterOperator]
_EQ: Final[_Ops] = frozenset({"equal"})
_CONTAINS: Final[_Ops] = frozenset({"contains"})
_TEXT: Final[_Ops] = frozenset({"equal", "contains"})
_DATE_RANGE: Final[_Ops] = frozenset(
    {"greaterThan", "greaterThanOrEqual", "lessThan", "lessThanOrEqual"}
)
_RANGE: Final[_Ops] = _DATE_RANGE | _EQ

CAPABILITIES: Final = Capabilities(
    label="HighLevel",
    filter_operators={
        ValueType.TEXT: _TEXT,
        ValueType.FULL_NAME: _TEXT,
        ValueType.EMAIL: _TEXT,
        # `eq` on phone is reported to miss matches (HIGHLEVEL.md §4): offer contains only.
        ValueType.TELEPHONE: _CONTAINS,
        ValueType.URL: _CONTAINS,
        ValueType.NUMBER: _RANGE,
        ValueType.CURRENCY: _RANGE,
        ValueType.DATETIME: _DATE_RANGE,
        ValueType.CHECKBOX: _EQ,
        ValueType.SINGLE_SELECT: _EQ,
        # `eq` on an array field matches any element (as `tags` does in HighLevel's examples).
        ValueType.MULTI_SELECT: _EQ,
    },
    or_filters=True,
    free_text_search=True,
    name_search_operator="contains",
    email_search_operator="contains",
    sortable_fields=frozenset({d.DATE_ADDED, d.NAME, d.EMAIL}),
    max_page_size=PAGE_SIZE_MAX,
    idempotent_writes=False,
    rate_limit_categories=(RateCategory("location", 100, 10.0),),
    max_ids_per_relationship_change=25,
    max_result_window=RESULT_WINDOW,
    relationship_filters=True,
    searchable_object_types=frozenset({"member", "tag"}),
)

# Our system field keys → HighLevel's search field names.
_FIELDS: Final[Mapping[str, str]] = {
    d.EMAIL: "email",
    d.PHONE: "phone",
    d.WEBSITE: "website",
    d.TIMEZONE: "timezone",
    d.DND: "dnd",
    d.DATE_OF_BIRTH: "dateOfBirth",
    d.SOURCE: "source",
    d.COMPANY_NAME: "companyName",
    d.TYPE: "type",
    d.DATE_ADDED: "dateAdded",
    d.OWNER: "assignedTo",
    d.FOLLOWERS: "followers",
    d.TAGS: "tags",
}
_NAME_FIELDS: Final = ("firstNameLowerCase", "lastNameLowerCase")
_SORT_FIELDS: Final[Mapping[str, tuple[str, ...]]] = {
    d.DATE_ADDED: ("dateAdded",),
    d.NAME: _NAME_FIELDS,
    d.EMAIL: ("email",),
}
_RANGE_KEYS: Final[Mapping[str, str]] = {
    "greaterThan": "gt",
    "greaterThanOrEqual": "gte",
    "lessThan": "lt",
    "lessThanOrEqual": "lte",
}
_RELATIONSHIPS: Final = frozenset({d.OWNER, d.FOLLOWERS, d.TAGS})
_BOOLEAN_KEYS: Final = frozenset({d.DND})
_NUMERIC_TYPES: Final = frozenset({ValueType.NUMBER, ValueType.CURRENCY})


def _value(key: str, raw: str, custom: CustomField | None) -> Any:
    if key in _BOOLEAN_KEYS:
        return raw.strip().lower() == "true"
    if key == d.TAGS:
        return name_of_tag(raw)
    if custom is not None and custom.value_type in _NUMERIC_TYPES:
        number = float(raw)
        return int(number) if number.is_integer() else number
    return raw[:MAX_SEARCH_STRING]


def _one(field: str, item: Filter, value: Any) -> dict[str, Any]:
    if item.operator in _RANGE_KEYS:
        if item.negate:
            raise ValueError("HighLevel cannot negate a range filter.")
        return {"field": field, "operator": "range", "value": {_RANGE_KEYS[item.operator]: value}}
    operator = "eq" if item.operator == "equal" or item.key in _RELATIONSHIPS else "contains"
    if item.operator not in ("equal", "contains"):
        raise ValueError(f"HighLevel search has no {item.operator!r} operator.")
    return {
        "field": field,
        "operator": f"not_{operator}" if item.negate else operator,
        "value": value,
    }


def filter_items(
    filters: Sequence[Filter], custom_fields: Mapping[str, CustomField]
) -> list[dict[str, Any]]:
    """Return HighLevel filter objects (all must hold) for our filters.

    Raises ValueError for a field or operator HighLevel cannot filter by.
    """
    items: list[dict[str, Any]] = []
    for item in filters:
        custom = custom_fields.get(item.key)
        if item.key == d.NAME:
            value = item.value.strip().casefold()[:MAX_SEARCH_STRING]
            parts = [_one(field, item, value) for field in _NAME_FIELDS]
            # A name matches on either part; "not" must hold for both parts.
            items.append({"group": "AND" if item.negate else "OR", "filters": parts})
            continue
        if custom is not None:
            field = f"customFields.{custom.id}"  # the exact form is UNCONFIRMED (§4)
        elif item.key in _FIELDS:
            field = _FIELDS[item.key]
        else:
            raise ValueError(f"HighLevel cannot filter contacts by {item.key!r}.")
        try:
            value = _value(item.key, item.value, custom)
        except ValueError:
            raise ValueError(f"{item.value!r} is not a valid value for {item.key!r}.") from None
        items.append(_one(field, item, value))
    return items


def sort_items(sort: Sort | None) -> list[dict[str, str]]:
    """Return HighLevel's sort list for ``sort`` (ValueError for a field it cannot sort by)."""
    if sort is None:
        return []
    fields = _SORT_FIELDS.get(sort.key)
    if fields is None:
        raise ValueError(f"HighLevel cannot sort contacts by {sort.key!r}.")
    direction = "desc" if sort.descending else "asc"
    return [{"field": field, "direction": direction} for field in fields]


def page_plan(limit: int, offset: int) -> list[tuple[int, int]]:
    """Return the (page, pageLimit) requests that cover ``offset``..``offset + limit``.

    Offsets on a page boundary take one request; any other offset takes the two pages that
    straddle it.
    """
    first = offset // limit + 1
    return [(first, limit)] if offset % limit == 0 else [(first, limit), (first + 1, limit)]
