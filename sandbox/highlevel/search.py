"""`POST /contacts/search`: the body's validation, filters, free-text query, sort and paging.

Field names for filters and sort: the ones HIGHLEVEL.md saw working (`dnd`,
`firstNameLowerCase`, `lastNameLowerCase`, `email`, `phone`, `tags`, `assignedTo`, `dateAdded`,
`customFields.<id>`) plus the contact's other plain fields under their own names (the full list
is in a guide HIGHLEVEL.md could not read). Unknown fields and operators are refused with `422`.
String comparison ignores case, as the `…LowerCase` field names suggest.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sandbox.highlevel import errors
from sandbox.highlevel.render import full_name
from sandbox.highlevel.store import Contact

MAX_PAGE_LIMIT = 500
WINDOW = 10_000
MAX_STRING = 75
OPERATORS = frozenset({"eq", "not_eq", "contains", "not_contains", "exists", "not_exists", "range"})
_BODY_KEYS = frozenset(
    {"locationId", "page", "pageLimit", "searchAfter", "filters", "sort", "query"}
)
# Elasticsearch's reserved characters: HighLevel says `contains` takes "no special characters".
_SPECIAL = re.compile(r'[+\-=&|><!(){}\[\]^"~*?:\\/]')


def _lower(key: str) -> Callable[[Contact], Any]:
    return lambda contact: contact[key].casefold() if contact.get(key) else None


def _birthday_millis(contact: Contact) -> int | None:
    day = contact.get("dateOfBirth")
    return to_millis(day) if day else None


FIELDS: dict[str, Callable[[Contact], Any]] = {
    "id": lambda contact: contact["id"],
    "firstNameLowerCase": _lower("firstName"),
    "lastNameLowerCase": _lower("lastName"),
    "email": _lower("email"),
    "phone": lambda contact: contact.get("phone"),
    "dnd": lambda contact: contact.get("dnd", False),
    "tags": lambda contact: contact.get("tags") or None,
    "followers": lambda contact: contact.get("followers") or None,
    "assignedTo": lambda contact: contact.get("assignedTo"),
    "dateAdded": lambda contact: contact["dateAdded"],
    "dateUpdated": lambda contact: contact["dateUpdated"],
    "dateOfBirth": _birthday_millis,
    **{
        key: _lower(key)
        for key in (
            "companyName", "address1", "city", "state", "country", "postalCode", "source",
            "timezone", "website", "type",
        )
    },
}  # fmt: skip
DATE_FIELDS = frozenset({"dateAdded", "dateUpdated", "dateOfBirth"})
LIST_FIELDS = frozenset({"tags", "followers"})


@dataclass(frozen=True)
class SearchPage:
    """Carry one page of matches with the total and each item's searchAfter cursor."""

    contacts: list[tuple[Contact, list[Any]]]
    total: int


