"""Search and filters of the contacts list: from the query string to the CRM's filter syntax.

All list state lives in the query string, so a link, a reload or Back shows the same list:
``q`` (search), ``f.<key>`` (a value filter), ``f.<key>.min``/``f.<key>.max`` (ranges),
``page``, ``sort``. Only what the CRM's port declares in its ``Capabilities`` is offered: the
operators each value type allows, free-text search or not, the sortable fields. What it cannot
do (OR across fields, filters on multi-select, sorting) is said plainly instead of returning
wrong results.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from urllib.parse import urlencode

from contacts_ui.crm.models import Definitions, FieldDefinition, Filter, FilterOperator, ValueType
from contacts_ui.crm.port import Capabilities, Sort

SEARCH_PARAM = "q"
PAGE_PARAM = "page"
SORT_PARAM = "sort"
FILTER_PREFIX = "f."
MIN_SUFFIX = ".min"
MAX_SUFFIX = ".max"
MAX_SEARCH_LENGTH = 200

# The operator a text-like filter uses, in order of preference, among those the CRM allows.
TEXT_OPERATORS: tuple[FilterOperator, ...] = ("startsWith", "contains", "equal")
CHOICE_TYPES = frozenset({ValueType.SINGLE_SELECT, ValueType.MULTI_SELECT})
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
    # Free text for a CRM that can search it (HighLevel's ``query``); None otherwise.
    search: str | None = None
    sort: Sort | None = None
    # For a CRM without OR: several filter sets, each asked for on its own and merged.
    any_of: list[list[Filter]] = field(default_factory=list)
    # Also contacts of the accounts whose name starts with this (through ``account_filter``).
    account_prefix: str | None = None
    account_filter: str | None = None

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


def text_operator(capabilities: Capabilities, value_type: str) -> FilterOperator | None:
    """Return the operator a one-value filter on this type uses, or None if there is none."""
    allowed = capabilities.operators_for(value_type)
    return next((op for op in TEXT_OPERATORS if op in allowed), None)


def filter_fields(
    definitions: Definitions,
    capabilities: Capabilities,
    owners: list[tuple[str, str]] | None = None,
) -> list[FilterField]:
    """List the filters the CRM supports for these definitions, in definition order."""
    fields: list[FilterField] = []
    for key, definition in definitions.field_definitions.items():
        value_type = definition.value_type
        operator = text_operator(capabilities, value_type)
        if capabilities.can_range(value_type):
            kind = "date" if value_type == ValueType.DATETIME else "number"
            fields.append(FilterField(key, definition.label, kind))
        elif value_type in CHOICE_TYPES and operator is not None:
            options = tuple((o.id, o.label) for o in definition.type_configuration.options)
            fields.append(FilterField(key, definition.label, "select", operator, options))
        elif value_type == ValueType.CHECKBOX and operator is not None:
            fields.append(FilterField(key, definition.label, "checkbox"))
        elif operator is not None:
            fields.append(FilterField(key, definition.label, "text", operator))
    if capabilities.relationship_filters:
        for key, relationship in definitions.relationship_definitions.items():
            if relationship.slug and relationship.object_type == "member" and owners:
                fields.append(
                    FilterField(key, relationship.label, "relationship", "contains", tuple(owners))
                )
    return fields


def unfilterable_labels(definitions: Definitions, capabilities: Capabilities) -> list[str]:
    """Name the fields the CRM cannot filter on, so the page can say so."""
    return [
        d.label
        for d in definitions.field_definitions.values()
        if not capabilities.operators_for(d.value_type)
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
    *,
    capabilities: Capabilities,
) -> ListQuery:
    """Read the list's query string into CRM filters, chips and plain-language notices."""
    query = ListQuery()
    q = (params.get(SEARCH_PARAM) or "").strip()[:MAX_SEARCH_LENGTH]
    if q:
        query.q = q
        query.params[SEARCH_PARAM] = q
        _add_search(query, q, definitions, capabilities)
    _add_sort(query, (params.get(SORT_PARAM) or "").strip(), definitions, capabilities)

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
        _add_filter(query, name, raw, key, bound, definitions, tz, owner_names or {}, capabilities)
    return query


# Letters that Unicode does not decompose into a base letter and an accent.
_UNDECOMPOSED = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ł": "l", "þ": "th", "\u0131": "i"}
)


