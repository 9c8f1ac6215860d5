"""Check custom field values written to a contact, per the field's `dataType`.

A write item names its field by `id`, or by `key` without the `contact.` prefix (the spec's
example); the value goes in `field_value` (the 2021-07-28 spec) or `fieldValue` (the newer
spelling users report working). `null` or `""` clears the field.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sandbox.highlevel.definitions import MULTI_CHOICE, SINGLE_CHOICE

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ITEM_KEYS = frozenset({"id", "key", "field_value", "fieldValue"})
_STRING_TYPES = frozenset({"TEXT", "LARGE_TEXT", "PHONE"})


class CustomFieldWriter:
    """Validate `customFields` write items against the location's contact field definitions."""

    def __init__(self, definitions: list[dict[str, Any]]) -> None:
        contact_fields = [d for d in definitions if d["model"] == "contact"]
        self._by_id = {d["id"]: d for d in contact_fields}
        self._by_key = {d["fieldKey"].removeprefix("contact."): d for d in contact_fields}

    def check(self, items: Any, messages: list[str]) -> dict[str, Any]:
        """Return `{fieldId: value or None}`; append a sentence to `messages` per problem."""
        if not isinstance(items, list):
            messages.append("customFields must be an array")
            return {}
        values: dict[str, Any] = {}
        for index, item in enumerate(items):
            path = f"customFields.{index}"
            if not isinstance(item, dict):
                messages.append(f"{path} must be an object")
                continue
            messages.extend(
                f"property {path}.{key} should not exist" for key in item if key not in _ITEM_KEYS
            )
            definition = self._definition(item, path, messages)
            if definition is None:
                continue
            raw = item.get("field_value", item.get("fieldValue"))
            if raw is None or raw == "":
                values[definition["id"]] = None
                continue
            problem = _problem(definition, raw)
            if problem:
                messages.append(f"{path}.field_value {problem}")
            else:
                values[definition["id"]] = _normalise(definition, raw)
        return values

    def _definition(
        self, item: dict[str, Any], path: str, messages: list[str]
    ) -> dict[str, Any] | None:
        field_id, key = item.get("id"), item.get("key")
        if field_id is not None:
            if not isinstance(field_id, str) or field_id not in self._by_id:
                messages.append(f"{path}.id must be the id of a contact custom field")
                return None
            return self._by_id[field_id]
        if isinstance(key, str) and key in self._by_key:
            return self._by_key[key]
        messages.append(f"{path} must name a contact custom field by id or key")
        return None


def _problem(definition: dict[str, Any], raw: Any) -> str | None:
    data_type = definition["dataType"]
    options = definition.get("picklistOptions") or []
    if data_type in _STRING_TYPES:
        return None if isinstance(raw, str) else "must be a string"
    if data_type == "EMAIL":
        return None if isinstance(raw, str) and _EMAIL.match(raw) else "must be an email"
    if data_type in ("NUMERICAL", "MONETORY"):
        number = isinstance(raw, int | float) and not isinstance(raw, bool)
        return None if number else "must be a number"
    if data_type in SINGLE_CHOICE:
        return None if raw in options else f"must be one of: {', '.join(options)}"
    if data_type in MULTI_CHOICE:
        valid = isinstance(raw, list) and all(value in options for value in raw)
        return None if valid else f"must be an array of: {', '.join(options)}"
    if data_type == "DATE":
        return None if isinstance(raw, str) and _is_date(raw) else "must be a date (YYYY-MM-DD)"
    if data_type == "TEXTBOX_LIST":
        labels = {option["label"] for option in definition.get("textBoxListOptions", [])}
        valid = isinstance(raw, dict) and all(
            label in labels and isinstance(text, str) for label, text in raw.items()
        )
        return None if valid else f"must be an object keyed by: {', '.join(sorted(labels))}"
    if data_type == "FILE_UPLOAD":
        valid = isinstance(raw, dict) and all(
            isinstance(entry, dict) and isinstance(entry.get("url"), str) for entry in raw.values()
        )
        return None if valid else "must be an object of {uuid: {meta, url, documentId}}"
    return f"cannot be written (unknown dataType {data_type})"


def _normalise(definition: dict[str, Any], raw: Any) -> Any:
    if definition["dataType"] in MULTI_CHOICE:
        return list(dict.fromkeys(raw))
    return raw.strip() if isinstance(raw, str) else raw


def _is_date(text: str) -> bool:
    try:
        datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        return False
    return True