def to_millis(text: str) -> int:
    """Parse `YYYY-MM-DD` or an ISO-8601 timestamp (naive means UTC) into unix milliseconds."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp() * 1000)


def search(
    contacts: list[Contact], body: Any, location_id: str, custom_field_ids: set[str]
) -> SearchPage:
    """Run one search over `contacts` (newest first); raise 422/400/403 for a bad body.

    `custom_field_ids` are the contact custom fields that `customFields.<id>` may name.
    """
    if not isinstance(body, dict):
        raise errors.unprocessable("body must be an object")
    messages = [f"property {key} should not exist" for key in body if key not in _BODY_KEYS]
    if not isinstance(body.get("locationId"), str) or not body["locationId"]:
        messages.append("locationId should not be empty")
    page_limit = _integer(body, "pageLimit", None, messages, maximum=MAX_PAGE_LIMIT)
    page = _integer(body, "page", 1, messages)
    search_after = body.get("searchAfter")
    if search_after is not None and (not isinstance(search_after, list) or not search_after):
        messages.append("searchAfter must be a non-empty array")
    if search_after is not None and "page" in body:
        messages.append("page and searchAfter cannot be used together")
    query = body.get("query")
    if query is not None and (not isinstance(query, str) or len(query) > MAX_STRING):
        messages.append(f"query must be a string of at most {MAX_STRING} characters")
    predicate = _group("AND", body.get("filters", []), "filters", messages, custom_field_ids)
    order = _sorter(body.get("sort", []), messages)
    if messages or page_limit is None or page is None:
        raise errors.unprocessable(*messages)
    if body["locationId"] != location_id:
        raise errors.forbidden()
    if search_after is None and page * page_limit > WINDOW:
        raise errors.bad_request(
            f"Search can page through the first {WINDOW} records only (page * pageLimit = "
            f"{page * page_limit}); use searchAfter to go further."
        )
    matches = [c for c in contacts if predicate(c) and (not query or _matches(c, query))]
    matches = order(matches)
    if search_after is not None:
        ids = [contact["id"] for contact in matches]
        cursor = search_after[-1]
        start = ids.index(cursor) + 1 if cursor in ids else len(ids)
    else:
        start = (page - 1) * page_limit
    window = matches[start : start + page_limit]
    return SearchPage([(c, _cursor(c, body.get("sort", []))) for c in window], len(matches))


def _integer(
    body: dict[str, Any], key: str, default: int | None, messages: list[str], *, maximum: int = 0
) -> int | None:
    value = body.get(key, default)
    if value is None:
        messages.append(f"{key} should not be empty")
    elif not isinstance(value, int) or isinstance(value, bool):
        messages.append(f"{key} must be an integer number")
    elif value < 1:
        messages.append(f"{key} must not be less than 1")
    elif maximum and value > maximum:
        messages.append(f"{key} must not be greater than {maximum}")
    else:
        return value
    return None


Predicate = Callable[[Contact], bool]


def _group(kind: Any, filters: Any, path: str, messages: list[str], custom: set[str]) -> Predicate:
    if kind not in ("AND", "OR"):
        messages.append(f"{path}.group must be one of the following values: AND, OR")
    if not isinstance(filters, list):
        messages.append(f"{path} must be an array")
        return lambda contact: True
    parts = [_filter(item, f"{path}.{i}", messages, custom) for i, item in enumerate(filters)]
    if kind == "OR" and parts:
        return lambda contact: any(part(contact) for part in parts)
    return lambda contact: all(part(contact) for part in parts)


def _filter(item: Any, path: str, messages: list[str], custom: set[str]) -> Predicate:
    if not isinstance(item, dict):
        messages.append(f"{path} must be an object")
        return lambda contact: True
    if "group" in item:
        return _group(item["group"], item.get("filters"), f"{path}.filters", messages, custom)
    field, operator, value = item.get("field"), item.get("operator"), item.get("value")
    getter = _getter(field, custom)
    if getter is None:
        messages.append(f"{path}.field {field!r} is not a searchable field")
        return lambda contact: True
    if operator not in OPERATORS:
        messages.append(f"{path}.operator must be one of: {', '.join(sorted(OPERATORS))}")
        return lambda contact: True
    if operator in ("exists", "not_exists"):
        if "value" in item:
            messages.append(f"{path}.value must be omitted for {operator}")
        wanted = operator == "exists"
        return lambda contact: (getter(contact) not in (None, "", [])) == wanted
    if operator == "range":
        return _range(getter, str(field), value, path, messages)
    if operator in ("contains", "not_contains"):
        if not isinstance(value, str) or not value or _SPECIAL.search(value):
            messages.append(f"{path}.value must be a string without special characters")
        elif len(value) > MAX_STRING:
            messages.append(f"{path}.value must be at most {MAX_STRING} characters")
        needle = value.casefold() if isinstance(value, str) else ""
        wanted = operator == "contains"
        return lambda contact: _contains(getter(contact), needle) == wanted
    if not isinstance(value, str | int | float | bool):
        messages.append(f"{path}.value must be a string, number or boolean")
    elif isinstance(value, str) and len(value) > MAX_STRING:
        messages.append(f"{path}.value must be at most {MAX_STRING} characters")
    target = _comparable(str(field), value, path, messages)
    wanted = operator == "eq"
    return lambda contact: _equals(getter(contact), target) == wanted


def _getter(field: Any, custom: set[str]) -> Callable[[Contact], Any] | None:
    if not isinstance(field, str):
        return None
    if field.startswith("customFields."):
        field_id = field.removeprefix("customFields.")
        if field_id not in custom:
            return None
        return lambda contact: _custom_value(contact.get("customFields", {}).get(field_id))
    return FIELDS.get(field)


def _custom_value(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def _comparable(field: str, value: Any, path: str, messages: list[str]) -> Any:
    if field in DATE_FIELDS and isinstance(value, str):
        try:
            return to_millis(value)
        except ValueError:
            messages.append(f"{path}.value must be a date")
    return value.casefold() if isinstance(value, str) else value


def _equals(actual: Any, target: Any) -> bool:
    if isinstance(actual, list):
        return any(_custom_value(item) == target for item in actual)
    if isinstance(actual, bool) or isinstance(target, bool):
        return actual is target
    return bool(actual == target)


def _contains(actual: Any, needle: str) -> bool:
    if isinstance(actual, list):
        return any(isinstance(item, str) and needle in item.casefold() for item in actual)
    return isinstance(actual, str) and needle in actual.casefold()


def _range(
    getter: Callable[[Contact], Any], field: str, value: Any, path: str, messages: list[str]
) -> Predicate:
    bounds = {"gte": float.__ge__, "gt": float.__gt__, "lte": float.__le__, "lt": float.__lt__}
    if not isinstance(value, dict) or not value or any(key not in bounds for key in value):
        messages.append(f"{path}.value must be an object with gte, gt, lte or lt")
        return lambda contact: True
    limits: list[tuple[Callable[[float, float], bool], float]] = []
    for key, raw in value.items():
        limit = _comparable(field, raw, path, messages)
        if isinstance(limit, int | float) and not isinstance(limit, bool):
            limits.append((bounds[key], float(limit)))
        else:
            messages.append(f"{path}.value.{key} must be a number or a date")

    def check(contact: Contact) -> bool:
        actual = getter(contact)
        if not isinstance(actual, int | float) or isinstance(actual, bool):
            return False
        return all(compare(float(actual), limit) for compare, limit in limits)

    return check


def _matches(contact: Contact, query: str) -> bool:
    needle = query.strip().casefold()
    haystack = [full_name(contact), contact.get("email"), contact.get("companyName")]
    if any(text and needle in text.casefold() for text in haystack):
        return True
    digits = re.sub(r"\D", "", needle)
    return len(digits) >= 3 and digits in re.sub(r"\D", "", contact.get("phone") or "")


def _sorter(sort: Any, messages: list[str]) -> Callable[[list[Contact]], list[Contact]]:
    if not isinstance(sort, list):
        messages.append("sort must be an array")
        return lambda contacts: contacts
    keys: list[tuple[Callable[[Contact], Any], bool]] = []
    for index, item in enumerate(sort):
        field = item.get("field") if isinstance(item, dict) else None
        direction = item.get("direction", "asc") if isinstance(item, dict) else None
        if not isinstance(field, str) or field not in FIELDS or field in LIST_FIELDS:
            messages.append(f"sort.{index}.field {field!r} is not a sortable field")
        elif direction not in ("asc", "desc"):
            messages.append(
                f"sort.{index}.direction must be one of the following values: asc, desc"
            )
        else:
            keys.append((FIELDS[field], direction == "desc"))

    def order(contacts: list[Contact]) -> list[Contact]:
        # One stable pass per key, last key first; contacts without a value always go last.
        for getter, descending in reversed(keys):
            present = [c for c in contacts if getter(c) is not None]
            missing = [c for c in contacts if getter(c) is None]
            present.sort(key=getter, reverse=descending)
            contacts = present + missing
        return contacts

    return order


def _cursor(contact: Contact, sort: list[dict[str, Any]]) -> list[Any]:
    values = [FIELDS[item["field"]](contact) for item in sort]
    return [*values, contact["dateAdded"], contact["id"]]