def fold(text: str) -> str:
    """Return ``text`` without accents and in lower case: "João Müller" → "joao muller"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.translate(_UNDECOMPOSED)


def _add_search(
    query: ListQuery, q: str, definitions: Definitions, capabilities: Capabilities
) -> None:
    crm = capabilities.label
    email_op, name_op = capabilities.email_search_operator, capabilities.name_search_operator
    if capabilities.free_text_search:
        query.search = q
        query.search_note = (
            f"Contacts matching “{q}” in their name, email, phone or company ({crm}'s search)."
        )
    elif "@" in q and email_op:
        query.filters.append(Filter("$email", email_op, q))
        query.search_note = f"Emails containing “{q}”."
    elif name_op or email_op:
        # Without OR or free text, ask for each kind of match on its own and merge the answers:
        # names from their start, emails containing the words (accents folded, so "muller"
        # finds müller@ and a surname finds first.last@), and people at accounts by name.
        found_by = []
        if name_op:
            query.any_of.append([Filter("$name", name_op, q)])
            found_by.append(f"names starting with “{q}”")
        folded = fold(q).replace(" ", ".")
        if email_op and folded:
            query.any_of.append([Filter("$email", email_op, folded)])
            found_by.append(f"emails containing “{folded}”")
        account = definitions.relationship_definitions.get("$account")
        if (
            account is not None
            and account.slug
            and "account" in (capabilities.searchable_object_types)
        ):
            query.account_prefix = q
            query.account_filter = account.slug
            found_by.append(f"people at accounts starting with “{q}”")
        query.search_note = (
            f"Found by {_join(found_by)}, merged. {crm} cannot search all fields at once, so "
            "the best matches are shown; type an @ to search emails only."
        )
    else:
        query.notices.append(f"{crm} cannot search contacts, so the search was not applied.")


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _add_sort(
    query: ListQuery, raw: str, definitions: Definitions, capabilities: Capabilities
) -> None:
    if not raw:
        return
    descending = raw.startswith("-")
    key = raw.removeprefix("-")
    if key not in capabilities.sortable_fields:
        definition = definitions.field_definitions.get(key)
        label = definition.label if definition else key
        if capabilities.can_sort:
            query.notices.append(f"{capabilities.label} cannot sort by {label}.")
        else:
            query.notices.append(
                f"{capabilities.label} cannot sort lists, so contacts are in its own order."
            )
        return
    query.sort = Sort(key, descending)
    query.params[SORT_PARAM] = raw


def _add_filter(
    query: ListQuery,
    name: str,
    raw: str,
    key: str,
    bound: str | None,
    definitions: Definitions,
    tz: tzinfo,
    owner_names: Mapping[str, str],
    capabilities: Capabilities,
) -> None:
    definition = definitions.field_definitions.get(key)
    relationship = definitions.relationship_definitions.get(key)
    if definition is None and relationship is None:
        query.notices.append(f"Ignored a filter on “{key}”: the CRM has no such field.")
        return
    if relationship is not None:
        if not relationship.slug or bound or not capabilities.relationship_filters:
            query.notices.append(f"The CRM cannot filter on {relationship.label}.")
            return
        query.params[name] = raw
        query.filters.append(Filter(relationship.slug, "contains", raw))
        shown = owner_names.get(raw, raw)
        query.chips.append(Chip(f"{relationship.label} is {shown}", name))
        return

    assert definition is not None
    label, value_type = definition.label, definition.value_type
    if not capabilities.operators_for(value_type):
        query.notices.append(
            f"{capabilities.label} cannot filter on {label} "
            f"({value_type.lower().replace('_', '-')} fields are not filterable), so that "
            "filter was not applied."
        )
        return
    if capabilities.can_range(value_type):
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
    operator = text_operator(capabilities, value_type)
    if value_type in CHOICE_TYPES and operator is not None:
        option = _option_id(definition, raw)
        if option is None:
            query.notices.append(f"Ignored {label}: “{raw}” is not one of its options.")
            return
        query.params[name] = option[0]
        query.filters.append(Filter(key, operator, option[0]))
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
    if operator is None:
        query.notices.append(f"{capabilities.label} cannot filter on {label}.")
        return
    query.params[name] = raw
    query.filters.append(Filter(key, operator, raw))
    query.chips.append(Chip(f"{label} {OPERATOR_WORDS[operator]} “{raw}”", name))
