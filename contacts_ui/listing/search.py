"""Search and filters of the contacts list: from the query string to the CRM's filter syntax.

All list state lives in the query string, so a link, a reload or Back shows the same list:
``q`` (search), ``f.<key>`` (a value filter), ``f.<key>.min``/``f.<key>.max`` (ranges),
``page``. Only operators the CRM supports for a value type are offered; what it cannot do (OR
across fields, filters on multi-select) is said plainly instead of returning wrong results.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from contacts_ui.crm.models import Definitions, FieldDefinition, Filter, ValueType

SEARCH_PARAM = "q"
PAGE_PARAM = "page"
FILTER_PREFIX = "f."
MIN_SUFFIX = ".min"
MAX_SUFFIX = ".max"
MAX_SEARCH_LENGTH = 200

# What the CRM lets each value type do (LIGHTFIELD.md §8): the one operator a value filter
# uses, and whether a range (min/max) is possible.
VALUE_OPERATOR: dict[str, str] = {
    ValueType.TEXT: "startsWith",
    ValueType.FULL_NAME: "startsWith",
    ValueType.SOCIAL_HANDLE: "startsWith",
    ValueType.ADDRESS: "startsWith",
    ValueType.EMAIL: "contains",
    ValueType.TELEPHONE: "contains",
    ValueType.URL: "contains",
    ValueType.SINGLE_SELECT: "equal",
    ValueType.CHECKBOX: "equal",
}
RANGE_TYPES = frozenset({ValueType.NUMBER, ValueType.CURRENCY, ValueType.DATETIME})
NOT_FILTERABLE = frozenset({ValueType.MULTI_SELECT, ValueType.MARKDOWN, ValueType.HTML})
OPERATOR_WORDS = {"startsWith": "starts with", "contains": "contains", "equal": "is"}


@dataclass(frozen=True)
class FilterField:
    """Describe one filter the form offers: which field, and which kind of input."""

    key: str
    label: str
    kind: str  # "text" | "select" | "checkbox" | "number" | "date" | "relationship"
    operator: str = "equal"
    options: tuple[tuple[str, str], ...] = ()

    @property
    def param(self) -> str:
        return f"{FILTER_PREFIX}{self.key}"

    @property
    def min_param(self) -> str:
        return f"{self.param}{MIN_SUFFIX}"

    @property
    def max_param(self) -> str:
        return f"{self.param}{MAX_SUFFIX}"


@dataclass(frozen=True)
class Chip:
    """One active filter, shown so it can be removed with one click."""

    label: str
    param: str


@dataclass
class ListQuery:
    """The parsed list state: what to send to the CRM and what to tell the person."""

    q: str = ""
    params: dict[str, str] = field(default_factory=dict)
    filters: list[Filter] = field(default_factory=list)
    chips: list[Chip] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    search_note: str = ""

    def querystring(self, **changes: str | int | None) -> str:
        """Return this state as a query string, with some parameters changed or removed."""
        merged: dict[str, str] = dict(self.params)
        for name, value in changes.items():
            if value is None or value == "":
                merged.pop(name, None)
            else:
                merged[name] = str(value)
        return urlencode(sorted(merged.items()))

    def without(self, *names: str) -> str:
        """Return the query string without the given parameters (and back on page one)."""
        kept = {k: v for k, v in self.params.items() if k not in names and k != PAGE_PARAM}
        return urlencode(sorted(kept.items()))

    @property
    def chip_links(self) -> list[tuple[str, str]]:
        """Return each active filter with the query string that removes it."""
        return [(chip.label, self.without(chip.param)) for chip in self.chips]

    @property
    def state_key(self) -> str:
        """Return a stable key for the result set (everything but the page number)."""
        return self.without(PAGE_PARAM)


def filter_fields(
    definitions: Definitions, owners: list[tuple[str, str]] | None = None
) -> list[FilterField]:
    """List the filters the CRM supports for these definitions, in definition order."""
    fields: list[FilterField] = []
    for key, definition in definitions.field_definitions.items():
        value_type = definition.value_type
        if value_type in RANGE_TYPES:
            kind = "date" if value_type == ValueType.DATETIME else "number"
            fields.append(FilterField(key, definition.label, kind))
        elif value_type == ValueType.SINGLE_SELECT:
            options = tuple((o.id, o.label) for o in definition.type_configuration.options)
            fields.append(FilterField(key, definition.label, "select", "equal", options))
        elif value_type == ValueType.CHECKBOX:
            fields.append(FilterField(key, definition.label, "checkbox"))
        elif value_type in VALUE_OPERATOR:
            fields.append(FilterField(key, definition.label, "text", VALUE_OPERATOR[value_type]))
    for key, relationship in definitions.relationship_definitions.items():
        if relationship.slug and relationship.object_type == "member" and owners:
            fields.append(
                FilterField(key, relationship.label, "relationship", "contains", tuple(owners))
            )
    return fields


def unfilterable_labels(definitions: Definitions) -> list[str]:
    """Name the fields the CRM cannot filter on, so the page can say so."""
    return [
        d.label for d in definitions.field_definitions.values() if d.value_type in NOT_FILTERABLE
    ]


def _number(raw: str) -> str | None:
    try:
        number = Decimal(raw.replace(",", "").strip())
    except InvalidOperation:
        return None
    return format(number, "f") if number.is_finite() else None


def _day_bound(raw: str, tz: tzinfo, *, end: bool) -> str | None:
    try:
        day = date.fromisoformat(raw.strip())
    except ValueError:
        return None
    moment = datetime.combine(day, time.min, tzinfo=tz)
    if end:
        moment += timedelta(days=1) - timedelta(milliseconds=1)
    return moment.isoformat(timespec="milliseconds")


def _option_id(definition: FieldDefinition, raw: str) -> tuple[str, str] | None:
    for option in definition.type_configuration.options:
        if raw in (option.id, option.label):
            return option.id, option.label
    return None


def parse_list_query(
    params: Mapping[str, str],
    definitions: Definitions,
    tz: tzinfo,
    owner_names: Mapping[str, str] | None = None,
) -> ListQuery:
    """Read the list's query string into CRM filters, chips and plain-language notices."""
    query = ListQuery()
    q = (params.get(SEARCH_PARAM) or "").strip()[:MAX_SEARCH_LENGTH]
    if q:
        query.q = q
        query.params[SEARCH_PARAM] = q
        if "@" in q:
            query.filters.append(Filter("$email", "contains", q))
            query.search_note = f"Emails containing “{q}”."
        else:
            query.filters.append(Filter("$name", "startsWith", q))
            query.search_note = (
                f"Names starting with “{q}”. The CRM matches from the first name and cannot "
                "search names and emails at once: type an @ to search emails instead."
            )

    for name in sorted(params):
        if not name.startswith(FILTER_PREFIX):
            continue
        raw = (params.get(name) or "").strip()
        if not raw:
            continue
        key, bound = name[len(FILTER_PREFIX) :], None
        for suffix in (MIN_SUFFIX, MAX_SUFFIX):
            if key.endswith(suffix):
                key, bound = key[: -len(suffix)], suffix
        _add_filter(query, name, raw, key, bound, definitions, tz, owner_names or {})
    return query


def _add_filter(
    query: ListQuery,
    name: str,
    raw: str,
    key: str,
    bound: str | None,
    definitions: Definitions,
    tz: tzinfo,
    owner_names: Mapping[str, str],
) -> None:
    definition = definitions.field_definitions.get(key)
    relationship = definitions.relationship_definitions.get(key)
    if definition is None and relationship is None:
        query.notices.append(f"Ignored a filter on “{key}”: the CRM has no such field.")
        return
    if relationship is not None:
        if not relationship.slug or bound:
            query.notices.append(f"The CRM cannot filter on {relationship.label}.")
            return
        query.params[name] = raw
        query.filters.append(Filter(relationship.slug, "contains", raw))
        shown = owner_names.get(raw, raw)
        query.chips.append(Chip(f"{relationship.label} is {shown}", name))
        return

    assert definition is not None
    label, value_type = definition.label, definition.value_type
    if value_type in NOT_FILTERABLE:
        query.notices.append(
            f"The CRM cannot filter on {label} ({value_type.lower().replace('_', '-')} fields "
            "are not filterable yet), so that filter was not applied."
        )
        return
    if value_type in RANGE_TYPES:
        if bound is None:
            query.notices.append(f"{label} filters take a from/to range.")
            return
        is_min = bound == MIN_SUFFIX
        if value_type == ValueType.DATETIME:
            value = _day_bound(raw, tz, end=not is_min)
            problem = "is not a date (YYYY-MM-DD)"
        else:
            value = _number(raw)
            problem = "is not a number"
        if value is None:
            query.notices.append(
                f"Ignored {label} {'from' if is_min else 'to'}: “{raw}” {problem}."
            )
            return
        query.params[name] = raw
        query.filters.append(
            Filter(key, "greaterThanOrEqual" if is_min else "lessThanOrEqual", value)
        )
        word = "≥" if is_min else "≤"
        query.chips.append(Chip(f"{label} {word} {raw}", name))
        return
    if bound is not None:
        query.notices.append(f"{label} cannot be filtered by a range.")
        return
    if value_type == ValueType.SINGLE_SELECT:
        option = _option_id(definition, raw)
        if option is None:
            query.notices.append(f"Ignored {label}: “{raw}” is not one of its options.")
            return
        query.params[name] = option[0]
        query.filters.append(Filter(key, "equal", option[0]))
        query.chips.append(Chip(f"{label} is {option[1]}", name))
        return
    if value_type == ValueType.CHECKBOX:
        if raw.lower() not in {"true", "false"}:
            query.notices.append(f"Ignored {label}: choose yes or no.")
            return
        query.params[name] = raw.lower()
        query.filters.append(Filter(key, "equal", raw.lower()))
        shown = "yes" if raw.lower() == "true" else "no"
        query.chips.append(Chip(f"{label}: {shown}", name))
        return
    operator = VALUE_OPERATOR.get(value_type)
    if operator is None:
        query.notices.append(f"The CRM cannot filter on {label}.")
        return
    query.params[name] = raw
    query.filters.append(Filter(key, operator, raw))
    query.chips.append(Chip(f"{label} {OPERATOR_WORDS[operator]} “{raw}”", name))
